use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R002",
    name: "even-voting-members",
    severity: Severity::Warning,
    summary: "An even number of voting members.",
    why: "elections need a strict majority; with an even number of voters a split leaves no \
        primary (MongoDB: use an odd number of voting members).",
    example: "two voting members",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let n = super::voting(&ctx.topology.mongo.members);
    if n > 0 && n.is_multiple_of(2) {
        emit.report(
            "mongo.members",
            format!("{n} voting members: an even number can split evenly and leave no primary"),
            "add a voting member or set votes = 0 and priority = 0 on one (an odd number of voters)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_two() {
        let r = check_toml(&example_with(&[(
            "{ host = \"localhost:27017\" }",
            "{ host = \"localhost:27017\" }, { host = \"localhost:27018\" }",
        )]));
        assert_eq!(paths(&r, "R002"), ["mongo.members"]);
    }

    #[test]
    fn quiet_on_two_plus_arbiter() {
        let r = check_toml(&example_with(&[("{ host = \"localhost:27017\" }", "{ host = \"localhost:27017\" }, { host = \"localhost:27018\" }, { host = \"arb:27017\", arbiter = true }")]));
        assert!(paths(&r, "R002").is_empty());
    }
}
