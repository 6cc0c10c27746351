//! The M and S001 rules through the public API on whole topologies: field paths, positions in the
//! file, and no password in any diagnostic.

use rocketchat_topology::{check, Format, Layout, Topology};

const CANARY: &str = "canary-51c0";

fn topology(mongo: &str) -> String {
    format!(
        r#"[site]
root_url = "https://chat.example.com"

[rocketchat]
version = "3.6.0"
bundle = "/opt/rocket.chat/bundle"
node = "/usr/local/bin/node"
user = "rocketchat"

[mongo]
{mongo}
version = "4.0"
replica_set = "rs0"
members = [{{ host = "db1:27017" }}, {{ host = "db2:27017" }}, {{ host = "db3:27017" }}]

[proxy]
kind = "nginx"
server_name = "chat.example.com"
host = "app1"
tls = {{ certificate = "/etc/nginx/c.crt", key = "/etc/nginx/c.key" }}

[[hosts]]
name = "app1"
address = "10.0.0.11"
cores = 4
instances = 2

[[hosts]]
name = "app2"
address = "10.0.0.12"
cores = 4
instances = 2
"#
    )
}

fn codes_at(mongo: &str) -> Vec<(String, String, Option<usize>)> {
    let text = topology(mongo);
    let t = Topology::parse(&text, Format::Toml).expect("topology loads");
    let report = check(&Layout::resolve(&t));
    let json = report.to_json().to_string();
    assert!(!json.contains(CANARY), "{json}");
    assert!(!format!("{report:?}").contains(CANARY));
    report
        .diagnostics
        .iter()
        .filter(|d| d.code.starts_with('M') || d.code == "S001")
        .map(|d| (d.code.clone(), d.path.clone(), d.location.map(|l| l.line)))
        .collect()
}

#[test]
fn a_well_written_pre_3_7_deployment_is_quiet() {
    let found = codes_at(
        r#"url = "mongodb://db1:27017,db2:27017,db3:27017/rocketchat?replicaSet=rs0"
oplog_url = "mongodb://db1:27017,db2:27017,db3:27017/local?replicaSet=rs0""#,
    );
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn each_problem_is_reported_at_its_field() {
    let found = codes_at(&format!(
        r#"url = "mongodb://rc:{CANARY}@localhost:27017,db9:27017/?replicaSet=1rs&readPreference=nearest""#
    ));
    let codes: Vec<&str> = found.iter().map(|(c, _, _)| c.as_str()).collect();
    // M004 (leading digit) is absent: this release's driver accepts such names.
    assert!(!codes.contains(&"M004"), "{found:?}");
    for code in ["M002", "M006", "M007", "M008", "M009", "M014", "S001"] {
        assert!(codes.contains(&code), "{code} missing from {found:?}");
    }
    let url_line = topology("url = \"x\"")
        .lines()
        .position(|l| l.starts_with("url = "))
        .map(|i| i + 1);
    for (code, path, line) in &found {
        match code.as_str() {
            "M014" => assert_eq!(path, "mongo.oplog_url"),
            _ => {
                assert_eq!(path, "mongo.url", "{code}");
                assert_eq!(*line, url_line, "{code}");
            }
        }
    }
}

#[test]
fn a_url_the_driver_rejects_is_one_error_with_the_drivers_reason() {
    let found = codes_at(&format!(
        r#"url = "mongodb://rc:{CANARY}@db1:27017/rocketchat?replicaSet=rs0&replicaSet=rs0"
oplog_url = "mongodb://rc:{CANARY}@db1:27017/local?replicaSet=rs0&w=""#
    ));
    let invalid: Vec<&str> = found
        .iter()
        .filter(|(c, _, _)| c == "M001")
        .map(|(_, p, _)| p.as_str())
        .collect();
    assert_eq!(invalid, ["mongo.oplog_url", "mongo.url"]);
}
