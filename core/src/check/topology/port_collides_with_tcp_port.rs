use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: "T009",
    name: "port-collides-with-tcp-port",
    severity: Severity::Error,
    summary: "A TCP_PORT equals an HTTP port or another TCP_PORT on the same host.",
    why: "from 6.0 each instance also listens on TCP_PORT for instance-to-instance traffic \
        (reference: Environment of one instance); it must not be another instance's HTTP port \
        or another instance's TCP_PORT on the same host.",
    example: "`tcp_base_port = 3001` with HTTP ports 3000-3002",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    for host in &ctx.layout.hosts {
        if !collides(ctx.layout.instances_of(host.index)) {
            continue;
        }
        // The owner's words are written only for the report.
        let mut used: BTreeMap<u32, (&str, &str)> = BTreeMap::new();
        for inst in ctx.layout.instances_of(host.index) {
            used.insert(u32::from(inst.port), ("the HTTP port", &inst.id));
        }
        for inst in ctx.layout.instances_of(host.index) {
            if inst.tcp_port == 0 {
                continue;
            }
            if let Some((what, owner)) = used.get(&inst.tcp_port) {
                let h = &ctx.topology.hosts[inst.host_index];
                let path = if h.tcp_base_port.is_some() {
                    format!("hosts[{}].tcp_base_port", inst.host_index)
                } else {
                    "rocketchat.tcp_base_port".to_string()
                };
                emit.report(
                    path,
                    format!(
                        "TCP_PORT {} of {} is already {what} of {owner}",
                        inst.tcp_port, inst.id
                    ),
                    "move the TCP_PORT range clear of the HTTP ports (e.g. tcp_base_port = 4000)",
                );
                break; // one report per host: the range is what needs moving
            } else {
                used.insert(inst.tcp_port, ("the TCP_PORT", &inst.id));
            }
        }
    }
}

/// Whether any TCP_PORT equals an HTTP port or another TCP_PORT: one sort instead of a map of
/// every port, for the usual host where nothing collides. A host's HTTP ports are distinct (the
/// resolver drops repeats), so any repeat involves a TCP_PORT.
fn collides(instances: &[crate::Instance]) -> bool {
    let mut ports: Vec<u32> = instances.iter().map(|i| u32::from(i.port)).collect();
    ports.extend(instances.iter().map(|i| i.tcp_port).filter(|p| *p != 0));
    ports.sort_unstable();
    ports.windows(2).any(|w| w[0] == w[1])
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_overlap() {
        let r = check_toml(&example_with(&[(
            "tcp_base_port = 4000",
            "tcp_base_port = 3001",
        )]));
        assert_eq!(paths(&r, "T009"), ["rocketchat.tcp_base_port"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T009").is_empty());
    }
}
