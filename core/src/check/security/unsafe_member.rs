use super::syntax;
use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;

pub const RULE: Rule = Rule {
    code: "S018",
    name: "unsafe-member",
    severity: Severity::Error,
    summary: "A member `host` that is not `host[:port]` (DNS name or IP, port 1-65535), or a \
        priority outside 0-1000.",
    why: "written to rs-initiate.js `members[].host`, mongod.conf `net.bindIp`/`net.port` \
        (reference: Replica set; MongoDB replica set configuration)",
    example: r#"`host = "db1\"}]}); db.dropDatabase(); //"`"#,
    check: Check::Layout(check),
};

/// Highest member priority MongoDB accepts.
const MAX_PRIORITY: f64 = 1000.0;

fn check(ctx: &Context, emit: &mut Emit) {
    for (i, member) in ctx.topology.mongo.members.iter().enumerate() {
        if let Some(why) = syntax::host_port(&member.host) {
            emit.report(
                format!("mongo.members[{i}].host"),
                format!("member host cannot be written into the replica set config: {why}"),
                "write `host:port` with a DNS name or IP address, e.g. `db1.internal:27017`",
            );
        }
        if let Some(p) = member.priority {
            if !p.is_finite() || !(0.0..=MAX_PRIORITY).contains(&p) {
                emit.report(
                    format!("mongo.members[{i}].priority"),
                    format!("priority {p} is not a number from 0 to {MAX_PRIORITY}"),
                    "use a priority from 0 to 1000 (0: never primary)",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_script_injection_and_negative_priority() {
        let r = check_toml(&example_with(&[(
            "members = [{ host = \"localhost:27017\" }]",
            "members = [{ host = \"db1\\\"}]});db.dropDatabase();//\" }, { host = \"db2:27017\", priority = -1.0 }]",
        )]));
        assert_eq!(
            paths(&r, "S018"),
            ["mongo.members[0].host", "mongo.members[1].priority"]
        );
    }

    #[test]
    fn quiet_on_host_port() {
        let r = check_toml(&example_with(&[]));
        assert!(paths(&r, "S018").is_empty());
    }
}
