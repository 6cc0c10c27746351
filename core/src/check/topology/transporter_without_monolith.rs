use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "T018",
    name: "transporter-without-monolith",
    severity: Severity::Error,
    summary: "TRANSPORTER without the `monolith+` prefix.",
    why: "a monolith Rocket.Chat instance must use a `monolith+` TRANSPORTER (e.g. \
        `monolith+nats://nats:4222`); anything else throws `invalid transporter` at startup.",
    example: r#"`transporter = "nats://nats:4222"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(t) = &ctx.topology.rocketchat.transporter else {
        return;
    };
    if !t.starts_with("monolith+") {
        emit.report(
            "rocketchat.transporter",
            format!("TRANSPORTER `{t}` lacks the `monolith+` prefix: Rocket.Chat stops with `invalid transporter`"),
            format!("write `monolith+{t}`"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_without_prefix() {
        let r = check_toml(&example_with(&[(
            "user = \"rocketchat\"",
            "user = \"rocketchat\"\ntransporter = \"nats://nats:4222\"",
        )]));
        assert_eq!(paths(&r, "T018"), ["rocketchat.transporter"]);
    }

    #[test]
    fn quiet_with_prefix() {
        let r = check_toml(&example_with(&[(
            "user = \"rocketchat\"",
            "user = \"rocketchat\"\ntransporter = \"monolith+nats://nats:4222\"",
        )]));
        assert!(paths(&r, "T018").is_empty());
    }
}
