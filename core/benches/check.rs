//! The front half of every command: loading a topology file, resolving it, checking it, and
//! parsing a MONGO_URL. Sizes: the built-in example (3 instances) and a 50-host production-like
//! file (350 instances).

use criterion::{criterion_group, criterion_main, Criterion};
use rocketchat_topology::load::Format;
use rocketchat_topology::{check, example, Layout, MongoUrl, Topology};
use std::hint::black_box;

/// examples/production.toml widened to 50 hosts of 8 cores.
fn large_toml() -> String {
    let base = include_str!("../../examples/production.toml");
    let cut = base.find("[[hosts]]").unwrap_or(base.len());
    let mut text = base[..cut].replace("${RC_MONGO_PASSWORD}", "bench-password");
    for i in 0..50 {
        text.push_str(&format!(
            "\n[[hosts]]\nname = \"app{i}\"\naddress = \"10.0.{}.{}\"\ncores = 8\n",
            i / 200,
            i % 200 + 10
        ));
    }
    text
}

fn bench(c: &mut Criterion) {
    let large = large_toml();
    let no_env = |_: &str| None;
    c.bench_function("load example (toml)", |b| {
        b.iter(|| Topology::parse_with_env(black_box(example::TOML), Format::Toml, None, &no_env))
    });
    c.bench_function("load 50 hosts (toml)", |b| {
        b.iter(|| Topology::parse_with_env(black_box(&large), Format::Toml, None, &no_env))
    });
    let small = example::topology();
    let big = Topology::parse_with_env(&large, Format::Toml, None, &no_env)
        .expect("bench topology loads");
    c.bench_function("resolve + check example", |b| {
        b.iter(|| check(&Layout::resolve(black_box(&small))))
    });
    c.bench_function("resolve + check 50 hosts", |b| {
        b.iter(|| check(&Layout::resolve(black_box(&big))))
    });
    let url = "mongodb://rocketchat:secret@db1.example.internal:27017,db2.example.internal:27017,db3.example.internal:27017/rocketchat?replicaSet=rs0&authSource=admin&readPreference=primary&w=majority&retryWrites=true";
    c.bench_function("parse MONGO_URL", |b| {
        b.iter(|| MongoUrl::parse(black_box(url)))
    });
    // The url crate's share of the above: the driver's placeholder form of the same URL (its
    // userinfo, path and query), and one host of the list.
    let placeholder = "mongodb://rocketchat:secret@__this_is_a_placeholder__/rocketchat?replicaSet=rs0&authSource=admin&readPreference=primary&w=majority&retryWrites=true";
    c.bench_function("url::Url::parse (placeholder form)", |b| {
        b.iter(|| url::Url::parse(black_box(placeholder)))
    });
    c.bench_function("url::Host::parse_opaque (one host)", |b| {
        b.iter(|| url::Host::parse_opaque(black_box("db1.example.internal")))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
