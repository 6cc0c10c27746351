use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R014",
    name: "primary-secondary-arbiter",
    severity: Severity::Warning,
    summary: r#"An arbiter set that loses majority writes when one data-bearing member is down."#,
    why: r#"with arbiters, losing one data-bearing member can leave fewer data-bearing voters than a majority: `w: "majority"` writes stall and the majority commit point stops advancing (MongoDB manual, Replica Set Arbiter, "Performance Issues with PSA replica sets"); Rocket.Chat issue #34875 reports every instance going unhealthy when the primary of such a set went down. Help: replace the arbiter with a data-bearing member."#,
    example: r#"members `db1`, `db2` and an arbiter"#,
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let members = &ctx.topology.mongo.members;
    if !members.iter().any(|m| m.arbiter) {
        return;
    }
    let voters = super::voting(members);
    let majority = voters / 2 + 1;
    let data_voters = members
        .iter()
        .filter(|m| !m.arbiter && m.votes() > 0)
        .count();
    if data_voters.saturating_sub(1) < majority {
        emit.report(
            "mongo.members",
            format!(
                "{data_voters} data-bearing voting member(s) and {} arbiter(s): with one data-bearing member down, fewer than the {majority} voters a majority write needs hold the data, so majority writes stall (Rocket.Chat instances turned unhealthy this way, RC #34875)",
                voters - data_voters
            ),
            "replace the arbiter with a data-bearing member (three data-bearing members is the minimum for failover)",
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn with(members: &str) -> String {
        example_with(&[("[{ host = \"localhost:27017\" }]", members)])
    }

    #[test]
    fn triggers_on_psa() {
        let psa = with("[{ host = \"db1:27017\" }, { host = \"db2:27017\" }, { host = \"arb:27017\", arbiter = true }]");
        assert_eq!(paths(&check_toml(&psa), "R014"), ["mongo.members"]);
    }

    #[test]
    fn quiet_when_data_members_carry_the_majority() {
        let psssa = with("[{ host = \"db1:27017\" }, { host = \"db2:27017\" }, { host = \"db3:27017\" }, { host = \"db4:27017\" }, { host = \"arb:27017\", arbiter = true }]");
        assert!(paths(&check_toml(&psssa), "R014").is_empty());
        assert!(paths(&check_toml(crate::example::TOML), "R014").is_empty());
    }
}
