use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "P003",
    name: "tls-missing",
    severity: Severity::Error,
    summary: "ROOT_URL is https but the proxy has no TLS certificate and key.",
    why: "an https ROOT_URL needs the proxy to terminate TLS, with a certificate and key; \
        otherwise users get connection errors on port 443.",
    example: "https `root_url`, no `proxy.tls`",
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
        None if https => emit.report(
            "proxy.tls",
            "ROOT_URL is https but the proxy has no TLS configuration",
            "add tls = { certificate = \"/etc/ssl/certs/chat.pem\", key = \"/etc/ssl/private/chat.key\" }",
        ),
        Some(tls) => {
            for (field, value) in [("certificate", &tls.certificate), ("key", &tls.key)] {
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
}
