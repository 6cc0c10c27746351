//! The option values the driver read, by the option's position in its table, in the order it
//! read them; they become the public map of lowercased names only once every check has passed.

use super::options;
use serde_json::Value;
use std::collections::BTreeMap;

/// Values by table position. A URL sets a few options, so a search through them costs less
/// than a map keyed by name, which would compare names and own a copy of each.
#[derive(Debug, Clone, Default)]
pub(super) struct OptionValues(Vec<(usize, Value)>);

impl OptionValues {
    /// Room for `n` values (the options given, and `tls` which SRV may add), so that the
    /// vector is allocated once.
    pub(super) fn with_capacity(n: usize) -> Self {
        OptionValues(Vec::with_capacity(n))
    }

    /// The value of the option at position `i`.
    pub(super) fn get(&self, i: usize) -> Option<&Value> {
        self.0.iter().find(|(at, _)| *at == i).map(|(_, v)| v)
    }

    /// Sets the value of the option at position `i` (read once: the driver reads each once).
    pub(super) fn set(&mut self, i: usize, value: Value) {
        match self.0.iter_mut().find(|(at, _)| *at == i) {
            Some((_, old)) => *old = value,
            None => self.0.push((i, value)),
        }
    }

    /// Whether the option at position `i` has a value.
    pub(super) fn contains(&self, i: usize) -> bool {
        self.get(i).is_some()
    }

    pub(super) fn bool(&self, i: usize) -> bool {
        self.get(i).and_then(Value::as_bool).unwrap_or(false)
    }

    pub(super) fn positive(&self, i: usize) -> bool {
        self.get(i).and_then(Value::as_i64).is_some_and(|n| n > 0)
    }

    pub(super) fn str(&self, i: usize) -> Option<&str> {
        self.get(i).and_then(Value::as_str)
    }

    /// The values keyed by lowercased option name, as [`crate::MongoUrl::options`] holds them.
    pub(super) fn into_map(self) -> BTreeMap<String, Value> {
        // Inserted one by one: collecting would first gather and sort the entries in a vector.
        let mut map = BTreeMap::new();
        for (i, v) in self.0 {
            map.insert(options::lowercase_name(i).to_string(), v);
        }
        map
    }
}
