//! YAML -> value + source map, with saphyr's marked tree (every node carries its position).

use super::error::LoadError;
use super::source_map::{child_index, child_key, SourceMap};
use crate::diagnostic::Location;
use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};

/// Deepest nesting accepted; deeper documents are hostile or broken, and recursion must stay bounded.
const MAX_DEPTH: usize = 64;

pub(super) fn parse(text: &str) -> Result<(Value, SourceMap), LoadError> {
    refuse_aliases(text)?;
    let docs = MarkedYaml::load_from_str(text).map_err(|e| LoadError::Syntax {
        file: None,
        format: "YAML",
        location: Some(Location {
            line: e.marker().line(),
            column: e.marker().col() + 1,
        }),
        message: e.info().to_string(),
    })?;
    let mut docs = docs.into_iter();
    let first = docs.next().ok_or(LoadError::Empty { file: None })?;
    if docs.next().is_some() {
        return Err(syntax(
            &first,
            "the file holds several YAML documents; keep one",
        ));
    }
    let mut map = SourceMap::default();
    let value = node(&first, "", &mut map, 0)?;
    Ok((value, map))
}

/// saphyr expands aliases by copying, so a few lines of nested aliases ("billion laughs") would
/// take all memory. A topology never needs them: refuse any alias before building the tree.
fn refuse_aliases(text: &str) -> Result<(), LoadError> {
    for event in saphyr_parser::Parser::new_from_str(text) {
        match event {
            Ok((saphyr_parser::Event::Alias(_), span)) => {
                return Err(LoadError::Syntax {
                    file: None,
                    format: "YAML",
                    location: Some(Location {
                        line: span.start.line(),
                        column: span.start.col() + 1,
                    }),
                    message: "YAML aliases (*name) are not supported; write the value out".into(),
                })
            }
            Ok(_) => {}
            // The tree loader reports syntax errors with the same position.
            Err(_) => return Ok(()),
        }
    }
    Ok(())
}

fn syntax(n: &MarkedYaml, message: &str) -> LoadError {
    LoadError::Syntax {
        file: None,
        format: "YAML",
        location: Some(loc(n)),
        message: message.to_string(),
    }
}

fn loc(n: &MarkedYaml) -> Location {
    Location {
        line: n.span.start.line(),
        column: n.span.start.col() + 1,
    }
}

fn node(n: &MarkedYaml, path: &str, map: &mut SourceMap, depth: usize) -> Result<Value, LoadError> {
    if depth > MAX_DEPTH {
        return Err(syntax(n, "nesting is too deep"));
    }
    if !path.is_empty() {
        map.insert(path.to_string(), loc(n));
    }
    Ok(match &n.data {
        YamlData::Value(s) => scalar(s),
        YamlData::Representation(raw, _, _) => Value::String(raw.to_string()),
        YamlData::Sequence(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| node(item, &child_index(path, i), map, depth + 1))
                .collect::<Result<_, _>>()?,
        ),
        YamlData::Mapping(entries) => {
            let mut out = Map::new();
            for (k, v) in entries {
                let key = match &k.data {
                    YamlData::Value(s) => scalar_key(s),
                    YamlData::Representation(raw, _, _) => Some(raw.to_string()),
                    _ => None,
                }
                .ok_or_else(|| syntax(k, "mapping keys must be plain strings"))?;
                let p = child_key(path, &key);
                if out.contains_key(&key) {
                    return Err(syntax(k, &format!("duplicate key `{key}`")));
                }
                // The value's position wins; the key's stands in for empty values.
                let value = node(v, &p, map, depth + 1)?;
                map.insert(p.clone(), loc(k));
                out.insert(key, value);
            }
            Value::Object(out)
        }
        YamlData::Tagged(_, inner) => node(inner, path, map, depth + 1)?,
        YamlData::Alias(_) => {
            return Err(syntax(
                n,
                "YAML aliases are not supported; write the value out",
            ))
        }
        YamlData::BadValue => return Err(syntax(n, "invalid value")),
    })
}

fn scalar(s: &Scalar) -> Value {
    match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number((*i).into()),
        Scalar::FloatingPoint(f) => Number::from_f64(f.into_inner())
            .map(Value::Number)
            .unwrap_or(Value::Null),
        Scalar::String(s) => Value::String(s.to_string()),
    }
}

fn scalar_key(s: &Scalar) -> Option<String> {
    Some(match s {
        Scalar::String(s) => s.to_string(),
        Scalar::Integer(i) => i.to_string(),
        Scalar::Boolean(b) => b.to_string(),
        _ => return None,
    })
}
