//! Feeds arbitrary text to the connection-string parser and the URL rules: neither may panic,
//! and neither a parsed URL's Display/Debug nor the URL report (JSON, diagnostics) shows the
//! password.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rocketchat_topology::mongo_url::{check_urls, MongoUrl};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let (url, oplog) = text.split_once('\n').unwrap_or((text, ""));
    let report = check_urls(url, Some(oplog), None);
    let mut shown = serde_json::to_string(&report).unwrap_or_default();
    for d in &report.diagnostics {
        shown.push_str(&d.to_string());
    }
    for line in [url, oplog] {
        let Ok(parsed) = MongoUrl::parse(line) else {
            continue;
        };
        let Some(whole) = parsed.password.as_ref().map(|p| p.expose().to_string()) else {
            continue;
        };
        let parsed_shown = format!("{parsed} {parsed:?}");
        // A password cut by an unescaped `@` is, as the driver reads it, the text before that
        // `@` joined to the driver's placeholder host (`secret@__this_is_a_placeholder__`); the
        // placeholder is no secret and may show in another URL's username. Judge the password's
        // own text.
        for password in whole.split(PLACEHOLDER_HOST) {
            judge(text, &parsed, password, &parsed_shown, &shown);
        }
    }
});

/// The placeholder host of the driver's URL reader (`mongodb-connection-string-url`).
const PLACEHOLDER_HOST: &str = "__this_is_a_placeholder__";

/// Fails when `password` shows in the parsed URL's Display/Debug or in the report, unless the
/// same text appears elsewhere in the input, where it could have come from.
fn judge(text: &str, parsed: &MongoUrl, password: &str, parsed_shown: &str, shown: &str) {
    if password.len() < 8 {
        return;
    }
    // Only a password that appears nowhere else (hosts, username, database, options, the
    // other URL) can be told apart in the output.
    let mut others: Vec<String> = parsed.hosts.iter().map(|h| h.host.clone()).collect();
    others.extend(parsed.username.clone());
    others.extend(parsed.database.clone());
    others.extend(parsed.options.keys().cloned());
    others.extend(parsed.options.values().map(|v| match v.as_str() {
        Some(s) => s.to_string(),
        None => v.to_string(),
    }));
    let elsewhere =
        text.matches(password).count() > 1 || others.iter().any(|o| o.contains(password));
    // A plain word may be the output's own vocabulary (`password: ***` in Debug): judge
    // only passwords with a digit or a symbol in them.
    let word = password
        .chars()
        .all(|c| c.is_ascii_alphabetic() || c == '_' || c == ' ');
    if !elsewhere && !word {
        assert!(
            !parsed_shown.contains(password),
            "password shown for {text:?}"
        );
        assert!(
            !shown.contains(password),
            "password in the report for {text:?}"
        );
    }
}
