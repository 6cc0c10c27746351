//! Shared by the render tests: the corpus of topologies (every example plus generated ones),
//! a TLS certificate made with openssl, a way to find the real validator programs, and the
//! proxy validators run on a rendered configuration.
#![allow(dead_code)]

pub mod proxy_validator;

use rocketchat_topology::load::Format;
use rocketchat_topology::model::Tls;
use rocketchat_topology::{check, Layout, Topology};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The workspace root (core/..).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// Finds `program` on PATH. A missing validator fails the test (CI installs them with
/// scripts/setup.sh) unless RCTOPO_ALLOW_MISSING_VALIDATORS=1, where the caller skips it.
pub fn validator(program: &str) -> Option<PathBuf> {
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
            .map(|dir| dir.join(program))
            .find(|p| p.is_file())
    });
    if found.is_none() {
        let allowed = std::env::var("RCTOPO_ALLOW_MISSING_VALIDATORS").as_deref() == Ok("1");
        assert!(
            allowed,
            "validator `{program}` is not installed: run scripts/setup.sh (or set RCTOPO_ALLOW_MISSING_VALIDATORS=1 to skip it)"
        );
        eprintln!("SKIPPED: `{program}` is not installed (RCTOPO_ALLOW_MISSING_VALIDATORS=1)");
    }
    found
}

/// Runs `cmd`; its stdout+stderr, as `Err` when it fails.
pub fn run(cmd: &mut Command) -> Result<String, String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {cmd:?}: {e}"))?;
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.success() {
        Ok(text)
    } else {
        Err(text)
    }
}

/// A self-signed certificate and its key, written by openssl into `dir`. The key sits beside
/// the certificate as `<certificate>.key`, where HAProxy looks for it.
pub fn make_certificate(dir: &Path) -> Option<Tls> {
    let openssl = validator("openssl")?;
    let cert = dir.join("cert.pem");
    let key = dir.join("cert.pem.key");
    let out = Command::new(openssl)
        .args([
            "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
        ])
        .arg("/CN=chat.example.com")
        .arg("-keyout")
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(
        out.status.success(),
        "openssl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(Tls {
        certificate: cert.display().to_string(),
        key: Some(key.display().to_string()),
    })
}

/// One topology of the corpus, by name.
pub struct Case {
    pub name: String,
    pub topology: Topology,
}

/// The example topologies (examples/*.toml), sorted by name.
pub fn examples() -> Vec<Case> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .filter_map(|path| {
            let name = path.file_name()?.to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).ok()?;
            let env = |_: &str| Some("canary-env-secret".to_string());
            // Examples that do not load are another test's concern; the render corpus skips them.
            let topology = Topology::parse_with_env(
                &text,
                Format::Toml,
                Some(format!("examples/{name}")),
                &env,
            )
            .ok()?;
            Some(Case { name, topology })
        })
        .collect()
}

/// Host counts of the generated corpus: 1 to 50.
const HOST_COUNTS: [usize; 24] = [
    1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 15, 18, 20, 24, 28, 32, 36, 40, 43, 45, 47, 49, 50,
];

/// Generated topologies: 1-50 hosts, each proxy kind, each affinity, TLS on and off, several
/// Rocket.Chat releases (so every health endpoint appears), with and without an uploads path.
pub fn generated(node: &str) -> Vec<Case> {
    let kinds = ["nginx", "apache", "haproxy"];
    let affinities = ["cookie", "ip_hash", "none"];
    let releases = [
        ("7.10.0", "7.0"),
        ("7.11.0", "7.0"),
        ("6.12.0", "6.0"),
        ("5.2.0", "5.0"),
    ];
    HOST_COUNTS
        .iter()
        .enumerate()
        .map(|(n, &hosts)| {
            let kind = kinds[n % 3];
            let affinity = affinities[(n / 3) % 3];
            let tls = n % 2 == 0;
            let (version, mongo) = releases[n % 4];
            let name = format!(
                "generated-{n:02}-{hosts}hosts-{kind}-{affinity}-{}",
                if tls { "tls" } else { "http" }
            );
            let text = generated_text(hosts, kind, affinity, tls, version, mongo, node, n);
            let topology = Topology::parse_with_env(
                &text,
                Format::Toml,
                Some(format!("{name}.toml")),
                &|_| None,
            )
            .unwrap_or_else(|e| panic!("{name} does not load: {e}\n{text}"));
            Case { name, topology }
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn generated_text(
    hosts: usize,
    kind: &str,
    affinity: &str,
    tls: bool,
    version: &str,
    mongo: &str,
    node: &str,
    n: usize,
) -> String {
    let scheme = if tls { "https" } else { "http" };
    let mut s = format!(
        "[site]\nroot_url = \"{scheme}://chat{n}.example.com\"\n\n\
         [rocketchat]\nversion = \"{version}\"\nedition = \"enterprise\"\nbundle = \"/opt/rocket.chat/bundle\"\nnode = \"{node}\"\nuser = \"rocketchat\"\ntcp_base_port = 4000\n"
    );
    if n.is_multiple_of(3) {
        s.push_str("uploads_path = \"/var/lib/rocket.chat/uploads\"\n");
    }
    s.push_str(&format!(
        "env = {{ OVERWRITE_SETTING_Site_Name = \"Chat {n}\" }}\n\n\
         [mongo]\nurl = \"mongodb://rc:canary-password-{n}@db1.internal:27017,db2.internal:27017,db3.internal:27017/rocketchat?replicaSet=rs0&authSource=admin\"\n\
         version = \"{mongo}\"\nreplica_set = \"rs0\"\n\
         members = [{{ host = \"db1.internal:27017\" }}, {{ host = \"db2.internal:27017\" }}, {{ host = \"db3.internal:27017\", priority = 0.5 }}]\n\n\
         [proxy]\nkind = \"{kind}\"\nserver_name = \"chat{n}.example.com\"\naffinity = \"{affinity}\"\n"
    ));
    if hosts == 1 {
        s.push_str("host = \"app1\"\n");
    }
    if tls {
        // Replaced by a real certificate before rendering.
        s.push_str("tls = { certificate = \"/etc/ssl/rc.pem\", key = \"/etc/ssl/rc.pem.key\" }\n");
    }
    for h in 1..=hosts {
        let cores = 2 + (h + n) % 7;
        s.push_str(&format!(
            "\n[[hosts]]\nname = \"app{h}\"\naddress = \"10.{}.{}.{}\"\ncores = {cores}\n",
            n,
            h / 250,
            h % 250 + 1
        ));
    }
    s
}

/// The whole corpus: the examples, then the generated topologies, with TLS pointed at `tls`
/// and the node binary at `node` (systemd-analyze verify needs an executable ExecStart).
/// Cases with check errors are left out and named on stderr.
pub fn corpus(tls: &Tls, node: &str) -> Vec<(Case, Layout)> {
    let mut cases = examples();
    cases.extend(generated(node));
    cases
        .into_iter()
        .filter_map(|mut case| {
            if let Some(proxy) = case.topology.proxy.as_mut() {
                if proxy.tls.is_some() {
                    proxy.tls = Some(tls.clone());
                }
            }
            case.topology.rocketchat.node = node.to_string();
            let layout = Layout::resolve(&case.topology);
            let report = check(&layout);
            if report.has_errors() {
                let first = report
                    .diagnostics
                    .first()
                    .map(|d| d.to_string())
                    .unwrap_or_default();
                assert!(
                    !case.name.starts_with("generated"),
                    "generated topology {} has check errors: {first}",
                    case.name
                );
                eprintln!("skipping {}: check errors ({first})", case.name);
                return None;
            }
            Some((case, layout))
        })
        .collect()
}
