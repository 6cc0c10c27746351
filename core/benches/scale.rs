//! Scaling: the same work at 1,500 and 15,000 instances (100 and 1,000 hosts of 16 cores running
//! 15 instances each, HAProxy on a machine of its own, a three-member replica set), side by
//! side, so ten times the instances can be compared with ten times the cost. Targets
//! (docs/performance.md): at 15,000 instances, load + check <= 20 ms, render every file in
//! memory <= 30 ms, plan + simulate an upgrade <= 50 ms at 25 % and <= 300 ms one at a time.

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};
use rocketchat_topology::load::Format;
use rocketchat_topology::plan::{Budget, Policy};
use rocketchat_topology::render::{render, Target};
use rocketchat_topology::{check, plan, Layout, Topology};
use std::hint::black_box;
use std::time::Duration;

const INSTANCES_PER_HOST: usize = 15;
const HOSTS: [usize; 2] = [100, 1_000];

/// A topology file of `hosts` application hosts, as TOML text.
fn topology_toml(hosts: usize, version: &str) -> String {
    let mut text = format!(
        r#"[site]
root_url = "https://chat.example.com"

[rocketchat]
version = "{version}"
edition = "enterprise"
uploads_path = "/var/lib/rocket.chat/uploads"
tcp_base_port = 4000

[rocketchat.env]
OVERWRITE_SETTING_Show_Setup_Wizard = "completed"

[mongo]
url = "mongodb://rocketchat:bench-password@db1.example.internal:27017,db2.example.internal:27017,db3.example.internal:27017/rocketchat?replicaSet=rs0&authSource=admin"
version = "7.0"
replica_set = "rs0"
members = [
  {{ host = "db1.example.internal:27017", priority = 2 }},
  {{ host = "db2.example.internal:27017" }},
  {{ host = "db3.example.internal:27017" }},
]

[proxy]
kind = "haproxy"
server_name = "chat.example.com"
tls = {{ certificate = "/etc/haproxy/certs/chat.pem", key = "/etc/haproxy/certs/chat.pem" }}
affinity = "cookie"
"#
    );
    for i in 0..hosts {
        text.push_str(&format!(
            "\n[[hosts]]\nname = \"app{i}\"\naddress = \"10.{}.{}.{}\"\ncores = {}\n",
            i / 65536,
            i / 256 % 256,
            i % 256,
            INSTANCES_PER_HOST + 1
        ));
    }
    text
}

fn load(text: &str) -> Topology {
    Topology::parse_with_env(text, Format::Toml, None, &|_| None).expect("bench topology loads")
}

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
