use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R008",
    name: "replica-set-name-starts-with-digit",
    severity: Severity::Error,
    summary: r#"Replica set name starts with a digit, on a Rocket.Chat release whose driver rejects it."#,
    why: r#"Rocket.Chat 0.72 moved to Meteor 1.8 and MongoDB driver 3.1.6, which fails with `MongoError: no primary found in replicaset or invalid replica set name` when the name starts with a digit (RC #12781); driver 3.1.9 fixed it (meteor/meteor#10362, "Mongo driver 3.1.9 includes the fix"). Only releases from 0.72 up to 1.0 are flagged (which 0.7x release first shipped a fixed driver is not pinned); current releases accept such names. The official Ansible role's default `001-rs` hit it at the time."#,
    example: r#"`replica_set = "001-rs"` with `version = "0.72.3"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(name) = &ctx.topology.mongo.replica_set else {
        return;
    };
    let affected = ctx
        .rocketchat_version
        .is_some_and(crate::version::rejects_digit_replica_set_name);
    if !affected {
        return;
    }
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
        let r = check_toml(&example_with(&[
            ("replica_set = \"rs0\"", "replica_set = \"001-rs\""),
            ("version = \"7.10.0\"", "version = \"0.72.3\""),
        ]));
        assert_eq!(paths(&r, "R008"), ["mongo.replica_set"]);
        assert_eq!(super::suggestion("001-rs"), "rs");
        assert_eq!(super::suggestion("0"), "rs0");
    }

    #[test]
    fn quiet_on_releases_with_a_fixed_driver() {
        let r = check_toml(&example_with(&[(
            "replica_set = \"rs0\"",
            "replica_set = \"001-rs\"",
        )]));
        assert!(paths(&r, "R008").is_empty());
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "R008").is_empty());
    }
}
