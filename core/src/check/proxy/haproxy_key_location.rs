use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::model::ProxyKind;

pub const RULE: Rule = Rule {
    code: "P005",
    name: "haproxy-key-location",
    severity: Severity::Warning,
    summary: r#"With HAProxy, the TLS key is neither in the certificate file nor at <certificate>.key."#,
    why: r#"HAProxy's `crt` takes one file and loads the private key from it, or from `<certificate>.key` beside it; a key anywhere else is never read and the bind fails (HAProxy configuration manual, `crt`). `proxy.tls.key` may be left out: the key is then in the certificate file (nginx and Apache read it from there too)."#,
    example: r#"`kind = "haproxy"`, `key = "/etc/ssl/private/chat.key"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(proxy) = &ctx.topology.proxy else {
        return;
    };
    let Some(tls) = &proxy.tls else { return };
    // No key: it is in the certificate file, where HAProxy reads it.
    let Some(key) = &tls.key else { return };
    let beside = format!("{}.key", tls.certificate);
    if proxy.kind == ProxyKind::Haproxy && *key != tls.certificate && *key != beside {
        emit.report(
            "proxy.tls.key",
            format!("HAProxy reads the key from `{}` or `{beside}`, not from `{key}`", tls.certificate),
            format!("append the key to the certificate file and set key = \"{}\", or install it as {beside}", tls.certificate),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn haproxy(key: &str) -> String {
        example_with(&[
            ("kind = \"nginx\"", "kind = \"haproxy\""),
            (
                "key = \"/etc/nginx/certificate.key\"",
                &format!("key = \"{key}\""),
            ),
        ])
    }

    #[test]
    fn triggers_on_separate_key() {
        let r = check_toml(&haproxy("/etc/nginx/certificate.key"));
        assert_eq!(paths(&r, "P005"), ["proxy.tls.key"]);
    }

    #[test]
    fn quiet_on_combined_or_beside() {
        assert!(paths(&check_toml(&haproxy("/etc/nginx/certificate.crt")), "P005").is_empty());
        assert!(paths(
            &check_toml(&haproxy("/etc/nginx/certificate.crt.key")),
            "P005"
        )
        .is_empty());
        assert!(paths(&check_toml(crate::example::TOML), "P005").is_empty());
    }

    #[test]
    fn quiet_without_key() {
        // HAProxy reads one PEM file: a topology may leave `key` out.
        let text = example_with(&[
            ("kind = \"nginx\"", "kind = \"haproxy\""),
            (", key = \"/etc/nginx/certificate.key\"", ""),
        ]);
        let r = check_toml(&text);
        assert!(paths(&r, "P005").is_empty());
        assert!(paths(&r, "P003").is_empty());
    }
}
