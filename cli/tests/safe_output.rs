//! Output that cannot be turned against the operator: `--out` never writes through a symbolic
//! link, into someone else's file or into a directory others can write to; directories are
//! created 0750 whatever the umask; a closed pipe on standard output never panics.

use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
use std::process::{Command, Stdio};

const RCTOPO: &str = env!("CARGO_BIN_EXE_rctopo");

fn rctopo() -> Command {
    Command::new(RCTOPO)
}

fn mode(path: &Path) -> u32 {
    std::fs::symlink_metadata(path).expect("exists").mode() & 0o7777
}

fn render_into(dir: &Path) -> std::process::Output {
    rctopo()
        .args(["render", "--target", "all", "--out"])
        .arg(dir)
        .output()
        .expect("runs")
}

#[test]
fn a_symlink_planted_at_an_output_file_is_replaced_not_written_through() {
    let tmp = tempfile::tempdir().unwrap();
    let victim = tmp.path().join("victim");
    std::fs::write(&victim, "untouched").unwrap();
    let out = tmp.path().join("out");
    let env_dir = out.join("app1/etc/rocketchat");
    std::fs::create_dir_all(&env_dir).unwrap();
    std::os::unix::fs::symlink(&victim, env_dir.join("3000.env")).unwrap();
    let run = render_into(&out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "untouched");
    let env = env_dir.join("3000.env");
    assert!(std::fs::symlink_metadata(&env).unwrap().is_file());
    assert_eq!(mode(&env), 0o600);
    assert!(std::fs::read_to_string(&env)
        .unwrap()
        .contains("MONGO_URL="));
}

#[test]
fn a_symlinked_directory_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let elsewhere = tmp.path().join("elsewhere");
    std::fs::create_dir(&elsewhere).unwrap();
    let out = tmp.path().join("out");
    std::fs::create_dir_all(out.join("app1")).unwrap();
    std::os::unix::fs::symlink(&elsewhere, out.join("app1/etc")).unwrap();
    let run = render_into(&out);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("symbolic link"), "{stderr}");
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());

    // The same for plan scripts, and for the output directory itself.
    let link = tmp.path().join("plan-link");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    let run = rctopo()
        .args(["plan", "--format", "shell", "--ssh", "--out"])
        .arg(&link)
        .output()
        .unwrap();
    assert_eq!(run.status.code(), Some(2));
    assert!(std::fs::read_dir(&elsewhere).unwrap().next().is_none());
}

#[test]
fn an_output_directory_others_can_write_to_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("shared");
    std::fs::create_dir(&out).unwrap();
    std::fs::set_permissions(&out, std::fs::Permissions::from_mode(0o777)).unwrap();
    let run = render_into(&out);
    assert_eq!(run.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("writable by group or others"), "{stderr}");
    assert!(std::fs::read_dir(&out).unwrap().next().is_none());
}

#[test]
fn directories_are_created_0750_even_with_umask_000() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let run = Command::new("sh")
        .args([
            "-c",
            "umask 000 && exec \"$0\" render --target all --out \"$1\"",
        ])
        .arg(RCTOPO)
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    for dir in ["", "app1", "app1/etc", "app1/etc/rocketchat"] {
        assert_eq!(mode(&out.join(dir)), 0o750, "{dir}");
    }
    assert_eq!(mode(&out.join("app1/etc/rocketchat/3000.env")), 0o600);
    assert_eq!(
        mode(&out.join("app1/etc/systemd/system/rocketchat@.service")),
        0o644
    );
}

/// As root, a file another user planted (mode 0666) is replaced by a new file of root's, so its
/// planter cannot `chmod` it back open. Without root there is no other user to plant it.
#[test]
fn a_file_another_user_planted_is_replaced_by_our_own() {
    if effective_uid() != 0 {
        eprintln!("skipped: needs root to create a file owned by another user");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let env_dir = out.join("app1/etc/rocketchat");
    std::fs::create_dir_all(&env_dir).unwrap();
    let planted = env_dir.join("3000.env");
    std::fs::write(&planted, "").unwrap();
    std::fs::set_permissions(&planted, std::fs::Permissions::from_mode(0o666)).unwrap();
    std::os::unix::fs::chown(&planted, Some(65534), Some(65534)).unwrap();
    let run = render_into(&out);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let meta = std::fs::metadata(&planted).unwrap();
    assert_eq!(meta.uid(), 0);
    assert_eq!(meta.mode() & 0o7777, 0o600);
}

/// The effective uid, read from /proc.
fn effective_uid() -> u32 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|ids| ids.split_whitespace().nth(1))
        .and_then(|euid| euid.parse().ok())
        .unwrap_or(u32::MAX)
}

/// Runs `args` with standard output a pipe whose reader has already gone.
fn run_into_closed_pipe(args: &[&str]) -> std::process::Output {
    let mut child = rctopo()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

#[test]
fn a_closed_pipe_never_panics_and_keeps_the_exit_code() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = |name: &str| tmp.path().join(name).display().to_string();
    let url = "mongodb://rc@db1,db2/rocketchat?replicaSet=rs0";
    let broken = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/broken.toml");
    let cases: Vec<Vec<String>> = [
        vec!["check"],
        vec!["check", broken],
        vec!["check", "--format", "json"],
        vec!["render", "--target", "all"],
        vec!["render", "--target", "all", "--show-secrets"],
        vec!["render", broken, "--target", "all"],
        vec!["plan"],
        vec!["plan", "--format", "json"],
        vec!["plan", "--format", "shell", "--ssh"],
        vec!["mongo-url", url],
        vec!["mongo-url", url, "--format", "json"],
        vec!["mongo-url", "mongodb://h/x?replSet=rs0"],
        vec!["rules"],
        vec!["schema"],
    ]
    .iter()
    .map(|a| a.iter().map(|s| s.to_string()).collect())
    .collect();
    for args in &cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let closed = run_into_closed_pipe(&args);
        let open = rctopo().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&closed.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert_eq!(
            closed.status.code(),
            open.status.code(),
            "{args:?}: {stderr}"
        );
    }
    // Writing files goes on when the listing's reader has gone: every file is written.
    for args in [
        vec!["render", "--target", "all", "--out"],
        vec!["plan", "--format", "shell", "--ssh", "--out"],
    ] {
        let (closed_dir, open_dir) = (dir("closed"), dir("open"));
        let closed = run_into_closed_pipe(&[&args[..], &[closed_dir.as_str()]].concat());
        assert_eq!(closed.status.code(), Some(0), "{args:?}");
        let files = count_files(Path::new(&closed_dir));
        let listed = rctopo().args(&args).arg(&open_dir).output().unwrap();
        let lines = String::from_utf8_lossy(&listed.stdout).lines().count();
        assert!(
            lines > 1 && files == lines,
            "{args:?}: {files} files, {lines} listed"
        );
        std::fs::remove_dir_all(&closed_dir).unwrap();
        std::fs::remove_dir_all(&open_dir).unwrap();
    }
}

fn count_files(dir: &Path) -> usize {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let path = e.unwrap().path();
            if path.is_dir() {
                count_files(&path)
            } else {
                1
            }
        })
        .sum()
}

/// std's and anstream's printing macros panic on a closed pipe; the CLI prints through
/// cli/src/output.rs (out!, outln!, errln!) only.
#[test]
fn the_cli_prints_only_through_its_output_module() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut offenders = Vec::new();
    for file in rust_files(&src) {
        let text = std::fs::read_to_string(&file).unwrap();
        for (n, line) in text.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            let bare = ["print!(", "println!(", "eprint!(", "eprintln!("]
                .iter()
                .any(|m| code.match_indices(m).any(|(i, _)| !is_ident_byte(code, i)));
            if bare {
                offenders.push(format!("{}:{}: {}", file.display(), n + 1, line.trim()));
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "use out!/outln!/errln!:\n{}",
        offenders.join("\n")
    );
}

/// Whether the byte before `i` continues an identifier (`outln!(` is not `println!(`... but
/// `eprintln!(` is not `println!(` either: both are caught by their own pattern).
fn is_ident_byte(code: &str, i: usize) -> bool {
    i > 0 && {
        let b = code.as_bytes()[i - 1];
        b.is_ascii_alphanumeric() || b == b'_'
    }
}

fn rust_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(rust_files(&path));
        } else if path.extension().is_some_and(|e| e == "rs") {
            files.push(path);
        }
    }
    files
}
