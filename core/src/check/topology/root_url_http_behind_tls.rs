use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "T016",
    name: "root-url-http-behind-tls",
    severity: Severity::Error,
    summary: "ROOT_URL is http while the proxy terminates TLS.",
    why: "when the proxy terminates TLS, users open https; an http ROOT_URL makes Rocket.Chat \
        build http links and redirects (mixed content, broken OAuth).",
    example: r#"`root_url = "http://..."` with `proxy.tls`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let tls = ctx
        .topology
        .proxy
        .as_ref()
        .is_some_and(|p| p.public_scheme() == "https");
    let url = &ctx.topology.site.root_url;
    if let Some(parsed) = super::root_url(url) {
        if tls && parsed.scheme() == "http" {
            emit.report(
                "site.root_url",
                format!("ROOT_URL `{url}` is http, but the proxy serves TLS"),
                format!("use {}", url.replacen("http://", "https://", 1)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_http() {
        let r = check_toml(&example_with(&[(
            "root_url = \"https://",
            "root_url = \"http://",
        )]));
        assert_eq!(paths(&r, "T016"), ["site.root_url"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T016").is_empty());
    }
}
