use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R005",
    name: "single-member",
    severity: Severity::Warning,
    summary: "A replica set of one member (no failover).",
    why: "a one-member replica set gives change streams but no failover; three data-bearing \
        members are the minimum to survive losing one.",
    example: r#"`members = [{ host = "localhost:27017" }]`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    if ctx.topology.mongo.members.len() == 1 {
        emit.report(
            "mongo.members",
            "a single-member replica set has no failover: if it stops, every instance stops",
            "run three data-bearing members on separate machines for failover",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_example() {
        assert_eq!(
            paths(&check_toml(crate::example::TOML), "R005"),
            ["mongo.members"]
        );
    }

    #[test]
    fn quiet_on_three() {
        let r = check_toml(&example_with(&[("[{ host = \"localhost:27017\" }]", "[{ host = \"localhost:27017\" }, { host = \"localhost:27018\" }, { host = \"localhost:27019\" }]")]));
        assert!(paths(&r, "R005").is_empty());
    }
}
