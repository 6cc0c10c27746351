//! Release changes and MongoDB upgrades: staging before any start, the backup before the leader,
//! the leader alone behind its version gate, refusals of skipped majors and downgrades, restore
//! or refused rollbacks after the migration, MongoDB one series at a time member by member with
//! the FCV last; the simulator catches each broken promise. Property tests cover random upgrades
//! across versions and policies.

mod plan_support;

use plan_support::*;
use proptest::prelude::*;
use rocketchat_topology::model::{ProxyKind, Topology};
use rocketchat_topology::plan::{Action, Budget, Plan, Policy, RollbackKind, ViolationKind};
use rocketchat_topology::{plan, Layout, PlanError};

fn with_versions(t: &Topology, rocketchat: &str, mongo: &str) -> Topology {
    let mut t = t.clone();
    t.rocketchat.version = rocketchat.into();
    t.mongo.version = mongo.into();
    t
}

fn planned(current: &Topology, desired: &Topology, policy: &Policy) -> (Layout, Layout, Plan) {
    let (c, d) = (layout(current), layout(desired));
    let p = plan(Some(&c), &d, policy).unwrap_or_else(|e| panic!("{e}"));
    (c, d, p)
}

/// Position of the first step matching `pred` after `from`.
fn after(plan: &Plan, from: usize, pred: impl Fn(&Action) -> bool) -> Option<usize> {
    plan.steps[from..]
        .iter()
        .position(|s| pred(&s.action))
        .map(|n| n + from)
}

/// The leader's start, its gate, and whether any other instance starts in between.
fn leader_alone(plan: &Plan) -> (usize, usize) {
    let leader = plan
        .summary
        .leader
        .clone()
        .expect("an upgrade has a leader");
    let start = pos(
        plan,
        |a| matches!(a, Action::StartUnit { instance: Some(i), .. } if **i == leader),
    );
    let gate = after(
        plan,
        start,
        |a| matches!(a, Action::WaitHealthy { instance, .. } if **instance == leader),
    )
    .expect("the leader waits");
    let other = plan.steps[start + 1..gate].iter().any(|s| {
        matches!(
            &s.action,
            Action::StartUnit {
                instance: Some(_),
                ..
            }
        )
    });
    assert!(
        !other,
        "another instance starts before the leader's gate:\n{}",
        plan.to_text()
    );
    (start, gate)
}

#[test]
fn an_upgrade_stages_backs_up_and_starts_a_leader_alone_behind_its_version_gate() {
    let current = multi(&[2, 2], &[4, 4], ProxyKind::Nginx);
    let desired = with_versions(&current, "7.11.0", "7.0");
    let policy = Policy {
        max_unavailable: Budget::Count(2),
        ..Policy::default()
    };
    let (_, _, p) = planned(&current, &desired, &policy);
    let (start, _) = leader_alone(&p);
    let last_stage = p
        .steps
        .iter()
        .rposition(|s| matches!(s.action, Action::StageRelease { .. }))
        .unwrap();
    let backup = pos(&p, |a| matches!(a, Action::Backup { .. }));
    assert!(last_stage < backup && backup < start, "{}", p.to_text());
    for host in ["app1", "app2"] {
        for version in ["7.11.0", "7.10.0"] {
            assert!(p.steps.iter().any(|s| &*s.host == host
                && matches!(&s.action, Action::StageRelease { version: v, dir, .. }
                    if v == version && *dir == format!("/opt/rocket.chat/releases/{version}"))));
        }
    }
    let url = |a: &Action| match a {
        Action::StageRelease { url, .. } => Some(url.clone()),
        _ => None,
    };
    assert!(p
        .steps
        .iter()
        .filter_map(|s| url(&s.action))
        .any(|u| u == "https://releases.rocket.chat/7.11.0/download"));
    // Every start selects its release first; every gate expects it.
    for (n, s) in p.steps.iter().enumerate() {
        if let Action::StartUnit {
            instance: Some(id), ..
        } = &s.action
        {
            assert!(p.steps[..n].iter().rev().any(|b| matches!(&b.action,
                Action::UseRelease { instance, version, .. } if instance == id && &**version == "7.11.0")));
        }
        if let Action::WaitHealthy { expect_version, .. } = &s.action {
            assert_eq!(expect_version.as_deref(), Some("7.11.0"));
        }
    }
    let json = p.to_json().to_string();
    assert!(json.contains("\"expect_version\":\"7.11.0\""));
    assert!(json.contains("\"kind\":\"stage_release\""));
}

#[test]
fn rollbacks_before_the_leader_restart_and_after_it_restore_the_backup() {
    let current = multi(&[2, 1], &[4, 4], ProxyKind::Haproxy);
    let desired = with_versions(&current, "7.11.0", "7.0");
    let (c, d, p) = planned(&current, &desired, &Policy::default());
    let leader_wave = p.steps[leader_alone(&p).0].wave;
    for w in &p.summary.waves {
        let expected = if w.wave < leader_wave {
            RollbackKind::Restart
        } else {
            RollbackKind::Restore
        };
        assert_eq!(w.rollback_kind, expected, "wave {}", w.wave);
        if expected == RollbackKind::Restore {
            let rollback = w.rollback.steps();
            assert!(rollback
                .iter()
                .any(|s| matches!(s.action, Action::Restore { .. })));
            assert!(matches!(rollback[0].action, Action::Gate { .. }));
        }
        p.simulate_rollback(&c, &d, &Policy::default(), w.wave)
            .unwrap_or_else(|v| panic!("wave {}: {v}", w.wave));
    }
}

#[test]
fn without_a_backup_the_plan_says_so_and_refuses_rollbacks_after_the_leader() {
    let current = howto();
    let desired = with_versions(&current, "7.11.0", "7.0");
    let policy = Policy {
        backup: false,
        ..Policy::default()
    };
    let (c, d, p) = planned(&current, &desired, &policy);
    assert!(!p
        .steps
        .iter()
        .any(|s| matches!(s.action, Action::Backup { .. })));
    assert!(p.summary.backup.is_none());
    assert!(p.to_text().contains("Note: no backup"), "{}", p.to_text());
    let refused: Vec<_> = p
        .summary
        .waves
        .iter()
        .filter(|w| w.rollback_kind == RollbackKind::Refused)
        .collect();
    assert!(!refused.is_empty());
    for w in refused {
        let v = p.simulate_rollback(&c, &d, &policy, w.wave).unwrap_err();
        assert_eq!(v.kind, ViolationKind::RollbackRefused);
    }
    // The simulator holds a plan with a backup to its promise.
    let with_backup = plan(Some(&c), &d, &Policy::default()).unwrap();
    let mut broken = with_backup.clone();
    broken
        .steps
        .retain(|s| !matches!(s.action, Action::Backup { .. }));
    let v = broken
        .simulate(Some(&c), &d, &Policy::default())
        .unwrap_err();
    assert_eq!(v.kind, ViolationKind::NoBackup);
}

#[test]
fn skipped_majors_and_downgrades_are_refused_with_the_way_to_go() {
    let base = howto();
    let cases = [
        (("7.13.0", "8.0"), ("9.0.0", "8.0"), "the latest 8.x"),
        (("5.4.0", "5.0"), ("7.11.0", "5.0"), "the latest 6.x"),
    ];
    for ((from, fm), (to, tm), path) in cases {
        let err = plan(
            Some(&layout(&with_versions(&base, from, fm))),
            &layout(&with_versions(&base, to, tm)),
            &Policy::default(),
        )
        .unwrap_err();
        assert!(matches!(err, PlanError::SkipsMajor { .. }), "{err:?}");
        assert!(err.to_string().contains(path), "{err}");
    }
    let err = plan(
        Some(&layout(&with_versions(&base, "7.11.0", "7.0"))),
        &layout(&with_versions(&base, "7.10.0", "7.0")),
        &Policy::default(),
    )
    .unwrap_err();
    assert!(
        matches!(err, PlanError::DowngradeAcrossMigration { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("restore the backup"));
}

#[test]
fn mongodb_6_to_8_goes_through_7_member_by_member_with_the_fcv_last() {
    let current = with_versions(&multi(&[2], &[4], ProxyKind::Nginx), "7.13.0", "6.0");
    let desired = with_versions(&current, "7.13.0", "8.0");
    let (_, _, p) = planned(&current, &desired, &Policy::default());
    assert_eq!(p.summary.mongo_path, ["6.0", "7.0", "8.0"]);
    let installs: Vec<(String, String)> = p
        .steps
        .iter()
        .filter_map(|s| match &s.action {
            Action::MongoInstall { version } => Some((s.host.to_string(), version.clone())),
            _ => None,
        })
        .collect();
    let expected: Vec<(String, String)> = ["7.0", "8.0"]
        .iter()
        .flat_map(|v| ["db2", "db3", "db1"].map(|h| (h.to_string(), v.to_string())))
        .collect();
    assert_eq!(
        installs, expected,
        "secondaries first, the expected primary last"
    );
    let fcvs: Vec<(usize, String, bool)> = p
        .steps
        .iter()
        .enumerate()
        .filter_map(|(n, s)| match &s.action {
            Action::MongoSetFcv {
                version, confirm, ..
            } => Some((n, version.clone(), *confirm)),
            _ => None,
        })
        .collect();
    assert_eq!(fcvs.len(), 2);
    assert_eq!((fcvs[0].1.as_str(), fcvs[0].2), ("7.0", true));
    assert_eq!((fcvs[1].1.as_str(), fcvs[1].2), ("8.0", true));
    let last_7 = p
        .steps
        .iter()
        .rposition(|s| matches!(&s.action, Action::MongoInstall { version } if version == "7.0"))
        .unwrap();
    let first_8 = pos(
        &p,
        |a| matches!(a, Action::MongoInstall { version } if version == "8.0"),
    );
    assert!(last_7 < fcvs[0].0 && fcvs[0].0 < first_8);
    // Every member steps down before it stops, and waits to catch up after it starts.
    for (n, s) in p.steps.iter().enumerate() {
        if let Action::StopUnit { instance: None, .. } = &s.action {
            assert!(matches!(
                p.steps[n - 1].action,
                Action::MongoStepDown { .. }
            ));
        }
    }
    assert!(!p
        .steps
        .iter()
        .any(|s| matches!(s.action, Action::StageRelease { .. })));
}

#[test]
fn a_rocketchat_that_needs_a_newer_mongodb_comes_after_it() {
    let current = with_versions(
        &multi(&[1, 1], &[3, 3], ProxyKind::Haproxy),
        "7.13.0",
        "6.0",
    );
    let desired = with_versions(&current, "8.2.0", "8.0");
    let (_, _, p) = planned(&current, &desired, &Policy::default());
    let fcv8 = pos(
        &p,
        |a| matches!(a, Action::MongoSetFcv { version, .. } if version == "8.0"),
    );
    let (start, _) = leader_alone(&p);
    let stage = pos(&p, |a| matches!(a, Action::StageRelease { .. }));
    assert!(fcv8 < stage && stage < start, "{}", p.to_text());
    // Not the other way round: Rocket.Chat 8.2 alone on MongoDB 6.0 is refused.
    let err = plan(
        Some(&layout(&current)),
        &layout(&with_versions(&current, "8.2.0", "6.0")),
        &Policy::default(),
    )
    .unwrap_err();
    assert!(matches!(err, PlanError::MongoUnsupported { .. }), "{err:?}");
    assert!(plan(
        Some(&layout(&with_versions(&current, "7.13.0", "8.0"))),
        &layout(&with_versions(&current, "7.13.0", "6.0")),
        &Policy::default()
    )
    .is_err_and(|e| matches!(e, PlanError::MongoDowngrade { .. })));
}

#[test]
fn the_simulator_catches_broken_upgrades() {
    let current = with_versions(&multi(&[2, 1], &[4, 4], ProxyKind::Nginx), "7.10.0", "6.0");
    let desired = with_versions(&current, "7.11.0", "7.0");
    let policy = Policy {
        max_unavailable: Budget::Count(2),
        ..Policy::default()
    };
    let (c, d, p) = planned(&current, &desired, &policy);
    let broken = |drop: &dyn Fn(&Action) -> bool| {
        let mut b = p.clone();
        b.steps.retain(|s| !drop(&s.action));
        b.simulate(Some(&c), &d, &policy).unwrap_err().kind
    };
    assert_eq!(
        broken(&|a| matches!(a, Action::StageRelease { .. })),
        ViolationKind::ReleaseNotStaged
    );
    assert_eq!(
        broken(&|a| matches!(a, Action::UseRelease { .. })),
        ViolationKind::WrongRelease
    );
    assert_eq!(
        broken(&|a| matches!(a, Action::MongoStepDown { .. })),
        ViolationKind::MongoUpgrade
    );
    assert_eq!(
        broken(&|a| matches!(a, Action::MongoWaitMember { .. })),
        ViolationKind::MongoUpgrade
    );
    // The FCV before the last member runs the new binary.
    let mut early = p.clone();
    let fcv = pos(&early, |a| matches!(a, Action::MongoSetFcv { .. }));
    let step = early.steps.remove(fcv);
    early.steps.insert(0, step);
    assert_eq!(
        early.simulate(Some(&c), &d, &policy).unwrap_err().kind,
        ViolationKind::MongoUpgrade
    );
    // A second instance of the new release starts before the leader's gate.
    let mut eager = p.clone();
    let (start, gate) = leader_alone(&eager);
    let second = after(&eager, gate, |a| {
        matches!(
            a,
            Action::StartUnit {
                instance: Some(_),
                ..
            }
        )
    })
    .unwrap();
    let step = eager.steps.remove(second);
    eager.steps.insert(start + 1, step);
    let kind = eager.simulate(Some(&c), &d, &policy).unwrap_err().kind;
    assert!(
        matches!(
            kind,
            ViolationKind::MigrationLock
                | ViolationKind::WrongRelease
                | ViolationKind::MissingEnvFile
        ),
        "{kind:?}"
    );
}

/// Release pairs the planner accepts (same major, or the next one), with a MongoDB both run on.
const UPGRADES: &[(&str, &str, &str)] = &[
    ("7.10.0", "7.11.0", "7.0"),
    ("7.10.0", "7.10.1", "6.0"),
    ("7.11.0", "7.13.0", "5.0"),
    ("7.13.0", "8.2.0", "8.0"),
    ("6.5.0", "7.11.0", "6.0"),
    ("8.2.0", "8.3.0", "8.0"),
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn random_upgrades_keep_every_promise(
        upgrade in 0..UPGRADES.len(),
        counts in proptest::collection::vec(1u32..3, 1..3),
        spare in 0u32..2,
        max_unavailable in 1u32..3,
        surge in 0u32..2,
        canary in 0u32..2,
        backup in any::<bool>(),
        kind in prop_oneof![Just(ProxyKind::Nginx), Just(ProxyKind::Haproxy), Just(ProxyKind::Apache)],
    ) {
        let (from, to, mongo) = UPGRADES[upgrade];
        let cores: Vec<u32> = counts.iter().map(|n| n + spare).collect();
        let current = with_versions(&multi(&counts, &cores, kind), from, mongo);
        let desired = with_versions(&current, to, mongo);
        let policy = Policy {
            max_unavailable: Budget::Count(max_unavailable),
            max_surge: Budget::Count(surge),
            canary,
            backup,
            ..Policy::default()
        };
        let (c, d) = (layout(&current), layout(&desired));
        let p = match plan(Some(&c), &d, &policy) {
            Ok(p) => p,
            Err(PlanError::NoSurgeRoom) => return Ok(()),
            Err(e) => panic!("{from} -> {to}: {e}"),
        };
        let (start, _) = leader_alone(&p);
        let backups: Vec<usize> = p.steps.iter().enumerate()
            .filter(|(_, s)| matches!(s.action, Action::Backup { .. }))
            .map(|(n, _)| n)
            .collect();
        prop_assert_eq!(backups.len(), usize::from(backup));
        prop_assert!(backups.iter().all(|b| *b < start));
        let leader_wave = p.steps[start].wave;
        for w in &p.summary.waves {
            let want = match (w.wave >= leader_wave, backup) {
                (false, _) => RollbackKind::Restart,
                (true, true) => RollbackKind::Restore,
                (true, false) => RollbackKind::Refused,
            };
            prop_assert_eq!(w.rollback_kind, want);
        }
        let last = p.summary.waves.last().unwrap().wave;
        for wave in [leader_wave, last] {
            let r = p.simulate_rollback(&c, &d, &policy, wave);
            if backup {
                prop_assert!(r.is_ok(), "wave {}: {:?}", wave, r);
            } else {
                prop_assert_eq!(r.unwrap_err().kind, ViolationKind::RollbackRefused);
            }
        }
    }
}
