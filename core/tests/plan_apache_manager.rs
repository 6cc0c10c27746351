//! Apache's members go out and back at runtime through mod_proxy_balancer's balancer-manager,
//! with the real apache2.
//!
//! A one-host topology of four instances on loopback is rendered for Apache (plain HTTP and TLS);
//! the only changes to make it runnable by a test are the virtual host's address (a free loopback
//! port) and the certificate (a self-signed one). Four backends of the test stand at the
//! instances' ports and count the requests they get. apache2 runs in the foreground on a main
//! configuration of the test that loads the modules the site lists. The drain and undrain commands
//! are cut from the plan's own script for the proxy machine (with its helpers), the command set
//! pointing only the configuration path at the temp file.
//!
//! Checked: after the drain the manager reports the instance disabled in both balancers and it
//! receives no new request (sticky clients with its ROUTEID cookie included) while the others do;
//! a graceful restart keeps it out (the file says so, and BalancerPersist is off); the reload
//! helper skips the reload while the running state equals the file and reloads when they differ;
//! the undrain brings it back with no reload; a client that is not local gets 403 from the
//! manager.

mod plan_support;
mod render_support;

use plan_support::proxy_edits::{bash, plan_edits};
use render_support::proxy_validator::{apache_main_config, program};
use render_support::{make_certificate, validator};
use rocketchat_topology::model::{ProxyKind, Tls};
use rocketchat_topology::plan::format_shell::helper;
use rocketchat_topology::render::{render, Target};
use rocketchat_topology::Layout;
use std::fmt::Write as _;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The server name of the site.
const NAME: &str = "chat.example.com";

/// A backend of the test on one loopback port: answers every request 200 and counts them.
struct Backend {
    hits: Arc<AtomicUsize>,
}

impl Backend {
    fn serve(listener: TcpListener) -> Backend {
        let hits = Arc::new(AtomicUsize::new(0));
        let counter = hits.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                answer(stream, &counter);
            }
        });
        Backend { hits }
    }

    fn hits(&self) -> usize {
        self.hits.load(Ordering::SeqCst)
    }
}

/// Reads one request's head, counts it, answers 200 and closes.
fn answer(mut stream: TcpStream, hits: &AtomicUsize) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    hits.fetch_add(1, Ordering::SeqCst);
    let _ =
        stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
}

/// `n` listeners on consecutive free loopback ports, and the first port.
fn consecutive_ports(n: u16) -> (u16, Vec<TcpListener>) {
    for base in (20000..60000).step_by(97) {
        let bound: Vec<TcpListener> = (0..n)
            .map_while(|i| TcpListener::bind(("127.0.0.1", base + i)).ok())
            .collect();
        if bound.len() == usize::from(n) {
            return (base, bound);
        }
    }
    panic!("no {n} consecutive free loopback ports");
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// An apache2 of the test in the foreground; stopped (its own pid, SIGTERM) when dropped.
struct Apache {
    child: Child,
}

impl Apache {
    fn start(bin: &Path, main: &Path, port: u16, log: &Path) -> Apache {
        let child = Command::new(bin)
            .arg("-f")
            .arg(main)
            .arg("-DFOREGROUND")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("apache2 starts");
        let mut apache = Apache { child };
        let deadline = Instant::now() + Duration::from_secs(15);
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            if let Ok(Some(status)) = apache.child.try_wait() {
                panic!(
                    "apache2 exited ({status}): {}",
                    std::fs::read_to_string(log).unwrap_or_default()
                );
            }
            assert!(Instant::now() < deadline, "apache2 does not listen");
            std::thread::sleep(Duration::from_millis(50));
        }
        apache
    }

    fn signal(&self, signal: &str) {
        let ok = Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill runs")
            .success();
        assert!(ok, "kill -{signal} failed");
    }
}

impl Drop for Apache {
    fn drop(&mut self) {
        self.signal("TERM");
        let _ = self.child.wait();
    }
}

/// Everything one run needs: where apache listens, the site file, the helpers' directory.
struct Site {
    port: u16,
    tls: bool,
    config: PathBuf,
    dir: PathBuf,
}

impl Site {
    fn scheme(&self) -> &'static str {
        if self.tls {
            "https"
        } else {
            "http"
        }
    }

    fn curl(&self) -> Command {
        let mut c = Command::new("curl");
        c.arg("-sk")
            .arg("--max-time")
            .arg("10")
            .arg("--resolve")
            .arg(format!("{NAME}:{}:127.0.0.1", self.port));
        c
    }

    fn url(&self, path: &str) -> String {
        format!("{}://{NAME}:{}{path}", self.scheme(), self.port)
    }

    /// Sends `n` requests through apache (with `cookie` when given); every answer must be 200.
    fn requests(&self, n: usize, cookie: Option<&str>) {
        let mut c = self.curl();
        c.arg("-w").arg("%{http_code}\n");
        if let Some(cookie) = cookie {
            c.arg("-b").arg(cookie);
        }
        for _ in 0..n {
            c.arg("-o").arg("/dev/null").arg(self.url("/api/info"));
        }
        let out = c.output().expect("curl runs");
        let codes = String::from_utf8_lossy(&out.stdout).to_string();
        assert_eq!(
            codes.lines().filter(|l| *l == "200").count(),
            n,
            "answers: {codes}"
        );
    }

    /// The manager's member states: (balancer, member, disabled), read by the test itself.
    fn states(&self) -> Vec<(String, String, bool)> {
        let out = self
            .curl()
            .arg("-H")
            .arg(format!("Referer: {}", self.url("/balancer-manager")))
            .arg(self.url("/balancer-manager?xml=1"))
            .output()
            .expect("curl runs");
        let xml = String::from_utf8_lossy(&out.stdout).to_string();
        let mut states = Vec::new();
        let (mut balancer, mut member, mut in_worker) = (String::new(), String::new(), false);
        for line in xml.lines().map(str::trim) {
            if line == "<httpd:worker>" {
                in_worker = true;
            } else if line == "</httpd:worker>" {
                in_worker = false;
            } else if let Some(name) = line
                .strip_prefix("<httpd:name>")
                .and_then(|l| l.strip_suffix("</httpd:name>"))
            {
                if in_worker {
                    member = name.to_string();
                } else {
                    balancer = name.to_string();
                }
            } else if line.starts_with("<httpd:status>") {
                states.push((balancer.clone(), member.clone(), line.contains("Dis")));
            }
        }
        assert_eq!(states.len(), 8, "two balancers of four members: {xml}");
        states
    }

    /// The members the manager reports disabled.
    fn disabled(&self) -> Vec<String> {
        self.states()
            .into_iter()
            .filter(|(_, _, d)| *d)
            .map(|(_, m, _)| m)
            .collect()
    }

    /// Runs `line` with bash after the plan helpers `names` and those they call, `systemctl`
    /// being a stand-in that records its calls; whether it was called.
    fn helpers(&self, line: &str) -> bool {
        let bin = self.dir.join("bin");
        let calls = self.dir.join("systemctl.calls");
        std::fs::create_dir_all(&bin).expect("dir");
        let stand_in = bin.join("systemctl");
        std::fs::write(
            &stand_in,
            format!("#!/bin/sh\necho \"$*\" >>{}\n", calls.display()),
        )
        .expect("write");
        assert!(Command::new("chmod")
            .arg("755")
            .arg(&stand_in)
            .status()
            .expect("chmod")
            .success());
        let before = std::fs::read_to_string(&calls).unwrap_or_default();
        let mut script = String::from("set -euo pipefail\n");
        for name in [
            "rct_re",
            "rct_apache_manager",
            "rct_apache_states",
            "rct_apache_file_states",
            "rct_apache_member",
            "rct_apache_reload",
        ] {
            let _ = writeln!(script, "{}", helper(name).expect("helper"));
        }
        let _ = writeln!(script, "PATH={}:$PATH {line}", bin.display());
        bash(&script, &self.dir);
        let after = std::fs::read_to_string(&calls).unwrap_or_default();
        after.len() > before.len()
    }

    /// `rct_apache_reload CONFIG LOADED`: whether it reloaded.
    fn reload_helper(&self, loaded: &Path) -> bool {
        self.helpers(&format!(
            "rct_apache_reload {} {}",
            self.config.display(),
            loaded.display()
        ))
    }

    /// `rct_apache_member CONFIG BALANCER MEMBER 0|1` on its own.
    fn set_member(&self, balancer: &str, member: &str, disabled: bool) {
        self.helpers(&format!(
            "rct_apache_member {} {balancer} {member} {}",
            self.config.display(),
            u8::from(disabled)
        ));
    }
}

/// The rendered site with its virtual host on `port` of loopback (and the test's certificate).
fn runnable(rendered: &str, port: u16, tls: bool) -> String {
    let vhost = if tls {
        "<VirtualHost *:443>"
    } else {
        "<VirtualHost *:80>"
    };
    assert!(rendered.contains(vhost), "{rendered}");
    rendered.replace(vhost, &format!("<VirtualHost 127.0.0.1:{port}>"))
}

/// A non-loopback address of this machine, to be a client that is not local.
fn outside_address() -> Option<std::net::IpAddr> {
    let out = Command::new("hostname").arg("-I").output().ok()?;
    String::from_utf8_lossy(&out.stdout)
        .split_whitespace()
        .filter_map(|a| a.parse().ok())
        .find(|a: &std::net::IpAddr| a.is_ipv4() && !a.is_loopback())
}

/// A GET of the manager from `source` (plain HTTP only): its status line.
fn manager_status_from(source: std::net::IpAddr, port: u16) -> String {
    let out = Command::new("curl")
        .arg("-s")
        .arg("--interface")
        .arg(source.to_string())
        .arg("-o")
        .arg("/dev/null")
        .arg("-w")
        .arg("%{http_code}")
        .arg("-H")
        .arg(format!("Host: {NAME}"))
        .arg(format!("http://127.0.0.1:{port}/balancer-manager"))
        .output()
        .expect("curl runs");
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn drain_and_undrain_at_runtime(tls: bool) {
    let Some(bin) = program(ProxyKind::Apache) else {
        return;
    };
    let (Some(_), Some(_)) = (validator("curl"), validator("bash")) else {
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let dir = tmp.path().to_path_buf();
    std::fs::create_dir_all(dir.join("cert")).expect("dir");
    let certificate: Option<Tls> = if tls {
        let Some(c) = make_certificate(&dir.join("cert")) else {
            return;
        };
        Some(c)
    } else {
        None
    };
    let (base, listeners) = consecutive_ports(4);
    let mut t = plan_support::multi(&[4], &[6], ProxyKind::Apache);
    t.hosts[0].address = Some("127.0.0.1".into());
    t.hosts[0].base_port = u32::from(base);
    if let Some(p) = t.proxy.as_mut() {
        p.tls = certificate;
        p.host = Some("app1".into());
        p.server_name = NAME.into();
    }
    if !tls {
        t.site.root_url = format!("http://{NAME}");
    }
    // The instance ids keep their ports: INSTANCE is the second one.
    let instance = format!("app1:{}", base + 1);
    let route = format!("app1_{}", base + 1);
    let layout = Layout::resolve(&t);
    let backends: Vec<Backend> = listeners.into_iter().map(Backend::serve).collect();
    let port = free_port();
    let site = Site {
        port,
        tls,
        config: dir.join("rocketchat.conf"),
        dir: dir.clone(),
    };
    let original = runnable(
        &render(&layout, Target::Apache).expect("renders")[0].contents,
        port,
        tls,
    );
    std::fs::write(&site.config, &original).expect("write");
    let main = apache_main_config(&dir, &site.config, &[&format!("127.0.0.1:{port}")]);
    let edits = plan_edits(
        &layout,
        ProxyKind::Apache,
        &site.config,
        &dir.join("no-socket"),
        &instance,
    );
    let apache = Apache::start(&bin, &main, port, &dir.join("error.log"));

    site.requests(40, None);
    assert!(
        backends.iter().all(|b| b.hits() > 0),
        "every instance serves before the drain"
    );
    let drained = &backends[1];

    bash(&edits.drain, &dir);
    let member = format!("127.0.0.1:{}", base + 1);
    assert_eq!(
        site.disabled(),
        vec![format!("http://{member}"), format!("ws://{member}")],
        "the manager reports only {instance} disabled, in both balancers"
    );
    let file = std::fs::read_to_string(&site.config).expect("read");
    assert_eq!(file.matches(" status=+D\n").count(), 2, "{file}");
    let before = drained.hits();
    site.requests(40, None);
    site.requests(10, Some(&format!("ROUTEID=.{route}")));
    assert_eq!(drained.hits(), before, "{instance} got requests while out");
    // A graceful restart reads the file: the instance stays out.
    apache.signal("USR1");
    std::thread::sleep(Duration::from_secs(2));
    assert_eq!(site.disabled().len(), 2, "out after a graceful restart");
    site.requests(20, Some(&format!("ROUTEID=.{route}")));
    assert_eq!(
        drained.hits(),
        before,
        "{instance} got requests after a restart"
    );

    // The reload helper: the loaded file and the running states equal the file: no reload.
    let loaded = dir.join("loaded.conf");
    std::fs::write(&loaded, &original).expect("write");
    assert!(
        !site.reload_helper(&loaded),
        "a reload for member states only"
    );
    // The running state differs from the file: reload.
    let http_member = format!("http://{member}");
    site.set_member("rocketchat-http", &http_member, false);
    assert_eq!(site.disabled(), vec![format!("ws://{member}")]);
    assert!(
        site.reload_helper(&loaded),
        "no reload although apache runs other states than the file's"
    );
    site.set_member("rocketchat-http", &http_member, true);
    assert_eq!(site.disabled().len(), 2);

    // Back in with no reload.
    bash(&edits.undrain, &dir);
    assert!(site.disabled().is_empty(), "{instance} still disabled");
    assert_eq!(
        std::fs::read_to_string(&site.config).expect("read"),
        original
    );
    assert!(!site.reload_helper(&loaded), "a reload after the undrain");
    site.requests(40, None);
    assert!(
        drained.hits() > before,
        "{instance} gets no request after the undrain"
    );

    if !tls {
        match outside_address() {
            Some(source) => {
                assert_eq!(manager_status_from(source, port), "403");
                println!("apache: the manager refuses a client at {source} (403)");
            }
            None => println!("apache: no non-loopback address here; the 403 check did not run"),
        }
    }
    drop(apache);
    println!("apache ({}): {instance} out through the balancer-manager (no request, sticky or not), out across a graceful restart, back with no reload", site.scheme());
}

#[test]
fn apache_members_go_out_and_back_through_the_balancer_manager() {
    drain_and_undrain_at_runtime(false);
}

#[test]
fn apache_members_go_out_and_back_through_the_balancer_manager_over_tls() {
    drain_and_undrain_at_runtime(true);
}
