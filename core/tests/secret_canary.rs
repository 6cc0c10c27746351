//! The canary: a secret placed anywhere a secret may live (tests/fixtures/secret_placements.json)
//! appears in nothing the library prints or returns (diagnostics, layout, errors, plans, rendered
//! files other than owner-only environment files, MongoDB URL reports), whatever characters
//! surround it.

use proptest::prelude::*;
use rocketchat_topology::load::Expansion;
use rocketchat_topology::plan::{CommandSet, ShellOptions};
use rocketchat_topology::render::{render, Target};
use rocketchat_topology::{check, check_urls, example, plan, Layout, Policy, Topology};
use serde_json::Value;

const FIXTURE: &str = include_str!("fixtures/secret_placements.json");

struct Placement {
    field: Vec<Value>,
    value: String,
    mongo_url: Option<String>,
    simple_secrets_only: bool,
}

fn fixture() -> (String, Vec<String>, Vec<Placement>) {
    let f: Value = serde_json::from_str(FIXTURE).expect("fixture is JSON");
    let canary = f["canary"].as_str().unwrap().to_string();
    let secrets = f["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().replace("{canary}", &canary))
        .collect();
    let placements = f["placements"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| Placement {
            field: p["field"].as_array().unwrap().clone(),
            value: p["value"].as_str().unwrap().to_string(),
            mongo_url: p["mongo_url"].as_str().map(str::to_string),
            simple_secrets_only: p["simple_secrets_only"].as_bool().unwrap_or(false),
        })
        .collect();
    (canary, secrets, placements)
}

/// The built-in example as a value, with `value` set at `field`.
fn topology_with(field: &[Value], value: &str) -> Topology {
    let mut root = serde_json::to_value(example::topology()).unwrap();
    let mut at = &mut root;
    for (i, key) in field.iter().enumerate() {
        let last = i + 1 == field.len();
        at = match key {
            Value::Number(n) => &mut at[n.as_u64().unwrap() as usize],
            Value::String(k) => {
                let map = at.as_object_mut().unwrap();
                if last {
                    map.insert(k.clone(), Value::String(value.to_string()));
                    break;
                }
                map.entry(k.clone())
                    .or_insert_with(|| Value::Object(Default::default()))
            }
            _ => unreachable!("fields are keys and indexes"),
        };
    }
    // Taken as written: the secret may hold `${`.
    Topology::from_value_with(root, &Expansion::Off).expect("the example with a secret loads")
}

/// Everything the library shows about a topology, except owner-only environment files.
fn everything_shown(topology: &Topology) -> Vec<(String, String)> {
    let layout = Layout::resolve(topology);
    let mut shown = vec![
        ("Debug(topology)".into(), format!("{topology:?}")),
        ("Debug(layout)".into(), format!("{layout:?}")),
        (
            "layout JSON".into(),
            serde_json::to_string(&layout).unwrap(),
        ),
    ];
    let report = check(&layout);
    shown.push(("report".into(), serde_json::to_string(&report).unwrap()));
    for d in &report.diagnostics {
        shown.push((format!("diagnostic {}", d.code), d.to_string() + &d.help));
    }
    match render(&layout, Target::All) {
        Ok(files) => {
            for f in files.iter().filter(|f| !f.holds_secrets()) {
                shown.push((format!("{}:{}", f.host, f.path), f.contents.clone()));
            }
        }
        Err(e) => shown.push(("render error".into(), e.to_string())),
    }
    let current = Layout::resolve(&example::topology());
    for from in [None, Some(&current)] {
        match plan(from, &layout, &Policy::default()) {
            Ok(p) => {
                shown.push(("plan text".into(), p.to_text()));
                shown.push(("plan JSON".into(), p.to_json().to_string()));
                for ssh in [false, true] {
                    let options = ShellOptions {
                        ssh,
                        commands: CommandSet::default(),
                    };
                    for s in p.to_shell(&layout, &options) {
                        shown.push((s.name.clone(), s.text));
                    }
                }
            }
            Err(e) => {
                shown.push(("plan error".into(), e.to_string()));
                let diagnostics = e.diagnostics();
                shown.push(("plan error diagnostics".into(), format!("{diagnostics:?}")));
            }
        }
    }
    shown
}

/// What `rctopo mongo-url` and the bindings' MongoDB URL checks show.
fn url_report_shown(placement: &Placement, url: &str) -> Vec<(String, String)> {
    let plain = "mongodb://localhost:27017/rocketchat?replicaSet=rs0";
    let report = match placement.mongo_url.as_deref() {
        Some("oplog") => check_urls(plain, Some(url), None),
        _ => check_urls(url, None, None),
    };
    let mut shown = vec![("url report".into(), report.to_json().to_string())];
    if let Ok(parsed) = rocketchat_topology::MongoUrl::parse(url) {
        shown.push(("MongoUrl".into(), format!("{parsed} {parsed:?}")));
    }
    if let Err(e) = rocketchat_topology::MongoUrl::parse(url) {
        shown.push(("MongoUrlError".into(), format!("{e} {e:?} {}", e.help())));
    }
    shown
}

fn assert_hidden(canary: &str, placement: &Placement, secret: &str) {
    let value = placement.value.replace("{secret}", secret);
    let topology = topology_with(&placement.field, &value);
    let mut shown = everything_shown(&topology);
    if placement.mongo_url.is_some() {
        shown.extend(url_report_shown(placement, &value));
    }
    for (what, text) in shown {
        assert!(
            !text.contains(canary),
            "{:?} = {value:?}: the canary shows in {what}:\n{text}",
            placement.field
        );
    }
}

#[test]
fn every_placement_of_every_fixture_secret_stays_hidden() {
    let (canary, secrets, placements) = fixture();
    for placement in &placements {
        let secrets = if placement.simple_secrets_only {
            &secrets[..1]
        } else {
            &secrets[..]
        };
        for secret in secrets {
            assert_hidden(&canary, placement, secret);
        }
    }
}

/// Characters a secret may hold around the canary: URL delimiters, quotes, whitespace, `%`.
fn surrounding() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            "[A-Za-z0-9]",
            Just(" ".to_string()),
            Just("\t".to_string()),
            Just("\n".to_string()),
            "[/?#@:'\"`%!&=+,;~.\\\\-]",
        ],
        0..6,
    )
    .prop_map(|chars| chars.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn a_canary_surrounded_by_anything_stays_hidden(
        index in any::<prop::sample::Index>(),
        before in surrounding(),
        after in surrounding(),
    ) {
        let (canary, _, placements) = fixture();
        let placement = index.get(&placements);
        prop_assume!(!placement.simple_secrets_only);
        assert_hidden(&canary, placement, &format!("{before}{canary}{after}"));
    }
}

/// A password with an unescaped `@` before more hosts (`rc:secret@db1,db2@...`): the driver reads
/// the password as the text before the first `@` joined to its own placeholder host, so the
/// password it would send is `secret@__this_is_a_placeholder__`, and another URL whose username
/// has the same shape shows that placeholder in its username. The report must still show neither
/// the password's own text nor the hosts after it (they are most likely the password's tail).
#[test]
fn a_password_cut_by_an_unescaped_at_shows_neither_its_text_nor_its_tail() {
    const SECRET: &str = "canary-at-5e1f";
    let url = format!("mongodb://rc:{SECRET}@dr1,db2tail@=rs0");
    let oplog = "mongodb://oplog@db1,,tail2@dgob/local";
    let parsed = rocketchat_topology::MongoUrl::parse(&url).expect("the driver accepts it");
    assert_eq!(
        parsed.password.as_ref().map(|p| p.expose().to_string()),
        Some(format!("{SECRET}@__this_is_a_placeholder__")),
        "the driver's reading (mongodb 6.x `new MongoClient(url).options.credentials`)"
    );
    let report = check_urls(&url, Some(oplog), None);
    let mut shown = report.to_json().to_string();
    for d in &report.diagnostics {
        shown.push_str(&d.to_string());
    }
    shown.push_str(&format!("{parsed} {parsed:?}"));
    for hidden in [SECRET, "dr1", "db2tail", "tail2"] {
        assert!(!shown.contains(hidden), "{hidden} shows in:\n{shown}");
    }
    assert!(
        shown.contains("oplog@__this_is_a_placeholder__"),
        "the oplog username as the driver reads it:\n{shown}"
    );
}
