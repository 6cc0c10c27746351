//! What a plan does: typed actions, and steps that place them on a machine in a wave.
//! No action carries file contents: environment files hold secrets, so a `write_file` names the
//! rendered file to install (`rctopo render --target all --out DIR`), never its text.

use serde::Serialize;

/// Which layout a file is rendered from: the desired one for the rollout, the current one for
/// rollbacks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Current,
    Desired,
}

/// A non-secret variable rewritten in a copied environment file (a surge instance reuses a
/// rendered env file with its own PORT and TCP_PORT).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EnvOverride {
    pub name: String,
    pub value: String,
}

/// Where a written file comes from: `<render dir of side>/<rendered>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FileSource {
    pub side: Side,
    /// Path relative to the render directory: `<machine>/<install path>`.
    pub rendered: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub overrides: Vec<EnvOverride>,
}

/// One thing to do on one machine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    WriteFile {
        path: String,
        mode: u32,
        source: FileSource,
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
    },
    RemoveFile {
        path: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
    },
    DaemonReload,
    EnableUnit {
        unit: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
    },
    DisableUnit {
        unit: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
    },
    StartUnit {
        unit: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
    },
    StopUnit {
        unit: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        instance: Option<String>,
    },
    /// Take an instance out of the proxy's pending configuration (effective at the next reload).
    ProxyRemove {
        instance: String,
        upstream: String,
        server: String,
    },
    /// Put a healthy instance into the proxy's pending configuration.
    ProxyAdd {
        instance: String,
        upstream: String,
        server: String,
    },
    ProxyValidate,
    ProxyReload,
    WaitHealthy {
        instance: String,
        url: String,
        deadline_seconds: u32,
        interval_seconds: u32,
        min_healthy_seconds: u32,
        /// The release the instance must report on `GET /api/info` before its health URL
        /// counts (set after a restart onto another release). Without login Rocket.Chat reports
        /// `major.minor` only, which is what the shell compares.
        #[serde(skip_serializing_if = "Option::is_none")]
        expect_version: Option<String>,
    },
    /// Fetch a release tarball (unless `dir` already holds it), verify its checksum when one is
    /// given, unpack it into `<dir>/bundle` and install its dependencies
    /// (`npm install --production` in `bundle/programs/server`). Idempotent.
    StageRelease {
        version: String,
        url: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        checksum: Option<String>,
        dir: String,
    },
    /// Make one instance run a staged release: a systemd drop-in
    /// (`rocketchat@<port>.service.d/release.conf`) sets its working directory and `main.js`,
    /// then systemd reloads. A crash-restart of the instance keeps this release.
    UseRelease {
        instance: String,
        unit: String,
        version: String,
        dir: String,
        node: String,
    },
    /// Remove staged releases beyond the `keep` most recent, never one in `protect`.
    PruneReleases {
        dir: String,
        keep: u32,
        protect: Vec<String>,
    },
    /// Dump the Rocket.Chat database (MONGO_URL of `env_file`) to `archive`, before the first
    /// instance of a new release migrates it.
    Backup {
        env_file: String,
        archive: String,
    },
    /// Restore the Rocket.Chat database from `archive` (`mongorestore --drop`), with every
    /// instance stopped.
    Restore {
        env_file: String,
        archive: String,
    },
    /// Step a replica set member down if it is the primary, and wait until another is elected.
    MongoStepDown {
        member: String,
    },
    /// Install the MongoDB server package of `version` (`major.minor`) on this machine; running
    /// mongod processes keep their binary until they restart.
    MongoInstall {
        version: String,
    },
    /// Wait until a restarted member is SECONDARY (or PRIMARY) again and has caught up.
    MongoWaitMember {
        member: String,
        deadline_seconds: u32,
    },
    /// `setFeatureCompatibilityVersion` on the replica set, once every member runs the binary.
    MongoSetFcv {
        replica_set: String,
        seeds: String,
        version: String,
        /// `confirm: true`, which MongoDB requires from 7.0.
        confirm: bool,
    },
    WaitDrained {
        seconds: u32,
    },
    MongoInitiate {
        replica_set: String,
        /// The `rs.initiate` document: `{_id, members: [{_id, host, arbiterOnly?, votes?, priority?, hidden?}]}`.
        config: serde_json::Value,
        /// The initiating member's port (the step connects to it on loopback).
        port: u32,
        /// Users to create after initiating, administrator first:
        /// `[{user, auth_db, roles: [{role, db}], password_env}]`; passwords come from the
        /// named environment variables when the step runs.
        users: serde_json::Value,
    },
    /// Install the replica set keyfile: generate it (`from` absent) or copy it from `from`.
    MongoKeyfile {
        path: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        from: Option<String>,
    },
    /// Manual confirmation before the rollout continues.
    Gate {
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
            | Action::UseRelease { instance, .. } => Some(instance),
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

/// One ordered step of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// 1-based position in the plan (rollback steps number on their own).
    pub id: u32,
    pub wave: u32,
    /// The machine the step runs on.
    pub host: String,
    pub action: Action,
    pub description: String,
}
