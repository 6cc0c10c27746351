//! JSON -> value + source map. serde_json parses (and reports syntax errors with line:column);
//! positions of fields come from reading the same text as YAML 1.2, of which JSON is a subset.

use super::error::LoadError;
use super::source_map::SourceMap;
use crate::diagnostic::Location;
use serde_json::Value;

pub(super) fn parse(text: &str) -> Result<(Value, SourceMap), LoadError> {
    let value: Value = serde_json::from_str(text).map_err(|e| LoadError::Syntax {
        file: None,
        format: "JSON",
        location: Some(Location {
            line: e.line(),
            column: e.column(),
        }),
        message: strip_position(&e.to_string()),
    })?;
    let map = super::yaml::parse(text).map(|(_, m)| m).unwrap_or_default();
    Ok((value, map))
}

/// serde_json appends " at line L column C"; we print the position ourselves.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}
