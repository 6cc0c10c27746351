//! `${NAME}` references in string values, expanded from the environment so topology files can be
//! committed without their secrets. `$${` writes a literal `${`.

use super::error::LoadError;
use super::source_map::{child_index, child_key};
use super::EnvLookup;
use serde_json::Value;
use std::collections::BTreeSet;

/// Expands every `${NAME}` in the string values of `value`, in place. Returns the paths of the
/// values that held a reference (the checker uses them: a password from the environment is fine,
/// a password written in the file is not).
pub fn expand_env(value: &mut Value, env: EnvLookup<'_>) -> Result<BTreeSet<String>, LoadError> {
    let mut expanded = BTreeSet::new();
    walk(value, String::new(), env, &mut expanded)?;
    Ok(expanded)
}

fn walk(
    value: &mut Value,
    path: String,
    env: EnvLookup<'_>,
    expanded: &mut BTreeSet<String>,
) -> Result<(), LoadError> {
    match value {
        Value::String(s) if s.contains('$') => {
            if let Some(new) = expand_str(s, &path, env)? {
                *s = new;
                expanded.insert(path);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                walk(item, child_index(&path, i), env, expanded)?;
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                walk(item, child_key(&path, k), env, expanded)?;
            }
        }
        _ => {}
    }
    Ok(())
}

/// The expanded string, or `None` when it holds no reference.
fn expand_str(s: &str, path: &str, env: EnvLookup<'_>) -> Result<Option<String>, LoadError> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    let mut any = false;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i..];
        if let Some(tail) = after.strip_prefix("$${") {
            out.push_str("${");
            rest = tail;
        } else if let Some(tail) = after.strip_prefix("${") {
            let end = tail.find('}').ok_or_else(|| {
                bad(
                    path,
                    "`${` without a closing `}`: write `${NAME}`, or `$${` for a literal `${`",
                )
            })?;
            let name = &tail[..end];
            if !is_env_name(name) {
                return Err(bad(
                    path,
                    &format!("`${{{name}}}` is not a variable reference: names are letters, digits and `_`, not starting with a digit"),
                ));
            }
            let v = env(name).ok_or_else(|| LoadError::UnsetEnv {
                file: None,
                path: path.to_string(),
                location: None,
                name: name.to_string(),
            })?;
            out.push_str(&v);
            any = true;
            rest = &tail[end + 1..];
        } else {
            out.push('$');
            rest = &after[1..];
        }
    }
    out.push_str(rest);
    Ok(if any || out != s { Some(out) } else { None })
}

fn bad(path: &str, message: &str) -> LoadError {
    LoadError::BadReference {
        file: None,
        path: path.to_string(),
        location: None,
        message: message.to_string(),
    }
}

fn is_env_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}
