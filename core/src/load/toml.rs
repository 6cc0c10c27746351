//! TOML -> value + source map, with toml_edit (it keeps the span of every item).

use super::error::LoadError;
use super::source_map::{child_index, child_key, location_of, Locator, SourceMap};
use crate::diagnostic::Location;
use serde_json::{Map, Number, Value};
use toml_edit::{Document, Item, Table};

pub(super) fn parse(text: &str) -> Result<(Value, SourceMap), LoadError> {
    let doc = Document::parse(text).map_err(|e| LoadError::Syntax {
        file: None,
        format: "TOML",
        location: e.span().map(|s| location_of(text, s.start)),
        message: e.message().trim().to_string(),
    })?;
    let mut map = SourceMap::default();
    let value = table(&mut Locator::new(text), doc.as_table(), "", &mut map);
    Ok((value, map))
}

fn table(locator: &mut Locator, t: &Table, path: &str, map: &mut SourceMap) -> Value {
    let mut out = Map::new();
    for (key, item) in t.iter() {
        let (v, unplaced) = item_value(locator, item, child_key(path, key), map);
        out.insert(key.to_string(), v);
        // The value's position wins; the key's stands in where the value has none.
        if let Some(p) = unplaced {
            if let Some(span) = t.get_key_value(key).and_then(|(k, _)| k.span()) {
                map.insert(p, locator.locate(span.start));
            }
        }
    }
    Value::Object(out)
}

/// Records `path` at `location`, or gives the path back when there is none. Paths are moved
/// into the map rather than copied: a file's every value has one.
fn place(map: &mut SourceMap, path: String, location: Option<Location>) -> Option<String> {
    match location {
        Some(location) => {
            map.insert(path, location);
            None
        }
        None => Some(path),
    }
}

/// The item as a value, and its path when it has no position of its own.
fn item_value(
    locator: &mut Locator,
    item: &Item,
    path: String,
    map: &mut SourceMap,
) -> (Value, Option<String>) {
    // Located before its contents, so the locator reads the file in order.
    let location = item.span().map(|span| locator.locate(span.start));
    let v = match item {
        Item::None => Value::Null,
        Item::Value(v) => return value(locator, v, path, map),
        Item::Table(t) => table(locator, t, &path, map),
        Item::ArrayOfTables(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, t)| {
                    let p = child_index(&path, i);
                    let location = t.span().map(|span| locator.locate(span.start));
                    let v = table(locator, t, &p, map);
                    place(map, p, location);
                    v
                })
                .collect(),
        ),
    };
    (v, place(map, path, location))
}

/// The value, and its path when it has no position of its own.
fn value(
    locator: &mut Locator,
    v: &toml_edit::Value,
    path: String,
    map: &mut SourceMap,
) -> (Value, Option<String>) {
    use toml_edit::Value as T;
    let location = v.span().map(|span| locator.locate(span.start));
    let v = match v {
        T::String(s) => Value::String(s.value().clone()),
        T::Integer(i) => Value::Number((*i.value()).into()),
        T::Float(f) => Number::from_f64(*f.value())
            .map(Value::Number)
            .unwrap_or(Value::Null),
        T::Boolean(b) => Value::Bool(*b.value()),
        T::Datetime(d) => Value::String(d.value().to_string()),
        T::Array(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, v)| value(locator, v, child_index(&path, i), map).0)
                .collect(),
        ),
        T::InlineTable(t) => {
            let mut out = Map::new();
            for (key, v) in t.iter() {
                let (v, _) = value(locator, v, child_key(&path, key), map);
                out.insert(key.to_string(), v);
            }
            Value::Object(out)
        }
    };
    (v, place(map, path, location))
}
