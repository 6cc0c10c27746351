//! Scaling: the same work at 1,500 and 15,000 instances (100 and 1,000 hosts of 16 cores running
//! 15 instances each, HAProxy on a machine of its own, a three-member replica set), side by
//! side, so ten times the instances can be compared with ten times the cost. Targets
//! (docs/performance.md): at 15,000 instances, load + check <= 20 ms, render every file in
//! memory <= 30 ms, plan + simulate an upgrade <= 50 ms at 25 % and <= 300 ms one at a time.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rocketchat_topology::plan::{Budget, Policy};
use rocketchat_topology::render::{render, Target};
use rocketchat_topology::{check, plan, Layout};
use std::hint::black_box;
use std::time::Duration;

#[path = "support/scale_topology.rs"]
mod scale_topology;
use scale_topology::{load, topology_toml, HOSTS, INSTANCES_PER_HOST};

fn instances(hosts: usize) -> String {
    format!("{} instances", hosts * INSTANCES_PER_HOST)
}

fn front(c: &mut Criterion) {
    let mut group = c.benchmark_group("load + resolve + check");
    for hosts in HOSTS {
        let text = topology_toml(hosts, "7.10.0");
        group.bench_with_input(
            BenchmarkId::from_parameter(instances(hosts)),
            &text,
            |b, t| b.iter(|| check(&Layout::resolve(&load(black_box(t))))),
        );
    }
    group.finish();
    let mut group = c.benchmark_group("render all in memory");
    for hosts in HOSTS {
        let layout = Layout::resolve(&load(&topology_toml(hosts, "7.10.0")));
        group.bench_with_input(
            BenchmarkId::from_parameter(instances(hosts)),
            &layout,
            |b, l| b.iter(|| render(black_box(l), Target::All).expect("renders")),
        );
    }
    group.finish();
}

fn rollout(c: &mut Criterion) {
    let quarter = Policy {
        max_unavailable: Budget::Percent(25),
        ..Policy::default()
    };
    for (name, policy) in [("25 %", quarter), ("one at a time", Policy::default())] {
        let mut group = c.benchmark_group(format!("plan + simulate upgrade, {name}"));
        group
            .sample_size(10)
            .measurement_time(Duration::from_secs(10));
        for hosts in HOSTS {
            let current = Layout::resolve(&load(&topology_toml(hosts, "7.10.0")));
            let desired = Layout::resolve(&load(&topology_toml(hosts, "7.11.0")));
            group.bench_function(BenchmarkId::from_parameter(instances(hosts)), |b| {
                b.iter(|| plan(Some(black_box(&current)), black_box(&desired), &policy))
            });
        }
        group.finish();
    }
}

criterion_group!(benches, front, rollout);
criterion_main!(benches);
