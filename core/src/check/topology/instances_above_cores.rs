use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::layout::host_port_count;
use crate::model::Host;

pub const RULE: Rule = Rule {
    code: "T004",
    name: "instances-above-cores",
    severity: Severity::Warning,
    summary: r#"More instances than cores on a host."#,
    why: r#"a Node.js process uses one core; more instances than cores only adds context switches and memory, never throughput. A warning, not an error: N-1 instances on N cores is a rule of thumb in Rocket.Chat's own "Running Multiple Instances" how-to, not a limit Rocket.Chat enforces."#,
    example: r#"`cores = 2`, `instances = 3`"#,
    check: Check::Layout(check),
};

pub(super) fn count_path(host: &Host, i: usize) -> String {
    if host.ports.is_some() {
        format!("hosts[{i}].ports")
    } else {
        format!("hosts[{i}].instances")
    }
}

fn check(ctx: &Context, emit: &mut Emit) {
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        let n = host_port_count(host) as u64;
        if n > u64::from(host.cores) {
            emit.report(
                count_path(host, i),
                format!(
                    "host `{}` runs {n} instances on {} cores: each instance is a single-threaded Node.js process",
                    host.name, host.cores
                ),
                format!(
                    "run at most {} instances (cores - 1), or add hosts",
                    host.cores.saturating_sub(1).max(1)
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_above_cores() {
        let r = check_toml(&example_with(&[("instances = \"auto\"", "instances = 6")]));
        assert_eq!(paths(&r, "T004"), ["hosts[0].instances"]);
        let r = check_toml(&example_with(&[("cores = 4", "cores = 0")]));
        assert_eq!(paths(&r, "T004"), ["hosts[0].instances"]);
    }

    #[test]
    fn is_a_warning_not_an_error() {
        // N-1 per core is a rule of thumb: more instances than cores still runs.
        let r = check_toml(&example_with(&[("instances = \"auto\"", "instances = 6")]));
        assert_eq!(r.errors(), 0, "{:?}", r.diagnostics);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T004").is_empty());
    }
}
