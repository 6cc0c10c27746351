use super::syntax;
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S017",
    name: "unsafe-replica-set-name",
    severity: Severity::Error,
    summary: "`mongo.replica_set` with characters other than letters, digits, `_ - .`.",
    why: "written to mongod.conf (`replication.replSetName`) and rs-initiate.js (reference: \
        Replica set)",
    example: r#"`replica_set = "rs0\nsecurity: {authorization: disabled}"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(name) = &ctx.topology.mongo.replica_set else {
        return;
    };
    if let Some(why) = syntax::replica_set_name(name) {
        emit.report(
            "mongo.replica_set",
            format!("the replica set name cannot be written into mongod.conf: {why}"),
            "use letters, digits, `_`, `-` and `.`, starting with a letter (e.g. `rs0`)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_yaml_injection() {
        let r = check_toml(&example_with(&[(
            "replica_set = \"rs0\"",
            "replica_set = \"rs0\\nsecurity: {authorization: disabled}\"",
        )]));
        assert_eq!(paths(&r, "S017"), ["mongo.replica_set"]);
    }

    #[test]
    fn quiet_on_plain_name() {
        let r = check_toml(&example_with(&[]));
        assert!(paths(&r, "S017").is_empty());
    }
}
