//! Property tests: random topologies (1-20 hosts, 1-16 instances each), random changes and
//! policies. Every plan simulates without violation, ends in the desired state, and uses the
//! fewest waves its budget allows: ceil(instances to restart / parallelism) (plus the canary's).

mod plan_support;

use plan_support::*;
use proptest::prelude::*;
use proptest::test_runner::Config;
use rocketchat_topology::model::{Affinity, Instances, ProxyKind, Topology};
use rocketchat_topology::plan::{Action, Budget, Order, Policy};
use rocketchat_topology::{plan, Layout, PlanError};
use std::collections::BTreeSet;

/// One host: instances and spare cores.
#[derive(Debug, Clone)]
struct HostSpec {
    instances: u32,
    spare: u32,
}

#[derive(Debug, Clone)]
struct Change {
    fresh_install: bool,
    upgrade: bool,
    env: bool,
    affinity: bool,
    /// Per current host: new instance count (None: unchanged), removed, ports moved.
    scale: Vec<Option<u32>>,
    remove: Vec<bool>,
    move_ports: Vec<bool>,
    add: Vec<HostSpec>,
}

#[derive(Debug, Clone)]
struct Case {
    hosts: Vec<HostSpec>,
    fixed_tcp: bool,
    proxy: ProxyKind,
    change: Change,
    policy: Policy,
}

fn host_spec() -> impl Strategy<Value = HostSpec> {
    (1u32..=16, 0u32..=2).prop_map(|(instances, spare)| HostSpec { instances, spare })
}

fn budget(max_count: u32, max_percent: u32) -> impl Strategy<Value = Budget> {
    prop_oneof![
        (0..=max_count).prop_map(Budget::Count),
        (0..=max_percent).prop_map(Budget::Percent),
    ]
}

fn policy() -> impl Strategy<Value = Policy> {
    (budget(3, 50), budget(2, 25), 0u32..=2, any::<bool>()).prop_map(
        |(mu, surge, canary, by_host)| Policy {
            max_unavailable: mu,
            max_surge: surge,
            canary,
            order: if by_host {
                Order::ByHost
            } else {
                Order::Spread
            },
            ..Policy::default()
        },
    )
}

fn case() -> impl Strategy<Value = Case> {
    (
        prop::collection::vec(host_spec(), 1..=20),
        any::<bool>(),
        prop_oneof![
            Just(ProxyKind::Nginx),
            Just(ProxyKind::Apache),
            Just(ProxyKind::Haproxy)
        ],
        policy(),
    )
        .prop_flat_map(|(hosts, fixed_tcp, proxy, policy)| {
            let n = hosts.len();
            let change = (
                prop::bool::weighted(0.1),
                any::<bool>(),
                prop::bool::weighted(0.3),
                prop::bool::weighted(0.2),
                prop::collection::vec(prop::option::weighted(0.3, 1u32..=18), n),
                prop::collection::vec(prop::bool::weighted(0.15), n),
                prop::collection::vec(prop::bool::weighted(0.15), n),
                prop::collection::vec(host_spec(), 0..=2),
            )
                .prop_map(
                    |(fresh_install, upgrade, env, affinity, scale, remove, move_ports, add)| {
                        Change {
                            fresh_install,
                            upgrade,
                            env,
                            affinity,
                            scale,
                            remove,
                            move_ports,
                            add,
                        }
                    },
                );
            (
                Just(hosts),
                Just(fixed_tcp),
                Just(proxy),
                change,
                Just(policy),
            )
        })
        .prop_map(|(hosts, fixed_tcp, proxy, change, policy)| Case {
            hosts,
            fixed_tcp,
            proxy,
            change,
            policy,
        })
}

fn current_topology(case: &Case) -> Topology {
    let counts: Vec<u32> = case.hosts.iter().map(|h| h.instances).collect();
    let cores: Vec<u32> = case.hosts.iter().map(|h| h.instances + h.spare).collect();
    let mut t = multi(&counts, &cores, case.proxy);
    if !case.fixed_tcp {
        t.rocketchat.tcp_base_port = None;
    }
    t
}

fn desired_topology(case: &Case, current: &Topology) -> Topology {
    let c = &case.change;
    let mut t = current.clone();
    if c.upgrade {
        t.rocketchat.version = "7.11.0".into();
    }
    if c.env {
        t.rocketchat.env.insert(
            "OVERWRITE_SETTING_Show_Setup_Wizard".into(),
            "completed".into(),
        );
    }
    if c.affinity {
        let p = t.proxy.as_mut().expect("multi() has a proxy");
        p.affinity = if p.affinity == Affinity::Cookie {
            Affinity::IpHash
        } else {
            Affinity::Cookie
        };
    }
    for (i, h) in t.hosts.iter_mut().enumerate() {
        if let Some(n) = c.scale[i] {
            h.instances = Instances::Count(n.min(h.cores));
        }
        if c.move_ports[i] {
            h.base_port = 3100;
        }
    }
    let total = t.hosts.len();
    for (k, spec) in c.add.iter().enumerate() {
        t.hosts
            .push(host(total + k, spec.instances, spec.instances + spec.spare));
    }
    let mut index = 0;
    t.hosts.retain(|_| {
        let keep = !c.remove.get(index).copied().unwrap_or(false);
        index += 1;
        keep
    });
    if t.hosts.is_empty() {
        t.hosts.push(current.hosts[0].clone());
    }
    t
}

/// The plan's budget and wave count, computed from the case without the planner's code.
struct Expected {
    to_restart: usize,
    max_unavailable: usize,
    waves: usize,
    floor: usize,
}

fn ports_of(l: &Layout, host: &str) -> BTreeSet<(u16, usize)> {
    l.instances_on(host).map(|i| (i.port, i.ordinal)).collect()
}

fn expected(case: &Case, current: &Layout, desired: &Layout) -> Result<Expected, PlanError> {
    let restart_all = case.change.upgrade || case.change.env;
    let mut to_restart = 0;
    for h in &desired.hosts {
        let (now, next) = (ports_of(current, &h.name), ports_of(desired, &h.name));
        let now_ports: BTreeSet<u16> = now.iter().map(|p| p.0).collect();
        let next_ports: BTreeSet<u16> = next.iter().map(|p| p.0).collect();
        if restart_all {
            to_restart += now_ports.intersection(&next_ports).count();
        }
        if case.fixed_tcp {
            // A new instance whose TCP_PORT (by ordinal) a removed one holds replaces it.
            let added: BTreeSet<usize> = next
                .iter()
                .filter(|p| !now_ports.contains(&p.0))
                .map(|p| p.1)
                .collect();
            let removed: BTreeSet<usize> = now
                .iter()
                .filter(|p| !next_ports.contains(&p.0))
                .map(|p| p.1)
                .collect();
            to_restart += added.intersection(&removed).count();
        }
    }
    let capacity = current.instances.len();
    let p = &case.policy;
    let mut max_unavailable = p.max_unavailable.floor_of(capacity);
    let spare: usize = desired
        .hosts
        .iter()
        .map(|h| {
            let most = current
                .instances_on(&h.name)
                .count()
                .max(desired.instances_on(&h.name).count());
            (h.cores as usize).saturating_sub(most)
        })
        .sum();
    let surge = p.max_surge.ceil_of(capacity).min(to_restart).min(spare);
    if max_unavailable == 0 && surge == 0 {
        if !p.max_surge.is_zero() && to_restart > 0 {
            return Err(PlanError::NoSurgeRoom);
        }
        max_unavailable = 1;
    }
    let parallel = max_unavailable + surge;
    let canary = (p.canary as usize).min(to_restart);
    Ok(Expected {
        to_restart,
        max_unavailable,
        waves: canary.div_ceil(parallel) + (to_restart - canary).div_ceil(parallel),
        floor: capacity
            .min(desired.instances.len())
            .saturating_sub(max_unavailable),
    })
}

fn check_case(case: &Case) -> Result<(), TestCaseError> {
    let current_t = current_topology(case);
    let desired_t = desired_topology(case, &current_t);
    let (current, desired) = (Layout::resolve(&current_t), Layout::resolve(&desired_t));
    let zero = case.policy.max_unavailable.is_zero() && case.policy.max_surge.is_zero();
    if case.change.fresh_install {
        let result = plan(None, &desired, &case.policy);
        if zero {
            prop_assert_eq!(result.unwrap_err(), PlanError::ZeroBudget);
            return Ok(());
        }
        let plan = result.map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(plan.summary.restart_waves, 0);
        let started = plan
            .steps
            .iter()
            .filter(|s| {
                matches!(
                    &s.action,
                    Action::StartUnit {
                        instance: Some(_),
                        ..
                    }
                )
            })
            .count();
        prop_assert_eq!(started, desired.instances.len());
        plan.simulate(None, &desired, &case.policy)
            .map_err(|v| TestCaseError::fail(v.to_string()))?;
        return Ok(());
    }
    let result = plan(Some(&current), &desired, &case.policy);
    if zero {
        prop_assert_eq!(result.unwrap_err(), PlanError::ZeroBudget);
        return Ok(());
    }
    let want = match expected(case, &current, &desired) {
        Ok(want) => want,
        Err(e) => {
            prop_assert_eq!(result.unwrap_err(), e);
            return Ok(());
        }
    };
    let plan = result.map_err(|e| TestCaseError::fail(format!("{e}\n{case:?}")))?;
    let s = &plan.summary;
    prop_assert_eq!(
        s.instances_to_restart,
        want.to_restart,
        "instances to restart"
    );
    prop_assert_eq!(s.max_unavailable, want.max_unavailable, "max_unavailable");
    prop_assert_eq!(
        s.restart_waves,
        want.waves,
        "waves for {} at {} a time",
        want.to_restart,
        s.parallelism
    );
    prop_assert_eq!(s.min_serving, want.floor);
    // The simulator's verdict, run again here: every step keeps the floor, the end is `desired`.
    let timeline = plan
        .simulate(Some(&current), &desired, &case.policy)
        .map_err(|v| TestCaseError::fail(v.to_string()))?;
    prop_assert!(timeline.lowest_serving >= want.floor);
    // The rollback of the first, a middle and the last wave restores what the wave touched.
    let waves = &plan.summary.waves;
    if !waves.is_empty() {
        for w in [
            waves[0].wave,
            waves[waves.len() / 2].wave,
            waves[waves.len() - 1].wave,
        ] {
            plan.simulate_rollback(&current, &desired, &case.policy, w)
                .map_err(|v| TestCaseError::fail(format!("rollback of wave {w}: {v}")))?;
        }
    }
    // Every removed instance is stopped and its env file removed; every added one started.
    let kept: BTreeSet<&str> = desired.instances.iter().map(|i| i.id.as_str()).collect();
    for gone in current
        .instances
        .iter()
        .filter(|i| !kept.contains(i.id.as_str()))
    {
        prop_assert!(
            plan.steps.iter().any(|st| matches!(&st.action,
            Action::RemoveFile { instance: Some(i), .. } if **i == gone.id)),
            "{} stays",
            gone.id
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(Config { cases: 1000, failure_persistence: None, ..Config::default() })]

    #[test]
    fn random_rollouts_simulate_and_use_the_fewest_waves(case in case()) {
        check_case(&case)?;
    }
}
