//! Parses MongoDB URLs in a loop, for instruction counts under `valgrind --tool=callgrind`
//! (which do not depend on the machine's load, unlike wall time):
//!
//! ```sh
//! cargo build --release -p rocketchat-topology-mongo-url --example parse_profile
//! valgrind --tool=callgrind target/release/examples/parse_profile typical 1000
//! valgrind --tool=callgrind target/release/examples/parse_profile corpus 10
//! ```
//!
//! `typical` is the 3-host URL of the `check` criterion bench; `corpus` is every URL of
//! bench/urls.jsonl (accepted and rejected); a URL is parsed alone. Instructions per parse =
//! total / (count x URLs).
//! A third argument `help` also reads each error's help line, as the Python and Node bindings
//! do when they raise.

use rocketchat_topology_mongo_url::MongoUrl;
use std::hint::black_box;

const TYPICAL: &str = "mongodb://rocketchat:secret@db1.example.internal:27017,db2.example.internal:27017,db3.example.internal:27017/rocketchat?replicaSet=rs0&authSource=admin&readPreference=primary&w=majority&retryWrites=true";

fn corpus() -> Vec<String> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/urls.jsonl");
    let text = std::fs::read_to_string(path).expect("bench/urls.jsonl is readable");
    text.lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str::<String>(l).expect("one JSON string per line"))
        .collect()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "typical".into());
    let count: usize = args.next().and_then(|n| n.parse().ok()).unwrap_or(1000);
    let read_help = args.next().as_deref() == Some("help");
    let urls = match which.as_str() {
        "typical" => vec![TYPICAL.to_string()],
        "corpus" => corpus(),
        one if one.starts_with("mongodb") => vec![one.to_string()],
        other => {
            eprintln!("usage: parse_profile typical|corpus|URL [COUNT [help]] (not `{other}`)");
            std::process::exit(2);
        }
    };
    let mut accepted = 0usize;
    for _ in 0..count {
        for url in &urls {
            match MongoUrl::parse(black_box(url)) {
                Ok(parsed) => {
                    black_box(parsed);
                    accepted += 1;
                }
                Err(e) if read_help => {
                    black_box(e.help());
                }
                Err(e) => {
                    black_box(e);
                }
            }
        }
    }
    println!("{} parses, {accepted} accepted", count * urls.len());
}
