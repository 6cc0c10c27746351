use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "T017",
    name: "root-url-host-mismatch",
    severity: Severity::Error,
    summary: "ROOT_URL's host is not the proxy's server_name.",
    why: "the proxy answers for server_name; if ROOT_URL names another host, users follow links \
        to a name the proxy does not serve (or the certificate does not cover).",
    example: r#"`root_url = "https://chat.example.com"`, `server_name = "rc.example.com"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(proxy) = &ctx.topology.proxy else {
        return;
    };
    let url = &ctx.topology.site.root_url;
    let parsed = super::root_url(url);
    if let Some(host) = parsed.as_ref().and_then(url::Url::host_str) {
        if !host.eq_ignore_ascii_case(&proxy.server_name) {
            emit.report(
                "proxy.server_name",
                format!(
                    "proxy.server_name `{}` differs from ROOT_URL's host `{host}`",
                    proxy.server_name
                ),
                format!("set server_name = \"{host}\", or fix site.root_url"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_other_name() {
        let r = check_toml(&example_with(&[(
            "server_name = \"chat.example.com\"",
            "server_name = \"rc.example.com\"",
        )]));
        assert_eq!(paths(&r, "T017"), ["proxy.server_name"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T017").is_empty());
    }
}
