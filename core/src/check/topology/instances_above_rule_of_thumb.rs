use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::layout::host_port_count;

pub const RULE: Rule = Rule {
    code: "T003",
    name: "instances-above-rule-of-thumb",
    severity: Severity::Warning,
    summary: "More instances than cores - 1 on a host (but not more than cores).",
    why: "Rocket.Chat is one Node.js process per core; N-1 instances on N cores leaves a core \
        for MongoDB, the proxy and the system (the how-to's rule of thumb).",
    example: "`cores = 4`, `instances = 4`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        let n = host_port_count(host) as u64;
        let cores = u64::from(host.cores);
        if cores > 1 && n > cores - 1 && n <= cores {
            emit.report(
                super::instances_above_cores::count_path(host, i),
                format!(
                    "host `{}` runs {n} instances on {cores} cores; the rule of thumb is cores - 1 = {}",
                    host.name,
                    cores - 1
                ),
                "leave a core for MongoDB, the proxy and the system: use instances = \"auto\"",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_at_cores() {
        let r = check_toml(&example_with(&[("instances = \"auto\"", "instances = 4")]));
        assert_eq!(paths(&r, "T003"), ["hosts[0].instances"]);
        assert!(paths(&r, "T004").is_empty());
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T003").is_empty());
    }
}
