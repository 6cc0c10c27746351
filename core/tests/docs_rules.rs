//! docs/rules.md and the rule registry stay in step: one row per rule, same code, name, severity.

use rocketchat_topology::check::rules;
use rocketchat_topology::probe;
use rocketchat_topology::Severity;
use std::collections::BTreeSet;

/// Code, name and severity of every rule: the checker's and the live probe's (family L).
fn all_rules() -> Vec<(&'static str, &'static str, Severity)> {
    let checker = rules().into_iter().map(|r| (r.code, r.name, r.severity));
    let live = probe::rules().iter().map(|r| (r.code, r.name, r.severity));
    checker.chain(live).collect()
}

fn rules_md() -> String {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules.md");
    std::fs::read_to_string(path).expect("docs/rules.md exists")
}

#[test]
fn every_rule_has_its_row() {
    let doc = rules_md();
    for (code, name, severity) in all_rules() {
        let row = format!("| {code} | `{name}` | {} |", severity.as_str());
        assert!(
            doc.contains(&row),
            "docs/rules.md lacks the row for {code}: expected a line starting {row}"
        );
    }
}

#[test]
fn every_row_names_a_rule() {
    let codes: BTreeSet<&str> = all_rules().iter().map(|r| r.0).collect();
    for line in rules_md().lines() {
        let Some(rest) = line.strip_prefix("| ") else {
            continue;
        };
        let code = rest.split(' ').next().unwrap_or("");
        let looks_like_code = code.len() == 4
            && code.starts_with(|c: char| c.is_ascii_uppercase())
            && code[1..].chars().all(|c| c.is_ascii_digit());
        if looks_like_code {
            assert!(
                codes.contains(code),
                "docs/rules.md has a row for {code}, which no rule has"
            );
        }
    }
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let all = rules();
    let codes: BTreeSet<&str> = all_rules().iter().map(|r| r.0).collect();
    let names: BTreeSet<&str> = all_rules().iter().map(|r| r.1).collect();
    assert_eq!(codes.len(), all_rules().len(), "duplicate rule code");
    assert_eq!(names.len(), all_rules().len(), "duplicate rule name");
    for r in probe::rules() {
        assert!(
            r.code.starts_with('L'),
            "{}: probe rules are family L",
            r.code
        );
        assert!(
            r.summary.ends_with('.'),
            "{}: summary should be a sentence",
            r.code
        );
    }
    for r in &all {
        assert!(
            "TRVPMS".contains(&r.code[..1]),
            "{}: unknown family",
            r.code
        );
        assert!(
            r.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}",
            r.name
        );
        assert!(
            r.summary.ends_with('.'),
            "{}: summary should be a sentence",
            r.code
        );
    }
}
