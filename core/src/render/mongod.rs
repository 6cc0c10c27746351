//! MongoDB: a `mongod.conf` (YAML) per replica set member, on that member's machine
//! (`/etc/mongod.conf`, or `/etc/mongod-<port>.conf` and a `mongod@.service` template when a
//! machine holds several members: see `paths::mongod_places`), and an `rs-initiate.js` for mongosh that initiates the set once with the members document.
//!
//! Strings are written as JSON strings, which are valid YAML double-quoted scalars and valid
//! JavaScript literals.

use super::{Comment, RenderContext, RenderError, RenderedFile, Target};
use crate::model::Member;
use crate::mongo_access;
use crate::paths::{self, MongodPlace, MONGOD_DEFAULT_PORT, MONGOD_INITIATE};
use std::collections::BTreeSet;
use std::fmt::Write;

pub(super) fn render(ctx: &RenderContext) -> Result<Vec<RenderedFile>, RenderError> {
    let mongo = &ctx.layout.topology.mongo;
    if !mongo.runs_mongod() {
        return Err(RenderError::Missing {
            target: Target::Mongod,
            field: "a replica set this deployment runs",
            help: "MongoDB is external (mongo.managed = false, or a mongodb+srv:// URL without members): its provider configures mongod; render the other targets",
        });
    }
    let set = mongo.replica_set.as_deref().ok_or(RenderError::Missing {
        target: Target::Mongod,
        field: "mongo.replica_set",
        help: "name the replica set (e.g. `rs0`), as in MONGO_URL's replicaSet option",
    })?;
    let places = paths::mongod_places(&ctx.layout.topology);
    let Some((first, first_place)) = mongo_access::initiating_member(&mongo.members)
        .and_then(|i| mongo.members.get(i).zip(places.get(i)))
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
    if mongo_access::required(&ctx.layout.topology.mongo) {
        // MONGO_URL authenticates: clients must too, and members prove themselves to each other
        // with the shared keyfile (the plan installs it, mode 0400, owned by mongod's user).
        let _ = writeln!(
            s,
            "security:\n  authorization: enabled\n  keyFile: {}",
            json(mongo_access::KEYFILE)
        );
    }
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
    let mongo = &ctx.layout.topology.mongo;
    let users = mongo_access::users(mongo);
    let mut s = ctx.header(
        Comment::Slashes,
        &format!(
            "Initiates replica set {set} once, on the machine of {}: mongosh --nodb {MONGOD_INITIATE}",
            address(first)
        ),
    );
    if !users.is_empty() {
        let envs: Vec<&str> = users.iter().map(|u| u.password_env.as_str()).collect();
        let _ = writeln!(
            s,
            "// Reads the users' passwords from the environment: {}.",
            envs.join(", ")
        );
    }
    let config =
        serde_json::to_string_pretty(&initiate_config(set, &mongo.members)).unwrap_or_default();
    s.push('\n');
    s.push_str(&initiate_js(&config, port(first), &users));
    s
}

/// The JavaScript (mongosh, started with `--nodb`) that initiates the set: it waits until the
/// initiating member answers a ping (deadline 120 s), initiates once, waits for a primary and,
/// with access control, creates the users. It connects to the member's own port on loopback:
/// MongoDB's localhost exception lets the first user be created without authentication only
/// over the loopback interface. Shared by the rendered `rs-initiate.js` and the plan's
/// `mongo_initiate` step. Passwords are read from `process.env` when it runs.
pub(crate) fn initiate_js(config_json: &str, port: u32, users: &[mongo_access::DbUser]) -> String {
    let users_json = serde_json::to_string_pretty(users).unwrap_or_else(|_| "[]".into());
    format!(
        r#"const config = {config_json};
const users = {users_json};
const uri = "mongodb://localhost:{port}/admin?directConnection=true&serverSelectionTimeoutMS=2000";
const deadline = Date.now() + 120 * 1000;

function fail(message) {{
  print(`error: ${{message}}`);
  quit(1);
}}

// The reply of a command, or an error carrying the code the server gave.
function run(db, command) {{
  const reply = db.runCommand(command);
  if (!reply || reply.ok !== 1) {{
    const error = new Error((reply && reply.errmsg) || `${{Object.keys(command)[0]}} failed`);
    error.code = reply && reply.code;
    throw error;
  }}
  return reply;
}}

function password(name) {{
  const value = process.env[name];
  if (!value) fail(`set ${{name}} in the environment to the password of that user`);
  return value;
}}

// Wait until the member answers: mongod may still be starting.
let admin = null;
for (;;) {{
  try {{
    admin = connect(uri);
    run(admin, {{ ping: 1 }});
    break;
  }} catch (e) {{
    if (Date.now() > deadline) fail(`mongod on localhost:{port} did not answer within 120 s: ${{e.message}}`);
    sleep(1000);
  }}
}}

function state() {{
  try {{
    run(admin, {{ replSetGetStatus: 1 }});
    return "initiated";
  }} catch (e) {{
    if (e.code === 94) return "uninitiated"; // NotYetInitialized
    if (e.code === 13) return "unauthorized"; // users exist: the localhost exception is closed
    throw e;
  }}
}}

let now = state();
if (now === "unauthorized") {{
  const first = users[0];
  if (!first || !admin.getSiblingDB(first.auth_db).auth(first.user, password(first.password_env))) {{
    fail("replica set has users and the administrator could not authenticate");
  }}
  now = state();
}}
if (now === "initiated") {{
  print(`replica set ${{config._id}} is already initiated`);
}} else {{
  run(admin, {{ replSetInitiate: config }});
  print(`replica set ${{config._id}} initiated`);
}}

// Users are created on the primary.
while (!run(admin, {{ hello: 1 }}).isWritablePrimary) {{
  if (Date.now() > deadline) fail(`localhost:{port} did not become primary within 120 s`);
  sleep(1000);
}}

users.forEach((u, i) => {{
  const db = admin.getSiblingDB(u.auth_db);
  const exists = run(db, {{ usersInfo: u.user }}).users.length > 0;
  if (exists) {{
    print(`user ${{u.user}}@${{u.auth_db}} exists`);
  }} else {{
    run(db, {{ createUser: u.user, pwd: password(u.password_env), roles: u.roles }});
    print(`user ${{u.user}}@${{u.auth_db}} created`);
  }}
  // The first user (the administrator) closes the localhost exception: go on as it.
  if (i === 0 && !exists && !db.auth(u.user, password(u.password_env))) {{
    fail(`could not authenticate as ${{u.user}}`);
  }}
}});
"#
    )
}
