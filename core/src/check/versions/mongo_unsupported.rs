use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::version::{mongo_support, MongoSupport};

pub const RULE: Rule = Rule {
    code: "V002",
    name: "mongo-unsupported",
    severity: Severity::Error,
    summary: r#"The MongoDB release is not supported by the Rocket.Chat release."#,
    why: r#"per Rocket.Chat's release notes ("Engine versions: MongoDB", `compatibleMongoVersions` of `releases.rocket.chat/<version>/info`): 4.x lists 3.6-5.0, 5.x 4.2-5.0, 6.x 4.4-6.0 (PR #27891 removed 4.2), 7.x 5.0-7.0 and 8.0 from 7.13 (4.4 removed, changeset fair-seahorses-laugh), 8.0/8.1 require 8.2 (PR #35961 removed 5 and 6; release notes of 8.0.0), 8.2+ require 8.0 and are guaranteed with every 8.x (PR #38596). From 7.0 `apps/meteor/server/startup/serverRunning.ts` exits at startup below the floor (7.x: 5.0; 8.x: 7.0); 8.2+ on 7.0 starts but is below the documented minimum, so it is an error too."#,
    example: r#"Rocket.Chat 7.10.0 with MongoDB 4.4; Rocket.Chat 8.5.0 with MongoDB 7.0"#,
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
