use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "P003",
    name: "tls-missing",
    severity: Severity::Error,
    summary: r#"ROOT_URL is https but neither the proxy nor a load balancer in front terminates TLS."#,
    why: r#"an https ROOT_URL needs TLS to end somewhere: at this proxy, with a certificate (and its key, in the same file or in `key`), or at a load balancer in front of it (`proxy.tls_in_front = true`, which also makes the proxy forward `X-Forwarded-Proto: https`); otherwise users get connection errors on port 443. HTTP_FORWARDED_COUNT is 1 + `proxy.proxies_in_front` (default 1 with `tls_in_front`), the number of proxies Rocket.Chat's client IP logic must skip (reference: Environment of one instance)."#,
    example: r#"https `root_url`, no `proxy.tls`, no `tls_in_front`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(proxy) = &ctx.topology.proxy else {
        return;
    };
    let https = ctx
        .topology
        .site
        .root_url
        .to_ascii_lowercase()
        .starts_with("https://");
    match &proxy.tls {
        None if https && !proxy.tls_in_front => emit.report(
            "proxy.tls",
            "ROOT_URL is https but the proxy has no TLS configuration",
            "add tls = { certificate = \"/etc/ssl/certs/chat.pem\", key = \"/etc/ssl/private/chat.key\" }, or tls_in_front = true when a load balancer in front terminates TLS",
        ),
        Some(tls) => {
            let key = tls.key.as_ref().map(|k| ("key", k));
            for (field, value) in std::iter::once(("certificate", &tls.certificate)).chain(key) {
                if !value.starts_with('/') {
                    emit.report(
                        format!("proxy.tls.{field}"),
                        format!("TLS {field} `{value}` is not an absolute path"),
                        "write the absolute path of the file on the proxy host",
                    );
                }
            }
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_without_tls_or_with_relative_paths() {
        let r = check_toml(&example_with(&[("tls = { certificate = \"/etc/nginx/certificate.crt\", key = \"/etc/nginx/certificate.key\" }\n", "")]));
        assert_eq!(paths(&r, "P003"), ["proxy.tls"]);
        let r = check_toml(&example_with(&[(
            "\"/etc/nginx/certificate.key\"",
            "\"certificate.key\"",
        )]));
        assert_eq!(paths(&r, "P003"), ["proxy.tls.key"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "P003").is_empty());
    }

    #[test]
    fn quiet_when_a_load_balancer_in_front_terminates_tls() {
        let r = check_toml(&example_with(&[(
            "tls = { certificate = \"/etc/nginx/certificate.crt\", key = \"/etc/nginx/certificate.key\" }\n",
            "tls_in_front = true\n",
        )]));
        assert!(paths(&r, "P003").is_empty());
    }
}
