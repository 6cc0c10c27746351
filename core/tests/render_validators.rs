//! Every rendered file of the corpus (the examples and 24 generated topologies: 1-50 hosts, each
//! proxy kind and affinity, TLS on and off) is given to the program that will read it:
//! `nginx -t`, `apache2 -t`, `haproxy -c`, `systemd-analyze verify` (any warning fails),
//! a YAML parser for mongod.conf, and `node --check` for rs-initiate.js.
//!
//! Two substitutions, because the test machine is not the deployment: the TLS certificate is a
//! self-signed one made here with openssl, and ExecStart's node is the test machine's node
//! (systemd-analyze verify refuses a missing executable). Everything else is verified as
//! rendered.

mod render_support;

use render_support::{corpus, make_certificate, proxy_validator, run, validator};
use rocketchat_topology::model::ProxyKind;
use rocketchat_topology::render::{render, render_with, RenderOptions, RenderedFile, Target};
use rocketchat_topology::{Layout, Topology};
use saphyr::{LoadableYamlNode, Yaml};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A rendered file's contents, for one host and path suffix.
fn files_ending(files: &[RenderedFile], suffix: &str) -> Vec<RenderedFile> {
    files
        .iter()
        .filter(|f| f.path.ends_with(suffix))
        .cloned()
        .collect()
}

/// The layout rendered for `kind` as if it were the configured proxy kind.
fn as_proxy(topology: &Topology, kind: ProxyKind) -> Layout {
    let mut t = topology.clone();
    if let Some(p) = t.proxy.as_mut() {
        p.kind = kind;
    }
    Layout::resolve(&t)
}

struct Setup {
    _dir: tempfile::TempDir,
    dir: PathBuf,
    cases: Vec<(String, Layout)>,
}

/// The corpus with a real certificate; `None` when a needed tool is missing and allowed to be.
fn setup() -> Option<Setup> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().to_path_buf();
    let tls = make_certificate(&path)?;
    let node = validator("node")?;
    let cases = corpus(&tls, &node.display().to_string())
        .into_iter()
        .map(|(case, layout)| (case.name, layout))
        .collect();
    Some(Setup {
        _dir: dir,
        dir: path,
        cases,
    })
}

fn proxy_corpus(s: &Setup, kind: ProxyKind, target: Target) -> Vec<(String, RenderedFile)> {
    // Every proxy-bearing topology is rendered for every proxy kind, so each kind sees the
    // whole matrix of host counts, affinities and TLS settings.
    s.cases
        .iter()
        .filter(|(_, l)| l.topology.proxy.is_some())
        .enumerate()
        .map(|(n, (name, layout))| {
            let layout = as_proxy(&layout.topology, kind);
            // Every other case drains its first instance, so drained servers are validated too.
            let mut options = RenderOptions::default();
            if n % 2 == 1 {
                options
                    .drained
                    .extend(layout.instances.first().map(|i| i.id.clone()));
            }
            let files =
                render_with(&layout, target, &options).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(files.len(), 1, "{name}: one {target} file");
            (name.clone(), files[0].clone())
        })
        .collect()
}

/// Writes `contents` as `work`/rocketchat.conf and runs the real validator of `kind` on it.
fn proxy_test(
    kind: ProxyKind,
    program: &Path,
    work: &Path,
    contents: &str,
) -> Result<String, String> {
    std::fs::create_dir_all(work).expect("dir");
    let config = work.join("rocketchat.conf");
    std::fs::write(&config, contents).expect("write");
    proxy_validator::validate(kind, program, &config, work)
}

#[test]
fn nginx_accepts_every_rendered_config() {
    let Some(s) = setup() else { return };
    let Some(nginx) = validator("nginx") else {
        return;
    };
    let cases = proxy_corpus(&s, ProxyKind::Nginx, Target::Nginx);
    for (name, file) in &cases {
        if let Err(out) = proxy_test(
            ProxyKind::Nginx,
            &nginx,
            &s.dir.join(format!("nginx-{name}")),
            &file.contents,
        ) {
            panic!("nginx -t refused {name}:\n{out}\n{}", file.contents);
        }
    }
    // The harness can fail: a misspelt directive is refused.
    let broken = cases[0].1.contents.replace("proxy_pass ", "proxy_passs ");
    assert!(proxy_test(
        ProxyKind::Nginx,
        &nginx,
        &s.dir.join("nginx-broken"),
        &broken
    )
    .is_err());
    println!(
        "nginx -t accepted {} topologies ({} files)",
        cases.len(),
        cases.len()
    );
    assert!(
        cases.len() >= 20,
        "the corpus is too small: {}",
        cases.len()
    );
}

#[test]
fn apache_accepts_every_rendered_site() {
    let Some(s) = setup() else { return };
    let Some(apache) = validator("apache2") else {
        return;
    };
    let cases = proxy_corpus(&s, ProxyKind::Apache, Target::Apache);
    for (name, file) in &cases {
        if let Err(out) = proxy_test(
            ProxyKind::Apache,
            &apache,
            &s.dir.join(format!("apache-{name}")),
            &file.contents,
        ) {
            panic!("apache2 -t refused {name}:\n{out}\n{}", file.contents);
        }
    }
    let broken = cases[0]
        .1
        .contents
        .replace("ProxyPreserveHost On", "ProxyPreserveHost Maybe");
    assert!(proxy_test(
        ProxyKind::Apache,
        &apache,
        &s.dir.join("apache-broken"),
        &broken
    )
    .is_err());
    println!(
        "apache2 -t accepted {} topologies ({} files)",
        cases.len(),
        cases.len()
    );
    assert!(cases.len() >= 20);
}

#[test]
fn haproxy_accepts_every_rendered_config() {
    let Some(s) = setup() else { return };
    let Some(haproxy) = validator("haproxy") else {
        return;
    };
    let cases = proxy_corpus(&s, ProxyKind::Haproxy, Target::Haproxy);
    for (name, file) in &cases {
        if let Err(out) = proxy_test(
            ProxyKind::Haproxy,
            &haproxy,
            &s.dir.join(format!("haproxy-{name}")),
            &file.contents,
        ) {
            panic!("haproxy -c refused {name}:\n{out}\n{}", file.contents);
        }
    }
    let broken = cases[0]
        .1
        .contents
        .replace("timeout tunnel 1h", "timeout tunnel forever");
    assert!(proxy_test(
        ProxyKind::Haproxy,
        &haproxy,
        &s.dir.join("haproxy-broken"),
        &broken
    )
    .is_err());
    println!(
        "haproxy -c accepted {} topologies ({} files)",
        cases.len(),
        cases.len()
    );
    assert!(cases.len() >= 20);
}

#[test]
fn systemd_analyze_verifies_every_unit_without_warnings() {
    let Some(s) = setup() else { return };
    let Some(analyze) = validator("systemd-analyze") else {
        return;
    };
    let mut topologies = 0;
    let mut verified = 0;
    // Hosts with the same units are verified once.
    let mut seen: BTreeSet<(String, String)> = BTreeSet::new();
    for (name, layout) in &s.cases {
        let files = render(layout, Target::Systemd).unwrap_or_else(|e| panic!("{name}: {e}"));
        topologies += 1;
        for host in &layout.hosts {
            let unit = |suffix: &str| {
                files
                    .iter()
                    .find(|f| f.host == host.name && f.path.ends_with(suffix))
                    .map(|f| f.contents.clone())
            };
            let (Some(template), Some(target), Some(prepare)) = (
                unit("/rocketchat@.service"),
                unit("/rocketchat.target"),
                unit("/rocketchat-prepare.service"),
            ) else {
                continue;
            };
            let target_body = target
                .lines()
                .filter(|l| !l.starts_with('#'))
                .collect::<String>();
            if !seen.insert((template.clone(), target_body)) {
                continue;
            }
            let work = s.dir.join(format!("systemd-{name}-{}", host.name));
            std::fs::create_dir_all(&work).expect("dir");
            std::fs::write(work.join("rocketchat@.service"), &template).expect("write");
            std::fs::write(work.join("rocketchat.target"), &target).expect("write");
            // Every instance requires it: verify loads it beside them.
            std::fs::write(work.join("rocketchat-prepare.service"), &prepare).expect("write");
            let mut cmd = Command::new(&analyze);
            cmd.arg("verify")
                .arg("--man=no")
                .arg(work.join("rocketchat.target"))
                .arg(work.join("rocketchat-prepare.service"));
            for i in layout.instances_on(&host.name) {
                // An instance of the template is the template file under the instance's name.
                let path = work.join(&i.unit);
                std::fs::write(&path, &template).expect("write");
                cmd.arg(path);
            }
            let out = cmd.output().expect("systemd-analyze runs");
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert!(
                out.status.success() && stderr.trim().is_empty(),
                "systemd-analyze verify warned on {name} host {}:\n{stderr}\n{template}\n{target}",
                host.name
            );
            verified += 3;
        }
    }
    // The harness can fail: an unknown key is a warning, and a warning fails.
    let work = s.dir.join("systemd-broken");
    std::fs::create_dir_all(&work).expect("dir");
    let broken = work.join("broken.service");
    std::fs::write(&broken, "[Service]\nExecStart=/bin/true\nRestartt=always\n").expect("write");
    let out = Command::new(&analyze)
        .arg("verify")
        .arg("--man=no")
        .arg(&broken)
        .output()
        .expect("runs");
    assert!(!String::from_utf8_lossy(&out.stderr).trim().is_empty());
    println!("systemd-analyze verify accepted {topologies} topologies ({verified} distinct unit files, no warnings)");
    assert!(topologies >= 20);
}

fn yaml_get<'a>(doc: &'a Yaml<'a>, path: &[&str]) -> &'a Yaml<'a> {
    path.iter().fold(doc, |node, key| &node[*key])
}

#[test]
fn mongod_conf_is_yaml_with_the_replica_set_keys_and_rs_initiate_is_javascript() {
    let Some(s) = setup() else { return };
    let Some(node) = validator("node") else {
        return;
    };
    let mut confs = 0;
    let mut scripts = 0;
    for (name, layout) in &s.cases {
        let t = &layout.topology;
        if t.mongo.members.is_empty() || t.mongo.replica_set.is_none() {
            continue;
        }
        let files = render(layout, Target::Mongod).unwrap_or_else(|e| panic!("{name}: {e}"));
        let set = t.mongo.replica_set.clone().unwrap_or_default();
        let conf_files = files_ending(&files, ".conf");
        assert_eq!(
            conf_files.len(),
            t.mongo.members.len(),
            "{name}: one mongod.conf per member"
        );
        for (member, file) in t.mongo.members.iter().zip(&conf_files) {
            let docs = Yaml::load_from_str(&file.contents).unwrap_or_else(|e| {
                panic!("{name}: {} is not YAML: {e}\n{}", file.path, file.contents)
            });
            let doc = &docs[0];
            assert_eq!(
                yaml_get(doc, &["replication", "replSetName"]).as_str(),
                Some(set.as_str())
            );
            assert_eq!(
                yaml_get(doc, &["storage", "engine"]).as_str(),
                Some(t.mongo.storage_engine.as_str())
            );
            assert_eq!(
                yaml_get(doc, &["net", "port"]).as_integer(),
                member.port().map(i64::from)
            );
            let bind = yaml_get(doc, &["net", "bindIp"])
                .as_str()
                .unwrap_or_default();
            assert!(
                bind.split(',')
                    .any(|b| b == member.hostname() || b == "localhost"),
                "{name}: bindIp {bind}"
            );
            confs += 1;
        }
        let script = files_ending(&files, "rs-initiate.js");
        assert_eq!(script.len(), 1);
        let path = s.dir.join(format!("rs-initiate-{name}.js"));
        std::fs::write(&path, &script[0].contents).expect("write");
        if let Err(out) = run(Command::new(&node).arg("--check").arg(&path)) {
            panic!(
                "node --check refused rs-initiate.js of {name}:\n{out}\n{}",
                script[0].contents
            );
        }
        for member in &t.mongo.members {
            assert!(
                script[0]
                    .contents
                    .contains(&format!("\"host\": \"{}", member.hostname())),
                "{name}"
            );
        }
        scripts += 1;
    }
    let broken = s.dir.join("rs-initiate-broken.js");
    std::fs::write(&broken, "const config = { _id: \"rs0\", members: [ };\n").expect("write");
    assert!(run(Command::new(&node).arg("--check").arg(&broken)).is_err());
    assert!(Yaml::load_from_str("replication:\n  replSetName: \"rs0\n").is_err());
    println!("YAML parser accepted {confs} mongod.conf files; node --check accepted {scripts} rs-initiate.js files");
    assert!(scripts >= 20);
}
