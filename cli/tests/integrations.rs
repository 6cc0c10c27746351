//! What editors, shells, pre-commit and CI systems use: standard input, several files with the
//! worst exit status, GitHub annotations, SARIF, completions, the man page and `--color`.

use serde_json::Value;
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

fn example(name: &str) -> String {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../examples");
    root.join(name).display().to_string()
}

fn rctopo_with(args: &[&str], env: &[(&str, &str)], stdin: &[u8]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_rctopo"));
    cmd.args(args)
        .env_remove("CLICOLOR_FORCE")
        .env_remove("NO_COLOR")
        .env("RC_MONGO_PASSWORD", "canary-Pa55")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let mut child = cmd.spawn().expect("rctopo runs");
    child.stdin.take().unwrap().write_all(stdin).unwrap();
    child.wait_with_output().unwrap()
}

fn rctopo(args: &[&str]) -> Output {
    rctopo_with(args, &[], b"")
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn standard_input_is_read_in_the_format_given() {
    let broken = std::fs::read(example("broken.toml")).unwrap();
    let out = rctopo_with(&["check", "-", "--input-format", "toml"], &[], &broken);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
    assert!(stdout(&out).contains("<stdin>:"), "{}", stdout(&out));

    // The built-in example, converted to JSON text, checks as the example does.
    let json = rctopo(&["check", "--format", "json"]);
    let topology: toml::Value =
        toml::from_str(&std::fs::read_to_string(example("howto.toml")).unwrap()).unwrap();
    let text = serde_json::to_vec(&topology).unwrap();
    let out = rctopo_with(
        &["check", "-", "--input-format", "json", "--format", "json"],
        &[],
        &text,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let codes = |out: &Output| -> Vec<Value> {
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        let list = v["diagnostics"].as_array().unwrap();
        list.iter().map(|d| d["code"].clone()).collect()
    };
    assert_eq!(
        codes(&out),
        codes(&json),
        "stdin JSON and the built-in example agree"
    );
}

#[test]
fn standard_input_without_a_format_is_refused_with_the_fix() {
    let out = rctopo(&["check", "-"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--input-format"));
}

#[test]
fn several_files_exit_with_the_worst_status() {
    let clean = example("howto.toml");
    let broken = example("broken.toml");
    let missing = example("no-such-topology.toml");
    assert_eq!(rctopo(&["check", &clean, &clean]).status.code(), Some(0));
    assert_eq!(rctopo(&["check", &clean, &broken]).status.code(), Some(1));
    let out = rctopo(&["check", &missing, &broken, &clean]);
    assert_eq!(out.status.code(), Some(2));
    // Every file is still checked and reported, each counts line naming its file.
    let text = stdout(&out);
    assert!(text.contains(&format!("{broken}: ")), "{text}");
    assert!(text.contains(&format!("{clean}: 0 error(s)")), "{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-topology.toml"));

    let out = rctopo(&["check", &clean, &broken, "--format", "json"]);
    let all: Value = serde_json::from_slice(&out.stdout).unwrap();
    let files: Vec<&str> = all
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["file"].as_str().unwrap())
        .collect();
    assert_eq!(files, [clean.as_str(), broken.as_str()]);
    assert!(all[1]["errors"].as_u64().unwrap() > 0);
}

#[test]
fn github_format_is_one_workflow_command_per_diagnostic() {
    let broken = example("broken.toml");
    let json: Value =
        serde_json::from_slice(&rctopo(&["check", &broken, "--format", "json"]).stdout).unwrap();
    let out = rctopo(&["check", &broken, "--format", "github"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), json["diagnostics"].as_array().unwrap().len());
    for (line, d) in lines.iter().zip(json["diagnostics"].as_array().unwrap()) {
        let level = match d["severity"].as_str().unwrap() {
            "info" => "notice",
            other => other,
        };
        let head = format!(
            "::{level} file={broken},line={},col=",
            d["location"]["line"]
        );
        assert!(line.starts_with(&head), "{line} / {head}");
        assert!(
            line.contains(&format!(
                "title={} {}::",
                d["code"].as_str().unwrap(),
                d["name"].as_str().unwrap()
            )),
            "{line}"
        );
    }
    assert!(!text.contains("canary-Pa55"));
    // A file that cannot be read is an error annotation too.
    let out = rctopo(&["check", &example("missing.toml"), "--format", "github"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stdout(&out).starts_with("::error file="),
        "{}",
        stdout(&out)
    );
}

#[test]
fn sarif_lists_every_rule_and_one_located_result_per_diagnostic() {
    let broken = example("broken.toml");
    let json: Value =
        serde_json::from_slice(&rctopo(&["check", &broken, "--format", "json"]).stdout).unwrap();
    let out = rctopo(&[
        "check",
        &broken,
        &example("missing.toml"),
        "--format",
        "sarif",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let sarif: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let catalogue: Value =
        serde_json::from_slice(&rctopo(&["rules", "--format", "json"]).stdout).unwrap();
    assert_eq!(rules.len(), catalogue.as_array().unwrap().len());
    let results = run["results"].as_array().unwrap();
    let diagnostics = json["diagnostics"].as_array().unwrap();
    assert_eq!(results.len(), diagnostics.len());
    for (r, d) in results.iter().zip(diagnostics) {
        assert_eq!(r["ruleId"], d["code"]);
        assert_eq!(
            rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
            d["code"]
        );
        let physical = &r["locations"][0]["physicalLocation"];
        assert!(physical["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("examples/broken.toml"));
        assert_eq!(physical["region"]["startLine"], d["location"]["line"]);
        assert_eq!(
            r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
            d["path"]
        );
    }
    let invocation = &run["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let note = &invocation["toolExecutionNotifications"][0];
    assert!(note["message"]["text"]
        .as_str()
        .unwrap()
        .contains("missing.toml"));
}

#[test]
fn completions_cover_the_subcommands_and_bash_parses_them() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let out = rctopo(&["completions", shell]);
        assert_eq!(out.status.code(), Some(0), "{shell}");
        let script = stdout(&out);
        // Elvish and PowerShell scripts complete names, not the values of an option.
        let values = ["bash", "zsh", "fish"].contains(&shell);
        let words = ["check", "mongo-url", "input-format", "sarif"];
        for word in words.iter().filter(|w| values || **w != "sarif") {
            assert!(script.contains(word), "{shell} completion lacks {word}");
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rctopo.bash");
    std::fs::write(&file, rctopo(&["completions", "bash"]).stdout).unwrap();
    let parsed = Command::new("bash").arg("-n").arg(&file).status().unwrap();
    assert!(parsed.success(), "bash -n rejects the completion script");
    assert_eq!(rctopo(&["completions", "tcsh"]).status.code(), Some(2));
}

#[test]
fn man_page_is_roff_naming_every_subcommand() {
    let out = rctopo(&["man"]);
    assert_eq!(out.status.code(), Some(0));
    let page = stdout(&out);
    assert!(page.contains(".TH rctopo 1"), "{page}");
    for sub in ["check", "render", "plan", "completions"] {
        assert!(page.contains(sub), "man page lacks {sub}");
    }
}

#[test]
fn color_flag_beside_no_color_and_clicolor_force() {
    let has_color = |args: &[&str], env: &[(&str, &str)]| {
        let mut all = vec!["check"];
        all.extend_from_slice(args);
        stdout(&rctopo_with(&all, env, b"")).contains("\x1b[")
    };
    assert!(!has_color(&[], &[]), "piped output is plain by default");
    assert!(has_color(&["--color", "always"], &[]));
    assert!(has_color(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!has_color(
        &[],
        &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]
    ));
    assert!(!has_color(
        &["--color", "never"],
        &[("CLICOLOR_FORCE", "1")]
    ));
    // An explicit flag is the user's latest word: it beats the environment.
    assert!(has_color(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert_eq!(
        rctopo(&["--color", "sometimes", "check"]).status.code(),
        Some(2)
    );
}

#[test]
fn json_topologies_may_name_their_schema() {
    let schema: Value = serde_json::from_slice(&rctopo(&["schema"]).stdout).unwrap();
    let id = schema["$id"].as_str().unwrap();
    let topology: toml::Value =
        toml::from_str(&std::fs::read_to_string(example("howto.toml")).unwrap()).unwrap();
    let mut value = serde_json::to_value(&topology).unwrap();
    value["$schema"] = id.into();
    let out = rctopo_with(
        &["check", "-", "--input-format", "json"],
        &[],
        &serde_json::to_vec(&value).unwrap(),
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
