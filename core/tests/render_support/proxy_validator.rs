//! The real proxy validators (`nginx -t`, `apache2 -t`, `haproxy -c`) run on one rendered proxy
//! configuration, each inside a minimal main configuration of its own that includes it.

use super::{run, validator};
use rocketchat_topology::model::ProxyKind;
use rocketchat_topology::render::APACHE_MODULES;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Debian's apache2 keeps its modules.
const APACHE_MODULES_DIR: &str = "/usr/lib/apache2/modules";

/// The validator program of `kind`; `None` when it is missing and allowed to be.
pub fn program(kind: ProxyKind) -> Option<PathBuf> {
    validator(match kind {
        ProxyKind::Nginx => "nginx",
        ProxyKind::Apache => "apache2",
        ProxyKind::Haproxy => "haproxy",
        other => panic!("no validator for proxy {other:?}"),
    })
}

/// Runs the validator `program` of `kind` on the configuration at `config`; `work` holds the
/// main configuration, pid and logs. A warning counts as a refusal (Apache's AH codes, HAProxy's
/// WARNING and ALERT).
pub fn validate(
    kind: ProxyKind,
    program: &Path,
    config: &Path,
    work: &Path,
) -> Result<String, String> {
    std::fs::create_dir_all(work.join("logs")).expect("dir");
    match kind {
        ProxyKind::Nginx => nginx(program, config, work),
        ProxyKind::Apache => apache(program, config, work),
        ProxyKind::Haproxy => haproxy(program, config),
        other => panic!("no validator for proxy {other:?}"),
    }
}

/// `nginx -t` on a main nginx.conf whose http block includes `config`.
fn nginx(program: &Path, config: &Path, work: &Path) -> Result<String, String> {
    let main = work.join("nginx.conf");
    let text = format!(
        "pid {w}/nginx.pid;\nerror_log {w}/error.log;\nevents {{}}\nhttp {{\n    access_log off;\n    include {c};\n}}\n",
        w = work.display(),
        c = config.display()
    );
    std::fs::write(&main, text).expect("write");
    run(Command::new(program)
        .arg("-t")
        .arg("-p")
        .arg(work)
        .arg("-e")
        .arg(work.join("error.log"))
        .arg("-c")
        .arg(&main))
}

/// `apache2 -t` on a main httpd.conf that loads the modules the site lists and includes
/// `config`. Success needs "Syntax OK" and no AH warning.
fn apache(program: &Path, config: &Path, work: &Path) -> Result<String, String> {
    let main = apache_main_config(work, config, &["80", "443"]);
    match run(Command::new(program).arg("-t").arg("-f").arg(&main)) {
        Ok(out) if out.contains("Syntax OK") && !out.contains("AH0") => Ok(out),
        Ok(out) | Err(out) => Err(out),
    }
}

/// A main httpd.conf in `work` (its pid, runtime files and error log there too) that loads the
/// modules the rendered site lists (with the MPM and authz every server has), listens on
/// `listen` and includes `config`.
pub fn apache_main_config(work: &Path, config: &Path, listen: &[&str]) -> PathBuf {
    let mut text = String::new();
    for m in ["mpm_event", "authz_core"].iter().chain(APACHE_MODULES) {
        let _ = writeln!(
            text,
            "LoadModule {m}_module {APACHE_MODULES_DIR}/mod_{m}.so"
        );
    }
    let _ = write!(
        text,
        "ServerName localhost\nPidFile {w}/apache.pid\nDefaultRuntimeDir {w}\nErrorLog {w}/error.log\n",
        w = work.display()
    );
    for address in listen {
        let _ = writeln!(text, "Listen {address}");
    }
    let _ = writeln!(text, "Include {}", config.display());
    let main = work.join("httpd.conf");
    std::fs::write(&main, text).expect("write");
    main
}

/// `haproxy -c -f config`; a WARNING or ALERT counts as a refusal.
fn haproxy(program: &Path, config: &Path) -> Result<String, String> {
    match run(Command::new(program).arg("-c").arg("-f").arg(config)) {
        Ok(out) if !out.contains("WARNING") && !out.contains("ALERT") => Ok(out),
        Ok(out) | Err(out) => Err(out),
    }
}
