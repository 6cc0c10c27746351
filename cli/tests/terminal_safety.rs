//! Values from a topology or a URL never reach the terminal as control characters: a newline
//! cannot forge a line of output, an escape sequence cannot clear the screen.

use std::process::Command;

fn rctopo(args: &[&str]) -> (String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_rctopo"))
        .args(args)
        .env_remove("CLICOLOR_FORCE")
        .output()
        .expect("runs");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// No control character but the newlines that end lines.
fn assert_clean(text: &str) {
    let bad: Vec<char> = text
        .chars()
        .filter(|c| c.is_control() && *c != '\n')
        .collect();
    assert!(bad.is_empty(), "{bad:?} in {text}");
}

#[test]
fn a_version_with_control_characters_is_refused_and_never_printed_raw() {
    let dir = tempfile::tempdir().unwrap();
    let howto = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/howto.toml");
    let evil = dir.path().join("evil.toml");
    let text = std::fs::read_to_string(howto).unwrap().replacen(
        "version = \"7.10.0\"",
        "version = \"7.11.0-a\\n[Service]\\nExecStartPre=/bin/sh\\u001b[2J\"",
        1,
    );
    std::fs::write(&evil, text).unwrap();
    let evil = evil.display().to_string();
    let (stdout, stderr) = rctopo(&["check", &evil]);
    assert!(stdout.contains("error[V001]"), "{stdout}");
    for (stdout, stderr) in [
        (stdout, stderr),
        rctopo(&["plan", "--from", howto, "--to", &evil]),
        rctopo(&["plan", "--to", &evil]),
        rctopo(&["render", &evil, "--target", "systemd"]),
    ] {
        let all = format!("{stdout}{stderr}");
        assert_clean(&all);
        assert!(!all.lines().any(|l| l.starts_with("[Service]")), "{all}");
    }
}

#[test]
fn mongo_url_escapes_percent_decoded_newlines() {
    let url = "mongodb://r%0Ac:pw@h/d%1Bb?appName=a%0Aerror%3A%20forged&replicaSet=rs0";
    let (stdout, stderr) = rctopo(&["mongo-url", url]);
    assert_clean(&format!("{stdout}{stderr}"));
    assert!(stdout.contains(r"user `r\nc`"), "{stdout}");
    assert!(stdout.contains(r"appname = a\nerror: forged"), "{stdout}");
    assert!(!stdout.lines().any(|l| l.starts_with("error:")), "{stdout}");
}
