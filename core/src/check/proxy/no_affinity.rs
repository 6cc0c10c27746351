use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::model::Affinity;

pub const RULE: Rule = Rule {
    code: "P002",
    name: "no-affinity",
    severity: Severity::Warning,
    summary: "Session affinity is off while several instances serve.",
    why: "when WebSockets are blocked, Rocket.Chat's SockJS falls back to XHR polling, whose \
        requests must return to the same instance (RC #27256); without affinity they scatter.",
    example: r#"`affinity = "none"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(proxy) = &ctx.topology.proxy else {
        return;
    };
    if proxy.affinity == Affinity::None && ctx.instance_count() > 1 {
        emit.report(
            "proxy.affinity",
            "no session affinity: SockJS's XHR-polling fallback (used when WebSockets are blocked) breaks when its requests reach different instances (RC #27256)",
            "set affinity = \"cookie\" (better than ip_hash when many users share one NAT address, RC #17559)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_none() {
        let r = check_toml(&example_with(&[(
            "affinity = \"cookie\"",
            "affinity = \"none\"",
        )]));
        assert_eq!(paths(&r, "P002"), ["proxy.affinity"]);
    }

    #[test]
    fn quiet_on_cookie() {
        assert!(paths(&check_toml(crate::example::TOML), "P002").is_empty());
    }
}
