//! The rendered rs-initiate.js, run by a mongosh stand-in (tests/initiate_support/
//! mongosh_standin.js under the real `node`): it waits for the member, connects to the member's
//! own port on loopback, initiates once and creates the users with passwords read from the
//! environment at run time. No mongosh or mongod runs here: the stand-in answers the commands
//! the script sends (ping, replSetGetStatus, replSetInitiate, hello, usersInfo, createUser) as a
//! member does, localhost exception included.

use rocketchat_topology::load::Format;
use rocketchat_topology::render::{render, Target};
use rocketchat_topology::{Layout, Topology};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;

const CANARY: &str = "canary-url-password";

fn production() -> Layout {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("examples/production.toml")).expect("example");
    let env = |name: &str| (name == "RC_MONGO_PASSWORD").then(|| CANARY.to_string());
    let topology = Topology::parse_with_env(&text, Format::Toml, None, &env).expect("loads");
    Layout::resolve(&topology)
}

fn initiate_script(layout: &Layout) -> String {
    let files = render(layout, Target::Mongod).expect("renders");
    let file = files
        .iter()
        .find(|f| f.path.ends_with("rs-initiate.js"))
        .expect("rs-initiate.js is rendered");
    assert_eq!(file.host, "db1.example.internal");
    file.contents.clone()
}

fn run(script: &str, scenario: Value) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("rs-initiate.js");
    std::fs::write(&path, script).expect("write script");
    let standin =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/initiate_support/mongosh_standin.js");
    let out = Command::new("node")
        .arg(standin)
        .arg(&path)
        .env("RCTOPO_SCENARIO", scenario.to_string())
        .output()
        .expect("node runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stand-in prints JSON")
}

fn passwords() -> Value {
    json!({ "RCTOPO_MONGO_ADMIN_PASSWORD": "admin-secret", "RCTOPO_MONGO_PASSWORD": "rc-secret" })
}

#[test]
fn the_script_holds_no_password() {
    let script = initiate_script(&production());
    assert!(!script.contains(CANARY));
    assert!(script.contains("process.env[name]"));
}

#[test]
fn waits_for_the_member_then_initiates_and_creates_the_users() {
    let r = run(
        &initiate_script(&production()),
        json!({ "downFor": 3, "env": passwords() }),
    );
    assert_eq!(r["exit"], 0, "{r}");
    // Three refused attempts, then the fourth: always the member's own port on loopback.
    let uris = r["uris"].as_array().unwrap();
    assert_eq!(uris.len(), 4);
    assert!(uris.iter().all(|u| u
        .as_str()
        .unwrap()
        .starts_with("mongodb://localhost:27017/admin")));
    assert_eq!(r["initiated"], true);
    assert_eq!(r["config"]["_id"], "rs0");
    assert_eq!(r["config"]["members"].as_array().unwrap().len(), 3);
    let created = r["created"].as_array().unwrap();
    assert_eq!(created[0]["user"], "admin");
    assert_eq!(created[0]["pwd"], "admin-secret");
    assert_eq!(created[1]["user"], "rocketchat");
    assert_eq!(created[1]["db"], "admin");
    assert_eq!(created[1]["pwd"], "rc-secret");
    assert_eq!(
        created[1]["roles"],
        json!([{ "role": "readWrite", "db": "rocketchat" }, { "role": "clusterMonitor", "db": "admin" }])
    );
    assert_eq!(r["authenticatedAs"], "admin@admin");
    let output = r["output"].to_string();
    assert!(
        !output.contains("secret"),
        "passwords are never printed: {output}"
    );
}

#[test]
fn gives_up_after_its_deadline() {
    let r = run(
        &initiate_script(&production()),
        json!({ "downFor": 1000, "env": passwords() }),
    );
    assert_eq!(r["exit"], 1);
    assert_eq!(r["initiated"], false);
    assert!(r["output"]
        .to_string()
        .contains("did not answer within 120 s"));
}

#[test]
fn refuses_to_run_without_a_password_in_the_environment() {
    let r = run(&initiate_script(&production()), json!({ "env": {} }));
    assert_eq!(r["exit"], 1);
    assert!(r["output"]
        .to_string()
        .contains("set RCTOPO_MONGO_ADMIN_PASSWORD"));
    assert_eq!(r["created"], json!([]));
}

#[test]
fn running_again_changes_nothing() {
    let r = run(
        &initiate_script(&production()),
        json!({
            "initiated": true,
            "users": { "admin@admin": "admin-secret", "rocketchat@admin": "rc-secret" },
            "env": passwords(),
        }),
    );
    assert_eq!(r["exit"], 0, "{r}");
    assert_eq!(r["created"], json!([]));
    assert_eq!(r["config"], Value::Null, "no second replSetInitiate");
}

#[test]
fn mongod_runs_with_access_control_exactly_when_mongo_url_authenticates() {
    let conf = |layout: &Layout| {
        render(layout, Target::Mongod)
            .expect("renders")
            .into_iter()
            .find(|f| f.path == "/etc/mongod.conf")
            .expect("a mongod.conf")
            .contents
    };
    let with_credentials = conf(&production());
    assert!(with_credentials
        .contains("security:\n  authorization: enabled\n  keyFile: \"/etc/mongod.keyfile\"\n"));
    let howto = Layout::resolve(&rocketchat_topology::example::topology());
    assert!(!conf(&howto).contains("security:"));
}
