//! `rctopo render`: stdout listing, --out with modes, refusal of a topology with errors.

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

fn rctopo() -> Command {
    Command::new(env!("CARGO_BIN_EXE_rctopo"))
}

#[test]
fn prints_each_file_under_a_host_and_path_line_and_withholds_secrets() {
    let out = rctopo()
        .args(["render", "--target", "all"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("==> app1:/etc/systemd/system/rocketchat@.service (mode 0644) <=="));
    assert!(stdout.contains("==> app1:/etc/nginx/conf.d/rocketchat.conf (mode 0644) <=="));
    assert!(
        stdout.contains("==> app1:/etc/rocketchat/3000.env (mode 0600) <==\n# contents withheld")
    );
    assert!(!stdout.contains("MONGO_URL="));
}

#[test]
fn out_writes_host_folders_with_modes() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = rctopo()
        .args(["render", "--target", "systemd", "--out"])
        .arg(dir.path())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let env = dir.path().join("app1/etc/rocketchat/3001.env");
    let mode = std::fs::metadata(&env)
        .expect("env file written")
        .permissions()
        .mode()
        & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&env).expect("readable");
    assert!(text.contains("PORT=\"3001\""));
    let unit = dir
        .path()
        .join("app1/etc/systemd/system/rocketchat@.service");
    assert_eq!(
        std::fs::metadata(unit).expect("unit").permissions().mode() & 0o777,
        0o644
    );
}

#[test]
fn refuses_a_hostile_topology_and_writes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("t.toml");
    let text = rocketchat_topology::example::TOML.replace(
        "server_name = \"chat.example.com\"",
        "server_name = \"chat.example.com; return 200 pwned\"",
    );
    std::fs::write(&file, text).expect("write");
    let out = rctopo()
        .args(["render", "--target", "nginx"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("S010"), "{stdout}");
    assert!(!stdout.contains("==>"), "{stdout}");
}

#[test]
fn unknown_target_is_unusable_input() {
    let out = rctopo()
        .args(["render", "--target", "caddy"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown target `caddy`"));
}

#[test]
fn plan_refuses_a_desired_topology_with_errors_and_prints_its_diagnostics() {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("t.toml");
    let text = rocketchat_topology::example::TOML.replace(
        "server_name = \"chat.example.com\"",
        "server_name = \"chat.example.com; return 200 pwned\"",
    );
    std::fs::write(&file, text).expect("write");
    let out = rctopo()
        .args(["plan", "--to"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("error[S010]"), "{stdout}");
    assert!(
        stdout.contains("t.toml:"),
        "the diagnostic has its position: {stdout}"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("fix them first"));
}

#[test]
fn plan_names_the_policy_field_at_fault_with_its_place() {
    let dir = tempfile::tempdir().expect("temp dir");
    let policy = dir.path().join("policy.toml");
    std::fs::write(&policy, "canary = 1\nmax_surge = \"lots\"\n").expect("write");
    let out = rctopo()
        .arg("plan")
        .arg("--policy")
        .arg(&policy)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("policy.toml:2:"), "{stderr}");
    assert!(
        stderr.contains("max_surge: `lots` is not a budget"),
        "{stderr}"
    );
}
