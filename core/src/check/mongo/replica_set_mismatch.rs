//! M008 replica-set-mismatch: the driver only accepts members whose replica set name equals the
//! URL's `replicaSet`; a different name finds no primary and Rocket.Chat cannot start.
use super::UrlContext;
use crate::check::{Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "M008",
    name: "mongo-url-replica-set-mismatch",
    severity: Severity::Error,
    summary: "The replicaSet in a Mongo URL differs from mongo.replica_set.",
    check: |ctx, emit| super::on_topology(ctx, emit, check_urls),
};

pub(super) fn check_urls(u: &UrlContext, emit: &mut Emit) {
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
