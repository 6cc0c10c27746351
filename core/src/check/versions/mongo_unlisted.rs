use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::version::{mongo_support, MongoSupport};

pub const RULE: Rule = Rule {
    code: "V004",
    name: "mongo-unlisted",
    severity: Severity::Warning,
    summary: r#"The MongoDB release is not in the Rocket.Chat release's compatibility list."#,
    why: r#"a MongoDB release the Rocket.Chat release does not list but which is above its startup floor: it may start, but the combination is untested (e.g. 8.0 before Rocket.Chat 7.13, 7.0 or 8.0 with Rocket.Chat 8.0/8.1, 9.x with 8.2+). 8.2+ on any 8.x is supported (PR #38596: "tested and guaranteed to work with MongoDB 8.x"), so no warning there."#,
    example: r#"Rocket.Chat 7.10.0 with MongoDB 8.0"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let (Some(rc), Some(mongo)) = (ctx.rocketchat_version, ctx.mongo_version) else {
        return;
    };
    if mongo_support(rc, mongo) == MongoSupport::Unlisted {
        emit.report(
            "mongo.version",
            format!("MongoDB {}.{} is not listed for Rocket.Chat {rc} (it lists {}); the combination is untested", mongo.major, mongo.minor, super::listed(ctx)),
            "use a listed MongoDB release, or a Rocket.Chat release that lists this one",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_8_0_before_7_13() {
        let r = check_toml(&example_with(&[("version = \"7.0\"", "version = \"8.0\"")]));
        assert_eq!(paths(&r, "V004"), ["mongo.version"]);
    }

    #[test]
    fn quiet_on_8_0_from_7_13() {
        let r = check_toml(&example_with(&[
            ("version = \"7.10.0\"", "version = \"7.13.0\""),
            ("version = \"7.0\"", "version = \"8.0\""),
        ]));
        assert!(paths(&r, "V004").is_empty());
    }
}
