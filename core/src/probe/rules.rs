//! The probe's rules (family L, live): code, name, usual severity and summary. docs/rules.md has
//! a row for each, with its source; a test keeps the two in step.

use crate::diagnostic::{Diagnostic, Severity};

/// One rule of the live probe.
#[derive(Debug)]
pub struct ProbeRule {
    pub code: &'static str,
    pub name: &'static str,
    /// The severity its diagnostics usually carry (a rule may use several).
    pub severity: Severity,
    pub summary: &'static str,
}

impl ProbeRule {
    /// A diagnostic of this rule. Messages quote server answers and driver errors: they are made
    /// safe to print like every checker message (no URL password, no control character).
    pub fn diagnostic(
        &'static self,
        severity: Severity,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        Diagnostic {
            code: self.code.to_string(),
            name: self.name.to_string(),
            severity,
            path: path.into(),
            message: crate::check::displayable(&message.into()),
            help: crate::check::displayable(&help.into()),
            location: None,
        }
    }

    /// A diagnostic with the rule's own severity.
    pub fn report(
        &'static self,
        path: impl Into<String>,
        message: impl Into<String>,
        help: impl Into<String>,
    ) -> Diagnostic {
        self.diagnostic(self.severity, path, message, help)
    }
}

macro_rules! probe_rules {
    ($($id:ident $code:literal $name:literal $severity:ident $summary:literal;)*) => {
        $(pub(crate) static $id: ProbeRule = ProbeRule {
            code: $code,
            name: $name,
            severity: Severity::$severity,
            summary: $summary,
        };)*
        const ALL: &[&ProbeRule] = &[$(&$id),*];
    };
}

probe_rules! {
    UNREACHABLE "L001" "member-unreachable" Error
        "A member did not answer within the timeout (refused, timed out, name not resolved).";
    AUTH_FAILED "L002" "authentication-failed" Error
        "The server rejected the credentials of MONGO_URL or MONGO_OPLOG_URL.";
    SET_NAME "L003" "replica-set-name-differs" Error
        "A member reports another replica set name than mongo.replica_set, or none.";
    NO_PRIMARY "L004" "no-primary" Error
        "No member is PRIMARY, or several claim to be.";
    MEMBER_MISSING "L005" "member-not-in-set" Error
        "A member of the topology is not in the running replica set's configuration.";
    MEMBER_EXTRA "L006" "member-not-in-topology" Warning
        "The running replica set has a member the topology does not list.";
    UNHEALTHY "L007" "member-unhealthy" Warning
        "A member is down or in a state other than PRIMARY, SECONDARY or ARBITER.";
    LAG "L008" "replication-lag" Warning
        "A secondary applies the primary's writes more than 10 seconds late.";
    VERSION_DIFFERS "L009" "server-version-differs" Warning
        "A member runs another MongoDB release than mongo.version, or the members differ.";
    VERSION_UNSUPPORTED "L010" "server-version-unsupported" Error
        "A member runs a MongoDB release the Rocket.Chat release does not support.";
    FCV "L011" "feature-compatibility-behind" Warning
        "featureCompatibilityVersion is below the release the member runs.";
    ENGINE "L012" "storage-engine-not-wiredtiger" Error
        "serverStatus reports a storage engine other than wiredTiger.";
    CHANGE_STREAMS "L013" "change-streams-unavailable" Error
        "Rocket.Chat's user cannot run the commands Rocket.Chat runs before using change streams.";
    OPLOG_UNREADABLE "L014" "oplog-unreadable" Error
        "The oplog URL's user cannot read local.oplog.rs.";
    OPLOG_WINDOW "L015" "oplog-window-short" Warning
        "The oplog holds less than 24 hours of writes.";
    PRIVILEGES "L016" "missing-privileges" Error
        "Rocket.Chat's user lacks find, insert, update or remove on its database.";
    MAJORITY "L017" "majority-unavailable" Error
        "Too few healthy data-bearing voting members to acknowledge majority writes.";
    SRV "L018" "srv-resolved" Info
        "What the mongodb+srv DNS records resolve to.";
}

/// Every probe rule, in code order.
pub fn rules() -> &'static [&'static ProbeRule] {
    ALL
}

/// Looks a probe rule up by code or name.
pub fn rule(code_or_name: &str) -> Option<&'static ProbeRule> {
    ALL.iter()
        .copied()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_in_order_and_unique() {
        let codes: Vec<&str> = rules().iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(codes, sorted);
        assert_eq!(rule("l004").map(|r| r.name), Some("no-primary"));
    }

    #[test]
    fn diagnostics_hide_url_passwords() {
        let d = AUTH_FAILED.report("mongo.url", "mongodb://rc:hunter2@db1 refused", "");
        assert!(!d.message.contains("hunter2"), "{}", d.message);
    }
}
