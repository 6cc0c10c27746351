//! S: values that would reach a rendered file's syntax unescaped (and secrets).
//!
//! The `syntax` module says what each kind of value may contain; one rule per file reports the
//! fields that break it. Rendering refuses a layout with errors, so these rules are what keeps
//! hostile input out of nginx, Apache, HAProxy, systemd, YAML and JavaScript files.

mod plaintext_password;
pub(crate) mod syntax;
mod unsafe_account;
mod unsafe_address;
mod unsafe_env_name;
mod unsafe_env_value;
mod unsafe_host_name;
mod unsafe_member;
mod unsafe_path;
mod unsafe_replica_set_name;
mod unsafe_server_name;

use super::{Family, Rule};
use crate::model::Topology;
use std::collections::BTreeMap;

pub(super) const FAMILY: Family = Family {
    letter: 'S',
    title: "Security and syntax safety",
    intro: "Every value that reaches a rendered file's syntax is checked for it; each rule is an error, and \
        `render` refuses a layout with errors. Rationale: DESIGN.md \"Rendered config is never built by \
        pasting unchecked strings\"; nginx, Apache, HAProxy, systemd, YAML and JavaScript each give the \
        characters below a meaning (directive separators, blocks, line ends, quotes, `%` specifiers and \
        `$` expansion in systemd, comments).",
    rules: RULES,
};

const RULES: &[&Rule] = &[
    &plaintext_password::RULE,
    &unsafe_server_name::RULE,
    &unsafe_path::RULE,
    &unsafe_account::RULE,
    &unsafe_host_name::RULE,
    &unsafe_address::RULE,
    &unsafe_env_name::RULE,
    &unsafe_env_value::RULE,
    &unsafe_replica_set_name::RULE,
    &unsafe_member::RULE,
];

/// The field path of an env entry. A name with control characters is escaped (`\n`), so a
/// diagnostic line stays one line; its location then falls back to the table's.
fn env_path(prefix: &str, name: &str) -> String {
    if name.chars().any(char::is_control) {
        format!("{prefix}.{}", name.escape_debug())
    } else {
        format!("{prefix}.{name}")
    }
}

/// Every `env` table with its field path: `rocketchat.env`, then `hosts[i].env`.
fn env_tables(t: &Topology) -> Vec<(String, &BTreeMap<String, String>)> {
    let mut tables = vec![("rocketchat.env".to_string(), &t.rocketchat.env)];
    for (i, host) in t.hosts.iter().enumerate() {
        tables.push((format!("hosts[{i}].env"), &host.env));
    }
    tables
}
