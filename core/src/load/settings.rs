//! Settings that come beside a topology: the rollout [`Policy`] and the [`CommandSet`] of the
//! shell output. Each comes from a file (TOML, YAML or JSON by extension) or from a value a
//! binding passes (a Python dict, a JS object), and every error names the field at fault, as
//! topology errors do, so the CLI, Python and Node word them alike.

use super::{parse_document, read_source, LoadError, SourceMap};
use crate::plan::{CommandSet, Policy};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// `T` from a settings file: errors carry the file, line:column and field path.
fn from_file<T: DeserializeOwned>(path: &Path) -> Result<T, LoadError> {
    let (text, format, file) = read_source(path)?;
    let (value, map) = parse_document(&text, format, Some(file))?;
    serde_path_to_error::deserialize(value)
        .map_err(|e| LoadError::from_field_error(e, &map, &BTreeSet::new()))
}

/// `T` from a value; errors name the field under `root` (`policy.max_unavailable`).
fn from_value<T: DeserializeOwned>(value: Value, root: &'static str) -> Result<T, LoadError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        LoadError::from_field_error(e, &SourceMap::default(), &BTreeSet::new()).under(root)
    })
}

impl Policy {
    /// Reads a rollout policy file (TOML, YAML or JSON by extension).
    pub fn load(path: impl AsRef<Path>) -> Result<Policy, LoadError> {
        from_file(path.as_ref())
    }

    /// A rollout policy from a value (absent fields take their defaults); errors name the field
    /// as `policy.<field>`.
    pub fn from_value(value: Value) -> Result<Policy, LoadError> {
        from_value(value, "policy")
    }
}

impl CommandSet {
    /// Reads a command set file (TOML, YAML or JSON by extension).
    pub fn load(path: impl AsRef<Path>) -> Result<CommandSet, LoadError> {
        from_file(path.as_ref())
    }

    /// A command set from a value (absent fields take their defaults); errors name the field as
    /// `commands.<field>`.
    pub fn from_value(value: Value) -> Result<CommandSet, LoadError> {
        from_value(value, "commands")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::Budget;
    use serde_json::json;

    #[test]
    fn a_policy_value_names_the_field_at_fault() {
        let p = Policy::from_value(json!({"max_unavailable": "25%", "canary": 1})).unwrap();
        assert_eq!(p.max_unavailable, Budget::Percent(25));
        let e = Policy::from_value(json!({"max_unavailable": "lots"})).unwrap_err();
        assert!(e.to_string().starts_with("policy.max_unavailable: "), "{e}");
        let e = Policy::from_value(json!({"max_unavailble": 1})).unwrap_err();
        assert!(e.to_string().contains("max_unavailable"), "{e}");
        let e = Policy::from_value(json!("fast")).unwrap_err();
        assert!(e.to_string().starts_with("policy: "), "{e}");
    }

    #[test]
    fn a_policy_file_error_has_its_place() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("policy.toml");
        std::fs::write(&path, "canary = 1\nmax_surge = \"x\"\n").unwrap();
        let e = Policy::load(&path).unwrap_err();
        let text = e.to_string();
        assert!(text.contains("policy.toml:2:"), "{text}");
        assert!(text.contains("max_surge"), "{text}");
        let json = dir.path().join("policy.json");
        std::fs::write(&json, r#"{"max_unavailable": 2}"#).unwrap();
        assert_eq!(
            Policy::load(&json).unwrap().max_unavailable,
            Budget::Count(2)
        );
    }

    #[test]
    fn a_command_set_value_names_the_field_at_fault() {
        assert_eq!(
            CommandSet::from_value(json!({})).unwrap(),
            CommandSet::default()
        );
        let e = CommandSet::from_value(json!({"nginx": 3})).unwrap_err();
        assert!(e.to_string().starts_with("commands.nginx: "), "{e}");
    }
}
