//! Why a plan was refused.

use super::simulate::Violation;
use crate::diagnostic::{Diagnostic, Report};
use crate::text::escape_controls;

/// A request the planner refuses, with the reason and what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// The desired topology has check errors; `report` is that check, warnings included.
    #[error(
        "the desired topology has {} error(s); fix them first (run `rctopo check`): {}",
        .report.errors(),
        .report.first_error()
    )]
    DesiredHasErrors {
        /// The desired topology's check.
        report: Report,
    },
    /// A policy setting is out of range.
    #[error("policy.{field}: {message}")]
    InvalidPolicy {
        /// The setting (`max_unavailable`, ...).
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// Neither an instance may be down nor one added: nothing could ever restart.
    #[error("policy: max_unavailable and max_surge are both 0, so no instance may ever restart; allow at least one (e.g. max_unavailable = 1)")]
    ZeroBudget,
    /// Only surge instances may carry the rollout, and no host has a core for one.
    #[error("policy: max_unavailable resolves to 0 and max_surge needs spare cores, but no host has a core to spare (cores - instances = 0 everywhere); set max_unavailable >= 1")]
    NoSurgeRoom,
    /// The desired topology removes every instance.
    #[error("the desired topology has no instances: removing every instance is an outage, not a rollout; keep at least one")]
    RemovesEveryInstance,
    /// `rocketchat.version` is not `MAJOR.MINOR.PATCH`.
    #[error("rocketchat.version `{}` is not a version: expected MAJOR.MINOR.PATCH, e.g. `7.11.0`", escape_controls(.version))]
    BadVersion {
        /// The text given.
        version: String,
    },
    /// The desired Rocket.Chat release does not support the deployed MongoDB.
    #[error("Rocket.Chat {rocketchat} does not support the deployed MongoDB {mongo} (supported: {supported}); upgrade MongoDB first, then Rocket.Chat")]
    MongoUnsupported {
        /// The desired Rocket.Chat release.
        rocketchat: String,
        /// The MongoDB release the deployment runs.
        mongo: String,
        /// The MongoDB releases that Rocket.Chat release supports.
        supported: String,
    },
    /// A Rocket.Chat downgrade across a change of the MongoDB it requires.
    #[error("downgrading Rocket.Chat {from} -> {to} crosses a MongoDB requirement (MongoDB >= {from_floor} for {from}, >= {to_floor} for {to}); the database was migrated for {from}: restore a backup instead")]
    DowngradeAcrossMongo {
        /// The running release.
        from: String,
        /// The desired, older release.
        to: String,
        /// The oldest MongoDB `from` supports.
        from_floor: String,
        /// The oldest MongoDB `to` supports.
        to_floor: String,
    },
    /// A Rocket.Chat upgrade that skips a major release.
    #[error("Rocket.Chat {from} -> {to} skips a major release: each major migrates only a database the previous major migrated (\"UPGRADE NOT SUPPORTED\"); upgrade to {path} first, one rollout each, then to {to}")]
    SkipsMajor {
        /// The running release.
        from: String,
        /// The desired release.
        to: String,
        /// The releases to upgrade through first.
        path: String,
    },
    /// A Rocket.Chat downgrade onto a database the newer release migrated.
    #[error("downgrading Rocket.Chat {from} -> {to}: {from} has migrated the database and {to} cannot run on it; restore the backup taken before the upgrade (mongorestore --drop) and start {to} from its staged release instead")]
    DowngradeAcrossMigration {
        /// The running release.
        from: String,
        /// The desired, older release.
        to: String,
    },
    /// A MongoDB downgrade.
    #[error("MongoDB {from} -> {to} is a downgrade: MongoDB binaries go back only with MongoDB support once the feature compatibility version was raised; restore a backup into a {to} replica set instead")]
    MongoDowngrade {
        /// The running MongoDB release.
        from: String,
        /// The desired, older one.
        to: String,
    },
    /// A release setting the plan's commands cannot use.
    #[error("rocketchat.{field} `{value}` cannot be used in a plan: {expected}")]
    BadReleaseSetting {
        /// The setting (`version`, `backup_dir`, ...).
        field: &'static str,
        /// Its value.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// A change to the replica set's shape, which the planner does not make.
    #[error("mongo.{field} changes from `{from}` to `{to}`: the planner upgrades MongoDB's version but does not reshape the replica set; change it first (rs.reconfig, or an initial sync for a new storage engine), then describe it in both files")]
    MongoChange {
        /// The setting (`replica_set`, ...).
        field: &'static str,
        /// Its current value.
        from: String,
        /// Its desired value.
        to: String,
    },
    /// The proxy moves to another machine or kind.
    #[error("proxy {what} changes from `{from}` to `{to}`: moving or replacing the proxy cannot be done without a gap; install the new proxy beside the old one and switch DNS")]
    ProxyMove {
        /// What changes (`kind`, `host`).
        what: &'static str,
        /// The current value.
        from: String,
        /// The desired value.
        to: String,
    },
    /// Instances swap TCP ports, so none can start first.
    #[error("instances {instances} swap TCP_PORTs, so none can start before another stops; move them in two rollouts: first to TCP ports nothing uses, then to the final ones")]
    PortCycle {
        /// The instances in the cycle.
        instances: String,
    },
    /// The current topology has errors that make acting on it unsafe.
    #[error("the current topology cannot be planned from ({errors} error(s) that make its ports or names unsafe to act on); describe the running deployment as it is: {first}")]
    CurrentUnsafe {
        /// How many such errors.
        errors: usize,
        /// The first of them.
        first: String,
    },
    /// A machine name or address that could break out of a command or configuration.
    #[error("{field} `{}` cannot be used in a plan: machine names and addresses may hold only letters, digits, `.`, `-`, `_`, `:` and IPv6 brackets (they reach shell commands and proxy configurations)", escape_controls(.value))]
    UnsafeName {
        /// Where the name is.
        field: String,
        /// The name.
        value: String,
    },
    /// No port is free for a surge instance.
    #[error("no free port above {from} on host `{host}` for a surge instance; lower max_surge")]
    NoSurgePort {
        /// The host.
        host: String,
        /// The port the search started above.
        from: u16,
    },
    /// Instances retired early (a restarting instance needs their TCP_PORT) stay out of service
    /// until their replacements can start, and that uses up the budget before the rollout ends.
    #[error("instances {retired} must stop early (restarting instances need their TCP_PORTs) and their replacements can start only once other instances have moved off the TCP_PORTs they need; with max_unavailable = {max_unavailable} and max_surge = {max_surge} no wave is left room to restart the rest: raise max_unavailable to {} or max_surge to {}, or move the TCP ports in two rollouts (first to TCP ports nothing uses)", .max_unavailable + .more, .max_surge + .more)]
    RetirementsLeaveNoRoom {
        /// The retired instances out of service when no room was left.
        retired: String,
        /// The policy's max_unavailable, resolved to a count.
        max_unavailable: usize,
        /// The surge instances the policy allows.
        max_surge: usize,
        /// How many more instances must be allowed out of service (or surge) at once.
        more: usize,
    },
    /// The planner's own plan failed its simulation: a bug.
    #[error("internal: the generated plan failed simulation ({0}); please report this")]
    Unsafe(Violation),
}

impl PlanError {
    /// The check errors behind a refusal, for callers that show them beside the message: the
    /// desired topology's errors when those are the reason, none otherwise.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        match self {
            PlanError::DesiredHasErrors { report } => report.error_diagnostics().cloned().collect(),
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Severity;
    use crate::{example, plan, Layout, Policy};

    #[test]
    fn a_desired_topology_with_errors_gives_its_error_diagnostics() {
        let mut t = example::topology();
        let first = t.hosts[0].clone();
        t.hosts.push(first);
        let desired = Layout::resolve(&t);
        let e = plan(None, &desired, &Policy::default()).expect_err("duplicate host refused");
        let diagnostics = e.diagnostics();
        assert!(!diagnostics.is_empty());
        assert!(diagnostics.iter().all(|d| d.severity == Severity::Error));
    }

    #[test]
    fn other_refusals_give_no_diagnostics() {
        assert!(PlanError::ZeroBudget.diagnostics().is_empty());
    }
}
