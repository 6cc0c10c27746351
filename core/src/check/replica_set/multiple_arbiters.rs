use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::version::Version;

pub const RULE: Rule = Rule {
    code: "R013",
    name: "multiple-arbiters",
    severity: Severity::Error,
    summary: r#"More than one arbiter with MongoDB 5.3 or later."#,
    why: r#"from MongoDB 5.3 a replica set refuses more than one arbiter unless the `allowMultipleArbiters` server parameter is set (MongoDB manual, Replica Set Arbiter, "Concerns with Multiple Arbiters", docs v5.3 and later): several arbiters can let majority writes be acknowledged by too few copies of the data."#,
    example: r#"two members with `arbiter = true`, `mongo.version = "7.0"`"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let Some(mongo) = ctx.mongo_version else {
        return;
    };
    if mongo < Version::new(5, 3, 0) {
        return;
    }
    let arbiters: Vec<usize> = super::arbiters(&ctx.topology.mongo.members)
        .map(|(i, _)| i)
        .collect();
    // The first arbiter is accepted; every further one is refused.
    for &i in arbiters.iter().skip(1) {
        emit.report(
            format!("mongo.members[{i}].arbiter"),
            format!(
                "{} arbiters: MongoDB {}.{} refuses more than one arbiter by default (since 5.3)",
                arbiters.len(),
                mongo.major,
                mongo.minor
            ),
            "keep one arbiter at most and replace the others with data-bearing members",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn with(version: &str) -> String {
        example_with_members("[{ host = \"db1:27017\" }, { host = \"db2:27017\" }, { host = \"db3:27017\" }, { host = \"arb1:27017\", arbiter = true }, { host = \"arb2:27017\", arbiter = true }]", version)
    }

    #[test]
    fn triggers_on_two_arbiters_from_5_3() {
        assert_eq!(
            paths(&check_toml(&with("7.0")), "R013"),
            ["mongo.members[4].arbiter"]
        );
        assert_eq!(paths(&check_toml(&with("5.3")), "R013").len(), 1);
    }

    #[test]
    fn quiet_before_5_3_or_with_one_arbiter() {
        assert!(paths(&check_toml(&with("5.0")), "R013").is_empty());
        assert!(paths(&check_toml(crate::example::TOML), "R013").is_empty());
    }
}
