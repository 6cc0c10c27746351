//! Arbitrary text as a topology file, in the format its first byte picks (TOML, YAML, JSON), then
//! everything a command does with it: resolve, check, render every target, plan an install and
//! print the plan. Nothing may panic, and a password put into the topology (the MongoDB URL's, a
//! secret env variable's, TRANSPORTER's) may appear in environment files only: never in an error,
//! a diagnostic, another rendered file or a plan.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rocketchat_topology::load::Format;
use rocketchat_topology::plan::{Policy, ShellOptions};
use rocketchat_topology::render::{render, Target};
use rocketchat_topology::{check, plan, Layout, Topology};

const CANARY: &str = "Zq7c4n4ryPw";

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if text.contains(CANARY) {
        return; // the canary must come from the secrets below only
    }
    let format = [Format::Toml, Format::Yaml, Format::Json][usize::from(selector % 3)];
    // `${NAME}` expands to a plain value, so a reference may stand anywhere.
    let env = |name: &str| (name.len() < 16).then(|| format!("from-env-{name}"));
    let mut topology = match Topology::parse_with_env(text, format, Some("fuzz".into()), &env) {
        Ok(t) => t,
        Err(e) => {
            let _ = (e.to_string(), e.path(), e.location(), e.file());
            return;
        }
    };
    let _ = format!("{topology:?}");
    with_secrets(&mut topology);
    let layout = Layout::resolve(&topology);
    let mut shown = format!("{topology:?}{layout:?}");
    let report = check(&layout);
    shown.push_str(&report.to_json().to_string());
    for d in &report.diagnostics {
        shown.push_str(&d.to_string());
    }
    match render(&layout, Target::All) {
        Ok(files) => {
            for f in files.iter().filter(|f| !f.holds_secrets()) {
                shown.push_str(&f.contents);
                shown.push_str(&f.path);
            }
        }
        Err(e) => shown.push_str(&e.to_string()),
    }
    match plan(None, &layout, &Policy::default()) {
        Ok(p) => {
            shown.push_str(&p.to_text());
            shown.push_str(&p.to_json().to_string());
            for script in p.to_shell(&layout, &ShellOptions::default()) {
                shown.push_str(&format!("{script:?}"));
            }
        }
        Err(e) => shown.push_str(&e.to_string()),
    }
    assert!(!shown.contains(CANARY), "a password escaped: {text:?}");
});

/// Puts the canary where passwords go: the MongoDB URLs' userinfo, secret-named variables and
/// TRANSPORTER.
fn with_secrets(t: &mut Topology) {
    for url in std::iter::once(&mut t.mongo.url).chain(t.mongo.oplog_url.as_mut()) {
        if let Some(rest) = url.strip_prefix("mongodb://") {
            if !rest.contains('@') {
                *url = format!("mongodb://rc:{CANARY}@{rest}");
            }
        }
    }
    t.rocketchat.env.insert("ADMIN_PASS".into(), CANARY.into());
    t.rocketchat
        .env
        .insert("SMTP_PASSWORD".into(), CANARY.into());
    if let Some(host) = t.hosts.first_mut() {
        host.env.insert("MAIL_PWD".into(), CANARY.into());
    }
    if t.rocketchat.transporter.is_some() {
        t.rocketchat.transporter = Some(format!("monolith+nats://nats:{CANARY}@nats:4222"));
    }
}
