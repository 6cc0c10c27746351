use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "T010",
    name: "privileged-port",
    severity: Severity::Error,
    summary: "An instance port below 1024.",
    why: "ports below 1024 need root or CAP_NET_BIND_SERVICE; Rocket.Chat runs as an \
        unprivileged user, so the instance would fail to start.",
    example: "`ports = [80]`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    for inst in &ctx.layout.instances {
        if inst.port < 1024 {
            emit.report(
                super::port_path(
                    &ctx.topology.hosts[inst.host_index],
                    inst.host_index,
                    inst.ordinal,
                ),
                format!(
                    "instance {} uses privileged port {}; the `{}` user cannot bind it",
                    inst.id, inst.port, ctx.topology.rocketchat.user
                ),
                "use ports from 3000 up and let the proxy own 80/443",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_below_1024() {
        let r = check_toml(&example_with(&[(
            "instances = \"auto\"",
            "ports = [3000, 8]",
        )]));
        assert_eq!(paths(&r, "T010"), ["hosts[0].ports[1]"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T010").is_empty());
    }
}
