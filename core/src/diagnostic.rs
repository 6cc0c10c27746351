//! What a check finds: [`Diagnostic`]s collected in a [`Report`].

use serde::{Deserialize, Serialize};
use std::fmt;

/// How serious a finding is. A closed set, deliberately not `#[non_exhaustive]`: every caller
/// decides an exit status or a colour for each severity, and a new one should make them decide.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing breaks.
    Info,
    /// Likely to cause trouble; reported, does not block.
    Warning,
    /// Breaks the deployment; fails `rctopo check` and blocks rendering and planning.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A line and column (both 1-based) in the topology file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Location {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
}

/// One finding: which rule, how bad, where in the file, what is wrong and how to fix it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Stable code: family letter + number (`T001`).
    pub code: String,
    /// Kebab-case slug (`duplicate-port`).
    pub name: String,
    /// How bad it is.
    pub severity: Severity,
    /// Field path in the topology file (`hosts[1].ports[0]`).
    pub path: String,
    /// What is wrong; never holds a password nor a control character.
    pub message: String,
    /// How to fix it.
    pub help: String,
    /// Where `path` sits in the file, when the topology came from text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Location>,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] {}: {}: {}",
            self.severity, self.code, self.name, self.path, self.message
        )
    }
}

/// Every diagnostic of one check, errors first, then by path.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The findings, errors first, then by code and path.
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// A report of `diagnostics`, sorted and without repeats.
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        diagnostics.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.code.cmp(&b.code))
                .then_with(|| a.path.cmp(&b.path))
                .then_with(|| a.message.cmp(&b.message))
        });
        diagnostics.dedup();
        Report { diagnostics }
    }

    /// How many diagnostics have `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }

    /// How many errors.
    pub fn errors(&self) -> usize {
        self.count(Severity::Error)
    }

    /// How many warnings.
    pub fn warnings(&self) -> usize {
        self.count(Severity::Warning)
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.errors() > 0
    }

    /// The error diagnostics, in order.
    pub fn error_diagnostics(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// The first error as one line (`error[T005] ...`), or "" when there is none.
    pub fn first_error(&self) -> String {
        self.error_diagnostics()
            .next()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    /// The distinct rule codes present, sorted.
    pub fn codes(&self) -> Vec<&str> {
        let mut codes: Vec<&str> = self.diagnostics.iter().map(|d| d.code.as_str()).collect();
        codes.sort_unstable();
        codes.dedup();
        codes
    }

    /// The public JSON shape: `{"diagnostics": [...], "errors": n, "warnings": n}`.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "diagnostics": self.diagnostics,
            "errors": self.errors(),
            "warnings": self.warnings(),
        })
    }
}
