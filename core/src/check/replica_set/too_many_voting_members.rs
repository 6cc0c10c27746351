use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R003",
    name: "too-many-voting-members",
    severity: Severity::Error,
    summary: "More than 7 voting members.",
    why: "MongoDB allows at most 7 voting members; rs.initiate() fails with more.",
    example: "9 voting members",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let n = super::voting(&ctx.topology.mongo.members);
    if n > 7 {
        emit.report(
            "mongo.members",
            format!("{n} voting members; MongoDB allows at most 7"),
            "set votes = 0 and priority = 0 on the extra members",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn members(n: usize, extra: &str) -> String {
        let list: Vec<String> = (0..n)
            .map(|i| format!("{{ host = \"db{i}:27017\"{extra} }}"))
            .collect();
        example_with(&[(
            "[{ host = \"localhost:27017\" }]",
            &format!("[{}]", list.join(", ")),
        )])
    }

    #[test]
    fn triggers_above_seven() {
        assert_eq!(
            paths(&check_toml(&members(9, "")), "R003"),
            ["mongo.members"]
        );
    }

    #[test]
    fn quiet_at_seven() {
        assert!(paths(&check_toml(&members(7, "")), "R003").is_empty());
    }
}
