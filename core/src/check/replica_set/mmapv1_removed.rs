use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::model::StorageEngine;
use crate::version::Version;

pub const RULE: Rule = Rule {
    code: "R010",
    name: "mmapv1-removed",
    severity: Severity::Error,
    summary: "mmapv1 with MongoDB >= 4.2 or Rocket.Chat >= 4.0.",
    why: "MMAPv1 was removed in MongoDB 4.2, and Rocket.Chat 4.x and later require WiredTiger. \
        The how-to's advice to switch multi-instance setups to mmapv1 is obsolete.",
    example: r#"`storage_engine = "mmapv1"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    if ctx.topology.mongo.storage_engine != StorageEngine::Mmapv1 {
        return;
    }
    let mongo_removed = ctx.mongo_version.is_none_or(|v| v >= Version::new(4, 2, 0));
    let rocketchat_requires_wt = ctx
        .rocketchat_version
        .is_none_or(|v| v >= Version::new(4, 0, 0));
    if mongo_removed || rocketchat_requires_wt {
        let why = if mongo_removed {
            format!(
                "MongoDB {} has no mmapv1 (removed in 4.2)",
                ctx.topology.mongo.version
            )
        } else {
            format!(
                "Rocket.Chat {} requires WiredTiger",
                ctx.topology.rocketchat.version
            )
        };
        emit.report(
            "mongo.storage_engine",
            format!("storage engine mmapv1: {why}; the how-to's advice to use mmapv1 for several instances is obsolete"),
            "use storage_engine = \"wiredTiger\" (migrate with mongodump/mongorestore or an initial sync to a new member)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_mmapv1() {
        let r = check_toml(&example_with(&[(
            "storage_engine = \"wiredTiger\"",
            "storage_engine = \"mmapv1\"",
        )]));
        assert_eq!(paths(&r, "R010"), ["mongo.storage_engine"]);
    }

    #[test]
    fn quiet_on_wiredtiger() {
        assert!(paths(&check_toml(crate::example::TOML), "R010").is_empty());
    }
}
