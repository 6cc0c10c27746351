//! TOML -> value + source map, with toml_edit (it keeps the span of every item).

use super::error::LoadError;
use super::source_map::{child_index, child_key, location_of, Locator, SourceMap};
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
        let p = child_key(path, key);
        // The value's position wins; the key's stands in where the value has none.
        out.insert(key.to_string(), item_value(locator, item, &p, map));
        if map.has(&p) {
            continue;
        }
        if let Some(span) = t.get_key_value(key).and_then(|(k, _)| k.span()) {
            map.insert(p, locator.locate(span.start));
        }
    }
    Value::Object(out)
}

fn item_value(locator: &mut Locator, item: &Item, path: &str, map: &mut SourceMap) -> Value {
    if let Some(span) = item.span() {
        map.insert(path.to_string(), locator.locate(span.start));
    }
    match item {
        Item::None => Value::Null,
        Item::Value(v) => value(locator, v, path, map),
        Item::Table(t) => table(locator, t, path, map),
        Item::ArrayOfTables(a) => Value::Array(
            a.iter()
                .enumerate()
                .map(|(i, t)| {
                    let p = child_index(path, i);
                    if let Some(span) = t.span() {
                        map.insert(p.clone(), locator.locate(span.start));
                    }
                    table(locator, t, &p, map)
                })
                .collect(),
        ),
    }
}

fn value(locator: &mut Locator, v: &toml_edit::Value, path: &str, map: &mut SourceMap) -> Value {
    use toml_edit::Value as T;
    if let Some(span) = v.span() {
        map.insert(path.to_string(), locator.locate(span.start));
    }
    match v {
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
                .map(|(i, v)| value(locator, v, &child_index(path, i), map))
                .collect(),
        ),
        T::InlineTable(t) => {
            let mut out = Map::new();
            for (key, v) in t.iter() {
                out.insert(
                    key.to_string(),
                    value(locator, v, &child_key(path, key), map),
                );
            }
            Value::Object(out)
        }
    }
}
