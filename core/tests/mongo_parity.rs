//! Differential test: the parser's verdict against Rocket.Chat's own driver (Node `mongodb` 6.x,
//! `new MongoClient(uri)`) on a corpus of spec cases and generated URLs.
//!
//! Needs `tests/mongo-driver-oracle/node_modules` (`npm ci` there) and `node`; prints a SKIP
//! line otherwise. Any disagreement fails, unless the URL is listed with a reason in
//! `tests/mongo-driver-oracle/known-differences.json`.

mod mongo_support;

use mongo_support::{oracle_dir, say, spec_cases};
use rocketchat_topology::mongo_url::options::{OptionKind, OPTIONS};
use rocketchat_topology::mongo_url::MongoUrl;
use serde_json::Value;
use std::io::Write;
use std::process::{Command, Stdio};

/// A small deterministic generator (xorshift64*), so the corpus is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// URLs a Rocket.Chat deployment writes, good and bad, as mutation seeds.
const SEEDS: &[&str] = &[
    "mongodb://localhost:27017/rocketchat?replicaSet=rs0",
    "mongodb://rc:s3cret@db1:27017,db2:27017,db3:27017/rocketchat?replicaSet=rs0&authSource=admin",
    "mongodb://oplog:pw@db1:27017,db2:27017/local?replicaSet=rs0&authSource=admin",
    "mongodb+srv://rc:pw@cluster0.example.net/rocketchat?retryWrites=true&w=majority",
    "mongodb://10.0.0.5:27017,10.0.0.6:27018/rocketchat?replicaSet=rs01&readPreference=primary",
    "mongodb://[::1]:27017,[fe80::1]:27018/rocketchat?replicaSet=rs0&tls=true&tlsCAFile=/etc/ssl/ca.pem",
    "mongodb://%2Ftmp%2Fmongodb-27017.sock/rocketchat?replicaSet=rs0",
    "mongodb://user%40corp:p%40ss@db1/rocketchat?authMechanism=SCRAM-SHA-256&replicaSet=rs0",
    "mongodb://db1/rocketchat?replicaSet=rs0&readPreferenceTags=dc:ny,rack:1&readPreferenceTags=",
    "mongodb://db1/rocketchat?compressors=zstd,zlib&zlibCompressionLevel=6&maxPoolSize=50&w=1&journal=true",
    "mongodb://CN%3Dclient@db1/?authMechanism=MONGODB-X509&tls=true",
    "mongodb://db1/?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:api",
];

/// URLs where a wider search (RCTOPO_PARITY_MUTATIONS) once found a difference, kept so it stays fixed.
const REGRESSIONS: &[&str] = &[
    "mongodb://CN%3Dclient@db1/?authMechanism=M\\ONGODB-X509&tls=true",
    "mongodb://CN%3Dclient@db1/?authMechanism=MONGODB-X50\\9&tls=true",
    "mongodb://CN%3Dclient@db1/?authMechanism=?MONGODB-X509&tls=true",
    "mongodb://u@db1/?authMechanism=SCRAM.SHA.1",
    "mongodb://u@db1/?authMechanism=(",
    "mongodb://a@b@c",
    "mongodb://a@b@",
    "mongodb://u@:1@h",
    "mongodb://host/db?x=a@b",
    "mongodb://rc:p@ss/word@db1/rc",
    "mongodb://h/a/../b",
    "mongodb://h/db%zz",
    "mongodb://h/?%zz=1",
    // Where the URL parser (the `url` crate here, whatwg-url and Node's URL in the driver) decides.
    "mongodb://h/a/%2e%2E/b",
    "mongodb://h/.%2E/db",
    "mongodb://u:p@h/\tdb",
    "mongodb://h/db#frag?replicaSet=x",
    "mongodb://h/d b",
    "mongodb://h\\x/db",
    "mongodb://u:@h@x/db",
    "mongodb://[::ffff:1.2.3.4]:27017/db",
    "mongodb://[::01.2.3.4]/db",
    "mongodb://[1:2:3:4:5:6:7:8:9]/db",
    "mongodb://h:65536/db",
    "mongodb://h:0099/db",
    "mongodb://caf\u{e9}/db",
    "mongodb://h/db?a=1&&b=%zz",
    "mongodb://u%zz:p@h/db",
];

/// Characters mutations insert: URL delimiters and characters that need escaping.
const INSERTS: &[&str] = &[
    "@", ":", "/", "?", "#", "[", "]", "%", ",", "=", "&", " ", ".", "-", "%2F", "%40", "%zz", "+",
    "\t", "é", "0", "\\", "^", "|", "<",
];

fn mutate(rng: &mut Rng, seed: &str) -> String {
    let chars: Vec<char> = seed.chars().collect();
    let i = rng.below(chars.len());
    let mut out: Vec<char> = chars.clone();
    match rng.below(5) {
        0 => {
            out.remove(i);
        }
        1 => out.insert(i, chars[i]),
        2 => {
            for (k, c) in rng.pick(INSERTS).chars().enumerate() {
                out.insert(i + k, c);
            }
        }
        3 if i + 1 < out.len() => out.swap(i, i + 1),
        _ => {
            let escaped = format!("%{:02X}", chars[i] as u32 & 0xff);
            out.splice(i..=i, escaped.chars());
        }
    }
    out.into_iter().collect()
}

/// Values to try for an option of each kind (good ones first).
fn values_for(kind: OptionKind) -> &'static [&'static str] {
    match kind {
        OptionKind::Boolean => &["true", "false", "TRUE", "1", "yes"],
        OptionKind::Int => &["10", "-5", "10ms", "abc"],
        OptionKind::UInt => &["0", "100", "-1", "x1", " 7"],
        OptionKind::String | OptionKind::Any | OptionKind::AuthSource => &["abc", "a%2Cb"],
        OptionKind::ObjectOnly | OptionKind::Auth | OptionKind::ServerApi => &["x", "{}"],
        OptionKind::AuthMechanism => &[
            "SCRAM-SHA-256",
            "scram-sha-1",
            "DEFAULT",
            "PLAIN",
            "MONGODB-X509",
            "GSSAPI",
            "MONGODB-AWS",
            "MONGODB-CR",
            "sha",
            "BOGUS",
        ],
        OptionKind::AuthMechanismProperties => &[
            "SERVICE_NAME:mongodb",
            "CANONICALIZE_HOST_NAME:true",
            "CANONICALIZE_HOST_NAME:maybe",
            "novalue",
            "ALLOWED_HOSTS:x",
        ],
        OptionKind::Compressors => &["zstd", "snappy,zlib", "none", "gzip", "zlib,"],
        OptionKind::Family => &["4", "6", "5", "six"],
        OptionKind::MaxConnecting => &["2", "0", "-1"],
        OptionKind::MaxStalenessSeconds => &["90", "0", "-1"],
        OptionKind::ReadPreference => &[
            "primary",
            "secondaryPreferred",
            "nearest",
            "Primary",
            "secondary_preferred",
        ],
        OptionKind::ReadPreferenceTags => &["dc:ny", "dc:ny,rack:1", "dc", ""],
        OptionKind::ServerMonitoringMode => &["auto", "poll", "stream", "push"],
        OptionKind::Ignored => &["100", "", "x"],
        OptionKind::WriteConcern => &["majority", "1"],
        OptionKind::LogPath => &["stderr", "stdout", "/var/log/x"],
        // OptionKind is #[non_exhaustive]: a kind added later needs its values here.
        other => panic!("no values to try for option kind {other:?}"),
    }
}

/// Host lists worth trying: every kind, and the edges of each.
const HOST_LISTS: &[&str] = &[
    "db1",
    "DB1.Example.COM:27018",
    "db1:0",
    "db1:65535",
    "db1:65536",
    "db1:",
    "db1:27017:1",
    "db1:+1",
    "127.0.0.1",
    "256.1.1.1",
    "[::1]",
    "[::1]:27018",
    "[::ffff:1.2.3.4]",
    "[fe80::1%25eth0]",
    "[::1",
    "::1",
    "[1:2:3:4:5:6:7:8:9]",
    "%2Ftmp%2Fm.sock",
    "%2Ftmp%2Fm%zz.sock",
    "rel%2Fm.sock",
    "m.sock",
    "/tmp/m.sock",
    "a,,b",
    "a,b:1,c:2",
    ",a",
    "xn--bcher-kva.example",
    "bücher.example",
    "under_score",
    "a%20b",
    "a b",
    "h#frag",
    "h^x",
];

fn corpus() -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    if let Some(cases) = spec_cases() {
        urls.extend(
            cases
                .iter()
                .filter_map(|(_, c)| c["uri"].as_str().map(str::to_string)),
        );
    }
    // RCTOPO_PARITY_MUTATIONS / RCTOPO_PARITY_SEED widen the search when hunting differences.
    let count = std::env::var("RCTOPO_PARITY_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MUTATIONS);
    let seed = std::env::var("RCTOPO_PARITY_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(SEED);
    urls.extend(generated_corpus(count, seed));
    let mut seen = std::collections::HashSet::new();
    urls.retain(|u| seen.insert(u.clone()));
    urls
}

/// Mutations of the seeds in the default corpus, and the generator's default seed.
const MUTATIONS: usize = 900;
const SEED: u64 = 0x5eed_1234_abcd_0001;

/// The corpus without the spec tests' URLs (those are read where they live, never copied):
/// seeds, regressions, every option with values of its kind, host lists, option pairs and
/// `count` mutations.
fn generated_corpus(count: usize, seed: u64) -> Vec<String> {
    let mut urls: Vec<String> = Vec::new();
    urls.extend(SEEDS.iter().map(|s| s.to_string()));
    urls.extend(REGRESSIONS.iter().map(|s| s.to_string()));
    for o in OPTIONS {
        for value in values_for(o.kind) {
            urls.push(format!("mongodb://u:p@db1/rc?{}={value}", o.name));
            urls.push(format!(
                "mongodb://db1,db2/rc?replicaSet=rs0&{}={value}",
                o.name.to_uppercase()
            ));
        }
        urls.push(format!("mongodb+srv://c.example.com/rc?{}=true", o.name));
    }
    for hosts in HOST_LISTS {
        urls.push(format!("mongodb://{hosts}/rocketchat?replicaSet=rs0"));
        urls.push(format!("mongodb://u:p@{hosts}"));
    }
    for (a, b) in [
        ("tls=true", "ssl=false"),
        ("tls=true", "ssl=true"),
        ("tlsInsecure=true", "tlsAllowInvalidHostnames=false"),
        ("loadBalanced=true", "directConnection=false"),
        ("loadBalanced=true", "replicaSet=rs0"),
        ("directConnection=true", "replicaSet=rs0"),
        ("proxyPort=1080", "proxyHost=p"),
        ("proxyUsername=u", "proxyHost=p"),
        ("readPreference=primary", "readPreferenceTags=dc:ny"),
        ("readPreference=secondary", "maxStalenessSeconds=90"),
        ("replicaSet=a", "REPLICASET=b"),
        ("w=1", "w=2"),
        ("dbName=other", "authSource=admin"),
    ] {
        urls.push(format!("mongodb://u:p@db1/rc?{a}&{b}"));
        urls.push(format!("mongodb://db1,db2/?{a}&{b}"));
    }
    let mut rng = Rng(seed);
    for _ in 0..count {
        let seed = rng.pick(SEEDS);
        let mut url = mutate(&mut rng, seed);
        if rng.below(3) == 0 {
            url = mutate(&mut rng, &url);
        }
        urls.push(url);
    }
    let mut seen = std::collections::HashSet::new();
    urls.retain(|u| seen.insert(u.clone()));
    urls
}

/// The driver's verdicts, one per URL; `None` when the oracle cannot run here.
fn driver_verdicts(urls: &[String]) -> Option<Vec<(bool, String)>> {
    let dir = oracle_dir();
    let mut child = Command::new("node")
        .arg("verdict.js")
        .current_dir(&dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .ok()?;
    let mut input = String::new();
    for u in urls {
        input.push_str(&serde_json::to_string(u).ok()?);
        input.push('\n');
    }
    let mut stdin = child.stdin.take()?;
    let writer = std::thread::spawn(move || stdin.write_all(input.as_bytes()));
    let out = child.wait_with_output().ok()?;
    writer.join().ok()?.ok()?;
    assert!(out.status.success(), "the driver oracle failed");
    let text = String::from_utf8(out.stdout).ok()?;
    let verdicts: Vec<(bool, String)> = text
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap_or(Value::Null);
            (
                v["valid"].as_bool().unwrap_or(false),
                v["error"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    assert_eq!(
        verdicts.len(),
        urls.len(),
        "the oracle answered {} of {} URLs",
        verdicts.len(),
        urls.len()
    );
    Some(verdicts)
}

fn oracle_available() -> bool {
    let installed = oracle_dir()
        .join("node_modules/mongodb/package.json")
        .exists();
    if !installed {
        say(&format!(
            "SKIP mongo driver parity: {} has no node_modules (run `npm ci` there)",
            oracle_dir().display()
        ));
    }
    installed
}

/// URLs where a difference is known and explained.
fn known_differences() -> Vec<String> {
    let path = oracle_dir().join("known-differences.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let doc: Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    doc["differences"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|d| {
            assert!(
                d["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "difference without a reason: {d}"
            );
            d["uri"].as_str().unwrap_or_default().to_string()
        })
        .collect()
}

#[test]
fn verdicts_match_rocket_chats_driver() {
    if !oracle_available() {
        return;
    }
    let urls = corpus();
    assert!(urls.len() >= 500, "corpus has only {} URLs", urls.len());
    let Some(verdicts) = driver_verdicts(&urls) else {
        say("SKIP mongo driver parity: `node` cannot be started");
        return;
    };
    let known = known_differences();
    let mut disagreements = Vec::new();
    let mut agreements = 0;
    let mut accepted = 0;
    let mut listed = 0;
    for (url, (driver_valid, driver_error)) in urls.iter().zip(&verdicts) {
        let ours = MongoUrl::parse(url);
        accepted += usize::from(*driver_valid);
        if ours.is_ok() == *driver_valid {
            agreements += 1;
        } else if known.contains(url) {
            listed += 1;
        } else {
            disagreements.push(format!(
                "{url:?}: driver {} ({driver_error}), ours {}",
                if *driver_valid { "accepts" } else { "rejects" },
                match &ours {
                    Ok(_) => "accepts".to_string(),
                    Err(e) => format!("rejects ({e})"),
                }
            ));
        }
    }
    say(&format!(
        "mongo driver parity: {} URLs, driver accepts {accepted} and rejects {}; {agreements} agree, {listed} listed differences, {} unexplained",
        urls.len(),
        urls.len() - accepted,
        disagreements.len()
    ));
    assert!(
        disagreements.is_empty(),
        "{} disagreement(s) with the driver:\n{}",
        disagreements.len(),
        disagreements.join("\n")
    );
}

/// bench/urls.jsonl, the corpus of the side-by-side URL benchmarks (bench/README.md), is the
/// generated parity corpus: one JSON string per line. `RCTOPO_WRITE_BENCH_CORPUS=1` rewrites it.
#[test]
fn bench_corpus_is_the_generated_parity_corpus() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../bench/urls.jsonl");
    let mut generated = String::new();
    for url in generated_corpus(MUTATIONS, SEED) {
        generated.push_str(&serde_json::to_string(&url).expect("a string serialises"));
        generated.push('\n');
    }
    if std::env::var_os("RCTOPO_WRITE_BENCH_CORPUS").is_some() {
        std::fs::write(path, &generated).expect("bench/urls.jsonl is writable");
    }
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        committed == generated,
        "bench/urls.jsonl is not the generated parity corpus; rewrite it with \
         RCTOPO_WRITE_BENCH_CORPUS=1 cargo test -p rocketchat-topology --test mongo_parity bench_corpus"
    );
}

#[test]
fn option_table_matches_the_drivers() {
    if !oracle_available() {
        return;
    }
    let out = Command::new("node")
        .args(["verdict.js", "--options"])
        .current_dir(oracle_dir())
        .output();
    let Ok(out) = out else {
        say("SKIP option table parity: `node` cannot be started");
        return;
    };
    let names: Vec<String> = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let ours: Vec<&str> = OPTIONS.iter().map(|o| o.name).collect();
    assert_eq!(
        ours, names,
        "the option table differs from the installed driver's OPTIONS"
    );
}
