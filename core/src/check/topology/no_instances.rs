use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::layout::host_port_count;

pub const RULE: Rule = Rule {
    code: "T002",
    name: "no-instances",
    severity: Severity::Error,
    summary: "A host resolves to zero instances.",
    why: "a host that runs no instance is a host the proxy cannot use.",
    example: "`instances = 0` or `ports = []`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        let (field, written) = match &host.ports {
            Some(_) => ("ports", "its ports list is empty"),
            None => ("instances", "instances is 0"),
        };
        let declared = match &host.ports {
            Some(p) => p.len() as u64,
            None => u64::from(host.instances.count(host.cores)),
        };
        if declared == 0 {
            emit.report(
                format!("hosts[{i}].{field}"),
                format!("host `{}` runs no Rocket.Chat instance: {written}", host.name),
                "set instances = \"auto\" (cores - 1) or a number of at least 1, or remove the host",
            );
        } else if host_port_count(host) == 0 {
            // Every port was out of range: port-out-of-range explains each one.
            emit.report(
                format!("hosts[{i}]"),
                format!(
                    "host `{}` has no usable port, so no instance can run",
                    host.name
                ),
                "use ports between 1024 and 65535",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_zero_instances_and_empty_ports() {
        let r = check_toml(&example_with(&[("instances = \"auto\"", "instances = 0")]));
        assert_eq!(paths(&r, "T002"), ["hosts[0].instances"]);
        let r = check_toml(&example_with(&[("instances = \"auto\"", "ports = []")]));
        assert_eq!(paths(&r, "T002"), ["hosts[0].ports"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T002").is_empty());
    }
}
