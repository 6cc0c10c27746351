use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "T008",
    name: "port-collides-with-proxy",
    severity: Severity::Error,
    summary: "An instance port equals a port the reverse proxy listens on, on the proxy's host.",
    why: "on the proxy's host, 80 and 443 belong to the proxy.",
    example: "`ports = [443]` on the proxy's host",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(proxy) = &ctx.topology.proxy else {
        return;
    };
    let listen = proxy.listen_ports();
    for host in ctx.layout.hosts.iter().filter(|h| h.runs_proxy) {
        for inst in ctx.layout.instances_of(host.index) {
            if listen.contains(&u32::from(inst.port)) {
                emit.report(
                    super::port_path(
                        &ctx.topology.hosts[inst.host_index],
                        inst.host_index,
                        inst.ordinal,
                    ),
                    format!(
                        "instance {} uses port {}, where {} listens on this host",
                        inst.id,
                        inst.port,
                        proxy.kind.as_str()
                    ),
                    "keep instance ports at 3000 and up; the proxy owns 80 and 443",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_443() {
        let r = check_toml(&example_with(&[(
            "instances = \"auto\"",
            "ports = [3000, 443]",
        )]));
        assert_eq!(paths(&r, "T008"), ["hosts[0].ports[1]"]);
    }

    #[test]
    fn quiet_when_proxy_elsewhere() {
        let r = check_toml(&example_with(&[
            ("instances = \"auto\"", "ports = [3000, 443]"),
            ("host = \"app1\"\n", ""),
        ]));
        assert!(paths(&r, "T008").is_empty());
    }
}
