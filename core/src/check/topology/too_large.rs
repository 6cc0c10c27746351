//! T021 too-large: a topology over a resource bound of [`crate::limits`] (more hosts, instances,
//! members or environment than this tool accepts). Files over a bound are refused when loaded;
//! this rule catches a topology built in code, which resolves to no instance.
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "T021",
    name: "too-large",
    severity: Severity::Error,
    summary: "The topology is over one of the tool's resource bounds.",
    why: "a few bytes can ask for millions of instances; the bounds (2,000 hosts, 1,024 \
        instances per host, 20,000 in all, 1,000 members, 1,000 variables per env table, 64 MiB \
        of environment across all instances) keep every command within seconds and well under a \
        gigabyte. Files over a bound are refused when loaded; this rule reports a topology built \
        in code.",
    example: "`instances = 64000`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    for over in crate::limits::exceeded(ctx.topology) {
        let (what, fix) = over
            .message
            .split_once(": ")
            .unwrap_or((over.message.as_str(), ""));
        emit.report(over.path, what, fix);
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;
    use crate::model::Instances;
    use crate::{check, example, Layout};

    #[test]
    fn triggers_on_a_topology_built_in_code() {
        let mut t = example::topology();
        t.hosts[0].cores = 64_001;
        t.hosts[0].instances = Instances::Count(64_000);
        let layout = Layout::resolve(&t);
        assert!(
            layout.instances.is_empty(),
            "nothing over a bound is resolved"
        );
        let r = check(&layout);
        assert_eq!(paths(&r, "T021"), ["hosts", "hosts[0].instances"]);
        assert!(r.has_errors());
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(example::TOML), "T021").is_empty());
    }
}
