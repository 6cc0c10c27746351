//! `${NAME}` references in string values, expanded from the environment so topology files can be
//! committed without their secrets. `$${` writes a literal `${`.
//!
//! Expansion is on a leash: a topology from a pull request, or JSON from a client, must not be
//! able to read any variable of the machine into a field that is printed (`root_url`) or written
//! to a world-readable file (`uploads_path`). So references are expanded only in the fields that
//! hold secrets (never printed, written only to mode-0600 environment files), and elsewhere only
//! for the variables the operator allows.

use super::error::LoadError;
use super::source_map::{push_index, push_key};
use super::EnvLookup;
use crate::secret::Secret;
use serde_json::Value;
use std::collections::BTreeSet;

/// The environment variable holding the operator's allow list: names, or prefixes ending in `*`,
/// separated by commas or whitespace (`RCTOPO_ALLOW_ENV="RC_*, DEPLOY_HOST"`).
pub const ALLOW_ENV_VAR: &str = "RCTOPO_ALLOW_ENV";

/// The fields where any variable may be expanded, as patterns of field paths (`*` one segment).
pub const SECRET_FIELDS: &[&str] = &[
    "mongo.url",
    "mongo.oplog_url",
    "rocketchat.transporter",
    "rocketchat.env.*",
    "hosts[*].env.*",
];

/// Which `${NAME}` references are expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expansion {
    /// None: every string is taken as written (`${NAME}` and `$${` included).
    Off,
    /// Any variable in [`SECRET_FIELDS`]; elsewhere only the variables `allow` lists (names, or
    /// prefixes ending in `*`).
    SecretFields {
        /// Variable names, or prefixes ending in `*`, expanded outside the secret fields.
        allow: Vec<String>,
    },
}

impl Default for Expansion {
    fn default() -> Self {
        Expansion::SecretFields { allow: Vec::new() }
    }
}

impl Expansion {
    /// Secret fields, plus the variables the operator lists in `RCTOPO_ALLOW_ENV`.
    pub fn from_environment() -> Self {
        let allow = std::env::var(ALLOW_ENV_VAR).unwrap_or_default();
        Expansion::SecretFields {
            allow: allow
                .split(|c: char| c == ',' || c.is_whitespace())
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
        }
    }

    /// Whether `${name}` may be expanded in the field at `path`.
    fn permits(&self, path: &str, name: &str) -> bool {
        match self {
            Expansion::Off => false,
            Expansion::SecretFields { allow } => {
                is_secret_field(path)
                    || allow.iter().any(|a| match a.strip_suffix('*') {
                        Some(prefix) => name.starts_with(prefix),
                        None => a == name,
                    })
            }
        }
    }
}

/// Whether the field at `path` is one of [`SECRET_FIELDS`].
pub fn is_secret_field(path: &str) -> bool {
    SECRET_FIELDS
        .iter()
        .any(|pattern| path_matches(pattern, path))
}

/// `hosts[*].env.*` against `hosts[2].env.SMTP_PASS`: `*` stands for one index or one key (a key
/// may hold dots: the last `*` takes the rest).
fn path_matches(pattern: &str, path: &str) -> bool {
    match pattern.split_once('*') {
        None => pattern == path,
        Some((head, tail)) => {
            let Some(rest) = path.strip_prefix(head) else {
                return false;
            };
            if tail.is_empty() {
                return !rest.is_empty();
            }
            // An index: digits up to the `]` that starts the tail.
            let digits = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
            digits > 0 && path_matches(tail, &rest[digits..])
        }
    }
}

/// What expansion did: the paths of the values that held a reference, and the values read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Expanded {
    /// Field paths whose value held a `${NAME}` (the checker uses them: a password from the
    /// environment is fine, a password written in the file is not).
    pub paths: BTreeSet<String>,
    /// Each variable read, with its value, so messages can show `${NAME}` instead of the value.
    pub values: Vec<(String, Secret)>,
}

/// Expands the permitted `${NAME}` in the string values of `value`, in place; a reference that
/// is not permitted is an error naming the field and the way to allow it.
pub fn expand_env(
    value: &mut Value,
    env: EnvLookup<'_>,
    expansion: &Expansion,
) -> Result<Expanded, LoadError> {
    let mut expanded = Expanded::default();
    if *expansion != Expansion::Off {
        walk(
            value,
            &mut String::new(),
            &Reader { env, expansion },
            &mut expanded,
        )?;
    }
    Ok(expanded)
}

/// The environment and what may be read from it.
struct Reader<'a> {
    env: EnvLookup<'a>,
    expansion: &'a Expansion,
}

/// Expands the strings under `value`, whose field path is `path`: one buffer, extended and cut
/// back on the way down and up, since only a string holding `$` needs its path.
fn walk(
    value: &mut Value,
    path: &mut String,
    reader: &Reader<'_>,
    expanded: &mut Expanded,
) -> Result<(), LoadError> {
    let len = path.len();
    match value {
        Value::String(s) if s.contains('$') => {
            if let Some(new) = expand_str(s, path, reader, expanded)? {
                *s = new;
                expanded.paths.insert(path.clone());
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                push_index(path, i);
                walk(item, path, reader, expanded)?;
                path.truncate(len);
            }
        }
        Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                push_key(path, k);
                walk(item, path, reader, expanded)?;
                path.truncate(len);
            }
        }
        _ => {}
    }
    Ok(())
}

/// The expanded string, or `None` when it holds no reference.
fn expand_str(
    s: &str,
    path: &str,
    reader: &Reader<'_>,
    expanded: &mut Expanded,
) -> Result<Option<String>, LoadError> {
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
            if !reader.expansion.permits(path, name) {
                return Err(bad(
                    path,
                    &format!("`${{{name}}}` is not expanded here: variables are read only in secret fields ({}); allow this one with {ALLOW_ENV_VAR}={name} (names, or prefixes ending in `*`), or write `$${{` for a literal `${{`", SECRET_FIELDS.join(", ")),
                ));
            }
            let v = (reader.env)(name).ok_or_else(|| LoadError::UnsetEnv {
                file: None,
                path: path.to_string(),
                location: None,
                name: name.to_string(),
            })?;
            out.push_str(&v);
            if !expanded.values.iter().any(|(n, _)| n == name) {
                expanded.values.push((name.to_string(), Secret::new(v)));
            }
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
