use super::syntax;
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S010",
    name: "unsafe-server-name",
    severity: Severity::Error,
    summary: "`proxy.server_name` that is not a DNS name or IPv4 address (an IPv6 literal would \
        need brackets in every URL the proxies build).",
    why: "pasted into nginx `server_name`, Apache `ServerName` and redirect targets; `;`, `{`, \
        spaces or newlines would inject directives (nginx/Apache config syntax)",
    example: r#"`server_name = "chat.example.com; return 200"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(proxy) = &ctx.topology.proxy else {
        return;
    };
    if let Some(why) = syntax::server_name(&proxy.server_name) {
        emit.report(
            "proxy.server_name",
            format!("the proxy's server name cannot be written into its configuration: {why}"),
            "use the public host name only, e.g. `chat.example.com` (no scheme, port, spaces or `;`)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_directive_injection() {
        let r = check_toml(&example_with(&[(
            "server_name = \"chat.example.com\"",
            "server_name = \"chat.example.com; return 200\"",
        )]));
        assert_eq!(paths(&r, "S010"), ["proxy.server_name"]);
    }

    #[test]
    fn triggers_on_ipv6_literal() {
        let r = check_toml(&example_with(&[(
            "server_name = \"chat.example.com\"",
            "server_name = \"fd00::1\"",
        )]));
        assert_eq!(paths(&r, "S010"), ["proxy.server_name"]);
    }

    #[test]
    fn quiet_on_dns_name() {
        let r = check_toml(&example_with(&[]));
        assert!(paths(&r, "S010").is_empty());
    }
}
