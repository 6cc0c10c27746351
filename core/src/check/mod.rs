//! The checker: independent rules over a [`Layout`], each producing [`Diagnostic`]s.
//!
//! One rule per file, grouped by family (the code's letter): `topology` (T), `replica_set` (R),
//! `versions` (V), `proxy` (P), `mongo` (M, the MONGO_URL rules) and `security` (S). Each rule is
//! a [`Rule`] value with its code, name and summary, listed in [`RULES`]; docs/rules.md has a row
//! for every one (a test keeps the two in step).

mod context;
mod mongo;
mod proxy;
mod replica_set;
mod security;
mod topology;
mod versions;

pub(crate) use context::displayable;
pub use context::{Context, Emit};
pub use mongo::{url_diagnostics, UrlContext, UrlField};

use crate::diagnostic::{Diagnostic, Report, Severity};
use crate::layout::Layout;

/// One rule of the checker.
pub struct Rule {
    /// Stable code: family letter + number (`T005`).
    pub code: &'static str,
    /// Kebab-case slug (`duplicate-port`).
    pub name: &'static str,
    /// The severity its diagnostics usually carry (a rule may use several).
    pub severity: Severity,
    /// One line: what the rule catches.
    pub summary: &'static str,
    pub check: fn(&Context, &mut Emit),
}

/// Every rule, in code order.
pub fn rules() -> Vec<&'static Rule> {
    let mut all: Vec<&'static Rule> = Vec::new();
    all.extend_from_slice(topology::RULES);
    all.extend_from_slice(replica_set::RULES);
    all.extend_from_slice(versions::RULES);
    all.extend_from_slice(proxy::RULES);
    all.extend_from_slice(mongo::RULES);
    all.extend_from_slice(security::RULES);
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
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    for rule in rules() {
        let mut emit = Emit::new(rule, &mut diagnostics);
        (rule.check)(&ctx, &mut emit);
    }
    let source = &layout.topology.provenance.source;
    for d in &mut diagnostics {
        d.location = source.locate(&d.path);
    }
    Report::new(diagnostics)
}

#[cfg(test)]
pub(crate) mod testing;
