//! M014 oplog-url-missing: before Rocket.Chat 3.7 instances learn about each other's writes only
//! through the oplog; MONGO_OPLOG_URL is required as soon as several instances run (RC #5300,
//! PR #18892).
use super::UrlContext;
use crate::check::{Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M014",
    name: "oplog-url-missing",
    severity: Severity::Error,
    summary: "MONGO_OPLOG_URL is missing on Rocket.Chat before 3.7 with several instances.",
    check: |ctx, emit| super::on_topology(ctx, emit, check_urls),
};

pub(super) fn check_urls(u: &UrlContext, emit: &mut Emit) {
    if u.oplog.is_some() || !u.rocketchat_below(3, 7) {
        return;
    }
    // Bare URLs: the instance count is unknown; this tool is for multi-instance deployments.
    if u.instances.is_some_and(|n| n < 2) {
        return;
    }
    let path = if u.topology.is_some() {
        "mongo.oplog_url"
    } else {
        "MONGO_OPLOG_URL"
    };
    emit.report(
        path,
        "Rocket.Chat before 3.7 needs MONGO_OPLOG_URL when several instances run: without it they do not see each other's changes",
        "set MONGO_OPLOG_URL to the `local` database of the same replica set, e.g. `mongodb://db1:27017,db2:27017/local?replicaSet=rs0&authSource=admin`",
    );
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_before_3_7() {
        let d = url_codes(GOOD, None, "3.6.2", "M014");
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].path, "MONGO_OPLOG_URL");
    }

    #[test]
    fn quiet_from_3_7_or_when_set() {
        assert!(url_codes(GOOD, None, "3.7.0", "M014").is_empty());
        assert!(url_codes(
            GOOD,
            Some("mongodb://db1/local?replicaSet=rs0"),
            "3.6.2",
            "M014"
        )
        .is_empty());
        assert!(url_codes(GOOD, None, "not-a-version", "M014").is_empty());
    }
}
