//! `rctopo mongo-url` end to end: exit codes, the JSON contract, and that the password never
//! reaches the output.

use serde_json::Value;
use std::process::Command;

const CANARY: &str = "canary-9e1d";

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rctopo"))
        .arg("mongo-url")
        .args(args)
        .output()
        .expect("rctopo runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn good_url_exits_zero_with_the_json_contract() {
    let url = format!(
        "mongodb://rc:{CANARY}@db1:27017,db2:27017/rocketchat?replicaSet=rs0&authSource=admin"
    );
    let (code, out, _) = run(&[&url, "--format", "json"]);
    assert_eq!(code, 0, "{out}");
    let v: Value = serde_json::from_str(&out).expect("JSON output");
    assert_eq!(v["valid"], true);
    assert_eq!(v["scheme"], "mongodb");
    assert_eq!(v["hosts"][1]["host"], "db2");
    assert_eq!(v["hosts"][1]["port"], 27017);
    assert_eq!(v["hosts"][1]["type"], "hostname");
    assert_eq!(v["auth"]["username"], "rc");
    assert_eq!(v["auth"]["db"], "admin");
    assert_eq!(v["database"], "rocketchat");
    assert_eq!(v["options"]["replicaset"], "rs0");
    assert!(v["warnings"].is_array() && v["errors"].as_array().is_some_and(|e| e.is_empty()));
    assert!(v["diagnostics"].as_array().is_some_and(|d| d.is_empty()));
    assert!(!out.contains(CANARY));
}

#[test]
fn rule_errors_and_driver_errors_exit_one_without_the_password() {
    let oplog = format!("mongodb://rc:{CANARY}@db1/rocketchat?replicaSet=rs0&proxyHost=p&proxyUsername=u&proxyPassword={CANARY}");
    let bad = format!("mongodb://rc:{CANARY}@db1/rocketchat?replSet=rs0");
    let good = format!("mongodb://rc:{CANARY}@db1/rocketchat?replicaSet=rs0");
    for args in [
        vec![
            good.as_str(),
            "--oplog",
            oplog.as_str(),
            "--rocketchat-version",
            "3.0.0",
        ],
        vec![bad.as_str()],
    ] {
        for format in ["text", "json"] {
            let mut all = args.clone();
            all.extend(["--format", format]);
            let (code, out, err) = run(&all);
            assert_eq!(code, 1, "{out}{err}");
            assert!(!out.contains(CANARY) && !err.contains(CANARY), "{out}{err}");
        }
    }
    let (_, out, _) = run(&[&bad, "--format", "json"]);
    let v: Value = serde_json::from_str(&out).expect("JSON output");
    assert_eq!(v["valid"], false);
    assert_eq!(v["diagnostics"][0]["code"], "M001");
    assert!(v["errors"][0]["help"]
        .as_str()
        .is_some_and(|h| h.contains("replicaSet")));
    let (_, out, _) = run(&[&good, "--oplog", &oplog, "--rocketchat-version", "3.0.0"]);
    assert!(
        out.contains("M010") && out.contains("must be set to the 'local' database"),
        "{out}"
    );
}

#[test]
fn bad_version_is_unusable_input() {
    let (code, _, err) = run(&[
        "mongodb://db1/rc?replicaSet=rs0",
        "--rocketchat-version",
        "seven",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("--rocketchat-version"), "{err}");
}

#[test]
fn session_token_never_reaches_text_or_json() {
    let url = format!(
        "mongodb://db1/rocketchat?replicaSet=rs0&authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:{CANARY}"
    );
    for format in ["text", "json"] {
        let (_, out, err) = run(&[&url, "--format", format]);
        assert!(!out.contains(CANARY) && !err.contains(CANARY), "{out}{err}");
    }
    let (_, out, _) = run(&[&url, "--format", "json"]);
    let v: Value = serde_json::from_str(&out).expect("JSON output");
    assert_eq!(
        v["options"]["authmechanismproperties"]["AWS_SESSION_TOKEN"],
        "***"
    );
}
