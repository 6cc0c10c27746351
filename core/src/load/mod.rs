//! Reading a topology from TOML, YAML or JSON text.
//!
//! Every format is first parsed into a generic value plus a [`SourceMap`] (field path ->
//! line:column), then `${NAME}` references are expanded from the environment, then the value is
//! deserialised into [`Topology`] with the failing field's path. So every error names the file,
//! the line:column and the field, whatever the format.

mod env;
mod error;
mod json;
mod settings;
mod source_map;
mod toml;
mod yaml;

pub use env::{expand_env, is_secret_field, Expanded, Expansion, ALLOW_ENV_VAR, SECRET_FIELDS};
pub use error::LoadError;
pub use source_map::{Provenance, SourceMap};

use crate::model::Topology;
use serde_json::Value;
use std::fmt;
use std::path::Path;
use std::str::FromStr;

/// Largest topology file read (a 50-host topology is a few KiB); anything bigger is not a
/// topology, and reading it whole would only cost memory.
pub use crate::limits::MAX_FILE_BYTES;

/// A topology file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Format {
    /// TOML (`.toml`).
    Toml,
    /// YAML (`.yaml`, `.yml`).
    Yaml,
    /// JSON (`.json`).
    Json,
}

impl Format {
    /// The format a file name's extension says, if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        ext.parse().ok()
    }
}

impl FromStr for Format {
    type Err = LoadError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "toml" => Ok(Format::Toml),
            "yaml" | "yml" => Ok(Format::Yaml),
            "json" => Ok(Format::Json),
            other => Err(LoadError::UnknownFormat {
                format: other.to_string(),
            }),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Format::Toml => "toml",
            Format::Yaml => "yaml",
            Format::Json => "json",
        })
    }
}

/// Looks up an environment variable. The process environment by default; tests pass their own.
pub type EnvLookup<'a> = &'a dyn Fn(&str) -> Option<String>;

fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

impl Topology {
    /// Reads a topology file; the format comes from its extension (.toml, .yaml/.yml, .json).
    pub fn load(path: impl AsRef<Path>) -> Result<Topology, LoadError> {
        let (text, format, file) = read_source(path.as_ref())?;
        let expansion = Expansion::from_environment();
        parse_text(&text, format, Some(file), &process_env, &expansion)
    }

    /// Parses topology text in the given format, expanding `${NAME}` from the process environment
    /// (see [`Expansion::from_environment`] for where).
    pub fn parse(text: &str, format: Format) -> Result<Topology, LoadError> {
        parse_text(
            text,
            format,
            None,
            &process_env,
            &Expansion::from_environment(),
        )
    }

    /// As [`Topology::parse`], naming the text in messages and diagnostics as `name` (a file
    /// read by the caller, `<stdin>`); expands as [`Topology::load`] does.
    pub fn parse_named(text: &str, format: Format, name: &str) -> Result<Topology, LoadError> {
        let expansion = Expansion::from_environment();
        parse_text(
            text,
            format,
            Some(name.to_string()),
            &process_env,
            &expansion,
        )
    }

    /// As [`Topology::parse`], with a given environment lookup and file name (for messages);
    /// references are expanded in secret fields only.
    pub fn parse_with_env(
        text: &str,
        format: Format,
        file: Option<String>,
        env: EnvLookup<'_>,
    ) -> Result<Topology, LoadError> {
        parse_text(text, format, file, env, &Expansion::default())
    }

    /// Builds a topology from an already-parsed value (a Python dict, a JS object), expanding
    /// `${NAME}` as [`Topology::parse`] does.
    pub fn from_value(value: Value) -> Result<Topology, LoadError> {
        Topology::from_value_with(value, &Expansion::from_environment())
    }

    /// As [`Topology::from_value`], expanding as `expansion` says ([`Expansion::Off`]: not at
    /// all, for values that come from someone else).
    pub fn from_value_with(value: Value, expansion: &Expansion) -> Result<Topology, LoadError> {
        from_parsed(value, SourceMap::default(), &process_env, expansion)
    }
}

/// A file's text and format (from its extension), refusing files too large to be settings.
fn read_source(path: &Path) -> Result<(String, Format, String), LoadError> {
    let file = path.display().to_string();
    let format = Format::from_path(path)
        .ok_or_else(|| LoadError::UnknownExtension { file: file.clone() })?;
    let io = |e: std::io::Error| LoadError::Io {
        file: file.clone(),
        message: e.to_string(),
    };
    let size = std::fs::metadata(path).map_err(io)?.len();
    if size > MAX_FILE_BYTES {
        return Err(LoadError::TooLarge { file, bytes: size });
    }
    let text = std::fs::read_to_string(path).map_err(io)?;
    Ok((text, format, file))
}

/// Text of any format as a generic value, with the position of every field.
fn parse_document(
    text: &str,
    format: Format,
    file: Option<String>,
) -> Result<(Value, SourceMap), LoadError> {
    let parsed = match format {
        Format::Toml => toml::parse(text),
        Format::Yaml => yaml::parse(text),
        Format::Json => json::parse(text),
    };
    let (value, mut map) = parsed.map_err(|e| e.in_file(file.clone()))?;
    map.file = file;
    Ok((value, map))
}

fn parse_text(
    text: &str,
    format: Format,
    file: Option<String>,
    env: EnvLookup<'_>,
    expansion: &Expansion,
) -> Result<Topology, LoadError> {
    if text.trim().is_empty() {
        return Err(LoadError::Empty { file });
    }
    let (value, map) = parse_document(text, format, file)?;
    from_parsed(value, map, env, expansion)
}

fn from_parsed(
    mut value: Value,
    map: SourceMap,
    env: EnvLookup<'_>,
    expansion: &Expansion,
) -> Result<Topology, LoadError> {
    drop_schema_key(&mut value);
    let expanded = expand_env(&mut value, env, expansion).map_err(|e| e.located(&map))?;
    let mut topology: Topology = serde_path_to_error::deserialize(value)
        .map_err(|e| LoadError::from_field_error(e, &map, &expanded.paths))?;
    if let Some(over) = crate::limits::exceeded(&topology).into_iter().next() {
        return Err(LoadError::over_limit(over).located(&map));
    }
    topology.provenance = Provenance {
        source: map,
        from_env: expanded.paths,
        env_values: expanded.values,
    };
    Ok(topology)
}

/// An editor's `"$schema": "..."` names the schema, not a part of the deployment.
fn drop_schema_key(value: &mut Value) {
    if let Value::Object(fields) = value {
        if fields
            .get(crate::model::SCHEMA_KEY)
            .is_some_and(Value::is_string)
        {
            fields.remove(crate::model::SCHEMA_KEY);
        }
    }
}

#[cfg(test)]
mod tests;
