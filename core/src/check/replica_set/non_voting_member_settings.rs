use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R011",
    name: "non-voting-member-settings",
    severity: Severity::Error,
    summary: "votes other than 0/1, or priority > 0 on a non-voting, hidden or arbiter member.",
    why: "MongoDB requires a non-voting member to have priority 0, an arbiter to have priority \
        0, and votes to be 0 or 1; rs.initiate() rejects anything else.",
    example: "`{ votes = 0, priority = 1 }`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    for (i, m) in ctx.topology.mongo.members.iter().enumerate() {
        if m.votes.is_some_and(|v| v > 1) {
            emit.report(
                format!("mongo.members[{i}].votes"),
                format!(
                    "member `{}` has votes = {}; MongoDB accepts 0 or 1",
                    m.host,
                    m.votes.unwrap_or_default()
                ),
                "set votes = 1 (or 0 for a non-voting member)",
            );
        }
        let must_be_zero = m.votes == Some(0) || m.arbiter || m.hidden;
        if must_be_zero && m.priority.is_some_and(|p| p > 0.0) {
            let kind = if m.arbiter {
                "an arbiter"
            } else if m.hidden {
                "a hidden member"
            } else {
                "a non-voting member"
            };
            emit.report(
                format!("mongo.members[{i}].priority"),
                format!(
                    "member `{}` is {kind} but has priority {}",
                    m.host,
                    m.priority.unwrap_or_default()
                ),
                "set priority = 0",
            );
        }
        if m.priority.is_some_and(|p| !(0.0..=1000.0).contains(&p)) {
            emit.report(
                format!("mongo.members[{i}].priority"),
                format!(
                    "member `{}` has priority {}; MongoDB accepts 0 to 1000",
                    m.host,
                    m.priority.unwrap_or_default()
                ),
                "use a priority between 0 and 1000",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_voteless_priority() {
        let r = check_toml(&example_with(&[("{ host = \"localhost:27017\" }", "{ host = \"localhost:27017\" }, { host = \"localhost:27018\", votes = 0, priority = 1 }")]));
        assert_eq!(paths(&r, "R011"), ["mongo.members[1].priority"]);
        let r = check_toml(&example_with(&[(
            "{ host = \"localhost:27017\" }",
            "{ host = \"localhost:27017\", votes = 2 }",
        )]));
        assert_eq!(paths(&r, "R011"), ["mongo.members[0].votes"]);
    }

    #[test]
    fn quiet_on_proper_non_voter() {
        let r = check_toml(&example_with(&[("{ host = \"localhost:27017\" }", "{ host = \"localhost:27017\" }, { host = \"localhost:27018\", votes = 0, priority = 0 }")]));
        assert!(paths(&r, "R011").is_empty());
    }
}
