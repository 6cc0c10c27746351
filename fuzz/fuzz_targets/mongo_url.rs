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
        let Some(password) = parsed.password.as_ref().map(|p| p.expose().to_string()) else {
            continue;
        };
        let parsed_shown = format!("{parsed} {parsed:?}");
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
        let elsewhere = text.matches(password.as_str()).count() > 1
            || others.iter().any(|o| o.contains(password.as_str()));
        // A plain word may be the output's own vocabulary (`password: ***` in Debug): judge
        // only passwords with a digit or a symbol in them.
        let word = password
            .chars()
            .all(|c| c.is_ascii_alphabetic() || c == '_' || c == ' ');
        if password.len() >= 8 && !elsewhere && !word {
            assert!(
                !parsed_shown.contains(&password),
                "password shown for {text:?}"
            );
            assert!(
                !shown.contains(&password),
                "password in the report for {text:?}"
            );
        }
    }
});
