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
        if let Some(password) = url.password.as_ref().map(|p| p.expose()) {
            if password.len() >= 8 && !text.replacen(password, "", 1).contains(password) {
                assert!(!shown.contains(password), "password shown for {text:?}");
            }
        }
    }
    let (url, oplog) = text.split_once('\n').unwrap_or((text, ""));
    let _ = check_urls(url, Some(oplog), None);
});
