//! `rctopo check`, `schema`, `init` and `rules` run as a user runs them: the real binary.

use serde_json::Value;
use std::path::PathBuf;
use std::process::{Command, Output};

fn rctopo(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_rctopo"))
        .args(args)
        .env("RC_MONGO_PASSWORD", "canary-Pa55")
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("rctopo runs")
}

fn example(name: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join("examples");
    root.join(name).display().to_string()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn builtin_example_passes() {
    let out = rctopo(&["check"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("0 error(s)"), "{text}");
    assert!(!text.contains("\x1b["), "no colour when piped: {text}");
}

#[test]
fn broken_example_fails_with_many_rules() {
    let out = rctopo(&["check", &example("broken.toml"), "--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    let v = json(&out);
    let diags = v["diagnostics"].as_array().expect("diagnostics array");
    let mut codes: Vec<&str> = diags.iter().filter_map(|d| d["code"].as_str()).collect();
    codes.sort_unstable();
    codes.dedup();
    assert!(codes.len() >= 12, "only {} codes: {codes:?}", codes.len());
    for d in diags {
        for key in ["code", "name", "severity", "path", "message", "help"] {
            assert!(d[key].is_string(), "{key} missing in {d}");
        }
    }
    let errors = diags.iter().filter(|d| d["severity"] == "error").count();
    assert_eq!(v["errors"].as_u64(), Some(errors as u64));
    assert!(v["warnings"].is_u64());
}

#[test]
fn text_output_shows_file_line_and_column() {
    let file = example("broken.toml");
    let out = rctopo(&["check", &file]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    // T005 points at the repeated port: line 37 of broken.toml, `ports = [3000, 3001, 3001, 443]`.
    let line = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .position(|l| l.starts_with("ports = [3000, 3001, 3001"))
        .unwrap()
        + 1;
    assert!(text.contains("error[T005] duplicate-port"), "{text}");
    assert!(text.contains(&format!("broken.toml:{line}:")), "{text}");
    assert!(text.contains("= help:"), "{text}");
}

#[test]
fn production_example_passes_with_its_password_variable() {
    let out = rctopo(&["check", &example("production.toml"), "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("canary-Pa55"));
}

/// The production example with a TRANSPORTER that T018 quotes (it lacks `monolith+`), carrying
/// the password: whatever the password holds, the quoted URL shows `***`.
#[test]
fn quoted_urls_never_show_the_password() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let file = dir.join("production.toml");
    let production = std::fs::read_to_string(example("production.toml")).unwrap();
    let text = production.replacen(
        "[rocketchat]\n",
        "[rocketchat]\ntransporter = \"nats://rc:${RC_MONGO_PASSWORD}@nats:4222\"\n",
        1,
    );
    assert_ne!(text, production);
    std::fs::write(&file, text).unwrap();
    // Passwords holding URL delimiters, quotes and an unescaped `@` (which also reaches the
    // Mongo URL, where the driver reads its tail as a host).
    for password in [
        "c4nq7z-Pa55",
        "c4n/q7z'Pa55",
        "c4n`q7z\"Pa55#",
        "c4n@q7z@Pa55",
        "c4n q7z Pa55",
    ] {
        for format in ["text", "json"] {
            let out = Command::new(env!("CARGO_BIN_EXE_rctopo"))
                .args(["check", &file.display().to_string(), "--format", format])
                .env("RC_MONGO_PASSWORD", password)
                .env_remove("CLICOLOR_FORCE")
                .output()
                .expect("rctopo runs");
            let shown = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(shown.contains("T018"), "{shown}");
            assert!(shown.contains("monolith+nats://"), "{shown}");
            for piece in ["c4n", "q7z", "Pa55"] {
                assert!(!shown.contains(piece), "{password:?} in {format}: {shown}");
            }
        }
    }
}

#[test]
fn unusable_input_exits_2() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[hosts\n").unwrap();
    let out = rctopo(&["check", &bad.display().to_string()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.toml:1:"), "{err}");
    let out = rctopo(&["check", "/nonexistent/topology.toml"]);
    assert_eq!(out.status.code(), Some(2));
    let out = rctopo(&["check", "--format", "xml"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn unset_variable_is_named() {
    let out = Command::new(env!("CARGO_BIN_EXE_rctopo"))
        .args(["check", &example("production.toml")])
        .env_remove("RC_MONGO_PASSWORD")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("RC_MONGO_PASSWORD") && err.contains("mongo.url"),
        "{err}"
    );
}

#[test]
fn schema_is_json_schema_of_the_topology() {
    let out = rctopo(&["schema"]);
    assert_eq!(out.status.code(), Some(0));
    let v = json(&out);
    assert!(v["$schema"]
        .as_str()
        .unwrap_or("")
        .contains("json-schema.org"));
    let required: Vec<&str> = v["required"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s.as_str())
        .collect();
    assert_eq!(required, ["site", "rocketchat", "mongo"]);
    assert!(v["properties"]["hosts"].is_object());
}

#[test]
fn init_writes_a_starter_that_checks_clean() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for (hosts, cores) in [("1", "4"), ("3", "8")] {
        let file = dir.join(format!("t{hosts}.toml"));
        let out = rctopo(&[
            "init",
            "--hosts",
            hosts,
            "--cores",
            cores,
            "-o",
            &file.display().to_string(),
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let out = rctopo(&["check", &file.display().to_string(), "--format", "json"]);
        let v = json(&out);
        assert_eq!(v["errors"], 0, "{v}");
        assert_eq!(v["warnings"], 0, "{v}");
        // Refuses to overwrite.
        let again = rctopo(&["init", "-o", &file.display().to_string()]);
        assert_eq!(again.status.code(), Some(2));
    }
    let out = rctopo(&["init", "--hosts", "0"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_lists_every_rule_as_json() {
    let out = rctopo(&["rules", "--format", "json"]);
    let v = json(&out);
    let rules = v.as_array().unwrap();
    assert!(rules.len() >= 35, "{}", rules.len());
    assert!(rules.iter().any(|r| r["name"] == "mmapv1-removed"));
    assert!(rules
        .iter()
        .all(|r| r["why"].as_str().is_some_and(|w| !w.is_empty())));
}

#[test]
fn rules_markdown_is_the_committed_page() {
    let out = rctopo(&["rules", "--format", "markdown"]);
    assert!(out.status.success());
    let page = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules.md"))
        .expect("docs/rules.md");
    assert!(
        String::from_utf8_lossy(&out.stdout) == page,
        "rctopo rules --format markdown differs from docs/rules.md"
    );
}
