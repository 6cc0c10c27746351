//! A topology whose MongoDB runs elsewhere (Atlas, any managed replica set): examples/atlas.toml
//! (`managed = false`) and an SRV URL without members. It checks clean, renders every target but
//! mongod, plans without replica set steps, and bad values of the new fields name their field.

use rocketchat_topology::load::Format;
use rocketchat_topology::plan::{plan, Action, Policy};
use rocketchat_topology::render::{render, Target};
use rocketchat_topology::{check, Layout, Severity, Topology};

const CANARY: &str = "canary-atlas-password";

fn atlas_text() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/atlas.toml");
    std::fs::read_to_string(path).expect("examples/atlas.toml")
}

fn load(text: &str) -> Result<Topology, rocketchat_topology::LoadError> {
    let env = |name: &str| (name == "RC_MONGO_PASSWORD").then(|| CANARY.to_string());
    Topology::parse_with_env(text, Format::Toml, None, &env)
}

fn srv_without_members() -> String {
    atlas_text().replace("managed = false ", "# managed = false ")
}

#[test]
fn checks_clean_with_a_note_that_member_rules_are_skipped() {
    for text in [atlas_text(), srv_without_members()] {
        let layout = Layout::resolve(&load(&text).expect("loads"));
        let report = check(&layout);
        let not_info: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .collect();
        assert!(not_info.is_empty(), "{not_info:?}");
        let note = report
            .diagnostics
            .iter()
            .find(|d| d.code == "R001")
            .expect("a note says why member rules are skipped");
        assert!(note.message.contains("external"), "{}", note.message);
        assert!(!format!("{report:?}").contains(CANARY));
    }
}

#[test]
fn renders_every_target_but_mongod() {
    for text in [atlas_text(), srv_without_members()] {
        let layout = Layout::resolve(&load(&text).expect("loads"));
        let files = render(&layout, Target::All).expect("renders");
        assert!(files
            .iter()
            .any(|f| f.path.ends_with("rocketchat@.service")));
        assert!(files.iter().any(|f| f.path.ends_with("rocketchat.conf")));
        assert!(files.iter().any(|f| f.path.ends_with(".mmd")));
        assert!(!files.iter().any(|f| f.path.contains("mongod")));
        let err = render(&layout, Target::Mongod).expect_err("nothing mongod to render");
        assert!(err.to_string().contains("mongo.managed = false"), "{err}");
        let env = files
            .iter()
            .find(|f| f.path == "/etc/rocketchat/3000.env")
            .expect("env file");
        // One load balancer and nginx sit in front of Rocket.Chat.
        assert!(
            env.contents.contains("HTTP_FORWARDED_COUNT=\"2\""),
            "{}",
            env.contents
        );
        let nginx = files
            .iter()
            .find(|f| f.path == "/etc/nginx/conf.d/rocketchat.conf")
            .unwrap();
        assert!(nginx
            .contents
            .contains("proxy_set_header X-Forwarded-Proto https;"));
    }
}

#[test]
fn plans_an_install_without_replica_set_steps() {
    let layout = Layout::resolve(&load(&atlas_text()).expect("loads"));
    let install = plan(None, &layout, &Policy::default()).expect("plans");
    assert!(!install.steps.iter().any(|s| matches!(
        s.action,
        Action::MongoInitiate { .. } | Action::MongoKeyfile { .. }
    )));
    assert!(install.steps.iter().any(
        |s| matches!(&s.action, Action::StartUnit { unit, .. } if unit.starts_with("rocketchat@"))
    ));
}

#[test]
fn bad_values_name_their_field() {
    let cases = [
        ("managed = false ", "managed = \"no\" ", "mongo.managed"),
        (
            "tls_in_front = true ",
            "tls_in_front = \"yes\" ",
            "proxy.tls_in_front",
        ),
        (
            "tls_in_front = true ",
            "proxies_in_front = -1 ",
            "proxy.proxies_in_front",
        ),
    ];
    for (old, new, field) in cases {
        let text = atlas_text().replacen(old, new, 1);
        let err = load(&text).expect_err("refused").to_string();
        assert!(err.contains(field), "{field}: {err}");
        assert!(!err.contains(CANARY));
    }
}

#[test]
fn a_proxy_without_tls_behind_an_https_root_url_still_needs_tls_somewhere() {
    let text = atlas_text().replace("tls_in_front = true ", "");
    let report = check(&Layout::resolve(&load(&text).expect("loads")));
    assert!(report.diagnostics.iter().any(|d| d.code == "P003"));
}
