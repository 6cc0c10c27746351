use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M004",
    name: "mongo-url-replica-set-leading-digit",
    severity: Severity::Error,
    summary: r#"The replicaSet in a Mongo URL starts with a digit, on a Rocket.Chat release whose driver rejects it."#,
    why: r#"the driver of Rocket.Chat 0.72 (Meteor 1.8, driver 3.1.6) fails with `MongoError: no primary found in replicaset or invalid replica set name` (RC #12781); driver 3.1.9 fixed it (meteor/meteor#10362). Flagged only for releases from 0.72 up to 1.0; without `--rocketchat-version` nothing is flagged."#,
    example: r#"`?replicaSet=001-rs` with Rocket.Chat 0.72.0"#,
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    let affected = u
        .rocketchat_version
        .is_some_and(crate::version::rejects_digit_replica_set_name);
    if !affected {
        return;
    }
    for (path, url) in u.parsed() {
        let Some(name) = url.replica_set() else {
            continue;
        };
        if name.starts_with(|c: char| c.is_ascii_digit()) {
            emit.report(
                path,
                format!("replicaSet `{name}` starts with a digit: Rocket.Chat fails with `MongoError: no primary found in replicaset or invalid replica set name` (RC #12781)"),
                "rename the replica set so it starts with a letter (e.g. `rs0`): replication.replSetName, rs.initiate and the URL",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::mongo::testing::*;

    #[test]
    fn triggers_on_leading_digit() {
        let d = url_codes(
            "mongodb://db1/rocketchat?replicaSet=001-rs",
            None,
            "0.72.0",
            "M004",
        );
        assert_eq!(d.len(), 1);
    }

    #[test]
    fn quiet_on_releases_with_a_fixed_driver() {
        assert!(url_codes(
            "mongodb://db1/rocketchat?replicaSet=001-rs",
            None,
            "7.10.0",
            "M004"
        )
        .is_empty());
    }

    #[test]
    fn quiet_on_letter_first() {
        assert!(url_codes(GOOD, None, "7.10.0", "M004").is_empty());
        assert!(url_codes(
            "mongodb://db1/rocketchat?replicaSet=rs001",
            None,
            "7.10.0",
            "M004"
        )
        .is_empty());
    }
}
