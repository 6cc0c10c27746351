//! MongoDB: a `mongod.conf` (YAML) per replica set member, on that member's host, and an
//! `rs-initiate.js` for mongosh that initiates the set once with the members document.
//!
//! Strings are written as JSON strings, which are valid YAML double-quoted scalars and valid
//! JavaScript literals.

use super::{Comment, RenderContext, RenderError, RenderedFile, Target};
use crate::model::Member;
use std::collections::BTreeMap;
use std::fmt::Write;

/// Where the initiation script is installed on the first data-bearing member's host.
pub const INITIATE_PATH: &str = "/etc/mongod/rs-initiate.js";
const DEFAULT_PORT: u32 = 27017;

pub(super) fn render(ctx: &RenderContext) -> Result<Vec<RenderedFile>, RenderError> {
    let mongo = &ctx.layout.topology.mongo;
    let set = mongo.replica_set.as_deref().ok_or(RenderError::Missing {
        target: Target::Mongod,
        field: "mongo.replica_set",
        help: "name the replica set (e.g. `rs0`), as in MONGO_URL's replicaSet option",
    })?;
    let Some(first) = mongo
        .members
        .iter()
        .find(|m| !m.arbiter)
        .or(mongo.members.first())
    else {
        return Err(RenderError::Missing {
            target: Target::Mongod,
            field: "mongo.members",
            help: "list the replica set members, e.g. members = [{ host = \"db1:27017\" }, ...]",
        });
    };
    let mut per_host: BTreeMap<&str, usize> = BTreeMap::new();
    for m in &mongo.members {
        *per_host.entry(m.hostname()).or_default() += 1;
    }
    let mut files: Vec<RenderedFile> = mongo
        .members
        .iter()
        .map(|m| {
            let shared = per_host.get(m.hostname()).copied().unwrap_or(0) > 1;
            member_conf(ctx, set, m, shared)
        })
        .collect();
    files.push(RenderedFile {
        host: machine(ctx, first),
        path: INITIATE_PATH.into(),
        mode: 0o644,
        contents: initiate_script(ctx, set, first),
    });
    Ok(files)
}

fn port(m: &Member) -> u32 {
    m.port().unwrap_or(DEFAULT_PORT)
}

/// `host:port`, with brackets around an IPv6 host.
fn address(m: &Member) -> String {
    let host = m.hostname();
    if host.contains(':') {
        format!("[{host}]:{}", port(m))
    } else {
        format!("{host}:{}", port(m))
    }
}

/// The machine a member's files belong on: its host name, or the only application host when
/// the member is registered as loopback (MongoDB beside Rocket.Chat, as in the how-to).
fn machine(ctx: &RenderContext, m: &Member) -> String {
    match ctx.layout.hosts.as_slice() {
        [only] if crate::net::is_loopback(m.hostname()) => only.name.clone(),
        _ => m.hostname().to_string(),
    }
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn member_conf(ctx: &RenderContext, set: &str, m: &Member, shared_host: bool) -> RenderedFile {
    let port = port(m);
    // Several members on one host each need their own file, data directory and log.
    let suffix = if shared_host {
        format!("-{port}")
    } else {
        String::new()
    };
    let host = m.hostname();
    let bind = if crate::net::is_loopback(host) {
        "localhost".to_string()
    } else {
        format!("localhost,{host}")
    };
    let mut s = ctx.header(
        Comment::Hash,
        &format!(
            "mongod configuration of replica set member {} ({set}).",
            address(m)
        ),
    );
    let _ = write!(
        s,
        "\nstorage:\n  dbPath: {}\n  engine: {}\nsystemLog:\n  destination: file\n  path: {}\n  logAppend: true\nnet:\n  port: {port}\n  bindIp: {}\n",
        json(&format!("/var/lib/mongodb{suffix}")),
        ctx.layout.topology.mongo.storage_engine.as_str(),
        json(&format!("/var/log/mongodb/mongod{suffix}.log")),
        json(&bind),
    );
    if host.contains(':') {
        s.push_str("  ipv6: true\n");
    }
    let _ = writeln!(s, "replication:\n  replSetName: {}", json(set));
    RenderedFile {
        host: machine(ctx, m),
        path: format!("/etc/mongod{suffix}.conf"),
        mode: 0o644,
        contents: s,
    }
}

fn initiate_script(ctx: &RenderContext, set: &str, first: &Member) -> String {
    let mut s = ctx.header(
        Comment::Slashes,
        &format!(
            "Initiates replica set {set}. Run once: mongosh --host {} {INITIATE_PATH}",
            address(first)
        ),
    );
    let _ = write!(
        s,
        "\nconst config = {{\n  _id: {},\n  members: [\n",
        json(set)
    );
    for (i, m) in ctx.layout.topology.mongo.members.iter().enumerate() {
        let _ = writeln!(
            s,
            "    {{ _id: {i}, host: {}, votes: {}, priority: {}, arbiterOnly: {}, hidden: {} }},",
            json(&address(m)),
            m.votes(),
            m.priority(),
            m.arbiter,
            m.hidden
        );
    }
    s.push_str(
        "  ],\n};\n\n\
         // rs.status() throws until the set is initiated; initiating twice is an error.\n\
         let initiated = false;\n\
         try {\n  initiated = rs.status().ok === 1;\n} catch (e) {\n  initiated = false;\n}\n\
         if (initiated) {\n  print(`replica set ${config._id} is already initiated: nothing to do`);\n} else {\n  printjson(rs.initiate(config));\n}\n",
    );
    s
}
