use crate::check::{Check, Context, Emit, Rule};
use crate::diagnostic::Severity;
use crate::net::is_loopback;

pub const RULE: Rule = Rule {
    code: "T007",
    name: "port-collides-with-mongod",
    severity: Severity::Error,
    summary: "An instance port equals 27017 or the port of a replica set member on the same host.",
    why: "mongod listens on 27017 by default, and on each member's port; an instance on the same \
        port of the same host fails to bind (or mongod does).",
    example: "`ports = [3000, 27017]`",
    check: Check::Layout(check),
};

fn check(ctx: &Context, emit: &mut Emit) {
    let t = ctx.topology;
    let single_host = t.hosts.len() == 1;
    let runs_mongod = t.mongo.runs_mongod();
    // Each member's host and port are split once, not once per instance.
    let members: Vec<(&str, Option<u32>, &str)> = t
        .mongo
        .members
        .iter()
        .map(|m| (m.hostname(), m.port(), m.host.as_str()))
        .collect();
    for layout_host in &ctx.layout.hosts {
        let host = &t.hosts[layout_host.index];
        let same_host = |member_host: &str| {
            member_host == host.name
                || Some(member_host) == host.address.as_deref()
                || (single_host && is_loopback(member_host))
        };
        let on_host: Vec<(Option<u32>, &str)> = members
            .iter()
            .filter(|(hostname, _, _)| same_host(hostname))
            .map(|(_, port, written)| (*port, *written))
            .collect();
        for inst in ctx.layout.instances_of(layout_host.index) {
            let port = u32::from(inst.port);
            let member = on_host.iter().find(|(p, _)| *p == Some(port));
            let default_port = inst.port == 27017 && runs_mongod;
            if default_port || member.is_some() {
                let what = match member {
                    Some((_, written)) => format!("replica set member `{written}`"),
                    None => "mongod's default port".to_string(),
                };
                emit.report(
                    super::port_path(host, inst.host_index, inst.ordinal),
                    format!(
                        "instance {} uses port {}, which is {what}",
                        inst.id, inst.port
                    ),
                    "keep Rocket.Chat on 3000 and up, away from MongoDB ports",
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::check::testing::*;

    #[test]
    fn triggers_on_mongod_ports() {
        let r = check_toml(&example_with(&[(
            "instances = \"auto\"",
            "ports = [3000, 27017]",
        )]));
        assert_eq!(paths(&r, "T007"), ["hosts[0].ports[1]"]);
        let r = check_toml(&example_with(&[(
            "localhost:27017\" }",
            "localhost:3001\" }",
        )]));
        assert_eq!(paths(&r, "T007"), ["hosts[0].instances"]);
    }

    #[test]
    fn quiet_on_example() {
        assert!(paths(&check_toml(crate::example::TOML), "T007").is_empty());
    }
}
