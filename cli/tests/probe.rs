//! `rctopo probe` against replica sets scripted with MockupDB (tests/mockupdb/replset.py): the
//! real binary, MongoDB's Rust driver and real TCP on 127.0.0.1. The scripted sets need a Python
//! with `mockupdb` (RCTOPO_MOCKUPDB_PYTHON, set by scripts/test.sh from tests/mockupdb/venv.sh);
//! without it those tests print SKIP. `RCTOPO_LIVE_MONGO_URL` adds a run against a real set.

// The test harness captures these lines (SKIP notes, the real set's report); no pipe involved.
#![allow(clippy::disallowed_macros)]

use serde_json::Value;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// The canary password of the auth-failure scenario (tests/mockupdb/replset.py).
const CANARY: &str = "c4n4ry-Pw";

fn rctopo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rctopo"))
        .args(args)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("rctopo runs")
}

/// A scripted replica set, stopped when dropped.
struct MockSet {
    child: Child,
    topology: tempfile::NamedTempFile,
}

impl MockSet {
    /// `None` (and a SKIP line) when no MockupDB Python is configured.
    fn start(scenario: &str) -> Option<MockSet> {
        let Ok(python) = std::env::var("RCTOPO_MOCKUPDB_PYTHON") else {
            println!("SKIP probe scenario {scenario}: RCTOPO_MOCKUPDB_PYTHON is not set (tests/mockupdb/venv.sh makes one)");
            return None;
        };
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/mockupdb/replset.py");
        let mut child = Command::new(python)
            .arg(script)
            .arg(scenario)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the MockupDB script starts");
        let mut line = String::new();
        let stdout = child.stdout.take().expect("piped stdout");
        BufReader::new(stdout)
            .read_line(&mut line)
            .expect("the script prints its topology");
        let ready: Value = serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
        let mut topology = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
        topology
            .write_all(ready["topology"].as_str().unwrap().as_bytes())
            .unwrap();
        Some(MockSet { child, topology })
    }

    fn probe(&self, extra: &[&str]) -> Output {
        let path = self.topology.path().to_str().unwrap();
        let mut args = vec!["probe", path, "--timeout", "1.5"];
        args.extend_from_slice(extra);
        rctopo(&args)
    }
}

impl Drop for MockSet {
    fn drop(&mut self) {
        // Closing its standard input stops the script; kill is the fallback.
        drop(self.child.stdin.take());
        if !matches!(self.child.wait_timeout_secs(5), Some(true)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

trait WaitTimeout {
    fn wait_timeout_secs(&mut self, secs: u64) -> Option<bool>;
}

impl WaitTimeout for Child {
    fn wait_timeout_secs(&mut self, secs: u64) -> Option<bool> {
        let end = std::time::Instant::now() + std::time::Duration::from_secs(secs);
        while std::time::Instant::now() < end {
            if let Ok(Some(_)) = self.try_wait() {
                return Some(true);
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        Some(false)
    }
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

/// (code, severity) of every diagnostic.
fn findings(report: &Value) -> BTreeSet<(String, String)> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Runs `scenario`, checks the exit code and that exactly `codes` are reported.
fn scenario(name: &str, exit: i32, codes: &[(&str, &str)]) -> Option<Value> {
    let set = MockSet::start(name)?;
    let out = set.probe(&["--format", "json"]);
    let report = json(&out);
    let want: BTreeSet<(String, String)> = codes
        .iter()
        .map(|(c, s)| (c.to_string(), s.to_string()))
        .collect();
    assert_eq!(findings(&report), want, "{name}: {report:#}");
    assert_eq!(out.status.code(), Some(exit), "{name}: {report:#}");
    Some(report)
}

#[test]
fn healthy_set_passes() {
    let Some(report) = scenario("healthy", 0, &[]) else {
        return;
    };
    let states: Vec<&str> = report["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["PRIMARY", "SECONDARY", "SECONDARY"]);
    assert_eq!(report["members"][0]["version"], "7.0.14");
    assert_eq!(report["errors"], 0);
}

#[test]
fn healthy_set_in_text() {
    let Some(set) = MockSet::start("healthy") else {
        return;
    };
    let out = set.probe(&[]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("PRIMARY    7.0.14"), "{text}");
    assert!(text.contains("0 error(s), 0 warning(s)"), "{text}");
}

#[test]
fn no_primary() {
    scenario(
        "no-primary",
        1,
        &[
            ("L001", "error"),
            ("L004", "error"),
            ("L007", "warning"),
            ("L017", "error"),
        ],
    );
}

#[test]
fn member_missing_from_the_set() {
    let Some(report) = scenario("member-missing", 1, &[("L005", "error")]) else {
        return;
    };
    assert_eq!(report["diagnostics"][0]["path"], "mongo.members[2]");
    assert!(report["diagnostics"][0]["location"]["line"].is_number());
}

#[test]
fn version_mismatch_fcv_and_lag() {
    scenario(
        "version-mismatch",
        0,
        &[
            ("L008", "warning"),
            ("L009", "warning"),
            // Rocket.Chat 7.x deprecates MongoDB 5.0.
            ("L010", "warning"),
            ("L011", "warning"),
        ],
    );
}

#[test]
fn mmapv1_on_4_0_is_too_old_to_inspect() {
    let Some(report) = scenario("mmapv1", 1, &[("L010", "error")]) else {
        return;
    };
    assert!(report["members"][0]["reachable"].as_bool().unwrap());
}

#[test]
fn in_memory_engine_and_short_oplog() {
    scenario("in-memory", 1, &[("L012", "error"), ("L015", "warning")]);
}

#[test]
fn oplog_read_unauthorized() {
    let Some(report) = scenario("oplog-unauthorized", 1, &[("L014", "error")]) else {
        return;
    };
    assert_eq!(report["diagnostics"][0]["path"], "mongo.oplog_url");
}

#[test]
fn user_without_cluster_monitor_loses_change_streams() {
    scenario("restricted-user", 1, &[("L013", "error")]);
}

#[test]
fn psa_with_the_secondary_down_loses_majority() {
    scenario(
        "psa-secondary-down",
        1,
        &[("L001", "error"), ("L007", "warning"), ("L017", "error")],
    );
}

#[test]
fn a_member_that_never_answers_times_out() {
    let start = std::time::Instant::now();
    let Some(report) = scenario("timeout", 1, &[("L001", "error")]) else {
        return;
    };
    assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
    let message = report["diagnostics"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("no answer within the timeout"),
        "{message}"
    );
}

#[test]
fn auth_failure_never_shows_the_password() {
    let Some(set) = MockSet::start("auth-failure") else {
        return;
    };
    for format in ["json", "text"] {
        let out = set.probe(&["--format", format]);
        assert_eq!(out.status.code(), Some(1));
        let all = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(all.contains("L002"), "{all}");
        assert!(!all.contains(CANARY), "the password leaked: {all}");
    }
}

/// A topology whose members listen nowhere (closed ports on 127.0.0.1).
fn unreachable_topology(url: &str) -> tempfile::NamedTempFile {
    let text = format!(
        "[site]\nroot_url = \"https://chat.example.com\"\n[rocketchat]\nversion = \"7.10.0\"\n\
         [mongo]\nurl = \"{url}\"\nversion = \"7.0\"\nreplica_set = \"rs0\"\n\
         [[hosts]]\nname = \"app1\"\ncores = 2\n"
    );
    let mut file = tempfile::Builder::new().suffix(".toml").tempfile().unwrap();
    file.write_all(text.as_bytes()).unwrap();
    file
}

#[test]
fn nothing_reachable_exits_2_and_hides_the_password() {
    let file = unreachable_topology(&format!(
        "mongodb://rc:{CANARY}@127.0.0.1:1,127.0.0.1:2/rocketchat?replicaSet=rs0"
    ));
    let out = rctopo(&[
        "probe",
        file.path().to_str().unwrap(),
        "--timeout",
        "2",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let report = json(&out);
    assert_eq!(
        findings(&report),
        [("L001".to_string(), "error".to_string())].into()
    );
    assert_eq!(report["members"].as_array().unwrap().len(), 2);
    assert!(!String::from_utf8_lossy(&out.stdout).contains(CANARY));
}

#[test]
fn a_url_the_driver_refuses_is_unusable() {
    let file = unreachable_topology(&format!(
        "mongodb://rc:{CANARY}@127.0.0.1:1/rc?replicaSet=rs0&w=banana&journal=maybe"
    ));
    let out = rctopo(&["probe", file.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("mongo.url"), "{stderr}");
    assert!(!stderr.contains(CANARY), "{stderr}");
}

#[test]
fn bad_timeout_is_refused() {
    let out = rctopo(&["probe", "--timeout", "0"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a timeout"));
}

/// Opt-in: `RCTOPO_LIVE_MONGO_URL=mongodb://127.0.0.1:27017/rocketchat?replicaSet=rs0` probes a
/// real replica set (README: "Probing a real replica set").
#[test]
fn real_replica_set_when_configured() {
    let Ok(url) = std::env::var("RCTOPO_LIVE_MONGO_URL") else {
        println!("SKIP probe against a real replica set: RCTOPO_LIVE_MONGO_URL is not set");
        return;
    };
    let file = unreachable_topology(&url);
    let out = rctopo(&["probe", file.path().to_str().unwrap(), "--format", "json"]);
    let report = json(&out);
    println!("real replica set: {report}");
    assert_ne!(out.status.code(), Some(2), "{report:#}");
    let states: Vec<&str> = report["members"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|m| m["state"].as_str())
        .collect();
    assert!(states.contains(&"PRIMARY"), "{report:#}");
    assert!(report["members"][0]["version"].is_string(), "{report:#}");
}
