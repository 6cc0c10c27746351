//! Hostile or impossible requests get a `PlanError` that names the reason; a broken plan is
//! caught by the simulator.

mod plan_support;

use plan_support::*;
use rocketchat_topology::model::{Instances, ProxyKind};
use rocketchat_topology::plan::{Action, Budget, Policy, ViolationKind};
use rocketchat_topology::{plan, PlanError};

#[test]
fn zero_budget_is_refused() {
    let current = layout(&howto());
    let mut next = howto();
    next.rocketchat.version = "7.11.0".into();
    let policy = Policy {
        max_unavailable: Budget::Count(0),
        max_surge: Budget::Percent(0),
        ..Policy::default()
    };
    let err = plan(Some(&current), &layout(&next), &policy).unwrap_err();
    assert_eq!(err, PlanError::ZeroBudget);
    assert!(err
        .to_string()
        .contains("max_unavailable and max_surge are both 0"));
}

#[test]
fn surge_without_spare_cores_and_no_unavailability_is_refused() {
    let current = multi(&[3], &[3], ProxyKind::Nginx);
    let mut next = current.clone();
    next.rocketchat.version = "7.11.0".into();
    let policy = Policy {
        max_unavailable: Budget::Count(0),
        max_surge: Budget::Count(1),
        ..Policy::default()
    };
    let err = plan(Some(&layout(&current)), &layout(&next), &policy).unwrap_err();
    assert_eq!(err, PlanError::NoSurgeRoom);
}

#[test]
fn removing_every_instance_is_refused() {
    let current = layout(&howto());
    let mut next = howto();
    next.hosts[0].instances = Instances::Count(0);
    let err = plan(Some(&current), &layout(&next), &Policy::default()).unwrap_err();
    assert_eq!(err, PlanError::RemovesEveryInstance);
    next.hosts.clear();
    let err = plan(Some(&current), &layout(&next), &Policy::default()).unwrap_err();
    assert_eq!(err, PlanError::RemovesEveryInstance);
}

#[test]
fn a_desired_topology_with_check_errors_is_refused() {
    let current = layout(&howto());
    let mut next = howto();
    next.hosts[0].ports = Some(vec![3000, 27017]);
    let err = plan(Some(&current), &layout(&next), &Policy::default()).unwrap_err();
    match &err {
        PlanError::DesiredHasErrors { report } => {
            assert!(report.errors() >= 1);
            assert!(report.first_error().contains("27017"), "{report:?}");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("rctopo check"));
    let diagnostics = err.diagnostics();
    assert!(
        diagnostics.iter().any(|d| d.code == "T007"),
        "{diagnostics:?}"
    );
}

#[test]
fn an_upgrade_past_the_deployed_mongodb_is_refused() {
    let mut deployed = howto();
    deployed.mongo.version = "6.0".into();
    let current = layout(&deployed);
    let mut next = deployed.clone();
    next.rocketchat.version = "8.0.0".into(); // refuses to start below MongoDB 7.0
    let err = plan(Some(&current), &layout(&next), &Policy::default()).unwrap_err();
    match &err {
        PlanError::MongoUnsupported {
            mongo, supported, ..
        } => {
            assert_eq!(mongo, "6.0");
            assert_eq!(supported, "8.2");
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(err.to_string().contains("upgrade MongoDB first"));
}

#[test]
fn a_downgrade_across_a_mongodb_requirement_is_refused() {
    let mut current = howto();
    current.rocketchat.version = "8.2.0".into();
    current.mongo.version = "8.0".into();
    let mut next = current.clone();
    next.rocketchat.version = "7.13.0".into(); // supports MongoDB 8.0, but requires only 5.0
    let err = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap_err();
    assert!(
        matches!(err, PlanError::DowngradeAcrossMongo { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("restore a backup"));
}

#[test]
fn changes_to_mongodb_or_the_proxy_machine_are_refused() {
    let current = layout(&howto());
    let mut next = howto();
    next.mongo.replica_set = Some("rs1".into());
    next.mongo.url = next.mongo.url.replace("replicaSet=rs0", "replicaSet=rs1");
    let err = plan(Some(&current), &layout(&next), &Policy::default()).unwrap_err();
    assert!(
        matches!(
            err,
            PlanError::MongoChange {
                field: "replica_set",
                ..
            }
        ),
        "{err:?}"
    );

    let current = multi(&[2], &[4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.proxy.as_mut().unwrap().kind = ProxyKind::Haproxy;
    next.proxy.as_mut().unwrap().tls = None;
    next.site.root_url = "http://chat.example.com".into();
    let err = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap_err();
    assert!(
        matches!(err, PlanError::ProxyMove { what: "kind", .. }),
        "{err:?}"
    );
}

#[test]
fn bad_policies_name_the_field() {
    let t = layout(&howto());
    let mut policy = Policy::default();
    policy.health.path = Some("/health; rm -rf /".into());
    let err = plan(Some(&t), &t, &policy).unwrap_err();
    assert!(err.to_string().starts_with("policy.health.path"), "{err}");
    let mut policy = Policy::default();
    policy.health.interval_seconds = 0;
    assert!(plan(Some(&t), &t, &policy)
        .unwrap_err()
        .to_string()
        .starts_with("policy.health.interval_seconds"));
    assert!("150%".parse::<Budget>().is_err());
}

/// A valid upgrade plan of the how-to, for tampering.
fn upgrade() -> (
    rocketchat_topology::Layout,
    rocketchat_topology::Layout,
    rocketchat_topology::Plan,
) {
    let current = layout(&howto());
    let mut next = howto();
    next.rocketchat.version = "7.11.0".into();
    let desired = layout(&next);
    let plan = plan(Some(&current), &desired, &Policy::default()).unwrap();
    (current, desired, plan)
}

#[test]
fn the_simulator_catches_a_stop_before_the_proxy_lets_go() {
    let (current, desired, mut plan) = upgrade();
    plan.steps.retain(
        |s| !matches!(&s.action, Action::ProxyRemove { instance, .. } if &**instance == "app1:3001"),
    );
    let v = plan
        .simulate(Some(&current), &desired, &Policy::default())
        .unwrap_err();
    assert_eq!(v.kind, ViolationKind::RoutesToUnready);
    assert!(v.message.contains("app1:3001"), "{}", v.message);
}

#[test]
fn the_simulator_catches_routing_to_an_instance_not_yet_healthy() {
    let (current, desired, mut plan) = upgrade();
    plan.steps.retain(
        |s| !matches!(&s.action, Action::WaitHealthy { instance, .. } if &**instance == "app1:3000"),
    );
    let v = plan
        .simulate(Some(&current), &desired, &Policy::default())
        .unwrap_err();
    assert_eq!(v.kind, ViolationKind::RoutesToUnready);
}

#[test]
fn the_simulator_catches_two_instances_down_with_a_budget_of_one() {
    let (current, desired, mut plan) = upgrade();
    // Take app1:3001 out together with app1:3000.
    let first = pos(&plan, |a| matches!(a, Action::ProxyRemove { .. }));
    let mut extra = plan.steps[first].clone();
    if let Action::ProxyRemove {
        instance,
        upstream,
        server,
    } = &mut extra.action
    {
        *instance = "app1:3001".into();
        *upstream = "127.0.0.1:3001".into();
        *server = "app1_3001".into();
    }
    plan.steps.insert(first + 1, extra);
    let v = plan
        .simulate(Some(&current), &desired, &Policy::default())
        .unwrap_err();
    assert_eq!(v.kind, ViolationKind::Capacity);
}

#[test]
fn the_simulator_catches_a_start_without_its_env_file() {
    let desired = layout(&howto());
    let mut plan = plan(None, &desired, &Policy::default()).unwrap();
    plan.steps.retain(
        |s| !matches!(&s.action, Action::WriteFile { instance: Some(i), .. } if &**i == "app1:3002"),
    );
    let v = plan
        .simulate(None, &desired, &Policy::default())
        .unwrap_err();
    assert_eq!(v.kind, ViolationKind::MissingEnvFile);
}

#[test]
fn the_simulator_catches_an_unfinished_rollout() {
    let (current, desired, mut plan) = upgrade();
    let last_wave = plan
        .steps
        .iter()
        .filter(|s| s.action.kind() == "start_unit")
        .count();
    assert_eq!(last_wave, 3);
    let cut = at(&plan, "proxy_remove", Some("app1:3002"));
    plan.steps.truncate(cut);
    let v = plan
        .simulate(Some(&current), &desired, &Policy::default())
        .unwrap_err();
    assert_eq!(v.kind, ViolationKind::EndState);
    assert!(v.message.contains("app1:3002"), "{}", v.message);
}

#[test]
fn names_that_would_reach_a_shell_or_proxy_config_unquoted_are_refused() {
    let current = multi(&[2], &[4], ProxyKind::Nginx);
    let mut next = current.clone();
    next.hosts[0].address = Some("10.0.0.1;$(reboot)".into());
    let err = plan(Some(&layout(&current)), &layout(&next), &Policy::default()).unwrap_err();
    match &err {
        PlanError::UnsafeName { field, .. } => assert_eq!(field, "hosts[0].address"),
        other => panic!("unexpected {other:?}"),
    }
    let mut hostile = current.clone();
    hostile.hosts[0].name = "-oProxyCommand=x".into();
    let err = plan(None, &layout(&hostile), &Policy::default()).unwrap_err();
    assert!(err.to_string().contains("hosts[0].name"), "{err}");
}

#[test]
fn a_current_tcp_port_base_past_every_port_is_refused_not_a_panic() {
    let mut now = howto();
    now.hosts[0].tcp_base_port = Some(4_294_967_295);
    let mut next = howto();
    next.rocketchat.version = "7.11.0".into();
    let policy = Policy {
        max_surge: Budget::Count(1),
        ..Policy::default()
    };
    let err = plan(Some(&layout(&now)), &layout(&next), &policy).unwrap_err();
    match &err {
        PlanError::CurrentUnsafe { first, .. } => {
            assert!(first.contains("hosts[0].tcp_base_port"), "{first}")
        }
        other => panic!("expected CurrentUnsafe, got {other:?}"),
    }
    assert!(err.to_string().contains("current topology"));
}
