use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use std::collections::BTreeMap;

pub const RULE: Rule = Rule {
    code: "T005",
    name: "duplicate-port",
    severity: Severity::Error,
    summary: "The same port is listed twice on a host.",
    why: "two instances cannot listen on one port; the second would crash-loop.",
    example: "`ports = [3000, 3001, 3001]`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        let Some(ports) = &host.ports else { continue };
        let mut first: BTreeMap<u32, usize> = BTreeMap::new();
        for (j, port) in ports.iter().enumerate() {
            if let Some(k) = first.get(port) {
                emit.report(
                    format!("hosts[{i}].ports[{j}]"),
                    format!(
                        "port {port} is listed twice on host `{}` (also at ports[{k}])",
                        host.name
                    ),
                    "give every instance on a host its own port",
                );
            } else {
                first.insert(*port, j);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_repeat() {
        let r = check_toml(&example_with(&[(
            "instances = \"auto\"",
            "ports = [3000, 3001, 3000]",
        )]));
        assert_eq!(paths(&r, "T005"), ["hosts[0].ports[2]"]);
    }

    #[test]
    fn quiet_on_distinct_ports() {
        let r = check_toml(&example_with(&[(
            "instances = \"auto\"",
            "ports = [3000, 3001]",
        )]));
        assert!(paths(&r, "T005").is_empty());
    }
}
