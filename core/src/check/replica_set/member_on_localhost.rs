use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::net::is_loopback;

pub const RULE: Rule = Rule {
    code: "R009",
    name: "member-on-localhost",
    severity: Severity::Error,
    summary: "A member registered as localhost while instances run on other hosts.",
    why: "members registered as `localhost` are unreachable from other hosts (RC #26231): the \
        driver discovers members from the replica set config, not from MONGO_URL.",
    example: "member `localhost:27017` with two app hosts",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    // Only a single application host, with no address of its own, can share loopback with mongod.
    let hosts = &ctx.topology.hosts;
    let one_local_host = hosts.len() <= 1
        && hosts
            .iter()
            .all(|h| h.address.as_deref().is_none_or(is_loopback));
    if one_local_host {
        return;
    }
    for (i, m) in ctx.topology.mongo.members.iter().enumerate() {
        if is_loopback(m.hostname()) {
            emit.report(
                format!("mongo.members[{i}].host"),
                format!("member `{}` is registered on loopback, which instances on other hosts cannot reach (RC #26231)", m.host),
                "register members by an address every application host can reach, e.g. db1.internal:27017",
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_with_second_host() {
        let text = example_with(&[("cores = 4\n", "address = \"10.0.0.11\"\ncores = 4\n")])
            + "\n[[hosts]]\nname = \"app2\"\naddress = \"10.0.0.12\"\ncores = 4\n";
        assert_eq!(paths(&check_toml(&text), "R009"), ["mongo.members[0].host"]);
    }

    #[test]
    fn quiet_on_single_host() {
        assert!(paths(&check_toml(crate::example::TOML), "R009").is_empty());
    }
}
