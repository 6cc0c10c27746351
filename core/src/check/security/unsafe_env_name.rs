use super::syntax;
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S015",
    name: "unsafe-env-name",
    severity: Severity::Error,
    summary: "An `env` table key that is not `[A-Za-z_][A-Za-z0-9_]*`.",
    why: r#"each entry is a `NAME="value"` line of the instance's EnvironmentFile; `=` or a newline would define other variables (systemd.exec EnvironmentFile=)"#,
    example: r#"`env = { "A=B\nMONGO_URL" = "x" }`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    for (prefix, env) in super::env_tables(ctx.topology) {
        for name in env.keys() {
            if let Some(why) = syntax::env_name(name) {
                emit.report(
                    super::env_path(&prefix, name),
                    format!(
                        "`{}` is not an environment variable name: {why}",
                        name.escape_debug()
                    ),
                    "use letters, digits and `_`, not starting with a digit (e.g. `OVERWRITE_SETTING_Site_Name`)",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_injected_name() {
        let r = check_toml(&example_with(&[(
            "base_port = 3000",
            "base_port = 3000\nenv = { \"A=B\\nMONGO_URL\" = \"x\" }",
        )]));
        assert_eq!(paths(&r, "S015"), ["hosts[0].env.A=B\\nMONGO_URL"]);
    }

    #[test]
    fn quiet_on_plain_name() {
        let r = check_toml(&example_with(&[(
            "base_port = 3000",
            "base_port = 3000\nenv = { OVERWRITE_SETTING_Site_Name = \"Chat\" }",
        )]));
        assert!(paths(&r, "S015").is_empty());
    }
}
