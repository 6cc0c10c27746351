use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "T001",
    name: "no-hosts",
    severity: Severity::Error,
    summary: "The topology has no application host.",
    why: "a topology with no application host runs no Rocket.Chat at all.",
    example: "no `[[hosts]]` table",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    if ctx.topology.hosts.is_empty() {
        emit.report(
            "hosts",
            "no application host is defined, so no Rocket.Chat instance would run",
            "add a [[hosts]] table with name, address and cores",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_without_hosts() {
        let text = crate::example::TOML;
        let cut = text.find("[[hosts]]").unwrap();
        let text = text[..cut].replace("host = \"app1\"\n", "");
        assert_eq!(paths(&check_toml(&text), "T001"), ["hosts"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T001").is_empty());
    }
}
