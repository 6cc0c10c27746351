use super::redact;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// The Rocket.Chat application shared by every instance. `Debug` hides the TRANSPORTER password
/// and secret-named `env` values.
#[derive(Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RocketChat {
    /// Release, e.g. `7.10.0`. Drives version rules, the health endpoint and oplog advice.
    pub version: String,
    /// `community` or `enterprise`. Enterprise (with the `scalability` module) silences the
    /// note that Community Edition loses cross-instance ephemeral events from 6.0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub edition: Option<Edition>,
    /// Directory of the unpacked bundle (holds `main.js`).
    #[serde(default = "default_bundle")]
    pub bundle: String,
    /// Absolute path of the Node.js binary.
    #[serde(default = "default_node")]
    pub node: String,
    /// The Node.js release installed at `node` (`node --version`, e.g. `22.16.0`): Rocket.Chat
    /// exits at startup on a major other than the one its release was built for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub node_version: Option<String>,
    /// System user the instances run as.
    #[serde(default = "default_user")]
    pub user: String,
    /// System group; defaults to the user's name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// File-system upload directory, kept writable by the hardened unit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uploads_path: Option<String>,
    /// TRANSPORTER, e.g. `monolith+nats://nats:4222`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transporter: Option<String>,
    /// BIND_IP for every instance (default 0.0.0.0, Rocket.Chat's own default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind_ip: Option<String>,
    /// First TCP_PORT for instance-to-instance traffic; instance i on a host gets base + i.
    /// A host's own `tcp_base_port` wins. Unset means TCP_PORT=0 (random port).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tcp_base_port: Option<u32>,
    /// Extra environment for every instance (OVERWRITE_SETTING_*, etc.).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub env: BTreeMap<String, String>,
    /// Where an upgrade fetches a release tarball: `{version}` is replaced by the release. An
    /// https:// or file:// URL, or a local path. Default: Rocket.Chat's official download
    /// location, `https://releases.rocket.chat/{version}/download`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_url: Option<String>,
    /// SHA-256 of the tarball of `version` (64 hex digits); staging fails on a mismatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checksum: Option<String>,
    /// Directory that holds one directory per staged release (`<releases_dir>/<version>/bundle`).
    #[serde(default = "default_releases_dir")]
    pub releases_dir: String,
    /// Staged releases kept after an upgrade (the running one included), for a manual restore.
    #[serde(default = "default_releases_kept")]
    pub releases_kept: u32,
    /// Directory the pre-upgrade `mongodump` archive is written to.
    #[serde(default = "default_backup_dir")]
    pub backup_dir: String,
}

impl fmt::Debug for RocketChat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RocketChat")
            .field("version", &self.version)
            .field("edition", &self.edition)
            .field("bundle", &self.bundle)
            .field("node", &self.node)
            .field("node_version", &self.node_version)
            .field("user", &self.user)
            .field("group", &self.group)
            .field("uploads_path", &self.uploads_path)
            .field("transporter", &redact::url(&self.transporter))
            .field("bind_ip", &self.bind_ip)
            .field("tcp_base_port", &self.tcp_base_port)
            .field("env", &redact::Env(&self.env))
            .field("release_url", &self.release_url)
            .field("checksum", &self.checksum)
            .field("releases_dir", &self.releases_dir)
            .field("releases_kept", &self.releases_kept)
            .field("backup_dir", &self.backup_dir)
            .finish()
    }
}

/// The Rocket.Chat edition (licence).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Edition {
    /// Community Edition, without an Enterprise licence.
    Community,
    /// Enterprise, with a licence that includes the `scalability` module.
    Enterprise,
}

fn default_bundle() -> String {
    "/opt/rocket.chat/bundle".into()
}
fn default_node() -> String {
    "/usr/local/bin/node".into()
}
fn default_user() -> String {
    "rocketchat".into()
}
fn default_releases_dir() -> String {
    "/opt/rocket.chat/releases".into()
}
fn default_releases_kept() -> u32 {
    3
}
fn default_backup_dir() -> String {
    "/var/backups/rocketchat".into()
}

/// Rocket.Chat's official download location of a release tarball (the official Docker image
/// fetches `https://releases.rocket.chat/${RC_VERSION}/download`).
pub const OFFICIAL_RELEASE_URL: &str = "https://releases.rocket.chat/{version}/download";

impl RocketChat {
    /// The unit's group: `group`, else the user's name.
    pub fn group(&self) -> &str {
        self.group.as_deref().unwrap_or(&self.user)
    }

    /// The tarball URL of `version`: `release_url` (or the official location) with `{version}`
    /// filled in.
    pub fn release_url_of(&self, version: &str) -> String {
        self.release_url
            .as_deref()
            .unwrap_or(OFFICIAL_RELEASE_URL)
            .replace("{version}", version)
    }

    /// `<releases_dir>/<version>`, the directory a release is staged into (its `bundle` inside).
    pub fn release_dir(&self, version: &str) -> String {
        format!("{}/{version}", self.releases_dir.trim_end_matches('/'))
    }
}
