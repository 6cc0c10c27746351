use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::version::{mongo_support, MongoSupport};

pub const RULE: Rule = Rule {
    code: "V003",
    name: "mongo-deprecated",
    severity: Severity::Warning,
    summary: r#"The MongoDB release is deprecated for the Rocket.Chat release."#,
    why: r#"the release is still listed but deprecated; the next Rocket.Chat major drops it. 7.x with MongoDB 5.0: `serverRunning.ts` of 7.x shows a DEPRECATION box below 6.0 ("IT WILL NOT BE SUPPORTED ON ROCKET.CHAT VERSION 8.0.0 AND GREATER"), and 8.0 removed it (PR #35961)."#,
    example: r#"Rocket.Chat 6.5.0 with MongoDB 4.4; Rocket.Chat 7.10.0 with MongoDB 5.0"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let (Some(rc), Some(mongo)) = (ctx.rocketchat_version, ctx.mongo_version) else {
        return;
    };
    if mongo_support(rc, mongo) == MongoSupport::Deprecated {
        emit.report(
            "mongo.version",
            format!(
                "MongoDB {}.{} is deprecated in Rocket.Chat {rc}; the next major drops it",
                mongo.major, mongo.minor
            ),
            format!("plan a MongoDB upgrade to one of {}", super::listed(ctx)),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_4_4_with_6_x() {
        let r = check_toml(&example_with(&[
            ("version = \"7.10.0\"", "version = \"6.5.0\""),
            ("version = \"7.0\"", "version = \"4.4\""),
        ]));
        assert_eq!(paths(&r, "V003"), ["mongo.version"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "V003").is_empty());
    }
}
