use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R001",
    name: "no-replica-set",
    severity: Severity::Error,
    summary: r#"No replica set name or members are configured."#,
    why: r#"Rocket.Chat watches the database through change streams (or, before, the oplog); both exist only on a replica set. Several instances cannot stay in sync without one. For an external replica set (`mongo.managed = false`, or a `mongodb+srv://` URL without `members`: Atlas or any managed service) the provider runs the set: the rule gives an **info** note instead, and the rules that need the member list (R001-R014) have nothing to check."#,
    example: r#"no `mongo.replica_set`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let m = &ctx.topology.mongo;
    if let Some(reason) = m.external_reason() {
        emit.emit(
            Severity::Info,
            "mongo",
            format!("MongoDB is external ({reason}): its provider runs the replica set, so the rules that need the member list (R001-R014) are skipped and nothing mongod is rendered or planned"),
            "URL, version, instance and proxy rules still apply; declare mongo.version as the release the provider runs",
        );
        return;
    }
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
    fn notes_instead_of_failing_for_external_mongo() {
        let srv = example_with(&[
            (
                "mongodb://localhost:27017/rocketchat?replicaSet=rs0",
                "mongodb+srv://cluster0.example.mongodb.net/rocketchat",
            ),
            ("replica_set = \"rs0\"\n", ""),
            ("members = [{ host = \"localhost:27017\" }]", ""),
        ]);
        let r = check_toml(&srv);
        assert_eq!(paths(&r, "R001"), ["mongo"]);
        assert_eq!(r.errors(), 0, "{:?}", r.diagnostics);
        let unmanaged = example_with(&[
            ("replica_set = \"rs0\"\n", "managed = false\n"),
            ("members = [{ host = \"localhost:27017\" }]", ""),
        ]);
        let r = check_toml(&unmanaged);
        assert_eq!(paths(&r, "R001"), ["mongo"]);
        assert!(r
            .diagnostics
            .iter()
            .all(|d| d.severity != crate::diagnostic::Severity::Error));
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "R001").is_empty());
    }
}
