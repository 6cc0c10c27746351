use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R001",
    name: "no-replica-set",
    severity: Severity::Error,
    summary: "No replica set name or members are configured.",
    why: "Rocket.Chat watches the database through change streams (or, before, the oplog); both \
        exist only on a replica set. Several instances cannot stay in sync without one.",
    example: "no `mongo.replica_set`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let m = &ctx.topology.mongo;
    if m.replica_set.is_none() {
        emit.report(
            "mongo.replica_set",
            "no replica set is configured: change streams and the oplog exist only on a replica set",
            "set mongo.replica_set (e.g. \"rs0\") and list its members; run rs.initiate() once (rctopo render --target mongod)",
        );
    } else if m.members.is_empty() {
        emit.report(
            "mongo.members",
            "the replica set has no members",
            "list the members, e.g. members = [{ host = \"db1:27017\" }, ...]",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_without_name_or_members() {
        let r = check_toml(&example_with(&[("replica_set = \"rs0\"\n", "")]));
        assert_eq!(paths(&r, "R001"), ["mongo.replica_set"]);
        let r = check_toml(&example_with(&[(
            "members = [{ host = \"localhost:27017\" }]",
            "members = []",
        )]));
        assert_eq!(paths(&r, "R001"), ["mongo.members"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "R001").is_empty());
    }
}
