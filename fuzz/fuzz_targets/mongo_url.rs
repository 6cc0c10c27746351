//! Feeds arbitrary bytes to the connection-string parser and the URL rules: neither may panic,
//! and a parsed URL's Display never shows its password.
#![no_main]

use libfuzzer_sys::fuzz_target;
use rocketchat_topology::mongo_url::{check_urls, MongoUrl};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(url) = MongoUrl::parse(text) {
        let shown = format!("{url} {url:?}");
        // Only a password that appears nowhere else in the URL (database, hosts, username,
        // options) can be told apart in the output.
        let mut others: Vec<String> = url.hosts.iter().map(|h| h.host.clone()).collect();
        others.extend(url.username.clone());
        others.extend(url.database.clone());
        others.extend(url.options.values().map(|v| match v.as_str() {
            Some(s) => s.to_string(),
            None => v.to_string(),
        }));
        others.extend(url.options.keys().cloned());
        if let Some(password) = url.password.as_ref().map(|p| p.expose()) {
            if password.len() >= 8 && !others.iter().any(|o| o.contains(password)) {
                assert!(!shown.contains(password), "password shown for {text:?}");
            }
        }
    }
    let (url, oplog) = text.split_once('\n').unwrap_or((text, ""));
    let _ = check_urls(url, Some(oplog), None);
});
