use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "T014",
    name: "random-tcp-port",
    severity: Severity::Warning,
    summary: "TCP_PORT left random (0) while several instances must talk to each other.",
    why: "from 6.0, TCP_PORT defaults to 0, a random port on all interfaces (RC #30541): a \
        firewall cannot allow it. Set a fixed, unique one per instance.",
    example: "3 instances on 7.10.0, no `tcp_base_port`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let uses_tcp = ctx
        .rocketchat_version
        .is_none_or(|_| ctx.rocketchat_at_least(6, 0));
    let has_broker = ctx.topology.rocketchat.transporter.is_some();
    if !uses_tcp || has_broker || ctx.instance_count() < 2 {
        return;
    }
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        if host.tcp_base_port.is_none() && ctx.topology.rocketchat.tcp_base_port.is_none() {
            emit.report(
                format!("hosts[{i}]"),
                format!(
                    "instances on host `{}` get a random TCP_PORT, which a firewall cannot allow",
                    host.name
                ),
                "set rocketchat.tcp_base_port (e.g. 4000): instance i then uses 4000 + i",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_without_base() {
        let r = check_toml(&example_with(&[("tcp_base_port = 4000", "")]));
        assert_eq!(paths(&r, "T014"), ["hosts[0]"]);
    }

    #[test]
    fn quiet_with_base_or_old_version() {
        assert!(paths(&check_toml(crate::example::TOML), "T014").is_empty());
        let r = check_toml(&example_with(&[
            ("tcp_base_port = 4000", ""),
            ("7.10.0", "5.4.0"),
            ("\"7.0\"", "\"5.0\""),
        ]));
        assert!(paths(&r, "T014").is_empty());
    }
}
