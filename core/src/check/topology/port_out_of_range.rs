use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::layout::MAX_PORT;

pub const RULE: Rule = Rule {
    code: "T006",
    name: "port-out-of-range",
    severity: Severity::Error,
    summary: "An HTTP or TCP port outside 1..=65535.",
    why: "ports are 1..=65535; an instance count that runs past 65535 from its base port, or a \
        TCP_PORT base that does, cannot be bound.",
    example: "`ports = [70000]`; `base_port = 65534` with 3 instances",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let t = ctx.topology;
    for (i, host) in t.hosts.iter().enumerate() {
        let count = match &host.ports {
            Some(ports) => {
                for (j, port) in ports.iter().enumerate() {
                    if *port == 0 || *port > MAX_PORT {
                        emit.report(
                            format!("hosts[{i}].ports[{j}]"),
                            format!("port {port} is not a TCP port (1..=65535)"),
                            "use a port between 1024 and 65535",
                        );
                    }
                }
                ports.len() as u64
            }
            None => {
                let count = u64::from(host.instances.count(host.cores));
                let last = u64::from(host.base_port) + count.saturating_sub(1);
                if host.base_port == 0 || (count > 0 && last > u64::from(MAX_PORT)) {
                    emit.report(
                        format!("hosts[{i}].base_port"),
                        format!(
                            "base_port {} with {count} instances reaches port {last}, past 65535",
                            host.base_port
                        ),
                        "lower base_port (3000 is Rocket.Chat's default) or the instance count",
                    );
                }
                count
            }
        };
        let (tcp_base, path) = match (host.tcp_base_port, t.rocketchat.tcp_base_port) {
            (Some(b), _) => (b, format!("hosts[{i}].tcp_base_port")),
            (None, Some(b)) => (b, "rocketchat.tcp_base_port".to_string()),
            (None, None) => continue,
        };
        let last = u64::from(tcp_base) + count.saturating_sub(1);
        if tcp_base == 0 || last > u64::from(MAX_PORT) {
            emit.report(
                path,
                format!(
                    "TCP_PORT base {tcp_base} with {count} instances on host `{}` reaches {last}",
                    host.name
                ),
                "pick a TCP_PORT base so that base + instances - 1 stays within 1024..=65535",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_bad_ports() {
        let r = check_toml(&example_with(&[(
            "instances = \"auto\"",
            "ports = [0, 70000, 3000]",
        )]));
        assert_eq!(
            paths(&r, "T006"),
            ["hosts[0].ports[0]", "hosts[0].ports[1]"]
        );
        let r = check_toml(&example_with(&[("base_port = 3000", "base_port = 65534")]));
        assert_eq!(paths(&r, "T006"), ["hosts[0].base_port"]);
        let r = check_toml(&example_with(&[(
            "tcp_base_port = 4000",
            "tcp_base_port = 65535",
        )]));
        assert_eq!(paths(&r, "T006"), ["rocketchat.tcp_base_port"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T006").is_empty());
    }
}
