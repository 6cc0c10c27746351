//! The plan's proxy edits run on the configuration the renderer writes, with the real programs.
//!
//! For each proxy kind: a two-host, four-instance topology (TLS from a self-signed openssl
//! certificate) is rendered into a temp dir; a configuration rollout is planned and written as
//! shell; the drain (`proxy_remove`) and undrain (`proxy_add`) commands of one instance are cut
//! from the proxy machine's script, together with the script's own helper functions, and run
//! with bash on the rendered file. The command set is overridden only where the test machine is
//! not the deployment: the configuration path points at the temp file, validate and reload are
//! `echo`s (nothing touches the machine's services) and HAProxy's admin socket is a temp one.
//!
//! Then: the real validator (`nginx -t`, `apache2 -t`, `haproxy -c`) accepts the drained file;
//! the drained file is byte-for-byte what `render_with(layout, target, {drained: [instance]})`
//! writes (so only that instance is out, `down` / `disabled` / `status=+D`); undrain restores
//! the rendered bytes. For HAProxy a real haproxy runs on loopback ports with a temp admin socket:
//! the plan's drain puts the server in drain on the runtime API (`show servers state`), and a
//! haproxy started from the edited file keeps it in maintenance until the undrain.

mod plan_support;
mod render_support;

use plan_support::proxy_edits::{bash, plan_edits, Edits};
use render_support::proxy_validator::{program, validate};
use render_support::{make_certificate, validator};
use rocketchat_topology::model::{ProxyKind, Tls, Topology};
use rocketchat_topology::plan::format_shell::helper;
use rocketchat_topology::render::{render, render_with, RenderOptions, Target};
use rocketchat_topology::Layout;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The instance the test drains, and its server name (HAProxy server, Apache route).
const INSTANCE: &str = "app1:3001";
const SERVER: &str = "app1_3001";

/// Two hosts of two instances (10.0.0.10-11) behind `kind` on a machine of its own, with TLS.
/// Only the validators read it: nothing connects to these addresses.
fn topology(kind: ProxyKind, tls: &Tls) -> Topology {
    let mut t = plan_support::multi(&[2, 2], &[4, 4], kind);
    if let Some(p) = t.proxy.as_mut() {
        p.tls = Some(tls.clone());
    }
    t
}

/// One host of four instances on 127.0.0.1 with the proxy beside them (a running haproxy's
/// health checks then stay on loopback).
fn loopback_topology(kind: ProxyKind, tls: &Tls) -> Topology {
    let mut t = plan_support::multi(&[4], &[6], kind);
    t.hosts[0].address = Some("127.0.0.1".into());
    if let Some(p) = t.proxy.as_mut() {
        p.tls = Some(tls.clone());
        p.host = Some("app1".into());
    }
    t
}

/// The upstream address of [`INSTANCE`] in `layout`.
fn address(layout: &Layout) -> String {
    layout.instance(INSTANCE).expect("the instance").upstream()
}

fn target(kind: ProxyKind) -> Target {
    match kind {
        ProxyKind::Nginx => Target::Nginx,
        ProxyKind::Apache => Target::Apache,
        ProxyKind::Haproxy => Target::Haproxy,
        other => panic!("not handled: {other:?}"),
    }
}

/// Render, drain with the plan's command, validate, compare with the drained render, undrain,
/// compare with the render, validate.
fn drain_and_undrain(kind: ProxyKind) {
    let Some(bin) = program(kind) else { return };
    let Some(_) = validator("bash") else { return };
    let dir = tempfile::tempdir().expect("temp dir");
    let Some(tls) = make_certificate(dir.path()) else {
        return;
    };
    let layout = Layout::resolve(&topology(kind, &tls));
    let t = target(kind);
    let rendered = render(&layout, t).expect("renders");
    assert_eq!(rendered.len(), 1);
    let original = rendered[0].contents.clone();
    let drained_render = render_with(
        &layout,
        t,
        &RenderOptions {
            drained: [INSTANCE.to_string()].into(),
        },
    )
    .expect("renders drained")[0]
        .contents
        .clone();
    let config = dir.path().join("rocketchat.conf");
    std::fs::write(&config, &original).expect("write");
    let work = dir.path().join("work");
    std::fs::create_dir_all(&work).expect("dir");
    validate(kind, &bin, &config, &work)
        .unwrap_or_else(|e| panic!("{kind:?}: the rendered file is refused: {e}\n{original}"));

    let edits = plan_edits(
        &layout,
        kind,
        &config,
        &dir.path().join("no-socket"),
        INSTANCE,
    );
    bash(&edits.drain, dir.path());
    let drained = std::fs::read_to_string(&config).expect("read");
    validate(kind, &bin, &config, &work)
        .unwrap_or_else(|e| panic!("{kind:?}: the drained file is refused: {e}\n{drained}"));
    // Same bytes: the plan's edit and the renderer agree on what a drained instance looks like.
    assert_eq!(
        drained, drained_render,
        "{kind:?}: the plan's drain differs from render_with(drained)"
    );
    let (marker, per_instance) = match kind {
        ProxyKind::Nginx => (" down;", 1),
        ProxyKind::Apache => (" status=+D", 2),
        ProxyKind::Haproxy => (" disabled", 1),
        other => panic!("not handled: {other:?}"),
    };
    assert_eq!(drained.matches(marker).count(), per_instance, "{drained}");
    let marked: Vec<&str> = drained.lines().filter(|l| l.contains(marker)).collect();
    assert!(
        marked.iter().all(|l| l.contains(&address(&layout))),
        "only {INSTANCE} is out: {marked:?}"
    );
    // Draining twice changes nothing.
    bash(&edits.drain, dir.path());
    assert_eq!(
        std::fs::read_to_string(&config).expect("read"),
        drained_render
    );

    bash(&edits.undrain, dir.path());
    let restored = std::fs::read_to_string(&config).expect("read");
    assert_eq!(
        restored, original,
        "{kind:?}: undrain does not restore the render"
    );
    validate(kind, &bin, &config, &work)
        .unwrap_or_else(|e| panic!("{kind:?}: the undrained file is refused: {e}\n{restored}"));
    println!(
        "{kind:?}: drain and undrain of {INSTANCE} give the rendered bytes; validator accepts both"
    );
}

#[test]
fn nginx_drain_and_undrain_match_the_render() {
    drain_and_undrain(ProxyKind::Nginx);
}

#[test]
fn apache_drain_and_undrain_match_the_render() {
    drain_and_undrain(ProxyKind::Apache);
}

#[test]
fn haproxy_drain_and_undrain_match_the_render() {
    drain_and_undrain(ProxyKind::Haproxy);
}

/// A haproxy process of the test, stopped (by its own pid) when dropped.
struct Haproxy {
    child: Child,
}

impl Haproxy {
    /// Starts haproxy in the foreground on `config` and waits (at most 10 s) for `socket`.
    fn start(bin: &Path, config: &Path, socket: &Path, log: &Path) -> Haproxy {
        Haproxy::start_with(bin, &["-db"], config, socket, log)
    }

    /// The same as a master process with one worker, as systemd runs it (`-Ws`): a reload
    /// (SIGUSR2 to the master) starts a new worker that reads the file again.
    fn start_master(bin: &Path, config: &Path, socket: &Path, log: &Path) -> Haproxy {
        Haproxy::start_with(bin, &["-W", "-db"], config, socket, log)
    }

    fn start_with(bin: &Path, args: &[&str], config: &Path, socket: &Path, log: &Path) -> Haproxy {
        let _ = std::fs::remove_file(socket);
        let child = Command::new(bin)
            .args(args)
            .arg("-f")
            .arg(config)
            .stdout(Stdio::null())
            .stderr(std::fs::File::create(log).expect("log"))
            .spawn()
            .expect("haproxy starts");
        let mut h = Haproxy { child };
        let deadline = Instant::now() + Duration::from_secs(10);
        while !socket.exists() {
            if let Ok(Some(status)) = h.child.try_wait() {
                panic!(
                    "haproxy exited ({status}): {}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
            }
            assert!(
                Instant::now() < deadline,
                "haproxy did not open {}",
                socket.display()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        h
    }
}

impl Drop for Haproxy {
    /// SIGTERM first: a master stops its workers then (SIGKILL would leave them running).
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The answer of the admin socket to `command`.
fn admin(socat: &Path, socket: &Path, command: &str) -> String {
    let mut child = Command::new(socat)
        .arg("stdio")
        .arg(format!("unix-connect:{}", socket.display()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("socat runs");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(format!("{command}\n").as_bytes())
        .expect("write");
    let out = child.wait_with_output().expect("socat output");
    String::from_utf8_lossy(&out.stdout).to_string()
}

/// The pid of the worker that answers on the admin socket (`show info`).
fn worker_pid(socat: &Path, socket: &Path) -> Option<u32> {
    admin(socat, socket, "show info")
        .lines()
        .find_map(|l| l.strip_prefix("Pid: ")?.trim().parse().ok())
}

/// `show servers state rocketchat` on the admin socket: server name -> srv_admin_state.
fn admin_states(socat: &Path, socket: &Path) -> Vec<(String, u32)> {
    let text = admin(socat, socket, "show servers state rocketchat");
    let header: Vec<&str> = text
        .lines()
        .find(|l| l.starts_with("# be_id"))
        .unwrap_or_else(|| panic!("no state header in {text}"))
        .split_whitespace()
        .skip(1)
        .collect();
    let col = |name: &str| header.iter().position(|c| *c == name).expect(name);
    let (name, admin) = (col("srv_name"), col("srv_admin_state"));
    text.lines()
        .filter(|l| !l.starts_with('#') && l.split_whitespace().count() == header.len())
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            (f[name].to_string(), f[admin].parse().expect("a number"))
        })
        .collect()
}

/// A free loopback TCP port.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// The rendered haproxy.cfg made runnable by a test user: loopback ports, the temp socket, no
/// chroot, user switch, daemon or syslog. Each replaced line must be there.
fn runnable(rendered: &str, socket: &Path) -> String {
    let mut text = rendered.to_string();
    let swaps = [
        (
            "    stats socket /run/haproxy/admin.sock mode 660 level admin\n".to_string(),
            format!(
                "    stats socket {} mode 600 level admin\n",
                socket.display()
            ),
        ),
        ("    chroot /var/lib/haproxy\n".into(), String::new()),
        ("    user haproxy\n".into(), String::new()),
        ("    group haproxy\n".into(), String::new()),
        ("    daemon\n".into(), String::new()),
        ("    log /dev/log local0\n".into(), String::new()),
        (
            "    bind :80\n".into(),
            format!("    bind 127.0.0.1:{}\n", free_port()),
        ),
        (
            "    bind :443 ".into(),
            format!("    bind 127.0.0.1:{} ", free_port()),
        ),
    ];
    for (from, to) in swaps {
        assert!(
            text.contains(&from),
            "the rendered haproxy.cfg has no `{from}`"
        );
        text = text.replacen(&from, &to, 1);
    }
    text
}

/// Asserts that [`SERVER`] has one of the admin-state `bits` set and every other server none:
/// `failure` says what it means when it has not.
fn only_server_out(states: &[(String, u32)], bits: u32, failure: &str) {
    for (server, state) in states {
        if server == SERVER {
            assert!(state & bits != 0, "{server} is {failure}: {states:?}");
        } else {
            assert_eq!(*state, 0, "{server} changed: {states:?}");
        }
    }
}

/// srv_admin_state bits (HAProxy's SRV_ADMF_*): forced maintenance, maintenance from the
/// configuration (`disabled`), forced drain (src/server.h).
const FMAINT: u32 = 0x01;
const CMAINT: u32 = 0x04;
/// HAProxy's SRV_ADMF_MAINT: forced, inherited or resolution maintenance (FMAINT | IMAINT | RMAINT).
const MAINT: u32 = 0x23;

/// What the haproxy tests run on: the loopback topology's haproxy.cfg made runnable in a temp
/// dir with a temp admin socket, and the plan's drain and undrain of [`INSTANCE`] on it.
struct HaproxyCase {
    dir: tempfile::TempDir,
    bin: PathBuf,
    socat: PathBuf,
    socket: PathBuf,
    config: PathBuf,
    log: PathBuf,
    /// The runnable file as rendered.
    original: String,
    edits: Edits,
}

/// The [`HaproxyCase`], or `None` when haproxy, socat or openssl is missing (and allowed to be).
fn haproxy_case() -> Option<HaproxyCase> {
    let bin = program(ProxyKind::Haproxy)?;
    let socat = validator("socat")?;
    let dir = tempfile::tempdir().expect("temp dir");
    let tls = make_certificate(dir.path())?;
    let layout = Layout::resolve(&loopback_topology(ProxyKind::Haproxy, &tls));
    let socket = dir.path().join("admin.sock");
    let config = dir.path().join("haproxy.cfg");
    let log = dir.path().join("haproxy.log");
    let original = runnable(
        &render(&layout, Target::Haproxy).expect("renders")[0].contents,
        &socket,
    );
    std::fs::write(&config, &original).expect("write");
    let edits = plan_edits(&layout, ProxyKind::Haproxy, &config, &socket, INSTANCE);
    Some(HaproxyCase {
        dir,
        bin,
        socat,
        socket,
        config,
        log,
        original,
        edits,
    })
}

#[test]
fn haproxy_drain_reaches_a_running_haproxy_and_survives_a_restart() {
    let Some(HaproxyCase {
        dir,
        bin,
        socat,
        socket,
        config,
        log,
        original,
        edits,
    }) = haproxy_case()
    else {
        return;
    };

    let running = Haproxy::start(&bin, &config, &socket, &log);
    let before = admin_states(&socat, &socket);
    assert_eq!(before.len(), 4, "{before:?}");
    assert!(before.iter().all(|(_, s)| *s == 0), "{before:?}");
    bash(&edits.drain, dir.path());
    only_server_out(
        &admin_states(&socat, &socket),
        FMAINT,
        "not in maintenance after the drain",
    );
    drop(running);

    // What a reload reads: the edited file keeps the server out (maintenance from the config).
    let restarted = Haproxy::start(&bin, &config, &socket, &log);
    only_server_out(
        &admin_states(&socat, &socket),
        CMAINT | FMAINT,
        "back on restart",
    );
    drop(restarted);

    // Undrain on the running process: the runtime API puts the server back, no reload needed.
    let running = Haproxy::start(&bin, &config, &socket, &log);
    bash(&edits.undrain, dir.path());
    assert_eq!(std::fs::read_to_string(&config).expect("read"), original);
    // CMAINT only records that the loaded file said `disabled`; the maintenance bits are clear.
    let states = admin_states(&socat, &socket);
    assert!(
        states.iter().all(|(_, s)| *s & MAINT == 0),
        "after a runtime undrain: {states:?}"
    );
    drop(running);
    let restarted = Haproxy::start(&bin, &config, &socket, &log);
    let states = admin_states(&socat, &socket);
    assert!(
        states.iter().all(|(_, s)| *s == 0),
        "after undrain: {states:?}"
    );
    drop(restarted);
    println!("haproxy: out on the runtime API ({SERVER} state FMAINT), disabled across a restart, back on the runtime API and in the file after undrain");
}

/// A drain right after a reload reaches the worker the reload started. `systemctl reload
/// haproxy` returns once the master is signalled; until the new worker has read the file, the
/// admin socket still answers from the old one, and a `set server ... state maint` sent there
/// is lost with it while the new worker keeps the server in rotation (the lab saw 503s from the
/// stopped instance). Here a real haproxy runs as master and worker; `systemctl` is a shell
/// function that does what Debian's haproxy.service does on reload (`kill -USR2 $MAINPID`),
/// the one stand-in: no systemd runs in this test.
#[test]
fn haproxy_drain_right_after_a_reload_reaches_the_new_worker() {
    let Some(HaproxyCase {
        dir,
        bin,
        socat,
        socket,
        config,
        log,
        edits,
        ..
    }) = haproxy_case()
    else {
        return;
    };
    let master = Haproxy::start_master(&bin, &config, &socket, &log);
    let first = worker_pid(&socat, &socket).expect("the worker answers");

    // No copy of the loaded file is kept yet, so rct_haproxy_reload reloads; the drain follows
    // at once, as the next wave's first step does.
    let quote =
        |p: &Path| rocketchat_topology::plan::commands::shell_quote(&p.display().to_string());
    let reload = format!(
        "{}\n{}\n{}\nsystemctl() {{ kill -USR2 {}; }}\nrct_haproxy_reload {} {}\n",
        helper("rct_fail").expect("helper"),
        helper("rct_haproxy_worker").expect("helper"),
        helper("rct_haproxy_reload").expect("helper"),
        master.child.id(),
        quote(&config),
        quote(&socket),
    );
    bash(
        &format!("set -euo pipefail\n{reload}{}", edits.drain),
        dir.path(),
    );

    let deadline = Instant::now() + Duration::from_secs(10);
    let worker = loop {
        match worker_pid(&socat, &socket) {
            Some(pid) if pid != first => break pid,
            _ => assert!(Instant::now() < deadline, "no new worker after the reload"),
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    only_server_out(
        &admin_states(&socat, &socket),
        FMAINT | CMAINT,
        &format!("in rotation in worker {worker}, the reload's"),
    );
    drop(master);
    println!("haproxy: drained right after a reload, {SERVER} is out in the new worker {worker} (was {first})");
}
