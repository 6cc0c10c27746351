//! Helpers for rule tests: build a topology from the built-in example plus a TOML patch.

use crate::diagnostic::Report;
use crate::layout::Layout;
use crate::load::Format;
use crate::model::Topology;

/// Parses TOML with a fixed environment (`RC_MONGO_PASSWORD` set) and checks it.
pub fn check_toml(text: &str) -> Report {
    let env = |name: &str| (name == "RC_MONGO_PASSWORD").then(|| "canary-secret".to_string());
    let topology = Topology::parse_with_env(text, Format::Toml, None, &env)
        .unwrap_or_else(|e| panic!("test topology does not load: {e}"));
    crate::check(&Layout::resolve(&topology))
}

/// The built-in example as TOML text, with `edits` applied as (old, new) replacements.
pub fn example_with(edits: &[(&str, &str)]) -> String {
    let mut text = crate::example::TOML.to_string();
    for (old, new) in edits {
        assert!(text.contains(old), "example does not contain {old:?}");
        text = text.replacen(old, new, 1);
    }
    text
}

/// The built-in example with `members` (a TOML array of member tables) as its replica set and
/// MongoDB `version`.
pub fn example_with_members(members: &str, version: &str) -> String {
    example_with(&[
        ("[{ host = \"localhost:27017\" }]", members),
        ("version = \"7.0\"", &format!("version = \"{version}\"")),
    ])
}

/// Paths where `code` fired.
pub fn paths(report: &Report, code: &str) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.path.clone())
        .collect()
}
