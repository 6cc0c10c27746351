//! Helpers for M rule tests: bare URLs through the same rules as a topology.
use super::{url_diagnostics, UrlContext};
use crate::diagnostic::Diagnostic;

/// Diagnostics of `code` for MONGO_URL `url` (and MONGO_OPLOG_URL `oplog`) at Rocket.Chat `version`.
pub fn url_codes(url: &str, oplog: Option<&str>, version: &str, code: &str) -> Vec<Diagnostic> {
    let ctx = UrlContext::from_urls(url, oplog, version.parse().ok());
    url_diagnostics(&ctx)
        .into_iter()
        .filter(|d| d.code == code)
        .collect()
}

/// A good replica-set URL (quiet for every M rule).
pub const GOOD: &str =
    "mongodb://db1:27017,db2:27017,db3:27017/rocketchat?replicaSet=rs0&authSource=admin";
