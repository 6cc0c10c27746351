//! What a plan does: typed actions, and steps that place them on a machine in a wave.
//! No action carries file contents: environment files hold secrets, so a `write_file` names the
//! rendered file to install (`rctopo render --target all --out DIR`), never its text.
//!
//! Text that many steps repeat (a machine's name, an instance's id, unit, proxy names, health
//! URL, env file and release) is an [`Arc<str>`]: the planner makes it once per instance and
//! each step holds another reference, where owned strings cost an allocation and a copy per
//! step. It serializes as a plain string and reads as `&str` through `&*field` or
//! `field.as_ref()` (`&*step.host == "app1"`). Text written for one step only stays a `String`.

use super::description::Description;
use serde::Serialize;
use std::sync::Arc;

/// Which layout a file is rendered from: the desired one for the rollout, the current one for
/// rollbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
// Not `non_exhaustive`: a file comes from one of the two layouts a plan joins, and no third.
pub enum Side {
    /// The layout the deployment runs now.
    Current,
    /// The layout the plan leads to.
    Desired,
}

/// A non-secret variable rewritten in a copied environment file (a surge instance reuses a
/// rendered env file with its own PORT and TCP_PORT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvOverride {
    /// The variable (`PORT`, `TCP_PORT`).
    pub name: String,
    /// Its new value.
    pub value: String,
}

/// Where a written file comes from: `<render dir of side>/<rendered>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSource {
    /// Which layout's render directory holds the file.
    pub side: Side,
    /// Path relative to the render directory: `<machine>/<install path>`. Shared: an instance's
    /// env file is installed by every start of that instance.
    pub rendered: Arc<str>,
    /// Variables rewritten in the installed copy (a surge instance's ports).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<EnvOverride>,
}

/// One thing to do on one machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Action {
    /// Install a rendered file at `path` with `mode`.
    WriteFile {
        /// Where the file goes on the machine.
        path: Arc<str>,
        /// Its permission bits (`0o600` for environment files).
        mode: u32,
        /// The rendered file to install.
        source: FileSource,
        /// The instance (`host:port`) it concerns, when it concerns one.
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<Arc<str>>,
    },
    /// Delete a file (an env file of a removed instance).
    RemoveFile {
        /// The file on the machine.
        path: Arc<str>,
        /// The instance (`host:port`) it concerns, when it concerns one.
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<Arc<str>>,
    },
    /// `systemctl daemon-reload` (or the command set's equivalent).
    DaemonReload,
    /// Enable a unit at boot.
    EnableUnit {
        /// The systemd unit (`rocketchat@3000.service`).
        unit: Arc<str>,
        /// The instance (`host:port`) it concerns, when it concerns one.
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<Arc<str>>,
    },
    /// Disable a unit at boot.
    DisableUnit {
        /// The systemd unit.
        unit: Arc<str>,
        /// The instance (`host:port`) it concerns, when it concerns one.
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<Arc<str>>,
    },
    /// Start a unit.
    StartUnit {
        /// The systemd unit.
        unit: Arc<str>,
        /// The instance (`host:port`) it concerns, when it concerns one.
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<Arc<str>>,
    },
    /// Stop a unit.
    StopUnit {
        /// The systemd unit.
        unit: Arc<str>,
        /// The instance (`host:port`) it concerns, when it concerns one.
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<Arc<str>>,
    },
    /// Take an instance out of the proxy's pending configuration (effective at the next reload).
    ProxyRemove {
        /// The instance (`host:port`).
        instance: Arc<str>,
        /// The address the proxy reaches it at (`10.0.0.5:3000`).
        upstream: Arc<str>,
        /// Its server name in the proxy's backend.
        server: Arc<str>,
    },
    /// Put a healthy instance into the proxy's pending configuration.
    ProxyAdd {
        /// The instance (`host:port`).
        instance: Arc<str>,
        /// The address the proxy reaches it at (`10.0.0.5:3000`).
        upstream: Arc<str>,
        /// Its server name in the proxy's backend.
        server: Arc<str>,
    },
    /// Check the proxy's pending configuration (`nginx -t`, ...) before it is loaded.
    ProxyValidate,
    /// Load the proxy's pending configuration (a reload, not a restart).
    ProxyReload,
    /// Poll an instance's health URL until it answers, failing the rollout at the deadline.
    WaitHealthy {
        /// The instance (`host:port`).
        instance: Arc<str>,
        /// Its health URL.
        url: Arc<str>,
        /// How long to wait before the rollout stops.
        deadline_seconds: u32,
        /// Seconds between two polls.
        interval_seconds: u32,
        /// How long it must stay healthy after its first good answer.
        min_healthy_seconds: u32,
        /// The release the instance must report on `GET /api/info` before its health URL
        /// counts (set after a restart onto another release). Without login Rocket.Chat reports
        /// `major.minor` only, which is what the shell compares.
        #[serde(skip_serializing_if = "Option::is_none")]
        expect_version: Option<Arc<str>>,
    },
    /// Fetch a release tarball (unless `dir` already holds it), verify its checksum when one is
    /// given, unpack it into `<dir>/bundle` and install its dependencies
    /// (`npm install --production` in `bundle/programs/server`). Idempotent.
    StageRelease {
        /// The Rocket.Chat release (`7.11.0`).
        version: String,
        /// Where the tarball comes from (`https://`, `file://` or a path).
        url: String,
        /// Its SHA-256, when known.
        #[serde(skip_serializing_if = "Option::is_none")]
        checksum: Option<String>,
        /// The directory the release is staged in.
        dir: String,
    },
    /// Make one instance run a staged release: a systemd drop-in
    /// (`rocketchat@<port>.service.d/release.conf`) sets its working directory and `main.js`,
    /// then systemd reloads. A crash-restart of the instance keeps this release.
    UseRelease {
        /// The instance (`host:port`).
        instance: Arc<str>,
        /// Its systemd unit.
        unit: Arc<str>,
        /// The release it runs from now on.
        version: Arc<str>,
        /// The staged release's bundle directory.
        dir: Arc<str>,
        /// The Node.js binary that runs it.
        node: Arc<str>,
    },
    /// Remove staged releases beyond the `keep` most recent, never one in `protect`.
    PruneReleases {
        /// The directory releases are staged in.
        dir: String,
        /// How many of the most recent to keep.
        keep: u32,
        /// Releases never removed (those the current and desired layouts run).
        protect: Vec<String>,
    },
    /// Dump the Rocket.Chat database (MONGO_URL of `env_file`) to `archive`, before the first
    /// instance of a new release migrates it.
    Backup {
        /// The environment file whose MONGO_URL names the database.
        env_file: String,
        /// The dump (a gzip archive).
        archive: String,
    },
    /// Restore the Rocket.Chat database from `archive` (`mongorestore --drop`), with every
    /// instance stopped.
    Restore {
        /// The environment file whose MONGO_URL names the database.
        env_file: String,
        /// The dump (a gzip archive).
        archive: String,
    },
    /// Step a replica set member down if it is the primary, and wait until another is elected.
    MongoStepDown {
        /// The member (`host:port`).
        member: String,
    },
    /// Install the MongoDB server package of `version` (`major.minor`) on this machine; running
    /// mongod processes keep their binary until they restart.
    MongoInstall {
        /// The release series (`7.0`).
        version: String,
    },
    /// Wait until a restarted member is SECONDARY (or PRIMARY) again and has caught up.
    MongoWaitMember {
        /// The member (`host:port`).
        member: String,
        /// How long to wait before the rollout stops.
        deadline_seconds: u32,
    },
    /// `setFeatureCompatibilityVersion` on the replica set, once every member runs the binary.
    MongoSetFcv {
        /// The replica set's name.
        replica_set: String,
        /// `<set>/<host:port,...>`: the seed list that reaches the primary.
        seeds: String,
        /// The feature compatibility version (`7.0`).
        version: String,
        /// `confirm: true`, which MongoDB requires from 7.0.
        confirm: bool,
    },
    /// Wait so the clients of instances just taken out of the proxy reconnect elsewhere.
    WaitDrained {
        /// How long.
        seconds: u32,
    },
    /// Initiate the replica set once, and create its users.
    MongoInitiate {
        /// The replica set's name.
        replica_set: String,
        /// The `rs.initiate` document: `{_id, members: [{_id, host, arbiterOnly?, votes?, priority?, hidden?}]}`.
        /// Boxed, like `users`: a plan holds at most one such step, and inline the two documents
        /// would make every action (and so every step) about twice its size.
        config: Box<serde_json::Value>,
        /// The initiating member's port (the step connects to it on loopback).
        port: u32,
        /// Users to create after initiating, administrator first:
        /// `[{user, auth_db, roles: [{role, db}], password_env}]`; passwords come from the
        /// named environment variables when the step runs.
        users: Box<serde_json::Value>,
    },
    /// Install the replica set keyfile: generate it (`from` absent) or copy it from `from`.
    MongoKeyfile {
        /// Where the keyfile goes.
        path: String,
        /// The machine whose keyfile is copied; absent on the machine that generates it.
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// Manual confirmation before the rollout continues.
    Gate {
        /// What the operator confirms.
        reason: String,
    },
}

impl Action {
    /// The instance (`host:port`) this action concerns, if it concerns one.
    pub fn instance(&self) -> Option<&str> {
        match self {
            Action::WriteFile { instance, .. }
            | Action::RemoveFile { instance, .. }
            | Action::EnableUnit { instance, .. }
            | Action::DisableUnit { instance, .. }
            | Action::StartUnit { instance, .. }
            | Action::StopUnit { instance, .. } => instance.as_deref(),
            Action::ProxyRemove { instance, .. }
            | Action::ProxyAdd { instance, .. }
            | Action::WaitHealthy { instance, .. }
            | Action::UseRelease { instance, .. } => Some(instance.as_ref()),
            _ => None,
        }
    }

    /// The serde tag (`write_file`, ...).
    pub fn kind(&self) -> &'static str {
        match self {
            Action::WriteFile { .. } => "write_file",
            Action::RemoveFile { .. } => "remove_file",
            Action::DaemonReload => "daemon_reload",
            Action::EnableUnit { .. } => "enable_unit",
            Action::DisableUnit { .. } => "disable_unit",
            Action::StartUnit { .. } => "start_unit",
            Action::StopUnit { .. } => "stop_unit",
            Action::ProxyRemove { .. } => "proxy_remove",
            Action::ProxyAdd { .. } => "proxy_add",
            Action::ProxyValidate => "proxy_validate",
            Action::ProxyReload => "proxy_reload",
            Action::WaitHealthy { .. } => "wait_healthy",
            Action::WaitDrained { .. } => "wait_drained",
            Action::MongoInitiate { .. } => "mongo_initiate",
            Action::StageRelease { .. } => "stage_release",
            Action::UseRelease { .. } => "use_release",
            Action::PruneReleases { .. } => "prune_releases",
            Action::Backup { .. } => "backup",
            Action::Restore { .. } => "restore",
            Action::MongoStepDown { .. } => "mongo_step_down",
            Action::MongoInstall { .. } => "mongo_install",
            Action::MongoWaitMember { .. } => "mongo_wait_member",
            Action::MongoSetFcv { .. } => "mongo_set_fcv",
            Action::MongoKeyfile { .. } => "mongo_keyfile",
            Action::Gate { .. } => "gate",
        }
    }
}

/// One ordered step of a plan. It serializes as `{"id", "wave", "host", "action",
/// "description"}`, the description as a string.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// 1-based position in the plan (rollback steps number on their own).
    pub id: u32,
    /// The wave it belongs to: steps of one wave run together, waves in order.
    pub wave: u32,
    /// The machine the step runs on. Shared with the other steps on that machine (see the
    /// module documentation); `&*step.host` reads it as `&str`.
    pub host: Arc<str>,
    /// What it does.
    pub action: Action,
    /// Which words describe it (the text and shell outputs print them): most steps' words are
    /// written from the action when printed. [`Step::description`] writes them.
    pub description: Description,
}

impl Serialize for Step {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        super::summary::InWave(self.wave, self).serialize(serializer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A plan of 15,000 instances holds hundreds of thousands of steps: every byte of a step is
    /// memory the planner writes and the simulator and the outputs read again.
    #[test]
    fn steps_stay_small() {
        assert!(
            std::mem::size_of::<Action>() <= 96,
            "{}",
            std::mem::size_of::<Action>()
        );
        assert!(
            std::mem::size_of::<Step>() <= 144,
            "{}",
            std::mem::size_of::<Step>()
        );
    }
}
