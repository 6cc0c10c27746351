//! The canary through the CLI: with a secret in any place of core/tests/fixtures/
//! secret_placements.json, no command prints it: check (text, JSON), render (listing and errors),
//! plan (text, JSON, shell; fresh install and upgrade), mongo-url (text, JSON). Three secret
//! shapes (plain, with whitespace, with URL delimiters and quotes) keep it to a few hundred runs;
//! core/tests/secret_canary.rs tries every shape and arbitrary ones through the library.

use serde_json::Value;
use std::path::Path;
use std::process::Command;

const FIXTURE: &str = include_str!("../../core/tests/fixtures/secret_placements.json");
const HOWTO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/howto.toml");

/// The built-in example as JSON (`rctopo schema` shape), as the CLI would read it from a file.
fn howto_value() -> Value {
    let text = std::fs::read_to_string(HOWTO).unwrap();
    let value: toml::Value = toml::from_str(&text).unwrap();
    serde_json::to_value(value).unwrap()
}

fn set(root: &mut Value, field: &[Value], value: &str) {
    let (last, parents) = field.split_last().unwrap();
    let mut at = root;
    for key in parents {
        at = match key {
            Value::Number(n) => &mut at[n.as_u64().unwrap() as usize],
            Value::String(k) => at
                .as_object_mut()
                .unwrap()
                .entry(k.clone())
                .or_insert_with(|| Value::Object(Default::default())),
            _ => unreachable!(),
        };
    }
    at[last.as_str().unwrap()] = Value::String(value.to_string());
}

fn run(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_rctopo"))
        .args(args)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("runs");
    assert_ne!(out.status.code(), Some(101), "{args:?} panicked");
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn no_command_prints_a_secret() {
    let fixture: Value = serde_json::from_str(FIXTURE).unwrap();
    let canary = fixture["canary"].as_str().unwrap();
    let secrets: Vec<String> = fixture["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().replace("{canary}", canary))
        .filter(|s| s == canary || s.starts_with("hunter2 ") || s.contains('#'))
        .take(3)
        .collect();
    assert_eq!(secrets.len(), 3, "{secrets:?}");
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("topology.json");
    let file_arg = file.display().to_string();
    let mut runs = 0;
    for placement in fixture["placements"].as_array().unwrap() {
        let simple_only = placement["simple_secrets_only"].as_bool().unwrap_or(false);
        let field = placement["field"].as_array().unwrap();
        for secret in secrets
            .iter()
            .take(if simple_only { 1 } else { secrets.len() })
        {
            let value = placement["value"]
                .as_str()
                .unwrap()
                .replace("{secret}", secret);
            let mut topology = howto_value();
            set(&mut topology, field, &value);
            std::fs::write(&file, serde_json::to_string(&topology).unwrap()).unwrap();
            let mut commands: Vec<Vec<&str>> = vec![
                vec!["check", &file_arg],
                vec!["check", &file_arg, "--format", "json"],
                vec!["render", &file_arg, "--target", "all"],
                vec!["plan", "--to", &file_arg],
                vec!["plan", "--to", &file_arg, "--format", "json"],
                vec!["plan", "--to", &file_arg, "--format", "shell", "--ssh"],
                vec!["plan", "--from", HOWTO, "--to", &file_arg],
            ];
            let plain = "mongodb://localhost:27017/rocketchat?replicaSet=rs0";
            match placement["mongo_url"].as_str() {
                Some("url") => {
                    commands.push(vec!["mongo-url", &value]);
                    commands.push(vec!["mongo-url", &value, "--format", "json"]);
                }
                Some("oplog") => {
                    commands.push(vec!["mongo-url", plain, "--oplog", &value]);
                    commands.push(vec![
                        "mongo-url",
                        plain,
                        "--oplog",
                        &value,
                        "--format",
                        "json",
                    ]);
                }
                _ => {}
            }
            for args in &commands {
                let shown = run(args);
                runs += 1;
                assert!(
                    !shown.contains(canary),
                    "{field:?} = {value:?}: `rctopo {}` shows the canary:\n{shown}",
                    args.join(" ")
                );
            }
        }
    }
    assert!(runs > 300, "only {runs} runs");
    assert!(Path::new(&file).exists());
}
