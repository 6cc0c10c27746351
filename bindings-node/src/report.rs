//! Diagnostics as JavaScript objects, field for field the CLI's `--format json`.

use napi_derive::napi;
use rocketchat_topology as core;

#[napi(string_enum = "lowercase")]
#[derive(Debug, PartialEq, Eq)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl From<core::Severity> for Severity {
    fn from(s: core::Severity) -> Self {
        match s {
            core::Severity::Info => Severity::Info,
            core::Severity::Warning => Severity::Warning,
            core::Severity::Error => Severity::Error,
        }
    }
}

/// A line and column (both 1-based) in the topology file.
#[napi(object)]
#[derive(Debug, Clone, Copy)]
pub struct Location {
    pub line: u32,
    pub column: u32,
}

impl From<core::Location> for Location {
    fn from(l: core::Location) -> Self {
        Location {
            line: saturating_u32(l.line),
            column: saturating_u32(l.column),
        }
    }
}

/// One finding: which rule, how bad, where in the file, what is wrong and how to fix it.
#[napi(object)]
#[derive(Debug)]
pub struct Diagnostic {
    /// Stable code: family letter + number (`T001`).
    pub code: String,
    /// Kebab-case slug (`duplicate-port`).
    pub name: String,
    pub severity: Severity,
    /// Field path in the topology file (`hosts[1].ports[0]`).
    pub path: String,
    pub message: String,
    pub help: String,
    /// Where `path` sits in the file, when the topology came from text.
    pub location: Option<Location>,
}

impl From<core::Diagnostic> for Diagnostic {
    fn from(d: core::Diagnostic) -> Self {
        Diagnostic {
            code: d.code,
            name: d.name,
            severity: d.severity.into(),
            path: d.path,
            message: d.message,
            help: d.help,
            location: d.location.map(Location::from),
        }
    }
}

/// A whole check: the CLI's `rctopo check --format json` document.
#[napi(object)]
#[derive(Debug)]
pub struct CheckReport {
    /// Errors first, then by code and path.
    pub diagnostics: Vec<Diagnostic>,
    pub errors: u32,
    pub warnings: u32,
}

impl From<core::Report> for CheckReport {
    fn from(r: core::Report) -> Self {
        let errors = saturating_u32(r.errors());
        let warnings = saturating_u32(r.warnings());
        CheckReport {
            diagnostics: diagnostics(r),
            errors,
            warnings,
        }
    }
}

pub fn diagnostics(r: core::Report) -> Vec<Diagnostic> {
    r.diagnostics.into_iter().map(Diagnostic::from).collect()
}

/// JavaScript numbers here are u32; counts and positions never come near the limit.
pub fn saturating_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}
