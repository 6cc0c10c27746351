use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "R006",
    name: "arbiter-with-data-member",
    severity: Severity::Error,
    summary: "An arbiter on a host that also runs a data-bearing member.",
    why: "an arbiter on the same machine as a data-bearing member falls with it, so the vote it \
        was meant to add is lost exactly when needed.",
    example: "arbiter `db1:27018` beside data member `db1:27017`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let members = &ctx.topology.mongo.members;
    for (i, arbiter) in super::arbiters(members) {
        let host = arbiter.hostname();
        if let Some(data) = members
            .iter()
            .find(|m| !m.arbiter && m.hostname().eq_ignore_ascii_case(host))
        {
            emit.report(
                format!("mongo.members[{i}].host"),
                format!(
                    "arbiter `{}` shares host `{host}` with data member `{}`",
                    arbiter.host, data.host
                ),
                "run the arbiter on a machine without a data-bearing member",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    fn set(arbiter_host: &str) -> String {
        example_with(&[("[{ host = \"localhost:27017\" }]", &format!("[{{ host = \"db1:27017\" }}, {{ host = \"db2:27017\" }}, {{ host = \"{arbiter_host}:27018\", arbiter = true }}]"))])
    }

    #[test]
    fn triggers_when_shared() {
        assert_eq!(
            paths(&check_toml(&set("db1")), "R006"),
            ["mongo.members[2].host"]
        );
    }

    #[test]
    fn quiet_on_own_host() {
        assert!(paths(&check_toml(&set("arb1")), "R006").is_empty());
    }
}
