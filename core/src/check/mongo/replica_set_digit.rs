use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M004",
    name: "mongo-url-replica-set-leading-digit",
    severity: Severity::Error,
    summary: "The replicaSet in a Mongo URL starts with a digit.",
    why: "a replica set name starting with a digit breaks Rocket.Chat >= 0.72 (`MongoError: no \
        primary found in replicaset or invalid replica set name`, RC #12781); ANS's default \
        `001-rs` hits it.",
    example: "`?replicaSet=001-rs`",
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
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
            "7.10.0",
            "M004",
        );
        assert_eq!(d.len(), 1);
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
