//! SARIF 2.1.0 (OASIS), the format code-scanning services (GitHub code scanning among them)
//! ingest: one run of `rctopo`, every rule of the catalogue in `tool.driver.rules`, one result
//! per diagnostic, and files that could not be read as tool execution notifications.

use crate::cmd::check::Checked;
use rocketchat_topology::check::rules;
use rocketchat_topology::{Diagnostic, Location, Severity};
use serde_json::{json, Value};

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

pub fn print(checked: &[Checked]) {
    crate::output::print_json(&log(checked));
}

/// The SARIF log of one `check` run.
pub fn log(checked: &[Checked]) -> Value {
    let catalogue = rules();
    let rule_index = |code: &str| catalogue.iter().position(|r| r.code == code);
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for c in checked {
        let uri = c.source.file_name().map(|f| uri(&f));
        match &c.outcome {
            Ok(report) => results.extend(
                report
                    .diagnostics
                    .iter()
                    .map(|d| result(d, uri.as_deref(), rule_index(&d.code))),
            ),
            Err(unusable) => notifications.push(json!({
                "level": "error",
                "message": { "text": unusable.message },
                "locations": locations(uri.as_deref(), unusable.location, None),
            })),
        }
    }
    let driver_rules: Vec<Value> = catalogue
        .iter()
        .map(|r| {
            json!({
                "id": r.code,
                "name": r.name,
                "shortDescription": { "text": r.summary },
                "defaultConfiguration": { "level": level(r.severity) },
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "rctopo",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": driver_rules,
            }},
            "results": results,
            "invocations": [{
                "executionSuccessful": notifications.is_empty(),
                "toolExecutionNotifications": notifications,
            }],
        }],
    })
}

fn result(d: &Diagnostic, uri: Option<&str>, rule_index: Option<usize>) -> Value {
    let mut result = json!({
        "ruleId": d.code,
        "level": level(d.severity),
        "message": { "text": format!("{} ({}). {}", d.message, d.name, d.help) },
        "locations": locations(uri, d.location, Some(&d.path)),
    });
    if let Some(i) = rule_index {
        result["ruleIndex"] = json!(i);
    }
    result
}

/// Where a result is: the file and line:column when known, and the field path as a logical
/// location (the built-in example has only that).
fn locations(uri: Option<&str>, location: Option<Location>, path: Option<&str>) -> Value {
    let mut place = json!({});
    if let Some(uri) = uri {
        let mut physical = json!({ "artifactLocation": { "uri": uri } });
        if let Some(l) = location {
            physical["region"] = json!({ "startLine": l.line, "startColumn": l.column });
        }
        place["physicalLocation"] = physical;
    }
    if let Some(path) = path {
        place["logicalLocations"] = json!([{ "fullyQualifiedName": path, "kind": "member" }]);
    }
    json!([place])
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A file name as a SARIF artifact URI: relative paths stay relative (resolved against the
/// repository root by the consumer), absolute ones become `file://` URIs; bytes outside the
/// unreserved set and `/` are percent-encoded.
fn uri(file: &str) -> String {
    let encoded: String = file
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'/' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    if file.starts_with('/') {
        format!("file://{encoded}")
    } else {
        encoded
    }
}

#[cfg(test)]
mod tests {
    use super::uri;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(uri("deploy/site a.toml"), "deploy/site%20a.toml");
        assert_eq!(uri("/srv/t#1.yaml"), "file:///srv/t%231.yaml");
        assert_eq!(uri("<stdin>"), "%3Cstdin%3E");
    }
}
