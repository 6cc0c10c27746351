use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R004",
    name: "too-many-members",
    severity: Severity::Error,
    summary: "More than 50 replica set members.",
    why: "a replica set has at most 50 members.",
    example: "51 members",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let n = ctx.topology.mongo.members.len();
    if n > 50 {
        emit.report(
            "mongo.members",
            format!("{n} members; a replica set has at most 50"),
            "remove members, or shard",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn members(n: usize) -> String {
        let list: Vec<String> = (0..n)
            .map(|i| {
                format!(
                    "{{ host = \"db{i}:27017\", votes = {}, priority = 0 }}",
                    u8::from(i < 3)
                )
            })
            .collect();
        example_with(&[(
            "[{ host = \"localhost:27017\" }]",
            &format!("[{}]", list.join(", ")),
        )])
    }

    #[test]
    fn triggers_above_fifty() {
        assert_eq!(paths(&check_toml(&members(51)), "R004"), ["mongo.members"]);
    }

    #[test]
    fn quiet_at_fifty() {
        assert!(paths(&check_toml(&members(50)), "R004").is_empty());
    }
}
