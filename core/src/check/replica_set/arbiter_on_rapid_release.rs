use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::version::is_rapid_release;

pub const RULE: Rule = Rule {
    code: "R007",
    name: "arbiter-on-rapid-release",
    severity: Severity::Error,
    summary: "Arbiters with a MongoDB rapid release (x.1, x.2, ...).",
    why: "MongoDB rapid releases (e.g. 8.2) do not support arbiters.",
    example: r#"an arbiter with `mongo.version = "8.2"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(mongo) = ctx.mongo_version else {
        return;
    };
    if !is_rapid_release(mongo) {
        return;
    }
    for (i, m) in super::arbiters(&ctx.topology.mongo.members) {
        emit.report(
            format!("mongo.members[{i}].arbiter"),
            format!(
                "arbiter `{}`: MongoDB {}.{} is a rapid release, which does not support arbiters",
                m.host, mongo.major, mongo.minor
            ),
            "replace the arbiter with a data-bearing member, or use a major release (e.g. 8.0)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn with(version: &str) -> String {
        example_with_members("[{ host = \"db1:27017\" }, { host = \"db2:27017\" }, { host = \"arb:27017\", arbiter = true }]", version)
    }

    #[test]
    fn triggers_on_8_2() {
        assert_eq!(
            paths(&check_toml(&with("8.2")), "R007"),
            ["mongo.members[2].arbiter"]
        );
    }

    #[test]
    fn quiet_on_major_release() {
        assert!(paths(&check_toml(&with("7.0")), "R007").is_empty());
    }
}
