//! The checker: independent rules over a [`Layout`], each producing [`Diagnostic`]s.
//!
//! One rule per file, grouped by family (the code's letter): `topology` (T), `replica_set` (R),
//! `versions` (V), `proxy` (P), `mongo` (M, the MONGO_URL rules) and `security` (S); the live
//! probe's rules (L) are listed here too but judged by [`crate::probe`]. Each rule is
//! a [`Rule`] value with its code, name, summary, rationale and example; docs/rules.md is
//! generated from them ([`rules_markdown`], `rctopo rules --format markdown`).

mod context;
mod docs;
mod mongo;
mod proxy;
mod replica_set;
mod security;
mod topology;
mod versions;

#[cfg(feature = "live")]
pub(crate) use context::displayable;
pub use context::{Context, Emit};
pub use docs::rules_markdown;
pub(crate) use mongo::report as mongo_report;
pub use mongo::{url_diagnostics, UrlContext, UrlField};

use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::layout::Layout;

/// One rule of the checker. Its fields are the rule's only documentation: `rctopo rules` prints
/// them and docs/rules.md is generated from them ([`rules_markdown`]).
pub struct Rule {
    /// Stable code: family letter + number (`T005`).
    pub code: &'static str,
    /// Kebab-case slug (`duplicate-port`).
    pub name: &'static str,
    /// The severity its diagnostics usually carry (a rule may use several).
    pub severity: Severity,
    /// One sentence: what the rule catches.
    pub summary: &'static str,
    /// Why it matters, with the source of every fact about Rocket.Chat or MongoDB
    /// (RC = RocketChat/Rocket.Chat issue or PR; "reference:" = a section of the reference notes).
    pub why: &'static str,
    /// A fragment of topology (or URL) that triggers the rule, as Markdown.
    pub example: &'static str,
    /// What the rule reads, and the function that reads it.
    pub check: Check,
}

/// What a rule reads.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Check {
    /// The whole layout.
    Layout(fn(&Context, &mut Emit)),
    /// MONGO_URL and MONGO_OPLOG_URL, parsed once per check; the same rule then also runs on
    /// bare URLs ([`url_diagnostics`]).
    Urls(fn(&UrlContext, &mut Emit)),
    /// Judged by the live probe ([`crate::probe`]) from what the running servers answer; `check`
    /// does not run it.
    Live,
}

/// A family of rules: the code's letter, a title and what the family has in common.
pub struct Family {
    /// The code's first character (`T`).
    pub letter: char,
    /// What the family is about, as docs/rules.md titles it.
    pub title: &'static str,
    /// A paragraph docs/rules.md prints under the title (may be empty).
    pub intro: &'static str,
    /// Its rules, in code order.
    pub rules: &'static [&'static Rule],
}

/// The families, in the order docs/rules.md lists them.
pub const FAMILIES: &[&Family] = &[
    &topology::FAMILY,
    &replica_set::FAMILY,
    &versions::FAMILY,
    &proxy::FAMILY,
    &mongo::FAMILY,
    &security::FAMILY,
    &crate::probe::FAMILY,
];

/// Every rule, in code order.
pub fn rules() -> Vec<&'static Rule> {
    let mut all: Vec<&'static Rule> = FAMILIES.iter().flat_map(|f| f.rules).copied().collect();
    all.sort_by_key(|r| r.code);
    all
}

/// Looks a rule up by code or name.
pub fn rule(code_or_name: &str) -> Option<&'static Rule> {
    rules()
        .into_iter()
        .find(|r| r.code.eq_ignore_ascii_case(code_or_name) || r.name == code_or_name)
}

/// Runs every rule over `layout`. Diagnostics carry file positions when the topology was read
/// from text.
pub fn check(layout: &Layout) -> Report {
    let ctx = Context::new(layout);
    let urls = UrlContext::from_topology(&ctx);
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for rule in rules() {
        let mut emit = Emit::new(rule, &mut diagnostics);
        match rule.check {
            Check::Layout(check) => check(&ctx, &mut emit),
            Check::Urls(check) => check(&urls, &mut emit),
            Check::Live => {}
        }
    }
    report(layout, diagnostics)
}

/// The report of `diagnostics` found in `layout`: each placed in the topology file, with values
/// read from the environment shown as their `${NAME}`, sorted. Shared with the live probe.
pub(crate) fn report(layout: &Layout, mut diagnostics: Vec<Diagnostic>) -> Report {
    let provenance = &layout.topology.provenance;
    for d in &mut diagnostics {
        d.location = provenance.source.locate(&d.path);
        // A value read from the environment shows as its `${NAME}`, whatever a rule quoted.
        d.message = provenance.conceal(&d.message);
        d.help = provenance.conceal(&d.help);
    }
    Report::new(diagnostics)
}

#[cfg(test)]
pub(crate) mod testing;
