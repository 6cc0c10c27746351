//! docs/rules.md is generated from the rule registry (`rctopo rules --format markdown`); the
//! committed page must be what the rules say today.

use rocketchat_topology::check::{rules, rules_markdown};
use std::collections::BTreeSet;

const PAGE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/rules.md");

#[test]
fn committed_page_is_the_generated_one() {
    let committed = std::fs::read_to_string(PAGE).expect("docs/rules.md exists");
    let generated = rules_markdown();
    if committed != generated {
        let line = committed
            .lines()
            .zip(generated.lines())
            .position(|(a, b)| a != b)
            .map_or(
                committed.lines().count().min(generated.lines().count()),
                |n| n,
            )
            + 1;
        panic!(
            "docs/rules.md differs from the rules (first at line {line}); regenerate it with \
             `cargo run -p rctopo -- rules --format markdown > docs/rules.md`"
        );
    }
}

#[test]
fn codes_and_names_are_unique_and_well_formed() {
    let all = rules();
    let codes: BTreeSet<&str> = all.iter().map(|r| r.code).collect();
    let names: BTreeSet<&str> = all.iter().map(|r| r.name).collect();
    assert_eq!(codes.len(), all.len(), "duplicate rule code");
    assert_eq!(names.len(), all.len(), "duplicate rule name");
    for r in &all {
        assert!(
            "TRVPMSL".contains(&r.code[..1]),
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
        assert!(!r.why.is_empty(), "{}: why is empty", r.code);
        assert!(!r.example.is_empty(), "{}: example is empty", r.code);
    }
}

#[test]
fn every_rule_belongs_to_the_family_of_its_letter() {
    for family in rocketchat_topology::check::FAMILIES {
        for r in family.rules {
            assert!(
                r.code.starts_with(family.letter),
                "{} in {}",
                r.code,
                family.title
            );
        }
    }
}
