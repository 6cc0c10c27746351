//! MongoDB: a `mongod.conf` (YAML) per replica set member, on that member's machine
//! (`/etc/mongod.conf`, or `/etc/mongod-<port>.conf` and a `mongod@.service` template when a
//! machine holds several members: see `paths::mongod_places`), and an `rs-initiate.js` for mongosh that initiates the set once with the members document.
//!
//! Strings are written as JSON strings, which are valid YAML double-quoted scalars and valid
//! JavaScript literals.

use super::{Comment, RenderContext, RenderError, RenderedFile, Target};
use crate::model::Member;
use crate::paths::{self, MongodPlace, MONGOD_DEFAULT_PORT, MONGOD_INITIATE};
use std::collections::BTreeSet;
use std::fmt::Write;

pub(super) fn render(ctx: &RenderContext) -> Result<Vec<RenderedFile>, RenderError> {
    let mongo = &ctx.layout.topology.mongo;
    let set = mongo.replica_set.as_deref().ok_or(RenderError::Missing {
        target: Target::Mongod,
        field: "mongo.replica_set",
        help: "name the replica set (e.g. `rs0`), as in MONGO_URL's replicaSet option",
    })?;
    let places = paths::mongod_places(&ctx.layout.topology);
    let Some((first, first_place)) = mongo
        .members
        .iter()
        .zip(&places)
        .find(|(m, _)| !m.arbiter)
        .or(mongo.members.iter().zip(&places).next())
    else {
        return Err(RenderError::Missing {
            target: Target::Mongod,
            field: "mongo.members",
            help: "list the replica set members, e.g. members = [{ host = \"db1:27017\" }, ...]",
        });
    };
    let mut files: Vec<RenderedFile> = mongo
        .members
        .iter()
        .zip(&places)
        .map(|(m, place)| member_conf(ctx, set, m, place))
        .collect();
    // A machine with several members runs each from a template unit of its own.
    let shared: BTreeSet<&str> = places
        .iter()
        .filter(|p| p.shared)
        .map(|p| p.machine.as_str())
        .collect();
    for machine in shared {
        files.push(RenderedFile {
            host: machine.to_string(),
            path: paths::MONGOD_UNIT_TEMPLATE.into(),
            mode: paths::CONFIG_MODE,
            contents: template_unit(ctx),
        });
    }
    files.push(RenderedFile {
        host: first_place.machine.clone(),
        path: MONGOD_INITIATE.into(),
        mode: paths::CONFIG_MODE,
        contents: initiate_script(ctx, set, first),
    });
    Ok(files)
}

fn port(m: &Member) -> u32 {
    m.port().unwrap_or(MONGOD_DEFAULT_PORT)
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

/// One member of the `rs.initiate` document, every setting explicit.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct InitiateMember {
    #[serde(rename = "_id")]
    pub id: usize,
    /// `host:port` with the default port filled in (brackets around an IPv6 host).
    pub host: String,
    pub votes: u32,
    pub priority: f64,
    #[serde(rename = "arbiterOnly")]
    pub arbiter_only: bool,
    pub hidden: bool,
}

/// The `rs.initiate` document: `{ _id: <set>, members: [...] }`. The rendered `rs-initiate.js`
/// and the planner's `mongo_initiate` step both carry this one document.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub(crate) struct InitiateConfig {
    #[serde(rename = "_id")]
    pub id: String,
    pub members: Vec<InitiateMember>,
}

pub(crate) fn initiate_config(set: &str, members: &[Member]) -> InitiateConfig {
    InitiateConfig {
        id: set.to_string(),
        members: members
            .iter()
            .enumerate()
            .map(|(id, m)| InitiateMember {
                id,
                host: address(m),
                votes: m.votes(),
                priority: m.priority(),
                arbiter_only: m.arbiter,
                hidden: m.hidden,
            })
            .collect(),
    }
}

fn json(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_default()
}

fn member_conf(ctx: &RenderContext, set: &str, m: &Member, place: &MongodPlace) -> RenderedFile {
    let port = place.port;
    // Several members on one machine each need their own file, data directory and log.
    let suffix = &place.suffix;
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
        host: place.machine.clone(),
        path: place.conf.clone(),
        mode: paths::CONFIG_MODE,
        contents: s,
    }
}

/// `mongod@<port>.service`: one mongod per member of a machine that holds several, each from
/// `/etc/mongod-<port>.conf`, as the distribution's `mongod.service` runs `/etc/mongod.conf`.
fn template_unit(ctx: &RenderContext) -> String {
    let mut s = ctx.header(
        Comment::Hash,
        "mongod template: `systemctl start mongod@27018` runs the member configured in /etc/mongod-27018.conf.",
    );
    s.push_str(
        "\n[Unit]\n\
         Description=MongoDB replica set member on port %i\n\
         After=network-online.target\n\
         Wants=network-online.target\n\n\
         [Service]\n\
         User=mongodb\n\
         Group=mongodb\n\
         ExecStart=/usr/bin/mongod --config /etc/mongod-%i.conf\n\
         LimitNOFILE=64000\n\
         TimeoutStopSec=60s\n\n\
         [Install]\n\
         WantedBy=multi-user.target\n",
    );
    s
}

fn initiate_script(ctx: &RenderContext, set: &str, first: &Member) -> String {
    let mut s = ctx.header(
        Comment::Slashes,
        &format!(
            "Initiates replica set {set}. Run once: mongosh --host {} {MONGOD_INITIATE}",
            address(first)
        ),
    );
    let config = initiate_config(set, &ctx.layout.topology.mongo.members);
    let _ = write!(
        s,
        "\nconst config = {{\n  _id: {},\n  members: [\n",
        json(&config.id)
    );
    for m in &config.members {
        let _ = writeln!(
            s,
            "    {{ _id: {}, host: {}, votes: {}, priority: {}, arbiterOnly: {}, hidden: {} }},",
            m.id,
            json(&m.host),
            m.votes,
            m.priority,
            m.arbiter_only,
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
