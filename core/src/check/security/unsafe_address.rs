use super::syntax;
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S014",
    name: "unsafe-address",
    severity: Severity::Error,
    summary: "`hosts[].address` not an IP or DNS name; `rocketchat.bind_ip` not an IP (IPv6 \
        written bare: renderers add brackets where a syntax needs them).",
    why: "becomes `server <addr>:<port>` / `BalancerMember http://<addr>:<port>` and \
        INSTANCE_IP/BIND_IP (reference: Environment of one instance)",
    example: r#"`address = "10.0.0.1:3000 backup; server evil"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        if let Some(why) = host.address.as_deref().and_then(syntax::host_or_ip) {
            emit.report(
                format!("hosts[{i}].address"),
                format!("the address of host `{}` cannot be used as an upstream: {why}", safe_label(&host.name)),
                "give an IP address (`10.0.0.11`, `fd00::11`) or a DNS name, without port or scheme",
            );
        }
    }
    if let Some(why) = ctx.topology.rocketchat.bind_ip.as_deref().and_then(|ip| {
        (!syntax::is_ip(ip)).then(|| format!("`{}` is not an IP address", ip.escape_debug()))
    }) {
        emit.report(
            "rocketchat.bind_ip",
            format!("BIND_IP cannot be used: {why}"),
            "give the IP address the instances bind, e.g. `127.0.0.1` or `0.0.0.0`",
        );
    }
}

/// A host name for a message, escaped so a hostile one cannot break the line.
fn safe_label(name: &str) -> String {
    name.escape_debug().to_string()
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_injected_address() {
        let r = check_toml(&example_with(&[(
            "cores = 4",
            "cores = 4\naddress = \"10.0.0.1:3000 backup; server evil\"",
        )]));
        assert_eq!(paths(&r, "S014"), ["hosts[0].address"]);
    }

    #[test]
    fn triggers_on_bracketed_ipv6_and_accepts_bare() {
        let with = |a: &str| {
            check_toml(&example_with(&[(
                "cores = 4",
                &format!("cores = 4\naddress = \"{a}\""),
            )]))
        };
        assert_eq!(paths(&with("[fd00::11]"), "S014"), ["hosts[0].address"]);
        assert!(paths(&with("fd00::11"), "S014").is_empty());
    }

    #[test]
    fn triggers_on_bind_ip_name() {
        let r = check_toml(&example_with(&[(
            "user = \"rocketchat\"",
            "user = \"rocketchat\"\nbind_ip = \"localhost\"",
        )]));
        assert_eq!(paths(&r, "S014"), ["rocketchat.bind_ip"]);
    }

    #[test]
    fn quiet_on_ip_and_dns_name() {
        let r = check_toml(&example_with(&[(
            "cores = 4",
            "cores = 4\naddress = \"app1.internal\"",
        )]));
        assert!(paths(&r, "S014").is_empty());
    }
}
