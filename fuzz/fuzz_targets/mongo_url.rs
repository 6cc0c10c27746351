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
    let shown = everything_shown(text);
    let (url, oplog) = split(text);
    for line in [url, oplog] {
        let Ok(parsed) = MongoUrl::parse(line) else {
            continue;
        };
        let Some(whole) = parsed.password.as_ref().map(|p| p.expose().to_string()) else {
            continue;
        };
        // A password cut by an unescaped `@` is, as the driver reads it, the text before that
        // `@` joined to the driver's placeholder host (`secret@__this_is_a_placeholder__`); the
        // placeholder is no secret and may show in another URL's username. Judge the password's
        // own text.
        for password in whole.split(PLACEHOLDER_HOST) {
            judge(text, &parsed, password, &shown);
        }
    }
});

/// The placeholder host of the driver's URL reader (`mongodb-connection-string-url`).
const PLACEHOLDER_HOST: &str = "__this_is_a_placeholder__";

/// MONGO_URL, and after the first newline MONGO_OPLOG_URL.
fn split(text: &str) -> (&str, &str) {
    text.split_once('\n').unwrap_or((text, ""))
}

/// Everything the tool shows for the input: the URL report (JSON and each diagnostic) and each
/// parsed URL's Display and Debug.
fn everything_shown(text: &str) -> String {
    let (url, oplog) = split(text);
    let report = check_urls(url, Some(oplog), None);
    let mut shown = serde_json::to_string(&report).unwrap_or_default();
    for d in &report.diagnostics {
        shown.push_str(&d.to_string());
    }
    for parsed in [url, oplog]
        .into_iter()
        .filter_map(|l| MongoUrl::parse(l).ok())
    {
        shown.push_str(&format!("{parsed} {parsed:?}"));
    }
    shown
}

/// Fails when `password` shows in what the tool shows, unless the same text appears elsewhere
/// in the input, where it could have come from, or the tool shows it without the password too.
fn judge(text: &str, parsed: &MongoUrl, password: &str, shown: &str) {
    if password.len() < 8 || !shown.contains(password) {
        return;
    }
    // Only a password that appears nowhere else (hosts, username, database, options, the
    // other URL) can be told apart in the output.
    let mut others: Vec<String> = parsed.hosts.iter().map(|h| h.host.to_string()).collect();
    others.extend(parsed.username.as_deref().map(String::from));
    others.extend(parsed.database.as_deref().map(String::from));
    others.extend(parsed.options.keys().map(|k| k.to_string()));
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
    if elsewhere || word {
        return;
    }
    // The tool's own words can hold the same text (a help line's `replicaSet=`): what it shows
    // for the input with the password written as other letters of the same length shows them
    // too. Only a password written as is in the input can be swapped this way.
    if text.contains(password) {
        let other = "Z".repeat(password.len());
        if everything_shown(&text.replace(password, &other)).contains(password) {
            return;
        }
    }
    panic!("password in the report for {text:?}");
}
