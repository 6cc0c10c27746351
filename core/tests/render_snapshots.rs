//! Snapshots of every target for the built-in example (examples/howto.toml) and for a two-host
//! topology (tests/render/topologies/two-hosts.toml) rendered for each proxy kind. Reviewed by
//! hand; a change to rendered output shows up here as a diff.

use rocketchat_topology::load::Format;
use rocketchat_topology::model::ProxyKind;
use rocketchat_topology::render::{render, RenderedFile, Target};
use rocketchat_topology::{Layout, Topology};

fn load(relative: &str) -> Topology {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{relative}: {e}"));
    let env = |name: &str| (name == "RC_MONGO_PASSWORD").then(|| "canary-snapshot".to_string());
    Topology::parse_with_env(&text, Format::Toml, Some(relative.to_string()), &env)
        .unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// All files of a render as one text, each under a `==> host:path (mode) <==` line.
fn joined(files: &[RenderedFile]) -> String {
    files
        .iter()
        .map(|f| {
            format!(
                "==> {}:{} (mode {:04o}) <==\n{}",
                f.host, f.path, f.mode, f.contents
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn snapshot(name: &str, layout: &Layout, target: Target) {
    let files = render(layout, target).unwrap_or_else(|e| panic!("{name} {target}: {e}"));
    insta::assert_snapshot!(format!("{name}__{target}"), joined(&files));
}

#[test]
fn howto_every_target() {
    let layout = Layout::resolve(&load("examples/howto.toml"));
    for target in Target::EACH {
        snapshot("howto", &layout, target);
    }
}

#[test]
fn two_hosts_every_target_and_proxy_kind() {
    let topology = load("tests/render/topologies/two-hosts.toml");
    let layout = Layout::resolve(&topology);
    for target in [
        Target::Systemd,
        Target::Mongod,
        Target::Mermaid,
        Target::Nginx,
    ] {
        snapshot("two-hosts", &layout, target);
    }
    for (kind, target) in [
        (ProxyKind::Apache, Target::Apache),
        (ProxyKind::Haproxy, Target::Haproxy),
    ] {
        let mut t = topology.clone();
        if let Some(p) = t.proxy.as_mut() {
            p.kind = kind;
        }
        snapshot("two-hosts", &Layout::resolve(&t), target);
    }
}

#[test]
fn production_every_target_of_its_proxy() {
    let layout = Layout::resolve(&load("examples/production.toml"));
    for target in [
        Target::Systemd,
        Target::Haproxy,
        Target::Mongod,
        Target::Mermaid,
    ] {
        snapshot("production", &layout, target);
    }
}
