use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "P001",
    name: "no-proxy",
    severity: Severity::Error,
    summary: "Several instances without a reverse proxy.",
    why: r#"several instances listen on several ports; users reach one URL only through a reverse proxy that spreads them (how-to: "requires a reverse proxy in front")."#,
    example: "3 instances, no `[proxy]`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    if ctx.topology.proxy.is_none() && ctx.instance_count() > 1 {
        emit.report(
            "proxy",
            format!(
                "{} instances but no reverse proxy: users would reach only one of them",
                ctx.instance_count()
            ),
            "add a [proxy] table (kind = \"nginx\", \"apache\" or \"haproxy\")",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_without_proxy() {
        let text = crate::example::TOML;
        let (a, b) = (
            text.find("[proxy]").unwrap(),
            text.find("[[hosts]]").unwrap(),
        );
        let text = format!("{}{}", &text[..a], &text[b..]);
        assert_eq!(paths(&check_toml(&text), "P001"), ["proxy"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "P001").is_empty());
    }
}
