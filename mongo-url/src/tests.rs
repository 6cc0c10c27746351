use super::*;

const CANARY: &str = "canary-7f3a";

/// Every way a parsed URL is printed.
fn everything_shown(url: &MongoUrl) -> [String; 4] {
    [
        format!("{url}"),
        format!("{url:?}"),
        format!("{:?}", url.options),
        url.redacted(),
    ]
}

#[test]
fn parses_a_rocket_chat_url() {
    let url = MongoUrl::parse(&format!(
        "mongodb://rc:{CANARY}@db1:27017,[::1]:27018,10.0.0.3/rocketchat?replicaSet=rs0&authSource=admin&ReadPreference=primary"
    ))
    .unwrap();
    assert_eq!(url.scheme, Scheme::Mongodb);
    let hosts: Vec<(&str, Option<u16>, &str)> = url
        .hosts
        .iter()
        .map(|h| (h.host.as_str(), h.port, h.kind.as_str()))
        .collect();
    assert_eq!(
        hosts,
        [
            ("db1", Some(27017), "hostname"),
            ("::1", Some(27018), "ip_literal"),
            ("10.0.0.3", Some(27017), "ipv4")
        ]
    );
    assert_eq!(url.username.as_deref(), Some("rc"));
    assert_eq!(url.password.as_ref().map(Secret::expose), Some(CANARY));
    assert_eq!(url.database.as_deref(), Some("rocketchat"));
    assert_eq!(url.replica_set(), Some("rs0"));
    assert_eq!(url.option_str("readpreference"), Some("primary"));
    assert_eq!(url.effective_auth_db(), "admin");
}

#[test]
fn password_is_never_shown() {
    let text = format!("mongodb://rc:{CANARY}@db1/rocketchat?replicaSet=rs0&proxyHost=p&proxyUsername=u&proxyPassword={CANARY}");
    let url = MongoUrl::parse(&text).unwrap();
    for shown in everything_shown(&url) {
        assert!(!shown.contains(CANARY), "{shown}");
    }
    assert_eq!(url.expose(), text);
}

#[test]
fn errors_never_show_the_password() {
    for text in [
        format!("mongodb://rc:{CANARY}@@db1/rc"),
        format!("mongodb://rc:{CANARY}/x@db1/rc"),
        format!("mongodb://rc:{CANARY}%zz@db1/rc"),
        format!("mongodb://rc:{CANARY}@db1/rc?replSet=x"),
        format!("mongodb://rc:{CANARY}@db1/rc?proxyPassword={CANARY}&proxyUsername={CANARY}"),
        format!("mongodb://rc:{CANARY}@db1/rc?authMechanism=MONGODB-X509"),
        // A password whose `@` is missing reads as a host: never quoted.
        format!("mongodb://rc:{CANARY}/rocketchat?replicaSet=rs0"),
        format!("mongodb://rc:{CANARY},db2/rocketchat?replicaSet=rs0"),
        format!("mongodb://{CANARY}/x:pw@db1/rc"),
        format!("mongodb://u%zz{CANARY}:pw@db1/rc"),
        format!("mongodb://rc:{CANARY}@db1/rc?tlsCertificateKeyFilePassword={CANARY}&tlsCertificateKeyFilePassword=x"),
        // A secret option's value with an unencoded `&`: its tail reads as an option name.
        format!("mongodb://db1/rc?proxyHost=p&proxyPassword=a&{CANARY}"),
        format!("mongodb://db1/rc?proxyHost=p&proxyPassword=a&{CANARY}=b"),
        format!("mongodb://db1/rc?proxyHost=p&proxyPassword=a&{CANARY}&{CANARY}"),
        format!("mongodb://db1/rc?proxyHost=p&proxyPassword=a&{CANARY}&Canary-7f3a=x"),
        format!("mongodb://db1/rc?proxyHost=p&proxyPassword=a&x=1&{CANARY}"),
    ] {
        let e = MongoUrl::parse(&text).expect_err(&text);
        for shown in [e.to_string(), format!("{e:?}"), e.help().to_string()] {
            assert!(!shown.contains(CANARY), "{text}: {shown}");
        }
    }
}

#[test]
fn unescaped_password_help_gives_the_escapes() {
    let e = MongoUrl::parse("mongodb://rc:p/ss@db1/rc").unwrap_err();
    assert!(e.help().contains("'/' as %2F"), "{}", e.help());
    // The username is userinfo too: the help names the escapes, never the text.
    let e = MongoUrl::parse("mongodb://r/c:pw@db1/rc").unwrap_err();
    assert!(e.help().contains("'/' as %2F"), "{}", e.help());
    assert!(!format!("{e} {}", e.help()).contains("r/c"), "{e}");
}

#[test]
fn unknown_option_suggests() {
    let e = MongoUrl::parse("mongodb://db1/rc?replSet=rs0").unwrap_err();
    assert!(e.to_string().contains("replset"));
    assert!(e.help().contains("replicaSet"));
}

#[test]
fn driver_quirks() {
    let ok = |s: &str| MongoUrl::parse(s).unwrap_or_else(|e| panic!("{s}: {e}"));
    let bad = |s: &str| assert!(MongoUrl::parse(s).is_err(), "{s} should be rejected");
    ok("mongodb://h/?replicaSet=a&REPLICASET=b");
    assert_eq!(
        ok("mongodb://h/?replicaSet=a&REPLICASET=b").replica_set(),
        Some("a")
    );
    bad("mongodb://h/?replicaSet=a&replicaSet=a");
    bad("mongodb://h/?maxIdleTimeMS=");
    ok("mongodb://h/?timeoutMS=");
    ok("mongodb://h/a/../b");
    assert_eq!(ok("mongodb://h/a/../b").database.as_deref(), Some("b"));
    bad("mongodb://a@b@");
    ok("mongodb://a@b@c");
    bad("mongodb://h/db%zz");
    ok("mongodb://h/?maxStalenessSeconds=5");
    bad("mongodb://h/?maxStalenessSeconds=0");
    bad("mongodb://h/?readPreference=primary&maxStalenessSeconds=5");
    bad("mongodb://u@h/?authMechanism=(");
    ok("mongodb://u@h/?authMechanism=SCRAM.SHA.1");
    bad("mongodb://h/?authMechanism=SHA");
    bad("mongodb://h/?tlsInsecure=true&tlsAllowInvalidCertificates=true");
    bad("mongodb://h1,h2/?directConnection=true");
    bad("mongodb://h/?loadBalanced=true&replicaSet=rs0");
    bad("mongodb+srv://h/?directConnection=true");
    bad("mongodb://h/?srvMaxHosts=1");
    ok("mongodb+srv://cluster.example.com/rc?srvMaxHosts=1");
    bad("mongodb+srv://a,b/rc");
    bad("mongodb+srv://a:27017/rc");
}

#[test]
fn srv_implies_tls_unless_told() {
    let url = MongoUrl::parse("mongodb+srv://Cluster0.example.net/rc").unwrap();
    assert!(url.is_srv());
    assert_eq!(url.option_bool("tls"), Some(true));
    assert_eq!(url.hosts[0].host, "cluster0.example.net");
    assert_eq!(url.hosts[0].port, None);
    let url = MongoUrl::parse("mongodb+srv://cluster0.example.net/rc?ssl=false").unwrap();
    assert_eq!(url.option_bool("tls"), None);
    assert_eq!(url.option_bool("ssl"), Some(false));
}

#[test]
fn auth_mechanism_properties_secrets_are_never_shown() {
    let text = format!(
        "mongodb://AKIA:{CANARY}@db1/rc?replicaSet=rs0&authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:{CANARY},MY_SECRET:{CANARY}x,SERVICE_NAME:mongodb"
    );
    let url = MongoUrl::parse(&text).unwrap();
    for shown in everything_shown(&url) {
        assert!(!shown.contains(CANARY), "{shown}");
        assert!(shown.contains("AWS_SESSION_TOKEN"), "{shown}");
        assert!(shown.contains("mongodb"), "{shown}");
    }
    let props = url.option("authMechanismProperties");
    assert_eq!(
        props.and_then(|p| p.as_object()?["SERVICE_NAME"].as_str()),
        Some("mongodb")
    );
}

#[test]
fn a_session_token_alone_is_a_secret() {
    let with_token = MongoUrl::parse(&format!(
        "mongodb://db1/rc?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:{CANARY}"
    ))
    .unwrap();
    assert!(!with_token.has_password());
    assert!(with_token.has_secret());
    assert_eq!(
        with_token.written_secrets(),
        ["authMechanismProperties AWS_SESSION_TOKEN"]
    );
    let oidc = MongoUrl::parse(
        "mongodb://db1/rc?authMechanism=MONGODB-OIDC&authMechanismProperties=ENVIRONMENT:azure,TOKEN_RESOURCE:api://x",
    )
    .unwrap();
    assert!(
        !oidc.has_secret(),
        "TOKEN_RESOURCE names a resource, not a token"
    );
}

#[test]
fn a_malformed_property_after_a_token_is_not_quoted() {
    // A comma inside the token makes its tail an entry without `:`.
    let text = format!(
        "mongodb://db1/rc?authMechanism=MONGODB-AWS&authMechanismProperties=AWS_SESSION_TOKEN:abc,{CANARY}"
    );
    let e = MongoUrl::parse(&text).expect_err(&text);
    assert!(!e.to_string().contains(CANARY), "{e}");
}

#[test]
fn a_password_with_an_unescaped_at_is_never_shown_as_hosts() {
    let tail = "t41l";
    for text in [
        format!("mongodb://u:p@{tail}@db1/rc"),
        format!("mongodb://u:p@{tail}@db1:27017/rc?replicaSet=rs0"),
        format!("mongodb://u:p@{tail}:27018@db1/rc"),
        format!("mongodb://u:p@{tail}:0@db1/rc"),
        format!("mongodb://u:p@{tail}:99999@db1/rc"),
        format!("mongodb://u:p@x,{tail}@db1/rc"),
        format!("mongodb://u:p@{tail}/w{tail}@db1/rc"),
        format!("mongodb://u:p@{tail}/w{tail}%zz@db1/rc"),
        format!("mongodb://u@{tail}@db1/rc"),
    ] {
        let parsed = MongoUrl::parse(&text);
        let mut shown = Vec::new();
        match &parsed {
            Ok(url) => {
                shown.extend([format!("{url}"), format!("{url:?}"), url.redacted()]);
                assert!(
                    url.warnings.iter().any(|w| w.contains("%40")),
                    "{text}: {:?}",
                    url.warnings
                );
            }
            Err(e) => shown.extend([e.to_string(), format!("{e:?}"), e.help().to_string()]),
        }
        for s in shown {
            assert!(!s.contains(tail), "{text}: {s}");
        }
    }
}

#[test]
fn an_at_in_the_query_is_not_a_password() {
    let url = MongoUrl::parse("mongodb://u:p@db1/rc?appName=a@b").unwrap();
    assert_eq!(url.hosts[0].host, "db1");
    assert!(url.warnings.is_empty(), "{:?}", url.warnings);
}

/// A small deterministic generator (xorshift64*), so generated URLs are the same on every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
    }

    /// Up to `max` characters of `alphabet`.
    fn text(&mut self, alphabet: &[&str], max: usize) -> String {
        (0..self.below(max + 1))
            .map(|_| alphabet[self.below(alphabet.len())])
            .collect()
    }
}

/// Characters that decide between the direct reading and the URL parser's, with ordinary ones.
const TRICKY: &[&str] = &[
    "a", "Z", "0", "9", ".", "-", "_", "~", "%", "%2e", "%2E", "%41", "%zz", "%C3%A9", "é", ":",
    "/", "?", "#", "@", "&", "=", "+", ",", ";", "!", "$", "'", "(", "*", "[", "]", "\\", "^", "`",
    "{", "|", "}", "\"", "<", ">", " ", "\t", "\n", "\u{7f}", "\u{1}", "..", "sock",
];

/// Every URL the direct readings (split's plain tail, host's plain host) are held to: the
/// parity corpus (bench/urls.jsonl), MongoDB's connection-string spec tests, and URLs
/// generated from [`TRICKY`] characters.
pub(crate) fn agreement_corpus() -> Vec<String> {
    let manifest = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let corpus = std::fs::read_to_string(manifest.join("../bench/urls.jsonl"))
        .expect("bench/urls.jsonl is readable");
    let mut urls: Vec<String> = corpus
        .lines()
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_str(l).expect("one JSON string per line"))
        .collect();
    let spec = std::env::var_os("RCTOPO_SPEC_TESTS")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../shared/conformance/connection-string"));
    match std::fs::read_dir(&spec) {
        Ok(files) => {
            for file in files.flatten() {
                let text = std::fs::read_to_string(file.path()).unwrap_or_default();
                let Ok(doc) = serde_json::from_str::<serde_json::Value>(&text) else {
                    continue;
                };
                let tests = doc["tests"].as_array().cloned().unwrap_or_default();
                urls.extend(
                    tests
                        .iter()
                        .filter_map(|t| t["uri"].as_str().map(String::from)),
                );
            }
        }
        Err(_) => println!(
            "SKIP: no spec tests at {} (set RCTOPO_SPEC_TESTS)",
            spec.display()
        ),
    }
    let mut rng = Rng(0x5eed_1234_abcd_0042);
    let plain = &["a", "b", "Z", "0", "7", ".", "-", "_"];
    for _ in 0..20_000 {
        let userinfo = match rng.below(3) {
            0 => String::new(),
            1 => format!("{}@", rng.text(TRICKY, 6)),
            _ => format!("{}:{}@", rng.text(plain, 4), rng.text(TRICKY, 6)),
        };
        let hosts = (0..=rng.below(3))
            .map(|_| {
                let alphabet = if rng.below(2) == 0 { plain } else { TRICKY };
                rng.text(alphabet, 6)
            })
            .collect::<Vec<_>>()
            .join(",");
        let path = match rng.below(3) {
            0 => String::new(),
            1 => format!("/{}", rng.text(plain, 8)),
            _ => format!("/{}", rng.text(TRICKY, 6)),
        };
        let query = match rng.below(3) {
            0 => String::new(),
            1 => "?replicaSet=rs0&w=majority".to_string(),
            _ => format!("?{}={}", rng.text(TRICKY, 5), rng.text(TRICKY, 5)),
        };
        let scheme = ["mongodb://", "mongodb+srv://"][rng.below(2)];
        urls.push(format!("{scheme}{userinfo}{hosts}{path}{query}"));
    }
    urls
}
