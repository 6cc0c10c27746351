use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::version::{mongo_support, MongoSupport};

pub const RULE: Rule = Rule {
    code: "V002",
    name: "mongo-unsupported",
    severity: Severity::Error,
    summary: "The MongoDB release is not supported by the Rocket.Chat release.",
    why: "each Rocket.Chat release lists the MongoDB releases it supports \
        (`compatibleMongoVersions`); from 7.0 startup is fatal below the floor (7.x: 5.0; 8.x: \
        7.0), and older majors removed releases from their list (reference: MongoDB versions \
        table).",
    example: "Rocket.Chat 7.10.0 with MongoDB 4.4",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let (Some(rc), Some(mongo)) = (ctx.rocketchat_version, ctx.mongo_version) else {
        return;
    };
    if mongo_support(rc, mongo) == MongoSupport::Unsupported {
        emit.report(
            "mongo.version",
            format!("Rocket.Chat {rc} does not support MongoDB {}.{} (it lists {})", mongo.major, mongo.minor, super::listed(ctx)),
            "upgrade MongoDB one major release at a time to a listed release before upgrading Rocket.Chat",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_below_floor() {
        let r = check_toml(&example_with(&[("version = \"7.0\"", "version = \"4.4\"")]));
        assert_eq!(paths(&r, "V002"), ["mongo.version"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "V002").is_empty());
    }
}
