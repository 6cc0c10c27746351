use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::net::is_wildcard;

pub const RULE: Rule = Rule {
    code: "T019",
    name: "bind-all-with-local-proxy",
    severity: Severity::Info,
    summary: "BIND_IP is 0.0.0.0 while the proxy runs on the instances' only host.",
    why: "with the proxy on the same (single) host, instances need not listen on every \
        interface; BIND_IP=127.0.0.1 keeps them off the network.",
    example: "one host running the proxy, no `bind_ip`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let only_proxy_host = ctx.layout.hosts.len() == 1 && ctx.layout.hosts[0].runs_proxy;
    let bind = ctx
        .topology
        .rocketchat
        .bind_ip
        .as_deref()
        .unwrap_or("0.0.0.0");
    if only_proxy_host && is_wildcard(bind) {
        emit.report(
            "rocketchat.bind_ip",
            "instances listen on every interface although the proxy reaches them on loopback",
            "set rocketchat.bind_ip = \"127.0.0.1\" so only the proxy can reach them",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_example() {
        assert_eq!(
            paths(&check_toml(crate::example::TOML), "T019"),
            ["rocketchat.bind_ip"]
        );
    }

    #[test]
    fn quiet_with_loopback_bind() {
        let r = check_toml(&example_with(&[(
            "user = \"rocketchat\"",
            "user = \"rocketchat\"\nbind_ip = \"127.0.0.1\"",
        )]));
        assert!(paths(&r, "T019").is_empty());
    }
}
