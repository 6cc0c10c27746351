use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: "R012",
    name: "duplicate-member",
    severity: Severity::Error,
    summary: "A member listed twice, or a member host:port that is not valid.",
    why: "each member's host:port must be unique; rs.initiate() rejects repeats, and a member \
        port that is not a number cannot be registered.",
    example: "`db1:27017` listed twice",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let mut seen: BTreeMap<(String, u32), usize> = BTreeMap::new();
    for (i, m) in ctx.topology.mongo.members.iter().enumerate() {
        let port = m.port().filter(|p| (1..=65_535).contains(p));
        let Some(port) = port.filter(|_| !m.hostname().is_empty()) else {
            emit.report(
                format!("mongo.members[{i}].host"),
                format!("member `{}` is not host:port", m.host),
                "write it as host:port, e.g. db1.internal:27017",
            );
            continue;
        };
        let key = (m.hostname().to_ascii_lowercase(), port);
        if let Some(first) = seen.get(&key) {
            emit.report(
                format!("mongo.members[{i}].host"),
                format!("member `{}` is already mongo.members[{first}]", m.host),
                "list every member once",
            );
        } else {
            seen.insert(key, i);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_repeat_and_bad_port() {
        let r = check_toml(&example_with(&[(
            "{ host = \"localhost:27017\" }",
            "{ host = \"localhost:27017\" }, { host = \"localhost\" }, { host = \"db:x\" }",
        )]));
        assert_eq!(
            paths(&r, "R012"),
            ["mongo.members[1].host", "mongo.members[2].host"]
        );
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "R012").is_empty());
    }
}
