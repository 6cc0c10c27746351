//! Shared by the connection-string tests: where the specification cases and the driver oracle
//! live, and how to read them.
#![allow(dead_code)] // each test binary uses its own subset

use serde_json::Value;
use std::path::{Path, PathBuf};

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

/// The specification's connection-string cases: `$RCTOPO_SPEC_TESTS`, else
/// `<repo>/../shared/conformance/connection-string`.
pub fn spec_dir() -> PathBuf {
    std::env::var_os("RCTOPO_SPEC_TESTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join("../shared/conformance/connection-string"))
}

pub fn oracle_dir() -> PathBuf {
    repo().join("tests/mongo-driver-oracle")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A spec case where the driver departs from the specification.
pub struct Deviation {
    pub description: String,
    /// `verdict` (the driver rejects a case the spec accepts) or `host-type`.
    pub kind: String,
}

/// The spec cases where the driver departs from the specification, each with its reason.
pub fn deviations() -> Vec<Deviation> {
    let doc = read_json(&oracle_dir().join("spec-deviations.json"));
    doc["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| {
            assert!(
                c["reason"].as_str().is_some_and(|r| !r.is_empty()),
                "deviation without a reason: {c}"
            );
            Deviation {
                description: c["description"].as_str().unwrap_or_default().to_string(),
                kind: c["kind"].as_str().unwrap_or_default().to_string(),
            }
        })
        .collect()
}

/// Every spec case as (file name, case); `None` when the directory is absent.
pub fn spec_cases() -> Option<Vec<(String, Value)>> {
    let entries = std::fs::read_dir(spec_dir()).ok()?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let mut cases = Vec::new();
    for file in files {
        let doc = read_json(&file);
        let name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        for case in doc["tests"].as_array().into_iter().flatten() {
            cases.push((name.clone(), case.clone()));
        }
    }
    Some(cases)
}

/// Prints a line past the test harness's capture (SKIP lines and figures belong in the log).
pub fn say(line: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "{line}");
}
