//! One scale operation, once, for `valgrind --tool=callgrind` (instruction counts do not depend
//! on the machine's load) and `/usr/bin/time -f %M` (peak memory); the criterion figures are in
//! core/benches/scale.rs. Each run generates the topology text, loads and resolves it, then:
//!
//! - `text`: nothing more; `resolve`: nothing more after one load + resolve; `layouts`: both
//!   layouts of an upgrade (the baseline of the plan operations);
//! - `check`, `render` (every file in memory), `plan25` / `plan1` (an upgrade at 25 % or one at a
//!   time, simulated).
//!
//! ```sh
//! cargo build --release -p rocketchat-topology --example scale_profile
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     target/release/examples/scale_profile plan1 1000   # 1,000 hosts = 15,000 instances
//! ```

use rocketchat_topology::plan::{Budget, Policy};
use rocketchat_topology::render::{render, Target};
use rocketchat_topology::{check, plan, Layout};
use std::hint::black_box;

#[path = "../benches/support/scale_topology.rs"]
#[allow(dead_code)]
mod scale_topology;
use scale_topology::{load, topology_toml};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(op), Some(Ok(hosts))) = (args.get(1), args.get(2).map(|h| h.parse::<usize>())) else {
        eprintln!("usage: scale_profile text|resolve|layouts|check|render|plan25|plan1 HOSTS");
        std::process::exit(2);
    };
    let text = topology_toml(hosts, "7.10.0");
    let layout = |text: &str| Layout::resolve(&load(text));
    let upgrade = |policy: Policy| {
        let (current, desired) = (layout(&text), layout(&topology_toml(hosts, "7.11.0")));
        black_box(plan(Some(&current), &desired, &policy).is_ok());
    };
    match op.as_str() {
        "text" => drop(black_box(text)),
        "resolve" => drop(black_box(layout(&text))),
        "layouts" => drop(black_box((
            layout(&text),
            layout(&topology_toml(hosts, "7.11.0")),
        ))),
        "check" => drop(black_box(check(&layout(&text)))),
        "render" => drop(black_box(render(&layout(&text), Target::All))),
        "plan25" => upgrade(Policy {
            max_unavailable: Budget::Percent(25),
            ..Policy::default()
        }),
        "plan1" => upgrade(Policy::default()),
        other => {
            eprintln!("unknown operation {other}");
            std::process::exit(2);
        }
    }
}
