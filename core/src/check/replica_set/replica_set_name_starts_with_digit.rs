use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R008",
    name: "replica-set-name-starts-with-digit",
    severity: Severity::Error,
    summary: "Replica set name starts with a digit.",
    why: "Rocket.Chat >= 0.72 fails with `MongoError: no primary found in replicaset or invalid \
        replica set name` when the name starts with a digit (RC #12781); the official Ansible \
        role's default `001-rs` hits it.",
    example: r#"`replica_set = "001-rs"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(name) = &ctx.topology.mongo.replica_set else {
        return;
    };
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        emit.report(
            "mongo.replica_set",
            format!("replica set name `{name}` starts with a digit: Rocket.Chat fails with `no primary found in replicaset or invalid replica set name` (RC #12781)"),
            format!("rename it, e.g. `{}`", suggestion(name)),
        );
    }
}

/// The name without its leading digits and separators, or `rs<name>` when nothing is left.
fn suggestion(name: &str) -> String {
    let trimmed = name.trim_start_matches(|c: char| c.is_ascii_digit() || c == '-' || c == '_');
    if trimmed.starts_with(|c: char| c.is_ascii_alphabetic()) {
        trimmed.to_string()
    } else {
        format!("rs{name}")
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_ansible_default() {
        let r = check_toml(&example_with(&[(
            "replica_set = \"rs0\"",
            "replica_set = \"001-rs\"",
        )]));
        assert_eq!(paths(&r, "R008"), ["mongo.replica_set"]);
        assert_eq!(super::suggestion("001-rs"), "rs");
        assert_eq!(super::suggestion("0"), "rs0");
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "R008").is_empty());
    }
}
