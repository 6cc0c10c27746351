//! Planning and simulating large rollouts: 20 hosts x 16 instances (320), upgraded one at a time
//! and 25% at a time with surge, and a fresh install of the same.

// The plan tests' topology builders, shared by path: a bench cannot import a test module.
#[path = "../tests/plan_support/mod.rs"]
mod plan_support;

use criterion::{criterion_group, criterion_main, Criterion};
use rocketchat_topology::model::ProxyKind;
use rocketchat_topology::plan::{Budget, Policy};
use rocketchat_topology::{plan, Layout, Topology};
use std::hint::black_box;

/// 20 hosts with 17 cores and 16 instances each, nginx on a machine of its own, a three-member
/// replica set.
fn large() -> Topology {
    plan_support::multi(&[16; 20], &[17; 20], ProxyKind::Nginx)
}

fn bench(c: &mut Criterion) {
    let current_t = large();
    let mut desired_t = current_t.clone();
    desired_t.rocketchat.version = "7.11.0".into();
    let (current, desired) = (Layout::resolve(&current_t), Layout::resolve(&desired_t));
    let one_at_a_time = Policy::default();
    let quarter_with_surge = Policy {
        max_unavailable: Budget::Percent(25),
        max_surge: Budget::Count(5),
        ..Policy::default()
    };
    c.bench_function("plan+simulate upgrade 320 instances, 1 at a time", |b| {
        b.iter(|| {
            plan(
                Some(black_box(&current)),
                black_box(&desired),
                &one_at_a_time,
            )
        })
    });
    c.bench_function("plan+simulate upgrade 320 instances, 25% + surge 5", |b| {
        b.iter(|| {
            plan(
                Some(black_box(&current)),
                black_box(&desired),
                &quarter_with_surge,
            )
        })
    });
    c.bench_function("plan+simulate install 320 instances", |b| {
        b.iter(|| plan(None, black_box(&desired), &one_at_a_time))
    });
    let p = plan(Some(&current), &desired, &one_at_a_time).expect("plans");
    c.bench_function("simulate only, 320 instances 1 at a time", |b| {
        b.iter(|| {
            p.simulate(
                Some(black_box(&current)),
                black_box(&desired),
                &one_at_a_time,
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
