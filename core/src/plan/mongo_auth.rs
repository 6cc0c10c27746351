//! Plan steps for a replica set with access control (MONGO_URL carries credentials): one keyfile
//! for every member, and the initiate step that also creates the users.
//!
//! The keyfile is random, mode 0400, owned by mongod's user and identical on every member. It is
//! never printed nor written into a plan or script: the first member generates it from
//! /dev/urandom when the step runs, the others copy it from there over ssh (or install the file
//! named by `RCTOPO_MONGO_KEYFILE`). Passwords are read from the environment when the initiate
//! step runs (see `mongo_access`).

use super::action::{Action, Step};
use super::commands::{fill, shell_quote};
use crate::layout::Layout;
use crate::mongo_access;
use crate::paths::{self, MongodPlace};

use super::builder::Op;

/// One keyfile step per machine that runs a member, the initiating member's machine first
/// (it generates the key; the others copy it). Empty without access control.
pub(super) fn keyfile_ops(desired: &Layout) -> Vec<Op> {
    let mongo = &desired.topology.mongo;
    let places = paths::mongod_places(&desired.topology);
    let Some(first) = initiating_place(desired, &places) else {
        return Vec::new();
    };
    if !mongo_access::required(mongo) {
        return Vec::new();
    }
    let mut machines: Vec<&str> = vec![first.machine.as_str()];
    for p in &places {
        if !machines.contains(&p.machine.as_str()) {
            machines.push(&p.machine);
        }
    }
    machines
        .iter()
        .map(|machine| {
            let from = (*machine != first.machine).then(|| first.machine.clone());
            let description = match &from {
                None => format!(
                    "generate the replica set keyfile {} (random, 0400, owner {}) unless present",
                    mongo_access::KEYFILE,
                    mongo_access::MONGOD_USER
                ),
                Some(f) => format!("copy the replica set keyfile from {f}"),
            };
            (
                (*machine).into(),
                Action::MongoKeyfile {
                    path: mongo_access::KEYFILE.into(),
                    from,
                },
                description.into(),
            )
        })
        .collect()
}

/// The member whose machine initiates the set.
fn initiating_place<'a>(desired: &Layout, places: &'a [MongodPlace]) -> Option<&'a MongodPlace> {
    mongo_access::initiating_member(&desired.topology.mongo.members).and_then(|i| places.get(i))
}

/// The initiate step: on the initiating member's machine, against its port, creating the users.
pub(super) fn initiate_op(desired: &Layout, set: &str) -> Option<Op> {
    let places = paths::mongod_places(&desired.topology);
    let place = initiating_place(desired, &places)?;
    let mongo = &desired.topology.mongo;
    let config = crate::render::initiate_config(set, &mongo.members);
    let users = mongo_access::users(mongo);
    let mut description = format!("initiate replica set {set} once, before any instance starts");
    if !users.is_empty() {
        let envs: Vec<&str> = users.iter().map(|u| u.password_env.as_str()).collect();
        description.push_str(&format!(
            ", and create its users (passwords from {})",
            envs.join(", ")
        ));
    }
    Some((
        place.machine.as_str().into(),
        Action::MongoInitiate {
            replica_set: set.to_string(),
            config: Box::new(serde_json::to_value(config).unwrap_or_default()),
            port: place.port,
            users: Box::new(serde_json::to_value(users).unwrap_or_default()),
        },
        description.into(),
    ))
}

/// The shell lines of a keyfile step; `ssh`: run from a control machine.
pub(super) fn keyfile_lines(step: &Step, path: &str, from: Option<&str>, ssh: bool) -> Vec<String> {
    let owner = mongo_access::MONGOD_USER;
    let line = match (from, ssh) {
        (None, false) => format!("rct_keyfile_new {} {owner}", shell_quote(path)),
        (None, true) => format!(
            "rct_on {} {}",
            shell_quote(&step.host),
            shell_quote(&format!("rct_keyfile_new {} {owner}", shell_quote(path)))
        ),
        (Some(from), false) => format!(
            "rct_keyfile_pull {} {} {owner}",
            shell_quote(from),
            shell_quote(path)
        ),
        (Some(from), true) => format!(
            "rct_keyfile_copy {} {} {} {owner}",
            shell_quote(from),
            shell_quote(&step.host),
            shell_quote(path)
        ),
    };
    vec![line]
}

/// The shell lines of the initiate step: mongosh runs the initiating script (the one the
/// rendered `rs-initiate.js` holds), with the users' password variables passed along over ssh.
pub(super) fn initiate_lines(
    step: &Step,
    template: &str,
    config: &serde_json::Value,
    port: u32,
    users: &serde_json::Value,
    ssh: bool,
) -> Vec<String> {
    let parsed: Vec<mongo_access::DbUser> =
        serde_json::from_value(users.clone()).unwrap_or_default();
    let config_json = serde_json::to_string(config).unwrap_or_default();
    let script = crate::render::initiate_js(&config_json, port, &parsed);
    let command = fill(template, &[("script", &script)]);
    let envs: Vec<&str> = parsed.iter().map(|u| u.password_env.as_str()).collect();
    let mut lines = Vec::new();
    if !ssh {
        for env in &envs {
            lines.push(format!(
                ": \"${{{env}:?set {env} to the password of that MongoDB user}}\""
            ));
        }
    }
    // The script is JavaScript: its `${...}` are template literals, quoted on purpose.
    lines.push("# shellcheck disable=SC2016".into());
    lines.push(match (ssh, envs.is_empty()) {
        (false, _) => command,
        (true, true) => format!(
            "rct_on {} {}",
            shell_quote(&step.host),
            shell_quote(&command)
        ),
        (true, false) => format!(
            "rct_on_env {} {} {}",
            shell_quote(&step.host),
            shell_quote(&envs.join(" ")),
            shell_quote(&command)
        ),
    });
    lines
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::Format;
    use crate::model::Topology;

    fn production() -> Layout {
        let text = include_str!("../../../examples/production.toml");
        let env = |name: &str| (name == "RC_MONGO_PASSWORD").then(|| "c4n4ry".to_string());
        Layout::resolve(&Topology::parse_with_env(text, Format::Toml, None, &env).unwrap())
    }

    #[test]
    fn the_first_member_generates_and_the_others_copy() {
        let ops = keyfile_ops(&production());
        let froms: Vec<(&str, Option<&str>)> = ops
            .iter()
            .map(|(m, a, _)| match a {
                Action::MongoKeyfile { from, .. } => (&**m, from.as_deref()),
                other => panic!("unexpected {other:?}"),
            })
            .collect();
        assert_eq!(
            froms,
            [
                ("db1.example.internal", None),
                ("db2.example.internal", Some("db1.example.internal")),
                ("db3.example.internal", Some("db1.example.internal")),
            ]
        );
    }

    #[test]
    fn no_keyfile_without_credentials() {
        let layout = Layout::resolve(&crate::example::topology());
        assert!(keyfile_ops(&layout).is_empty());
    }

    #[test]
    fn keyfile_lines_never_hold_the_key_and_generate_from_urandom() {
        let ops = keyfile_ops(&production());
        let step = |(host, action, description): &Op| Step {
            id: 1,
            wave: 1,
            host: host.clone(),
            action: action.clone(),
            description: description.clone(),
        };
        for (n, ssh) in [(0, false), (0, true), (1, false), (1, true)] {
            let s = step(&ops[n]);
            let Action::MongoKeyfile { path, from } = &s.action else {
                unreachable!()
            };
            let lines = keyfile_lines(&s, path, from.as_deref(), ssh).join("\n");
            assert!(lines.contains("/etc/mongod.keyfile"), "{lines}");
        }
        let new = super::super::shell_helpers::helper("rct_keyfile_new").unwrap();
        assert!(new.contains("/dev/urandom") && new.contains("chmod 0400"));
    }
}
