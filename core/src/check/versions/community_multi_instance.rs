use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::model::Edition;

pub const RULE: Rule = Rule {
    code: "V005",
    name: "community-multi-instance",
    severity: Severity::Info,
    summary: "Several instances from 6.0 without the Enterprise `scalability` module.",
    why: "from 6.0, broadcasting ephemeral events (typing, etc.) between instances needs an \
        Enterprise license with the `scalability` module (RC PR #27969); Community Edition \
        running several instances loses them.",
    example: r#"3 instances of 7.10.0, no `edition = "enterprise"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let enterprise = ctx.topology.rocketchat.edition == Some(Edition::Enterprise);
    if enterprise || ctx.instance_count() < 2 || !ctx.rocketchat_at_least(6, 0) {
        return;
    }
    emit.report(
        "rocketchat.edition",
        "from 6.0, Community Edition with several instances does not share ephemeral events (typing indicators) between them: that needs the Enterprise `scalability` module (RC PR #27969)",
        "set rocketchat.edition = \"enterprise\" if you hold that license; otherwise users on different instances will not see each other typing",
    );
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_example() {
        assert_eq!(
            paths(&check_toml(crate::example::TOML), "V005"),
            ["rocketchat.edition"]
        );
    }

    #[test]
    fn quiet_with_enterprise() {
        let r = check_toml(&example_with(&[(
            "version = \"7.10.0\"",
            "version = \"7.10.0\"\nedition = \"enterprise\"",
        )]));
        assert!(paths(&r, "V005").is_empty());
    }
}
