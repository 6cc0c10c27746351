use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "P004",
    name: "proxy-host-unknown",
    severity: Severity::Error,
    summary: "proxy.host names no application host.",
    why: "`proxy.host` says which application host runs the proxy (so it dials instances on \
        loopback); a name that matches no host makes every upstream address wrong.",
    example: r#"`proxy.host = "web9"` with no such host"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(name) = ctx.topology.proxy.as_ref().and_then(|p| p.host.as_deref()) else {
        return;
    };
    if !ctx.topology.hosts.iter().any(|h| h.name == name) {
        let names: Vec<&str> = ctx.topology.hosts.iter().map(|h| h.name.as_str()).collect();
        emit.report(
            "proxy.host",
            format!("proxy.host `{name}` is not the name of any host (hosts: {})", names.join(", ")),
            "set it to the name of the host that runs the proxy, or remove it when the proxy has its own machine",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_unknown_name() {
        let r = check_toml(&example_with(&[("host = \"app1\"", "host = \"web9\"")]));
        assert_eq!(paths(&r, "P004"), ["proxy.host"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "P004").is_empty());
    }
}
