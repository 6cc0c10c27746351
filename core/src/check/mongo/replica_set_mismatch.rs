use super::UrlContext;
use crate::check::{Check, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M008",
    name: "mongo-url-replica-set-mismatch",
    severity: Severity::Error,
    summary: "The replicaSet in a Mongo URL differs from mongo.replica_set.",
    why: "the driver only accepts members whose set name equals `replicaSet` (every mongod has \
        `replication.replSetName`); another name finds no primary.",
    example: r#"`replica_set = "rs0"`, `?replicaSet=rs1`"#,
    check: Check::Urls(check),
};

fn check(u: &UrlContext, emit: &mut Emit) {
    let Some(expected) = u.topology.and_then(|t| t.mongo.replica_set.as_deref()) else {
        return;
    };
    if crate::check::security::syntax::replica_set_name(expected).is_some() {
        return; // an unusable name: unsafe-replica-set-name (S017) reports it without quoting it
    }
    for (path, url) in u.parsed() {
        match url.replica_set() {
            Some(name) if name != expected => emit.report(
                path,
                format!("replicaSet `{name}` differs from mongo.replica_set `{expected}`: the driver finds no member of set `{name}` and Rocket.Chat cannot start"),
                format!("write `replicaSet={expected}` (names are case-sensitive)"),
            ),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_other_name() {
        let r = check_toml(&example_with(&[("replicaSet=rs0", "replicaSet=rs1")]));
        assert_eq!(paths(&r, "M008"), ["mongo.url"]);
    }

    #[test]
    fn quiet_on_same_name() {
        assert!(paths(&check_toml(&example_with(&[])), "M008").is_empty());
    }
}
