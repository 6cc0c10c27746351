//! A fresh install of a replica set whose MONGO_URL authenticates: the plan installs one keyfile
//! on every member before its mongod starts, then initiates the set and creates the users. The
//! shell helpers run for real in bash; mongosh is the stand-in of
//! tests/initiate_support/mongosh_standin.js (no mongosh or mongod runs on this machine).

use rocketchat_topology::load::Format;
use rocketchat_topology::plan::{plan, Action, Policy, ShellOptions};
use rocketchat_topology::{Layout, Topology};
use std::path::Path;
use std::process::Command;

const CANARY: &str = "canary-plan-password";

fn production() -> Layout {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join("examples/production.toml")).expect("example");
    let env = |name: &str| (name == "RC_MONGO_PASSWORD").then(|| CANARY.to_string());
    Layout::resolve(&Topology::parse_with_env(&text, Format::Toml, None, &env).expect("loads"))
}

#[test]
fn every_member_gets_the_keyfile_before_its_mongod_starts() {
    let install = plan(None, &production(), &Policy::default()).expect("plans");
    for machine in [
        "db1.example.internal",
        "db2.example.internal",
        "db3.example.internal",
    ] {
        let position = |pred: &dyn Fn(&Action) -> bool| {
            install
                .steps
                .iter()
                .position(|s| &*s.host == machine && pred(&s.action))
                .unwrap_or_else(|| panic!("no such step on {machine}"))
        };
        let keyfile = position(&|a| matches!(a, Action::MongoKeyfile { .. }));
        let start = position(
            &|a| matches!(a, Action::StartUnit { unit, .. } if &**unit == "mongod.service"),
        );
        assert!(
            keyfile < start,
            "{machine}: keyfile at {keyfile}, mongod starts at {start}"
        );
    }
    let initiate = install
        .steps
        .iter()
        .find(|s| matches!(s.action, Action::MongoInitiate { .. }))
        .expect("initiates");
    assert_eq!(&*initiate.host, "db1.example.internal");
    let Action::MongoInitiate { port, users, .. } = &initiate.action else {
        unreachable!()
    };
    assert_eq!(*port, 27017);
    let names: Vec<&str> = users
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["admin", "rocketchat"]);
    let json = serde_json::to_string(&install.steps).unwrap();
    assert!(!json.contains(CANARY), "no password in the plan");
}

fn scripts(ssh: bool) -> Vec<(String, String)> {
    let layout = production();
    let install = plan(None, &layout, &Policy::default()).expect("plans");
    install
        .to_shell(
            &layout,
            &ShellOptions {
                ssh,
                ..Default::default()
            },
        )
        .into_iter()
        .map(|s| (s.name, s.text))
        .collect()
}

#[test]
fn shell_scripts_parse_and_hold_neither_key_nor_password() {
    for ssh in [false, true] {
        for (name, text) in scripts(ssh) {
            assert!(!text.contains(CANARY), "{name} holds the password");
            let out = Command::new("bash")
                .args(["-n", "-c", &text])
                .output()
                .expect("bash runs");
            assert!(
                out.status.success(),
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
    let ssh = scripts(true).concat_text();
    assert!(ssh.contains(
        "rct_keyfile_copy db1.example.internal db2.example.internal /etc/mongod.keyfile mongodb"
    ));
    assert!(ssh.contains(
        "rct_on_env db1.example.internal 'RCTOPO_MONGO_ADMIN_PASSWORD RCTOPO_MONGO_PASSWORD'"
    ));
    let local = scripts(false).concat_text();
    assert!(local.contains("rct_keyfile_pull db1.example.internal /etc/mongod.keyfile mongodb"));
    assert!(local.contains(": \"${RCTOPO_MONGO_PASSWORD:?"));
}

trait ConcatText {
    fn concat_text(&self) -> String;
}

impl ConcatText for Vec<(String, String)> {
    fn concat_text(&self) -> String {
        self.iter()
            .map(|(_, t)| t.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The helper definitions of a script (every `rct_*() {` block), without its steps.
fn helpers(text: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in text.lines() {
        if line.starts_with("rct_") && line.contains("() {") {
            inside = true;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
            if line == "}" {
                inside = false;
            }
        }
    }
    out
}

#[test]
fn the_keyfile_is_random_private_identical_and_never_printed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = scripts(false).concat_text();
    let key = dir.path().join("etc/mongod.keyfile");
    let copy = dir.path().join("copy/mongod.keyfile");
    let owner = String::from_utf8(Command::new("id").arg("-un").output().unwrap().stdout).unwrap();
    let script = format!(
        "set -euo pipefail\n{}\nrct_keyfile_new \"$1\" \"$3\"\nfirst=$(cat \"$1\")\nrct_keyfile_new \"$1\" \"$3\"\n[ \"$first\" = \"$(cat \"$1\")\" ] || {{ echo regenerated >&2; exit 1; }}\nRCTOPO_MONGO_KEYFILE=\"$1\" rct_keyfile_pull db1 \"$2\" \"$3\"\n",
        helpers(&text)
    );
    let out = Command::new("bash")
        .args(["-c", &script, "test"])
        .arg(&key)
        .arg(&copy)
        .arg(owner.trim())
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.stdout.is_empty(), "nothing printed");
    let k = std::fs::read_to_string(&key).unwrap();
    assert_eq!(k.len(), 1008, "756 random bytes in base64");
    assert!(k
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=".contains(&b)));
    assert_eq!(
        std::fs::read_to_string(&copy).unwrap(),
        k,
        "identical on every member"
    );
    use std::os::unix::fs::PermissionsExt;
    for f in [&key, &copy] {
        assert_eq!(
            std::fs::metadata(f).unwrap().permissions().mode() & 0o777,
            0o400
        );
    }
}

#[test]
fn the_initiate_step_runs_through_mongosh_with_passwords_from_the_environment() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = scripts(false).concat_text();
    let step = text
        .lines()
        .skip_while(|l| !l.contains(": \"${RCTOPO_MONGO_ADMIN_PASSWORD:?"))
        .take_while(|l| !l.starts_with("echo 'done'"))
        .collect::<Vec<_>>()
        .join("\n");
    assert!(step.contains("mongosh --quiet --nodb --eval"), "{step}");
    let standin =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/initiate_support/mongosh_standin.js");
    let script = format!(
        "set -euo pipefail\nmongosh() {{ [ \"$3\" = --eval ] || exit 9; printf '%s' \"$4\" >\"$DIR/eval.js\"; RCTOPO_SCENARIO=\"{{\\\"env\\\":{{\\\"RCTOPO_MONGO_ADMIN_PASSWORD\\\":\\\"$RCTOPO_MONGO_ADMIN_PASSWORD\\\",\\\"RCTOPO_MONGO_PASSWORD\\\":\\\"$RCTOPO_MONGO_PASSWORD\\\"}}}}\" node {} \"$DIR/eval.js\"; }}\n{step}\n",
        standin.display()
    );
    let out = Command::new("bash")
        .args(["-c", &script])
        .env("DIR", dir.path())
        .env("RCTOPO_MONGO_ADMIN_PASSWORD", "admin-secret")
        .env("RCTOPO_MONGO_PASSWORD", "rc-secret")
        .output()
        .expect("bash runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let record: serde_json::Value = serde_json::from_slice(
        out.stdout
            .split(|b| *b == b'\n')
            .find(|l| l.starts_with(b"{"))
            .unwrap(),
    )
    .expect("stand-in JSON");
    assert_eq!(record["exit"], 0, "{record}");
    assert_eq!(record["initiated"], true);
    assert_eq!(record["created"][1]["pwd"], "rc-secret");
    // Without the variables the step stops before mongosh runs.
    let out = Command::new("bash")
        .args(["-c", &script])
        .env("DIR", dir.path())
        .env_remove("RCTOPO_MONGO_ADMIN_PASSWORD")
        .env_remove("RCTOPO_MONGO_PASSWORD")
        .output()
        .expect("bash runs");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("RCTOPO_MONGO_ADMIN_PASSWORD"));
}
