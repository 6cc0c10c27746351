//! The live probe: what the running replica set says, judged the way `check` judges the file.
//!
//! `check` reads the topology file only; it cannot see that a member is down, that the server
//! runs another release than `mongo.version`, or that Rocket.Chat's user may not run
//! `replSetGetStatus` (so it falls back from change streams). `probe` (feature `live`) asks every
//! member directly (one direct connection per member, so a set without a primary is described
//! instead of timing out in server selection) and reports diagnostics of the same shape as
//! `check`, in their own family (L, live). The rules are always compiled (`rctopo rules` and
//! docs/rules.md list them with the checker's); the network part needs the cargo feature `live`,
//! which brings MongoDB's Rust driver.

mod rules;

#[cfg(feature = "live")]
mod live;

pub use rules::FAMILY;

#[cfg(feature = "live")]
pub use live::probe;

use crate::diagnostic::Report;
use serde::Serialize;
use std::time::Duration;

/// How the probe talks to the servers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProbeOptions {
    /// How long each phase (member commands, then the oplog read) may take in all. A member that
    /// has not answered by then is reported unreachable.
    pub timeout: Duration,
}

impl Default for ProbeOptions {
    fn default() -> Self {
        ProbeOptions {
            timeout: Duration::from_secs(5),
        }
    }
}

/// What one member said about itself.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MemberSummary {
    /// `host:port` as asked.
    pub host: String,
    /// Whether it answered `hello` (even if later commands failed).
    pub reachable: bool,
    /// `PRIMARY`, `SECONDARY`, `ARBITER`, ... as the member reports itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub state: Option<String>,
    /// `buildInfo.version`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}

/// The result of a probe: the diagnostics and, per member asked, what it answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ProbeReport {
    /// The L rules' diagnostics.
    pub report: Report,
    /// What each member asked answered.
    pub members: Vec<MemberSummary>,
}

impl ProbeReport {
    /// Whether no member answered at all (the CLI exits 2: there is nothing to judge).
    pub fn nothing_reachable(&self) -> bool {
        !self.members.iter().any(|m| m.reachable)
    }

    /// `check`'s JSON shape plus the members:
    /// `{"diagnostics": [...], "errors": n, "warnings": n, "members": [...]}`.
    pub fn to_json(&self) -> serde_json::Value {
        let mut json = self.report.to_json();
        json["members"] = serde_json::to_value(&self.members).unwrap_or_default();
        json
    }
}

/// Why a probe could not start: the input gives nothing to ask.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ProbeError {
    /// The driver refuses the URL (the message never holds its password).
    #[error("{field}: MongoDB's driver cannot use this URL: {message}")]
    Url {
        /// `mongo.url` or `mongo.oplog_url`.
        field: String,
        /// The driver's reason.
        message: String,
    },
    /// Neither `mongo.members` nor the URL names a host.
    #[error("no MongoDB host to probe: list `mongo.members` or hosts in `mongo.url`")]
    NoHosts,
    /// The async runtime the driver needs could not start (out of threads or file descriptors).
    #[error("cannot start the MongoDB driver's runtime: {0}")]
    Runtime(String),
}
