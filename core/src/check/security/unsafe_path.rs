use super::syntax;
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S011",
    name: "unsafe-path",
    severity: Severity::Error,
    summary: "`rocketchat.bundle`, `.node`, `.uploads_path`, `proxy.tls.certificate`, `.key` not \
        absolute or holding characters other than letters, digits, `. _ - + @ /`, or with \
        `.`/`..` segments.",
    why: "systemd expands `%` specifiers and splits `ExecStart=` on spaces (systemd.unit, \
        systemd.service); proxies end a directive at `;`",
    example: r#"`bundle = "/opt/%n/bundle"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let rc = &ctx.topology.rocketchat;
    let mut paths: Vec<(&str, &str)> = vec![
        ("rocketchat.bundle", rc.bundle.as_str()),
        ("rocketchat.node", rc.node.as_str()),
    ];
    if let Some(uploads) = &rc.uploads_path {
        paths.push(("rocketchat.uploads_path", uploads));
    }
    if let Some(tls) = ctx.topology.proxy.as_ref().and_then(|p| p.tls.as_ref()) {
        paths.push(("proxy.tls.certificate", &tls.certificate));
        if let Some(key) = &tls.key {
            paths.push(("proxy.tls.key", key));
        }
    }
    for (field, value) in paths {
        if let Some(why) = syntax::absolute_path(value) {
            emit.report(
                field,
                format!("`{field}` cannot be written into a configuration file: {why}"),
                "use an absolute path of letters, digits and `. _ - + @ /` (no spaces, `%`, `$`, quotes or `..`)",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_specifier_and_relative_path() {
        let r = check_toml(&example_with(&[
            (
                "bundle = \"/opt/rocket.chat/bundle\"",
                "bundle = \"/opt/%n/bundle\"",
            ),
            ("node = \"/usr/local/bin/node\"", "node = \"node\""),
        ]));
        assert_eq!(paths(&r, "S011"), ["rocketchat.bundle", "rocketchat.node"]);
    }

    #[test]
    fn triggers_on_newline_in_certificate() {
        let r = check_toml(&example_with(&[(
            "certificate = \"/etc/nginx/certificate.crt\"",
            "certificate = \"/etc/nginx/cert.crt;\\n}\"",
        )]));
        assert_eq!(paths(&r, "S011"), ["proxy.tls.certificate"]);
    }

    #[test]
    fn quiet_on_plain_paths() {
        let r = check_toml(&example_with(&[]));
        assert!(paths(&r, "S011").is_empty());
    }
}
