//! Every file a plan installs is a file the renderer writes: each `write_file` step (rollbacks
//! included) names `<machine>/<path>` of `render(side, Target::All)`, runs on that machine,
//! installs it at the rendered path with the rendered mode. Surge env files are the one copy
//! under another name: their source must still be a rendered env file of the same machine.
//!
//! Over the example topologies, 24 generated ones (1-50 hosts, every proxy kind) and a replica
//! set with two members on one machine; for each: a fresh install, a configuration rollout with
//! a surge instance, and (with several hosts) a scale-in.

mod plan_support;
mod render_support;

use rocketchat_topology::model::{Member, ProxyKind};
use rocketchat_topology::plan::{Action, Budget, Plan, Policy, Side, Step};
use rocketchat_topology::render::{render, RenderedFile, Target};
use rocketchat_topology::{check, plan, Layout, Topology};
use std::collections::BTreeMap;

/// The rendered files of a layout, by `<machine>/<path>`.
fn rendered(layout: &Layout) -> BTreeMap<String, RenderedFile> {
    render(layout, Target::All)
        .unwrap_or_else(|e| panic!("render: {e}"))
        .into_iter()
        .map(|f| {
            let key = f.out_path().expect("plain path").display().to_string();
            (key, f)
        })
        .collect()
}

/// Checks every write_file of `steps`; returns how many it checked.
fn check_writes(
    name: &str,
    steps: &[Step],
    current: Option<&BTreeMap<String, RenderedFile>>,
    desired: &BTreeMap<String, RenderedFile>,
) -> usize {
    let mut checked = 0;
    for step in steps {
        let Action::WriteFile {
            path, mode, source, ..
        } = &step.action
        else {
            continue;
        };
        let files = match source.side {
            Side::Desired => desired,
            Side::Current => current.unwrap_or_else(|| {
                panic!(
                    "{name}: a fresh install reads the current render in step {}",
                    step.id
                )
            }),
        };
        let file = files.get(&*source.rendered).unwrap_or_else(|| {
            panic!(
                "{name}: step {} installs {} from {:?}/{}, which the renderer does not write; it writes:\n{}",
                step.id,
                path,
                source.side,
                source.rendered,
                files.keys().cloned().collect::<Vec<_>>().join("\n")
            )
        });
        assert_eq!(
            *step.host, file.host,
            "{name}: step {} runs on another machine than {}",
            step.id, source.rendered
        );
        assert_eq!(
            *mode, file.mode,
            "{name}: step {} installs {path} with mode {mode:o}, rendered {:o}",
            step.id, file.mode
        );
        if source.overrides.is_empty() {
            assert_eq!(
                **path, file.path,
                "{name}: step {} installs {} at {path}",
                step.id, source.rendered
            );
        } else {
            // A surge instance: a copy of a rendered env file with PORT and TCP_PORT rewritten.
            assert!(
                file.path.starts_with("/etc/rocketchat/") && path.starts_with("/etc/rocketchat/"),
                "{name}: step {} copies {} to {path}",
                step.id,
                file.path
            );
        }
        checked += 1;
    }
    checked
}

/// Plans `current -> desired` and checks the plan and every rollback.
fn check_plan(name: &str, current: Option<&Layout>, desired: &Layout, policy: &Policy) -> usize {
    let plan: Plan = plan(current, desired, policy).unwrap_or_else(|e| panic!("{name}: {e}"));
    let desired_files = rendered(desired);
    let current_files = current.map(rendered);
    let mut checked = check_writes(name, &plan.steps, current_files.as_ref(), &desired_files);
    for wave in &plan.summary.waves {
        checked += check_writes(
            name,
            &wave.rollback.steps(),
            current_files.as_ref(),
            &desired_files,
        );
    }
    checked
}

fn member(host: &str) -> Member {
    Member {
        host: host.into(),
        arbiter: false,
        votes: None,
        priority: None,
        hidden: false,
    }
}

/// Two replica set members share db1: they get /etc/mongod-<port>.conf and mongod@<port>.
fn shared_mongo_machine() -> Topology {
    let mut t = plan_support::multi(&[2, 2], &[4, 4], ProxyKind::Haproxy);
    t.mongo.url = "mongodb://db1:27017,db1:27018,db2:27017/rocketchat?replicaSet=rs0".into();
    t.mongo.members = vec![
        member("db1:27017"),
        member("db1:27018"),
        member("db2:27017"),
    ];
    t
}

fn cases() -> Vec<(String, Topology)> {
    let mut out: Vec<(String, Topology)> = render_support::examples()
        .into_iter()
        .map(|c| (c.name, c.topology))
        .collect();
    out.extend(
        render_support::generated("/usr/bin/node")
            .into_iter()
            .map(|c| (c.name, c.topology)),
    );
    out.push(("shared-mongo-machine".into(), shared_mongo_machine()));
    for kind in [ProxyKind::Nginx, ProxyKind::Apache, ProxyKind::Haproxy] {
        out.push((
            format!("multi-{kind:?}"),
            plan_support::multi(&[3, 2, 1], &[4, 4, 2], kind),
        ));
    }
    out
}

#[test]
fn every_written_file_is_a_rendered_file_on_the_same_machine_and_path() {
    let mut topologies = 0;
    let mut plans = 0;
    let mut writes = 0;
    for (name, topology) in cases() {
        let desired = Layout::resolve(&topology);
        if check(&desired).has_errors() {
            assert!(name.starts_with("broken"), "{name} has check errors");
            continue;
        }
        topologies += 1;
        writes += check_plan(
            &format!("{name} (install)"),
            None,
            &desired,
            &Policy::default(),
        );
        plans += 1;

        let mut changed = topology.clone();
        changed
            .rocketchat
            .env
            .insert("OVERWRITE_SETTING_Site_Name".into(), "Renamed".into());
        let next = Layout::resolve(&changed);
        let surge = Policy {
            max_surge: Budget::Count(1),
            ..Policy::default()
        };
        let policy = if plan(Some(&desired), &next, &surge).is_ok() {
            surge
        } else {
            Policy::default()
        };
        writes += check_plan(
            &format!("{name} (configuration)"),
            Some(&desired),
            &next,
            &policy,
        );
        plans += 1;

        if topology.hosts.len() > 1 {
            let mut fewer = topology.clone();
            fewer.hosts.pop();
            let next = Layout::resolve(&fewer);
            if !check(&next).has_errors() {
                writes += check_plan(
                    &format!("{name} (scale in)"),
                    Some(&desired),
                    &next,
                    &Policy::default(),
                );
                plans += 1;
            }
        }
    }
    println!(
        "{topologies} topologies, {plans} plans, {writes} write_file steps, each a rendered file"
    );
    assert!(topologies >= 28, "corpus too small: {topologies}");
    assert!(writes > 1000, "too few writes checked: {writes}");
}

#[test]
fn mongod_files_and_units_of_a_shared_machine_agree() {
    let desired = Layout::resolve(&shared_mongo_machine());
    let files = rendered(&desired);
    for key in [
        "db1/etc/mongod-27017.conf",
        "db1/etc/mongod-27018.conf",
        "db1/etc/systemd/system/mongod@.service",
        "db2/etc/mongod.conf",
    ] {
        assert!(
            files.contains_key(key),
            "{key} not rendered: {:?}",
            files.keys()
        );
    }
    let install = plan(None, &desired, &Policy::default()).expect("plans");
    let started: Vec<(String, String)> = install
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::StartUnit { unit, .. } if unit.starts_with("mongod") => {
                Some((s.host.to_string(), unit.to_string()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        started,
        [
            ("db1".to_string(), "mongod@27017.service".to_string()),
            ("db1".to_string(), "mongod@27018.service".to_string()),
            ("db2".to_string(), "mongod.service".to_string()),
        ]
    );
    // The howto's member is registered as localhost: its files go to the only application host.
    let howto = Layout::resolve(&plan_support::howto());
    let howto_install = plan(None, &howto, &Policy::default()).expect("plans");
    let conf = howto_install
        .steps
        .iter()
        .find(|s| matches!(&s.action, Action::WriteFile { path, .. } if &**path == "/etc/mongod.conf"))
        .expect("installs mongod.conf");
    assert_eq!(&*conf.host, "app1");
    assert!(rendered(&howto).contains_key("app1/etc/mongod.conf"));
}

/// The members of the `const config = {...};` document of a rendered `rs-initiate.js`.
fn rendered_members(script: &str) -> Vec<serde_json::Value> {
    let start = script.find("const config = ").expect("config document") + "const config = ".len();
    let end = start + script[start..].find(";\n").expect("end of config");
    let config: serde_json::Value =
        serde_json::from_str(&script[start..end]).expect("the config document is JSON");
    config["members"].as_array().expect("members").clone()
}

/// Numbers compare by value (`1` and `1.0` are the same priority).
fn same(a: &serde_json::Value, b: &serde_json::Value) -> bool {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => a == b,
    }
}

#[test]
fn the_plan_initiates_the_replica_set_with_the_rendered_members_document() {
    let mut t = plan_support::multi(&[2], &[4], ProxyKind::Nginx);
    let member = |host: &str, priority: Option<f64>, hidden: bool| Member {
        host: host.into(),
        arbiter: false,
        votes: None,
        priority,
        hidden,
    };
    // A member without a port (27017), one on another port with a priority, one hidden.
    t.mongo.members = vec![
        member("db1", None, false),
        member("db2:27018", Some(2.0), false),
        member("db3:27017", Some(0.0), true),
    ];
    t.mongo.url = "mongodb://db1:27017,db2:27018,db3:27017/rocketchat?replicaSet=rs0".into();
    let desired = Layout::resolve(&t);
    let plan = plan(None, &desired, &Policy::default()).unwrap();
    let config = plan
        .steps
        .iter()
        .find_map(|s| match &s.action {
            Action::MongoInitiate { config, .. } => Some((**config).clone()),
            _ => None,
        })
        .expect("a mongo_initiate step");
    let script = render(&desired, Target::All)
        .unwrap()
        .into_iter()
        .find(|f| f.path == "/etc/mongod/rs-initiate.js")
        .expect("rs-initiate.js")
        .contents;
    assert!(script.contains("  \"_id\": \"rs0\",\n"), "{script}");
    assert_eq!(config["_id"], "rs0");
    let planned = config["members"].as_array().expect("members").clone();
    let rendered = rendered_members(&script);
    assert_eq!(planned.len(), 3);
    assert_eq!(
        planned[0]["host"], "db1:27017",
        "the default port is written"
    );
    for (p, r) in planned.iter().zip(&rendered) {
        let (p, r) = (p.as_object().unwrap(), r.as_object().unwrap());
        assert_eq!(
            p.keys().collect::<std::collections::BTreeSet<_>>(),
            r.keys().collect(),
            "{p:?} vs {r:?}"
        );
        assert!(p.iter().all(|(k, v)| same(v, &r[k])), "{p:?} vs {r:?}");
    }
    assert_eq!(planned.len(), rendered.len());
}
