use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;
use crate::version::Version;

pub const RULE: Rule = Rule {
    code: "M013",
    name: "oplog-url-legacy",
    severity: Severity::Warning,
    summary: "MONGO_OPLOG_URL is set on Rocket.Chat 5.4 or later, where it is legacy.",
    why: "from 5.4 change streams come first and MONGO_OPLOG_URL is legacy (PR #27281), read \
        only with `IGNORE_CHANGE_STREAM=true` or when change streams fail; HC and CMP no longer \
        set it. Help: remove it and keep a WiredTiger replica set.",
    example: r#"`version = "7.10.0"` with `oplog_url`"#,
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    let Some(field) = &u.oplog else { return };
    let Some(version) = u.rocketchat_version.filter(|v| *v >= Version::new(5, 4, 0)) else {
        return;
    };
    emit.report(
        field.path.clone(),
        format!("Rocket.Chat {version} watches the database with change streams; MONGO_OPLOG_URL is legacy there (PR #27281) and only makes Meteor tail the oplog as well"),
        "remove MONGO_OPLOG_URL; keep a replica set on WiredTiger so change streams work (set IGNORE_CHANGE_STREAM=true only if you must keep oplog tailing)",
    );
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    const OPLOG: &str =
        "mongodb://db1:27017,db2:27017,db3:27017/local?replicaSet=rs0&authSource=admin";

    #[test]
    fn triggers_from_5_4() {
        assert_eq!(url_codes(GOOD, Some(OPLOG), "5.4.0", "M013").len(), 1);
        assert_eq!(url_codes(GOOD, Some(OPLOG), "7.10.0", "M013").len(), 1);
    }

    #[test]
    fn quiet_before_5_4_or_unset() {
        assert!(url_codes(GOOD, Some(OPLOG), "5.3.9", "M013").is_empty());
        assert!(url_codes(GOOD, None, "7.10.0", "M013").is_empty());
    }
}
