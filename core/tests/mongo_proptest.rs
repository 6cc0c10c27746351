//! The connection-string parser never panics, whatever it is given, and a parsed URL never
//! shows its password.

use proptest::prelude::*;
use rocketchat_topology::mongo_url::{check_urls, MongoUrl};

/// Pieces URLs are made of, so generated strings reach deep into the parser.
fn url_like() -> impl Strategy<Value = String> {
    let piece = prop::sample::select(vec![
        "mongodb://",
        "mongodb+srv://",
        "@",
        ":",
        "/",
        "?",
        "#",
        "[",
        "]",
        "%",
        "%2F",
        "%zz",
        "%C3",
        ",",
        "=",
        "&",
        ".sock",
        "::1",
        "db1",
        "27017",
        "65536",
        "0",
        "replicaSet",
        "rs0",
        "authMechanism",
        "SCRAM-SHA-1",
        "MONGODB-OIDC",
        "authMechanismProperties",
        "ENVIRONMENT:azure",
        "readPreferenceTags",
        "k:v",
        "tls",
        "true",
        "loadBalanced",
        "directConnection",
        "\\",
        "(",
        "?*",
        " ",
        "\t",
        "\n",
        "é",
        "\u{2028}",
        "local",
        "..",
    ]);
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn never_panics_on_any_text(s in any::<String>()) {
        let _ = MongoUrl::parse(&s);
        let _ = MongoUrl::parse(&format!("mongodb://{s}"));
    }

    #[test]
    fn never_panics_on_url_like_text(s in url_like(), oplog in url_like()) {
        if let Ok(url) = MongoUrl::parse(&s) {
            let _ = (url.to_string(), format!("{url:?}"), url.effective_auth_db());
        }
        let _ = check_urls(&s, Some(&oplog), Some(rocketchat_topology::Version::new(3, 0, 0)));
    }

    #[test]
    fn password_never_shown(password in "[A-Za-z0-9]{12}", host in "[a-z]{1,8}") {
        let text = format!("mongodb://rc:{password}@{host}:27017/rocketchat?replicaSet=rs0");
        let url = MongoUrl::parse(&text).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(url.password.as_ref().map(|p| p.expose()), Some(password.as_str()));
        prop_assert!(!url.to_string().contains(&password));
        let debug = format!("{url:?}");
        prop_assert!(!debug.contains(&password));
        prop_assert!(!check_urls(&text, Some(&text), None).to_json().to_string().contains(&password));
    }
}
