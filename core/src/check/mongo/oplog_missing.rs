use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M014",
    name: "oplog-url-missing",
    severity: Severity::Error,
    summary: "MONGO_OPLOG_URL is missing on Rocket.Chat before 3.7 with several instances.",
    why: "1.0 to 3.6 need MONGO_OPLOG_URL (RC #5300); change streams arrived in 3.7 (PR #18892). \
        Bare URLs (`rctopo mongo-url`) assume several instances.",
    example: r#"`version = "3.6.0"`, 3 instances, no `oplog_url`"#,
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
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
