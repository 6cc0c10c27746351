//! [`OptionValue`]: the value of one option, as the driver read it.

use compact_str::CompactString;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};
use std::fmt;

/// The value of one option: a string, a boolean, a number, a list or a map, as the driver read
/// it. It reads like a `serde_json::Value` (`as_str`, `as_bool`, `as_i64`, `as_object`...), and
/// prints (`Display`, `Debug`) and serialises exactly as the same `Value` does; `to_value` or
/// `Value::from` gives that `Value`.
///
/// Most values are short strings (`rs0`, `admin`, `primary`, `majority`): a string is kept as a
/// [`CompactString`], in place up to 24 bytes, where a `Value` would allocate each one.
#[derive(Clone, PartialEq)]
pub struct OptionValue(Repr);

#[derive(Clone, PartialEq)]
enum Repr {
    Text(CompactString),
    /// Never a `Value::String`: [`OptionValue::from`] keeps strings as `Text`, so that equal
    /// values have one form.
    Json(Value),
}

impl OptionValue {
    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match &self.0 {
            Repr::Text(s) => Some(s),
            Repr::Json(_) => None,
        }
    }

    /// Whether the value is a string.
    pub fn is_string(&self) -> bool {
        matches!(self.0, Repr::Text(_))
    }

    /// The boolean, if the value is one.
    pub fn as_bool(&self) -> Option<bool> {
        self.json().and_then(Value::as_bool)
    }

    /// The number as an `i64`, if the value is one that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.json().and_then(Value::as_i64)
    }

    /// The number as a `u64`, if the value is one that fits.
    pub fn as_u64(&self) -> Option<u64> {
        self.json().and_then(Value::as_u64)
    }

    /// The number as an `f64`, if the value is a number.
    pub fn as_f64(&self) -> Option<f64> {
        self.json().and_then(Value::as_f64)
    }

    /// The map, if the value is one (`authMechanismProperties`).
    pub fn as_object(&self) -> Option<&Map<String, Value>> {
        self.json().and_then(Value::as_object)
    }

    /// The list, if the value is one (`compressors`, `readPreferenceTags`).
    pub fn as_array(&self) -> Option<&Vec<Value>> {
        self.json().and_then(Value::as_array)
    }

    /// The member `key` of an object value (`authMechanismProperties`), as
    /// [`Value::get`] reads it: `None` for any other value or a missing key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.json().and_then(|value| value.get(key))
    }

    /// Whether the value is `null`, a boolean, a number, an object or an array, as the
    /// same checks on [`Value`] answer.
    pub fn is_null(&self) -> bool {
        self.json().is_some_and(Value::is_null)
    }

    /// See [`OptionValue::is_null`].
    pub fn is_boolean(&self) -> bool {
        self.json().is_some_and(Value::is_boolean)
    }

    /// See [`OptionValue::is_null`].
    pub fn is_number(&self) -> bool {
        self.json().is_some_and(Value::is_number)
    }

    /// See [`OptionValue::is_null`].
    pub fn is_object(&self) -> bool {
        self.json().is_some_and(Value::is_object)
    }

    /// See [`OptionValue::is_null`].
    pub fn is_array(&self) -> bool {
        self.json().is_some_and(Value::is_array)
    }

    /// The value as a `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        match &self.0 {
            Repr::Text(s) => Value::String(s.to_string()),
            Repr::Json(v) => v.clone(),
        }
    }

    /// The value when it is not a string.
    fn json(&self) -> Option<&Value> {
        match &self.0 {
            Repr::Text(_) => None,
            Repr::Json(v) => Some(v),
        }
    }
}

impl From<&str> for OptionValue {
    /// Inlined: a value is made for each text option read, and the call cost about a third of
    /// the short copy it makes.
    #[inline]
    fn from(s: &str) -> Self {
        OptionValue(Repr::Text(CompactString::from(s)))
    }
}

impl From<CompactString> for OptionValue {
    fn from(s: CompactString) -> Self {
        OptionValue(Repr::Text(s))
    }
}

impl From<Value> for OptionValue {
    fn from(v: Value) -> Self {
        match v {
            Value::String(s) => OptionValue(Repr::Text(s.into())),
            other => OptionValue(Repr::Json(other)),
        }
    }
}

impl From<OptionValue> for Value {
    fn from(v: OptionValue) -> Self {
        match v.0 {
            Repr::Text(s) => Value::String(s.into()),
            Repr::Json(v) => v,
        }
    }
}

impl PartialEq<Value> for OptionValue {
    fn eq(&self, other: &Value) -> bool {
        match (&self.0, other) {
            (Repr::Text(s), Value::String(t)) => s == t,
            (Repr::Json(v), other) => v == other,
            _ => false,
        }
    }
}

impl PartialEq<OptionValue> for Value {
    fn eq(&self, other: &OptionValue) -> bool {
        other == self
    }
}

/// As `Value` prints: JSON (`"rs0"`, `true`, `{"a":"b"}`; `{:#}` indents).
impl fmt::Display for OptionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            // Printing is rare: the string goes through a `Value` so that escapes and `{:#}` are
            // the `Value`'s own.
            Repr::Text(_) => fmt::Display::fmt(&self.to_value(), f),
            Repr::Json(v) => fmt::Display::fmt(v, f),
        }
    }
}

/// As `Value` prints (`String("rs0")`, `Bool(true)`).
impl fmt::Debug for OptionValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.0 {
            Repr::Text(_) => fmt::Debug::fmt(&self.to_value(), f),
            Repr::Json(v) => fmt::Debug::fmt(v, f),
        }
    }
}

impl Serialize for OptionValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.0 {
            Repr::Text(s) => serializer.serialize_str(s),
            Repr::Json(v) => v.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// Every reading, print and serialisation of a value is the `Value`'s.
    #[test]
    fn reads_and_prints_as_a_value() {
        let values = [
            json!("rs0"),
            json!(""),
            json!("a \"quoted\" \u{e9}\n value longer than twenty-four bytes"),
            json!(true),
            json!(27017),
            json!(-3),
            json!(1.5),
            json!(["zstd", "zlib"]),
            json!({"SERVICE_NAME": "mongodb", "CANONICALIZE_HOST_NAME": false}),
            json!([{"dc": "ny"}, {}]),
            json!(null),
        ];
        for v in values {
            let o = OptionValue::from(v.clone());
            assert_eq!(o.to_string(), v.to_string());
            assert_eq!(format!("{o:#}"), format!("{v:#}"));
            assert_eq!(format!("{o:?}"), format!("{v:?}"));
            assert_eq!(format!("{o:#?}"), format!("{v:#?}"));
            assert_eq!(
                serde_json::to_string(&o).unwrap(),
                serde_json::to_string(&v).unwrap()
            );
            assert_eq!(o.as_str(), v.as_str());
            assert_eq!(o.is_string(), v.is_string());
            assert_eq!(o.as_bool(), v.as_bool());
            assert_eq!(o.as_i64(), v.as_i64());
            assert_eq!(o.as_u64(), v.as_u64());
            assert_eq!(o.as_f64(), v.as_f64());
            assert_eq!(o.as_object(), v.as_object());
            assert_eq!(o.as_array(), v.as_array());
            assert_eq!(o.get("SERVICE_NAME"), v.get("SERVICE_NAME"));
            assert_eq!(
                [
                    o.is_null(),
                    o.is_boolean(),
                    o.is_number(),
                    o.is_object(),
                    o.is_array()
                ],
                [
                    v.is_null(),
                    v.is_boolean(),
                    v.is_number(),
                    v.is_object(),
                    v.is_array()
                ]
            );
            assert_eq!(o, v);
            assert_eq!(v, o);
            assert_eq!(o.to_value(), v);
            assert_eq!(Value::from(o), v);
        }
        assert_eq!(OptionValue::from("rs0"), OptionValue::from(json!("rs0")));
        assert_ne!(OptionValue::from("true"), json!(true));
    }
}
