use super::syntax;
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S012",
    name: "unsafe-account",
    severity: Severity::Error,
    summary: "`rocketchat.user` / `group` outside systemd's strict names `[a-z_][a-z0-9_-]*` (31 \
        max).",
    why: r#"`User=`/`Group=` in the unit; systemd-analyze warns on other names (systemd "User/Group Name Syntax")"#,
    example: r#"`user = "rocketchat root"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let rc = &ctx.topology.rocketchat;
    let mut names = vec![("rocketchat.user", rc.user.as_str())];
    if let Some(group) = &rc.group {
        names.push(("rocketchat.group", group));
    }
    for (field, value) in names {
        if let Some(why) = syntax::account_name(value) {
            emit.report(
                field,
                format!("`{field}` is not a system account name: {why}"),
                "use a lowercase name such as `rocketchat` (letters, digits, `_`, `-`; at most 31)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_space() {
        let r = check_toml(&example_with(&[(
            "user = \"rocketchat\"",
            "user = \"rocketchat root\"\ngroup = \"%g\"",
        )]));
        assert_eq!(paths(&r, "S012"), ["rocketchat.group", "rocketchat.user"]);
    }

    #[test]
    fn quiet_on_plain_name() {
        let r = check_toml(&example_with(&[(
            "user = \"rocketchat\"",
            "user = \"rocket_chat\"",
        )]));
        assert!(paths(&r, "S012").is_empty());
    }
}
