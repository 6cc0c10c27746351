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
        // Only the scheme is quoted: the rest may hold a token or password.
        let scheme = t.split_once("://").map_or("nats", |(s, _)| s);
        let scheme = if is_scheme(scheme) { scheme } else { "nats" };
        emit.report(
            "rocketchat.transporter",
            "TRANSPORTER lacks the `monolith+` prefix: Rocket.Chat stops with `invalid transporter`",
            format!("write `monolith+` before the scheme: `monolith+{scheme}://...`"),
        );
    }
}

/// A URL scheme: a letter, then letters, digits, `+`, `-` or `.`.
fn is_scheme(s: &str) -> bool {
    s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
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
    fn never_quotes_the_token() {
        for transporter in [
            "nats://c4n4ry@nats:4222",
            "nats://u:hunter2 c4n4ry@nats:4222",
        ] {
            let r = check_toml(&example_with(&[(
                "user = \"rocketchat\"",
                &format!("user = \"rocketchat\"\ntransporter = \"{transporter}\""),
            )]));
            let d: Vec<_> = r.diagnostics.iter().filter(|d| d.code == "T018").collect();
            assert_eq!(d.len(), 1);
            assert!(!format!("{d:?}").contains("c4n4ry"), "{d:?}");
            assert!(d[0].help.contains("monolith+nats://"), "{}", d[0].help);
        }
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
