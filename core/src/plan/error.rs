//! Why a plan was refused.

use super::simulate::Violation;
use crate::diagnostic::{Diagnostic, Report};
use crate::text::escape_controls;

/// A request the planner refuses, with the reason and what to change.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlanError {
    /// The desired topology has check errors; `report` is that check, warnings included.
    #[error(
        "the desired topology has {} error(s); fix them first (run `rctopo check`): {}",
        .report.errors(),
        .report.first_error()
    )]
    DesiredHasErrors { report: Report },
    #[error("policy.{field}: {message}")]
    InvalidPolicy {
        field: &'static str,
        message: String,
    },
    #[error("policy: max_unavailable and max_surge are both 0, so no instance may ever restart; allow at least one (e.g. max_unavailable = 1)")]
    ZeroBudget,
    #[error("policy: max_unavailable resolves to 0 and max_surge needs spare cores, but no host has a core to spare (cores - instances = 0 everywhere); set max_unavailable >= 1")]
    NoSurgeRoom,
    #[error("the desired topology has no instances: removing every instance is an outage, not a rollout; keep at least one")]
    RemovesEveryInstance,
    #[error("rocketchat.version `{}` is not a version: expected MAJOR.MINOR.PATCH, e.g. `7.11.0`", escape_controls(.version))]
    BadVersion { version: String },
    #[error("Rocket.Chat {rocketchat} does not support the deployed MongoDB {mongo} (supported: {supported}); upgrade MongoDB first, then Rocket.Chat")]
    MongoUnsupported {
        rocketchat: String,
        mongo: String,
        supported: String,
    },
    #[error("downgrading Rocket.Chat {from} -> {to} crosses a MongoDB requirement (MongoDB >= {from_floor} for {from}, >= {to_floor} for {to}); the database was migrated for {from}: restore a backup instead")]
    DowngradeAcrossMongo {
        from: String,
        to: String,
        from_floor: String,
        to_floor: String,
    },
    #[error("Rocket.Chat {from} -> {to} skips a major release: each major migrates only a database the previous major migrated (\"UPGRADE NOT SUPPORTED\"); upgrade to {path} first, one rollout each, then to {to}")]
    SkipsMajor {
        from: String,
        to: String,
        path: String,
    },
    #[error("downgrading Rocket.Chat {from} -> {to}: {from} has migrated the database and {to} cannot run on it; restore the backup taken before the upgrade (mongorestore --drop) and start {to} from its staged release instead")]
    DowngradeAcrossMigration { from: String, to: String },
    #[error("MongoDB {from} -> {to} is a downgrade: MongoDB binaries go back only with MongoDB support once the feature compatibility version was raised; restore a backup into a {to} replica set instead")]
    MongoDowngrade { from: String, to: String },
    #[error("rocketchat.{field} `{value}` cannot be used in a plan: {expected}")]
    BadReleaseSetting {
        field: &'static str,
        value: String,
        expected: &'static str,
    },
    #[error("mongo.{field} changes from `{from}` to `{to}`: the planner upgrades MongoDB's version but does not reshape the replica set; change it first (rs.reconfig, or an initial sync for a new storage engine), then describe it in both files")]
    MongoChange {
        field: &'static str,
        from: String,
        to: String,
    },
    #[error("proxy {what} changes from `{from}` to `{to}`: moving or replacing the proxy cannot be done without a gap; install the new proxy beside the old one and switch DNS")]
    ProxyMove {
        what: &'static str,
        from: String,
        to: String,
    },
    #[error("instances {instances} swap TCP_PORTs, so none can start before another stops; move them in two rollouts: first to TCP ports nothing uses, then to the final ones")]
    PortCycle { instances: String },
    #[error("the current topology cannot be planned from ({errors} error(s) that make its ports or names unsafe to act on); describe the running deployment as it is: {first}")]
    CurrentUnsafe { errors: usize, first: String },
    #[error("{field} `{}` cannot be used in a plan: machine names and addresses may hold only letters, digits, `.`, `-`, `_`, `:` and IPv6 brackets (they reach shell commands and proxy configurations)", escape_controls(.value))]
    UnsafeName { field: String, value: String },
    #[error("no free port above {from} on host `{host}` for a surge instance; lower max_surge")]
    NoSurgePort { host: String, from: u16 },
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
