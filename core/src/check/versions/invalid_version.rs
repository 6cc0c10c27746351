use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "V001",
    name: "invalid-version",
    severity: Severity::Error,
    summary: "rocketchat.version or mongo.version is not a version.",
    why: "version rules, health endpoints and oplog advice all depend on the releases; a version \
        that is not MAJOR.MINOR[.PATCH] turns them off.",
    example: r#"`version = "latest"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    if ctx.rocketchat_version.is_none() {
        emit.report(
            "rocketchat.version",
            format!(
                "`{}` is not a Rocket.Chat version",
                ctx.topology.rocketchat.version
            ),
            "write the release as MAJOR.MINOR.PATCH, e.g. \"7.10.0\"",
        );
    }
    if ctx.mongo_version.is_none() {
        emit.report(
            "mongo.version",
            format!("`{}` is not a MongoDB version", ctx.topology.mongo.version),
            "write the server release as MAJOR.MINOR, e.g. \"7.0\"",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_words() {
        let r = check_toml(&example_with(&[
            ("version = \"7.10.0\"", "version = \"latest\""),
            ("version = \"7.0\"", "version = \"seven\""),
        ]));
        assert_eq!(paths(&r, "V001"), ["mongo.version", "rocketchat.version"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "V001").is_empty());
    }
}
