//! One test per change type on the example topologies: the plan exists, simulates, and its key
//! steps come in the order that keeps the service up.

mod plan_support;

use plan_support::*;
use rocketchat_topology::model::{Affinity, ProxyKind};
use rocketchat_topology::plan::{Action, Budget, Policy, ShellOptions, WaveKind};
use rocketchat_topology::{plan, Layout, PlanError};

fn upgrade_of(t: &rocketchat_topology::Topology, version: &str) -> rocketchat_topology::Topology {
    let mut next = t.clone();
    next.rocketchat.version = version.into();
    next
}

#[test]
fn fresh_install_sets_up_the_replica_set_then_instances_then_the_proxy() {
    let desired = layout(&howto());
    let plan = plan(None, &desired, &Policy::default()).unwrap();
    assert_eq!(plan.summary.changes, ["install"]);
    assert_eq!(plan.summary.restart_waves, 0);
    let mongod = pos(
        &plan,
        |a| matches!(a, Action::WriteFile { path, .. } if &**path == "/etc/mongod.conf"),
    );
    let initiate = at(&plan, "mongo_initiate", None);
    let first_start = at(&plan, "start_unit", Some("app1:3000"));
    let env = at(&plan, "write_file", Some("app1:3000"));
    let proxy_conf = pos(
        &plan,
        |a| matches!(a, Action::WriteFile { path, .. } if &**path == "/etc/nginx/conf.d/rocketchat.conf"),
    );
    let last_healthy = plan
        .steps
        .iter()
        .rposition(|s| s.action.kind() == "wait_healthy")
        .unwrap();
    assert!(mongod < initiate && initiate < env && env < first_start);
    assert!(last_healthy < proxy_conf && proxy_conf < at(&plan, "proxy_reload", None));
    assert_eq!(count(&plan, "mongo_initiate"), 1);
    assert_eq!(
        count(&plan, "start_unit"),
        3 + 1,
        "three instances and mongod"
    );
    let kinds: Vec<WaveKind> = plan.summary.waves.iter().map(|w| w.kind).collect();
    assert_eq!(
        kinds,
        [
            WaveKind::ReplicaSet,
            WaveKind::Prepare,
            WaveKind::ScaleOut,
            WaveKind::Proxy
        ]
    );
    // The instances' rollback does not edit the proxy configuration the last wave writes.
    let scale_out = &plan.summary.waves[2];
    assert!(!scale_out.rollback.is_empty());
    assert!(scale_out.rollback.steps().iter().all(|s| !matches!(
        s.action,
        Action::ProxyRemove { .. } | Action::ProxyReload | Action::ProxyValidate
    )));
}

#[test]
fn upgrade_rolls_one_instance_at_a_time_through_drain_and_health() {
    let current = layout(&howto());
    let desired = layout(&upgrade_of(&howto(), "7.11.0"));
    let plan = plan(Some(&current), &desired, &Policy::default()).unwrap();
    assert_eq!(plan.summary.changes, ["upgrade"]);
    assert_eq!(plan.summary.restart_waves, 3);
    assert_eq!(plan.summary.min_serving, 2);
    // Each instance joins in the next wave's edit; the last with the rendered configuration.
    let proxy_conf = pos(
        &plan,
        |a| matches!(a, Action::WriteFile { path, .. } if &**path == "/etc/nginx/conf.d/rocketchat.conf"),
    );
    for id in ["app1:3000", "app1:3001", "app1:3002"] {
        let remove = at(&plan, "proxy_remove", Some(id));
        let stop = at(&plan, "stop_unit", Some(id));
        let start = at(&plan, "start_unit", Some(id));
        let healthy = at(&plan, "wait_healthy", Some(id));
        let add = match id {
            "app1:3002" => proxy_conf,
            _ => at(&plan, "proxy_add", Some(id)),
        };
        assert!(
            remove < stop && stop < start && start < healthy && healthy < add,
            "{id}"
        );
        let drained = plan.steps[remove..stop]
            .iter()
            .any(|s| matches!(s.action, Action::WaitDrained { seconds: 10 }));
        assert!(drained, "{id} is drained before it stops");
    }
    // The new release's health endpoint (7.11 has /readyz).
    let url = plan.steps.iter().find_map(|s| match &s.action {
        Action::WaitHealthy { url, .. } => Some(url.clone()),
        _ => None,
    });
    assert_eq!(url.as_deref(), Some("http://127.0.0.1:3000/readyz"));
    let timeline = plan
        .simulate(Some(&current), &desired, &Policy::default())
        .unwrap();
    assert_eq!(timeline.lowest_serving, 2);
    // Every rolling wave can be undone: its rollback restarts the instance from the current files.
    for wave in plan
        .summary
        .waves
        .iter()
        .filter(|w| w.kind == WaveKind::Rolling)
    {
        assert!(wave.rollback.steps().iter().any(|s| matches!(
            &s.action,
            Action::WriteFile { source, .. } if source.side == rocketchat_topology::plan::Side::Current
        )));
    }
}

/// Reloads per rolling wave, and whether each wave's instances joined within their own wave.
fn reloads_and_joins(plan: &rocketchat_topology::Plan) -> Vec<(usize, bool)> {
    plan.summary
        .waves
        .iter()
        .filter(|w| w.kind == WaveKind::Rolling)
        .map(|w| {
            let steps: Vec<&Action> = plan
                .steps
                .iter()
                .filter(|s| s.wave == w.wave)
                .map(|s| &s.action)
                .collect();
            let reloads = steps.iter().filter(|a| a.kind() == "proxy_reload").count();
            let joined = w.instances.iter().all(|id| {
                steps
                    .iter()
                    .any(|a| a.kind() == "proxy_add" && a.instance() == Some(id.as_str()))
            });
            (reloads, joined)
        })
        .collect()
}

#[test]
fn rolling_waves_reload_nginx_once_and_haproxy_and_apache_join_at_once() {
    // An nginx reload resets keep-alive connections a client is sending on (the lab measured
    // it): a wave's instances join in the next wave's reload. HAProxy's runtime API and Apache's
    // balancer-manager need no reload, so their instances join within their own wave.
    for kind in [ProxyKind::Nginx, ProxyKind::Apache, ProxyKind::Haproxy] {
        let t = multi(&[3, 3], &[4, 4], kind);
        let desired = layout(&upgrade_of(&t, "7.11.0"));
        let plan = plan(Some(&layout(&t)), &desired, &Policy::default()).unwrap();
        let waves = reloads_and_joins(&plan);
        assert_eq!(waves.len(), 6, "{kind:?}");
        // HAProxy's and Apache's two `proxy_reload` steps apply server states at runtime and
        // reload only when the file changed in more than those (plan_shell and
        // plan_apache_manager test the helpers).
        let at_once = kind != ProxyKind::Nginx;
        let reloads_per_wave = if at_once { 2 } else { 1 };
        for (n, (reloads, joined)) in waves.iter().enumerate() {
            assert_eq!(*reloads, reloads_per_wave, "{kind:?}: rolling wave {n}");
            assert_eq!(*joined, at_once, "{kind:?}: rolling wave {n}");
        }
        // Every instance is back in the proxy at the end, and never more than one is out.
        let timeline = plan
            .simulate(Some(&layout(&t)), &desired, &Policy::default())
            .unwrap();
        assert_eq!(timeline.lowest_serving, 5, "{kind:?}");
    }
}

#[test]
fn json_has_the_documented_shape() {
    let current = layout(&howto());
    let desired = layout(&upgrade_of(&howto(), "7.11.0"));
    let json = plan(Some(&current), &desired, &Policy::default())
        .unwrap()
        .to_json();
    let top: Vec<&String> = json.as_object().unwrap().keys().collect();
    assert_eq!(top, ["steps", "summary"]);
    let steps = json["steps"].as_array().unwrap();
    let step = steps
        .iter()
        .find(|s| s["action"]["kind"] == "proxy_remove")
        .unwrap();
    let keys: Vec<&String> = step.as_object().unwrap().keys().collect();
    assert_eq!(keys, ["id", "wave", "host", "action", "description"]);
    assert_eq!(step["action"]["instance"], "app1:3000");
    assert_eq!(steps[0]["id"], 1);
    assert_eq!(steps[0]["action"]["kind"], "stage_release");
    let text = json.to_string();
    assert!(!text.contains("MONGO_URL"), "plans carry no env contents");
}

#[test]
fn plans_never_carry_secrets() {
    const SECRETS: [&str; 5] = [
        "hunter2-secret",
        "smtp-secret-9",
        "admin-pass-7",
        "nats-pw-3",
        "nats-pw-4",
    ];
    let mut t = howto();
    t.mongo.url = "mongodb://rc:hunter2-secret@localhost:27017/rocketchat?replicaSet=rs0".into();
    t.rocketchat.transporter = Some("monolith+nats://rc:nats-pw-3@nats:4222".into());
    let mut next = upgrade_of(&t, "7.11.0");
    let env = &mut next.rocketchat.env;
    env.insert(
        "OVERWRITE_SETTING_SMTP_Password".into(),
        "smtp-secret-9".into(),
    );
    env.insert("ADMIN_PASS".into(), "admin-pass-7".into());
    // A changed TRANSPORTER password: the plan restarts for it and must not say it.
    next.rocketchat.transporter = Some("monolith+nats://rc:nats-pw-4@nats:4222".into());
    let (current, desired) = (layout(&t), layout(&next));
    let plan = plan(Some(&current), &desired, &Policy::default()).unwrap();
    // The plan and the layouts it is computed from: a formatter may quote anything in them.
    let mut everything = format!("{}{}{plan:?}", plan.to_json(), plan.to_text());
    for l in [&current, &desired] {
        everything.push_str(&serde_json::to_string(l).unwrap());
        everything.push_str(&format!("{l:?}"));
    }
    for ssh in [false, true] {
        let options = ShellOptions {
            ssh,
            ..ShellOptions::default()
        };
        for script in plan.to_shell(&desired, &options) {
            everything.push_str(&script.text);
        }
    }
    assert!(everything.contains("ADMIN_PASS") || everything.contains("config"));
    for secret in SECRETS {
        assert!(!everything.contains(secret), "{secret} in the plan output");
    }
}

#[test]
fn config_change_restarts_every_instance_rolling() {
    let current = howto();
    let mut next = howto();
    next.rocketchat.env.insert(
        "OVERWRITE_SETTING_Show_Setup_Wizard".into(),
        "completed".into(),
    );
    let plan = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap();
    assert_eq!(plan.summary.changes, ["config"]);
    assert_eq!(plan.summary.instances_to_restart, 3);
    assert_eq!(plan.summary.restart_waves, 3);
}

#[test]
fn proxy_only_change_reloads_without_restarting_anything() {
    let current = howto();
    let mut next = howto();
    next.proxy.as_mut().unwrap().affinity = Affinity::IpHash;
    let plan = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap();
    assert_eq!(plan.summary.changes, ["proxy"]);
    let kinds: Vec<&str> = plan.steps.iter().map(|s| s.action.kind()).collect();
    assert_eq!(kinds, ["write_file", "proxy_validate", "proxy_reload"]);
}

#[test]
fn scale_out_joins_the_proxy_only_once_healthy() {
    let current = multi(&[2, 2], &[4, 4], ProxyKind::Haproxy);
    let mut next = current.clone();
    next.hosts[0].instances = rocketchat_topology::model::Instances::Count(3);
    next.hosts.push(host(2, 2, 4));
    let plan = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap();
    assert_eq!(plan.summary.changes, ["scale_out"]);
    assert!(!has(&plan, "stop_unit"));
    for id in ["app1:3002", "app3:3000", "app3:3001"] {
        assert!(at(&plan, "start_unit", Some(id)) < at(&plan, "wait_healthy", Some(id)));
        assert!(at(&plan, "wait_healthy", Some(id)) < at(&plan, "proxy_add", Some(id)));
    }
    // The new host gets its unit template before its first instance starts.
    let unit = pos(
        &plan,
        |a| matches!(a, Action::WriteFile { path, .. } if &**path == "/etc/systemd/system/rocketchat@.service"),
    );
    assert!(unit < at(&plan, "start_unit", Some("app3:3000")));
    assert_eq!(&*plan.steps[unit].host, "app3");
}

#[test]
fn scale_in_drains_then_stops_disables_and_removes() {
    let current = multi(&[3, 2], &[4, 4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.hosts[0].instances = rocketchat_topology::model::Instances::Count(2);
    next.hosts.truncate(1);
    let plan = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap();
    assert_eq!(plan.summary.changes, ["scale_in"]);
    for id in ["app1:3002", "app2:3000", "app2:3001"] {
        let remove = at(&plan, "proxy_remove", Some(id));
        let reload = remove
            + plan.steps[remove..]
                .iter()
                .position(|s| s.action.kind() == "proxy_reload")
                .unwrap();
        let drained = at(&plan, "wait_drained", None);
        let stop = at(&plan, "stop_unit", Some(id));
        assert!(reload < drained && drained < stop, "{id}");
        assert!(stop < at(&plan, "disable_unit", Some(id)));
        assert!(stop < at(&plan, "remove_file", Some(id)));
    }
    // app2 runs nothing any more: its unit template goes.
    assert!(plan.steps.iter().any(|s| &*s.host == "app2"
        && matches!(&s.action, Action::RemoveFile { path, .. } if path.ends_with("rocketchat@.service"))));
}

#[test]
fn port_move_without_fixed_tcp_ports_starts_the_new_instance_first() {
    let mut current = multi(&[2], &[4], ProxyKind::Nginx);
    current.rocketchat.tcp_base_port = None;
    let mut next = current.clone();
    next.hosts[0].base_port = 3100;
    let plan = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap();
    assert!(plan.summary.changes.contains(&"port_move"));
    let start_new = at(&plan, "start_unit", Some("app1:3100"));
    let add_new = at(&plan, "proxy_add", Some("app1:3100"));
    let remove_old = at(&plan, "proxy_remove", Some("app1:3000"));
    let stop_old = at(&plan, "stop_unit", Some("app1:3000"));
    assert!(start_new < add_new && add_new < remove_old && remove_old < stop_old);
    assert_eq!(plan.summary.restart_waves, 0);
}

#[test]
fn port_move_with_fixed_tcp_ports_frees_the_tcp_port_first() {
    let current = multi(&[2], &[4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.hosts[0].base_port = 3100;
    let plan = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap();
    // app1:3100 takes TCP_PORT 4000 from app1:3000, so the old one stops first, one at a time.
    assert_eq!(plan.summary.instances_to_restart, 2);
    assert_eq!(plan.summary.restart_waves, 2);
    let stop_old = at(&plan, "stop_unit", Some("app1:3000"));
    let start_new = at(&plan, "start_unit", Some("app1:3100"));
    assert!(at(&plan, "proxy_remove", Some("app1:3000")) < stop_old);
    assert!(stop_old < start_new && start_new < at(&plan, "proxy_add", Some("app1:3100")));
}

#[test]
fn surge_keeps_full_capacity_during_an_upgrade() {
    let current = multi(&[2, 2], &[3, 3], ProxyKind::Haproxy);
    let next = upgrade_of(&current, "7.11.0");
    let policy = Policy {
        max_unavailable: Budget::Count(0),
        max_surge: Budget::Count(1),
        ..Policy::default()
    };
    let (c, d) = (layout(&current), layout(&next));
    let plan = plan(Some(&c), &d, &policy).unwrap();
    assert_eq!(plan.summary.max_surge, 1);
    assert_eq!(plan.summary.restart_waves, 4);
    assert_eq!(plan.summary.waves[0].kind, WaveKind::Prepare);
    assert_eq!(plan.summary.waves[1].kind, WaveKind::SurgeUp);
    assert_eq!(plan.summary.waves[1].instances, ["app1:3002"]);
    let timeline = plan.simulate(Some(&c), &d, &policy).unwrap();
    assert_eq!(
        timeline.lowest_serving, 4,
        "capacity never drops below the current 4"
    );
    // The surge instance copies a rendered env file with its own PORT, and leaves at the end.
    let surge_env = plan.steps.iter().find_map(|s| match &s.action {
        Action::WriteFile {
            source,
            instance: Some(i),
            ..
        } if &**i == "app1:3002" => Some(source.clone()),
        _ => None,
    });
    assert_eq!(surge_env.unwrap().overrides[0].value, "3002");
    assert!(at(&plan, "stop_unit", Some("app1:3002")) > at(&plan, "proxy_add", Some("app2:3001")));
}

#[test]
fn percentages_widen_waves_and_spread_them_over_hosts() {
    let current = multi(&[4, 4], &[4, 4], ProxyKind::Nginx);
    let next = upgrade_of(&current, "7.11.0");
    let policy = Policy {
        max_unavailable: Budget::Percent(25),
        ..Policy::default()
    };
    let plan = plan(Some(&layout(&current)), &layout(&next), &policy).unwrap();
    assert_eq!(plan.summary.parallelism, 2);
    assert_eq!(plan.summary.restart_waves, 4);
    let first = &plan.summary.waves[1];
    assert_eq!(first.kind, WaveKind::Rolling);
    assert_eq!(first.instances, ["app1:3000", "app2:3000"], "one per host");
}

#[test]
fn canary_comes_first_and_is_gated() {
    let current = multi(&[2, 2], &[4, 4], ProxyKind::Nginx);
    let next = upgrade_of(&current, "7.11.0");
    let policy = Policy {
        canary: 1,
        ..Policy::default()
    };
    let plan = plan(Some(&layout(&current)), &layout(&next), &policy).unwrap();
    assert_eq!(plan.summary.waves[0].kind, WaveKind::Prepare);
    assert_eq!(plan.summary.waves[1].kind, WaveKind::Canary);
    let gate = at(&plan, "gate", None);
    assert!(at(&plan, "proxy_add", Some("app1:3000")) < gate);
    assert!(gate < at(&plan, "proxy_remove", Some("app2:3000")));
}

#[test]
fn nothing_to_do_gives_an_empty_plan() {
    let t = layout(&howto());
    let plan = plan(Some(&t), &t, &Policy::default()).unwrap();
    assert!(plan.steps.is_empty());
    assert!(plan.summary.changes.is_empty());
}

#[test]
fn policies_load_from_json_like_the_bindings_pass_them() {
    let policy: Policy = serde_json::from_str(
        r#"{"max_unavailable": "50%", "max_surge": 1, "canary": 1,
            "health": {"path": "/health", "deadline_seconds": 120}, "drain_delay_seconds": 5,
            "order": "by_host"}"#,
    )
    .unwrap();
    let current = multi(&[2, 2], &[4, 4], ProxyKind::Apache);
    let next = upgrade_of(&current, "7.11.0");
    let plan = plan(Some(&layout(&current)), &layout(&next), &policy).unwrap();
    assert!(plan.steps.iter().any(|s| matches!(&s.action,
        Action::WaitHealthy { url, deadline_seconds: 120, .. } if url.ends_with("/health"))));
    assert!(plan
        .steps
        .iter()
        .any(|s| matches!(s.action, Action::WaitDrained { seconds: 5 })));
}

#[test]
fn layouts_resolve_the_same_way_for_plans_and_checks() {
    // The planner refuses layouts the checker rejects, so a plan's desired side is always valid.
    let t = howto();
    let l = Layout::resolve(&t);
    assert_eq!(rocketchat_topology::check(&l).errors(), 0);
}

#[test]
fn shifting_tcp_ports_restarts_the_holder_of_each_port_first() {
    let current = multi(&[3], &[4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.rocketchat.tcp_base_port = Some(4001);
    let plan = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap();
    // app1:3000 takes 4001 from app1:3001, which takes 4002 from app1:3002.
    let order: Vec<&str> = plan
        .summary
        .waves
        .iter()
        .flat_map(|w| w.instances.iter().map(String::as_str))
        .collect();
    assert_eq!(order, ["app1:3002", "app1:3001", "app1:3000"]);
}

#[test]
fn scaling_in_while_shifting_tcp_ports_retires_the_holder_early() {
    let current = multi(&[3], &[4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.rocketchat.tcp_base_port = Some(4001);
    next.hosts[0].instances = rocketchat_topology::model::Instances::Count(2);
    let plan = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap();
    // app1:3001 needs 4002, held by app1:3002, which is leaving anyway: it goes first.
    assert!(
        at(&plan, "remove_file", Some("app1:3002")) < at(&plan, "start_unit", Some("app1:3001"))
    );
    assert_eq!(plan.summary.instances_to_restart, 3);
}

#[test]
fn swapping_tcp_ports_is_refused_with_a_way_out() {
    let current = multi(&[2], &[4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.hosts[0].ports = Some(vec![3001, 3000]);
    let err = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap_err();
    assert!(matches!(err, PlanError::PortCycle { .. }), "{err:?}");
    assert!(err.to_string().contains("two rollouts"));
}

#[test]
fn every_wave_of_every_sample_rolls_back_cleanly() {
    let upgrade = |t: &rocketchat_topology::Topology| upgrade_of(t, "7.11.0");
    let mut samples = vec![(howto(), upgrade(&howto()), Policy::default())];
    for kind in [ProxyKind::Nginx, ProxyKind::Apache, ProxyKind::Haproxy] {
        let current = multi(&[2, 3], &[4, 4], kind);
        let mut next = upgrade(&current);
        next.rocketchat.bundle = "/opt/rocket.chat/7.11.0/bundle".into();
        next.hosts[0].instances = rocketchat_topology::model::Instances::Count(3);
        next.hosts[1].base_port = 3100;
        next.hosts.push(host(2, 1, 2));
        let policy = Policy {
            max_surge: Budget::Count(1),
            canary: 1,
            ..Policy::default()
        };
        samples.push((current, next, policy));
    }
    let mut scale_in = multi(&[3, 2], &[4, 4], ProxyKind::Nginx);
    let before = scale_in.clone();
    scale_in.hosts.truncate(1);
    samples.push((before, scale_in, Policy::default()));
    for (current, next, policy) in samples {
        let (c, d) = (layout(&current), layout(&next));
        let plan = plan(Some(&c), &d, &policy).unwrap();
        for wave in &plan.summary.waves {
            // Only a scale-in of surge instances alone, and a prepare wave that only stages
            // releases and takes the backup, have nothing to undo.
            let surge_only = wave.kind == WaveKind::ScaleIn
                && wave.instances.iter().all(|i| c.instance(i).is_none());
            let staging_only = wave.kind == WaveKind::Prepare
                && plan.wave(wave.wave).all(|s| {
                    matches!(
                        s.action,
                        Action::StageRelease { .. } | Action::Backup { .. }
                    )
                });
            assert!(
                surge_only || staging_only || !wave.rollback.is_empty(),
                "wave {} has a rollback",
                wave.wave
            );
            plan.simulate_rollback(&c, &d, &policy, wave.wave)
                .unwrap_or_else(|v| {
                    panic!(
                        "rollback of wave {} ({:?}): {v}\n{}",
                        wave.wave,
                        wave.kind,
                        plan.to_text()
                    )
                });
        }
    }
}

#[test]
fn an_instance_that_needs_a_restarting_instances_tcp_port_starts_after_it() {
    let current = multi(&[3], &[4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.rocketchat.tcp_base_port = Some(3997);
    next.hosts[0].instances = rocketchat_topology::model::Instances::Count(4);
    let plan = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap();
    // app1:3003 takes TCP_PORT 4000, which app1:3000 holds until its restart.
    assert!(
        at(&plan, "start_unit", Some("app1:3000")) < at(&plan, "start_unit", Some("app1:3003"))
    );
    assert_eq!(plan.summary.waves.last().unwrap().kind, WaveKind::Proxy);
}

#[test]
fn the_estimate_follows_the_policy_assumptions() {
    // The lab calibrated the estimate: its stand-in starts in 2 s, stages in 1 s and a locally
    // run step takes about 0.1 s; with those figures the estimate came within 25 % of the
    // measured rollout (docs/planning.md).
    use rocketchat_topology::plan::Estimate;
    let t = multi(&[2, 2], &[4, 4], ProxyKind::Nginx);
    let (current, desired) = (layout(&t), layout(&upgrade_of(&t, "7.11.0")));
    let estimate = |e: Estimate| {
        let policy = Policy {
            estimate: e,
            ..Policy::default()
        };
        plan(Some(&current), &desired, &policy)
            .unwrap()
            .summary
            .estimated_seconds
    };
    let lab = Estimate {
        start_seconds: 2,
        stage_seconds: 1,
        step_millis: 100,
    };
    let base = estimate(lab.clone());
    // 4 instances start: each 3 s more from its start (rounded up to the 5 s probe interval).
    let slower = estimate(Estimate {
        start_seconds: 7,
        ..lab.clone()
    });
    assert_eq!(slower - base, 4 * 5);
    // 4 releases staged (two per host).
    let staging = estimate(Estimate {
        stage_seconds: 11,
        ..lab.clone()
    });
    assert_eq!(staging - base, 4 * 10);
    // Every other step at 1 s instead of 0.1 s.
    let steps = estimate(Estimate {
        step_millis: 1000,
        ..lab
    });
    assert!(steps > base + 20, "{steps} vs {base}");
    assert!(base < estimate(Estimate::default()));
}

#[test]
fn instances_started_together_count_their_start_time_once() {
    // A fresh install starts a wave's instances one after another, then waits for each in turn:
    // an instance's start runs while the others start and are waited for. The lab measured a
    // fresh install of six stand-ins at 22 s that the estimate, counting each start apart, put
    // at 28 s; with Rocket.Chat's 45 s start the gap is minutes.
    use rocketchat_topology::plan::Estimate;
    let desired = layout(&multi(&[6], &[8], ProxyKind::Nginx));
    let install = |start_seconds| {
        let policy = Policy {
            estimate: Estimate {
                start_seconds,
                ..Estimate::default()
            },
            ..Policy::default()
        };
        let plan = plan(None, &desired, &policy).unwrap();
        (plan.summary.estimated_seconds, plan)
    };
    let (base, plan) = install(45);
    let (slower, _) = install(90);
    // One start per wave that starts instances, not one per instance.
    let starting_waves = plan
        .summary
        .waves
        .iter()
        .filter(|w| {
            plan.steps
                .iter()
                .any(|s| s.wave == w.wave && matches!(s.action, Action::StartUnit { .. }))
        })
        .count() as u64;
    assert!(
        (1..6).contains(&starting_waves),
        "{starting_waves} waves start instances"
    );
    assert_eq!(
        slower - base,
        starting_waves * 45,
        "{base} s, then {slower} s"
    );
}

/// app1's ports move down by one (TCP ports fixed from 4000): 3003 is retired early (3002's new
/// TCP_PORT is its), and 3000 can start only once 3001 has moved off TCP port 4000.
fn ports_down_by_one() -> (Layout, Layout) {
    let mut current = multi(&[3, 3], &[4, 4], ProxyKind::Nginx);
    current.rocketchat.tcp_base_port = Some(4000);
    current.hosts[0].base_port = 3001;
    let mut desired = upgrade_of(&current, "7.11.0");
    desired.hosts[0].base_port = 3000;
    (layout(&current), layout(&desired))
}

#[test]
fn a_late_instance_starts_right_after_the_wave_that_frees_its_tcp_port() {
    let (current, desired) = ports_down_by_one();
    let policy = Policy {
        max_unavailable: Budget::Count(3),
        order: rocketchat_topology::plan::Order::ByHost,
        ..Policy::default()
    };
    let plan = plan(Some(&current), &desired, &policy).expect("a plan that keeps the floor");
    let run = plan.simulate(Some(&current), &desired, &policy).unwrap();
    assert_eq!((run.floor, run.lowest_serving), (3, 3));
    let waves: Vec<(WaveKind, Vec<String>)> = plan
        .summary
        .waves
        .iter()
        .filter(|w| matches!(w.kind, WaveKind::Rolling | WaveKind::ScaleOut))
        .map(|w| (w.kind, w.instances.clone()))
        .collect();
    let ids = |s: &[&str]| s.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    // 3000 starts before app2's wave, so that wave has its full width of 3 (without it, one
    // less: the retired 3003 would still be out of service).
    assert_eq!(
        waves,
        [
            (
                WaveKind::Rolling,
                ids(&["app1:3003", "app1:3002", "app1:3001"])
            ),
            (WaveKind::ScaleOut, ids(&["app1:3000"])),
            (
                WaveKind::Rolling,
                ids(&["app2:3000", "app2:3001", "app2:3002"])
            ),
        ]
    );
}

#[test]
fn retirements_that_use_up_the_budget_are_refused_with_the_budget_they_need() {
    // One at a time cannot move the ports: 3003 must be out while 3002 restarts onto its TCP
    // port, so two are out at once whatever the order.
    let (current, desired) = ports_down_by_one();
    let err = plan(Some(&current), &desired, &Policy::default()).unwrap_err();
    assert!(
        matches!(err, PlanError::RetirementsLeaveNoRoom { .. }),
        "{err:?}"
    );
    let message = err.to_string();
    assert!(message.contains("app1:3003"), "{message}");
    assert!(
        message.contains("raise max_unavailable to 2 or max_surge to 1"),
        "{message}"
    );
    // What the message proposes plans, and keeps the floor.
    for policy in [
        Policy {
            max_unavailable: Budget::Count(2),
            ..Policy::default()
        },
        Policy {
            max_surge: Budget::Count(1),
            ..Policy::default()
        },
    ] {
        let plan = plan(Some(&current), &desired, &policy).expect("the proposed budget plans");
        let run = plan.simulate(Some(&current), &desired, &policy).unwrap();
        assert!(run.lowest_serving >= run.floor);
    }
}

#[test]
fn a_shared_restore_is_written_once_in_json_and_kept_for_every_wave_in_memory() {
    // One at a time, every wave from the leader's on rolls back with the same restore: JSON
    // holds its steps once, whatever the number of waves.
    let restores_in_json = |instances: u32| {
        let t = multi(&[instances, instances], &[16, 16], ProxyKind::Haproxy);
        let (current, desired) = (layout(&t), layout(&upgrade_of(&t, "7.11.0")));
        let plan = plan(Some(&current), &desired, &Policy::default()).unwrap();
        let waves = &plan.summary.waves;
        let leader = waves
            .iter()
            .find(|w| w.rollback_kind == rocketchat_topology::plan::RollbackKind::Restore)
            .unwrap();
        for w in waves.iter().filter(|w| w.wave > leader.wave) {
            assert_eq!(w.rollback_same_as, Some(leader.wave));
            assert_eq!(w.rollback.len(), leader.rollback.len());
            assert!(w.rollback.steps().iter().all(|s| s.wave == w.wave));
        }
        let json = serde_json::to_value(&plan).unwrap();
        let json_waves = json["summary"]["waves"].as_array().unwrap();
        let later = json_waves
            .iter()
            .filter(|w| w["wave"].as_u64().unwrap() > leader.wave as u64);
        for w in later {
            assert_eq!(w["rollback_same_as"], leader.wave);
            assert_eq!(w["rollback"].as_array().unwrap().len(), 0);
        }
        json.to_string().matches(r#""kind":"restore""#).count()
    };
    // The restore action appears once however many instances (and waves) follow the leader.
    assert_eq!(restores_in_json(2), 1);
    assert_eq!(restores_in_json(8), 1);
}
