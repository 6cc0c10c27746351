use super::syntax;
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S013",
    name: "unsafe-host-name",
    severity: Severity::Error,
    summary: "`hosts[].name`, `proxy.host` not one label of letters, digits, `. _ -`.",
    why: "names the `--out DIR/<host>/` folder, HAProxy server names, Apache routes and diagram \
        nodes; `..` or `/` would leave the folder",
    example: r#"`name = "app{1}"`"#,
    check: Check::Layout(check),
};

const HELP: &str =
    "name hosts with letters, digits, `.`, `_` and `-` (e.g. `app1`), at most 63 characters";

fn check(ctx: &Context, emit: &mut Emit) {
    for (i, host) in ctx.topology.hosts.iter().enumerate() {
        if let Some(why) = syntax::host_name(&host.name) {
            emit.report(
                format!("hosts[{i}].name"),
                format!("host name cannot be used in rendered files: {why}"),
                HELP,
            );
        }
    }
    if let Some(name) = ctx.topology.proxy.as_ref().and_then(|p| p.host.as_deref()) {
        if let Some(why) = syntax::host_name(name) {
            emit.report(
                "proxy.host",
                format!("the proxy's host name cannot be used in rendered files: {why}"),
                HELP,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_brace_and_path_traversal() {
        let r = check_toml(&example_with(&[
            ("name = \"app1\"", "name = \"app{1}\""),
            ("host = \"app1\"", "host = \"../etc\""),
        ]));
        assert_eq!(paths(&r, "S013"), ["hosts[0].name", "proxy.host"]);
    }

    #[test]
    fn quiet_on_plain_names() {
        let r = check_toml(&example_with(&[]));
        assert!(paths(&r, "S013").is_empty());
    }
}
