//! [`OptionMap`]: the options a URL sets, by lowercased name, in name order.

use super::option_value::OptionValue;
use super::options;
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;

/// The options the driver read from a URL: lowercased option name (from the driver's table) ->
/// value, listed in name order. It reads like a `BTreeMap<&'static str, OptionValue>` (`get`, `iter`,
/// `keys`, `values`, `len`; `Debug` and serde print it as a map) but is a short sorted list: a URL
/// sets a handful of options (at most the table's 112), and building and dropping a tree was
/// about a sixth of a whole parse.
#[derive(Clone, PartialEq, Default)]
pub struct OptionMap {
    /// Sorted by name.
    entries: Vec<Entry>,
}

/// Room the first option reserves: more than most URLs set (a URL that sets more grows the map).
const TYPICAL_OPTIONS: usize = 8;

#[derive(Clone, PartialEq)]
struct Entry {
    name: &'static str,
    value: OptionValue,
    /// The name's place among the table's lowercased names ([`options::name_rank`]): sorting
    /// by it is sorting by name, with a byte comparison instead of a string comparison.
    rank: u8,
}

impl OptionMap {
    /// An empty map.
    pub fn new() -> Self {
        OptionMap::default()
    }

    /// The value of the option at position `i` of the table, set or replaced.
    pub(crate) fn set(&mut self, i: usize, value: OptionValue) {
        let rank = options::name_rank(i);
        // Options arrive in the table's order, which is nearly the names' order: the place is
        // found from the end.
        let at = self
            .entries
            .iter()
            .rposition(|e| e.rank <= rank)
            .map_or(0, |p| p + 1);
        if at > 0 && self.entries[at - 1].rank == rank {
            self.entries[at - 1].value = value;
            return;
        }
        if self.entries.capacity() == 0 {
            // Room for more options than most URLs set at once, rather than growing from four.
            self.entries.reserve_exact(TYPICAL_OPTIONS);
        }
        let entry = Entry {
            name: options::lowercase_name(i),
            value,
            rank,
        };
        self.entries.insert(at, entry);
    }

    /// Adds the value of the option at position `i` of the table, which the map must not
    /// hold, at the end, out of order: the map is then read only with [`OptionMap::at`] until
    /// [`OptionMap::sort`] puts it back in name order. The validation adds its options so, in
    /// the table's order, and sorts once.
    #[inline]
    pub(crate) fn push_unsorted(&mut self, i: usize, value: OptionValue) {
        if self.entries.capacity() == 0 {
            // Room for more options than most URLs set at once, rather than growing from four.
            self.entries.reserve_exact(TYPICAL_OPTIONS);
        }
        self.entries.push(Entry {
            name: options::lowercase_name(i),
            value,
            rank: options::name_rank(i),
        });
    }

    /// Puts the options added by [`OptionMap::push_unsorted`] in name order. The table's order
    /// is nearly the names' order: most maps are found sorted already.
    pub(crate) fn sort(&mut self) {
        if !self.entries.is_sorted_by_key(|e| e.rank) {
            // Ranks are distinct: an unstable sort gives the one order.
            self.entries.sort_unstable_by_key(|e| e.rank);
        }
    }

    /// The value of the option at position `i` of the table.
    pub(crate) fn at(&self, i: usize) -> Option<&OptionValue> {
        let rank = options::name_rank(i);
        self.entries
            .iter()
            .find(|e| e.rank == rank)
            .map(|e| &e.value)
    }

    /// The value of the option named `name`, lowercased (`replicaset`).
    pub fn get(&self, name: &str) -> Option<&OptionValue> {
        self.entries
            .binary_search_by(|e| e.name.cmp(name))
            .ok()
            .map(|at| &self.entries[at].value)
    }

    /// Whether the option named `name` (lowercased) is set.
    pub fn contains_key(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// How many options are set.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no option is set.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The options in name order, as `(name, value)`.
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            entries: self.entries.iter(),
        }
    }

    /// The names in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &&'static str> + ExactSizeIterator {
        self.entries.iter().map(|e| &e.name)
    }

    /// The values in the names' order.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &OptionValue> + ExactSizeIterator {
        self.entries.iter().map(|e| &e.value)
    }
}

/// The options of an [`OptionMap`] in name order (the items a `BTreeMap`'s `iter` gives).
#[derive(Clone)]
pub struct Iter<'a> {
    entries: std::slice::Iter<'a, Entry>,
}

impl<'a> Iterator for Iter<'a> {
    type Item = (&'a &'static str, &'a OptionValue);

    fn next(&mut self) -> Option<Self::Item> {
        self.entries.next().map(|e| (&e.name, &e.value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.entries.next_back().map(|e| (&e.name, &e.value))
    }
}

impl ExactSizeIterator for Iter<'_> {}

impl<'a> IntoIterator for &'a OptionMap {
    type Item = (&'a &'static str, &'a OptionValue);
    type IntoIter = Iter<'a>;

    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

impl IntoIterator for OptionMap {
    type Item = (&'static str, OptionValue);
    type IntoIter = IntoIter;

    fn into_iter(self) -> IntoIter {
        IntoIter {
            entries: self.entries.into_iter(),
        }
    }
}

/// The options of an [`OptionMap`] in name order, owned (the items a `BTreeMap`'s `into_iter`
/// gives).
pub struct IntoIter {
    entries: std::vec::IntoIter<Entry>,
}

impl Iterator for IntoIter {
    type Item = (&'static str, OptionValue);

    fn next(&mut self) -> Option<Self::Item> {
        self.entries.next().map(|e| (e.name, e.value))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.entries.size_hint()
    }
}

impl DoubleEndedIterator for IntoIter {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.entries.next_back().map(|e| (e.name, e.value))
    }
}

impl ExactSizeIterator for IntoIter {}

impl fmt::Debug for OptionMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl Serialize for OptionMap {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        for (name, value) in self {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::options::OPTIONS;
    use serde_json::Value;
    use std::collections::BTreeMap;

    /// Set in any order, the map lists, finds and prints its options as a `BTreeMap` of
    /// `Value`s does.
    #[test]
    fn reads_like_a_btree_map() {
        let mut seed = 7u64;
        for round in 0..200 {
            let mut ours = OptionMap::new();
            let mut tree = BTreeMap::new();
            for n in 0..(round % 20) {
                seed = seed
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let i = (seed >> 33) as usize % OPTIONS.len();
                let value = if n % 2 == 0 {
                    Value::from(n)
                } else {
                    Value::from(format!("v{n}"))
                };
                ours.set(i, OptionValue::from(value.clone()));
                tree.insert(options::lowercase_name(i), value);
            }
            assert_eq!(format!("{ours:?}"), format!("{tree:?}"));
            assert_eq!(
                serde_json::to_string(&ours).unwrap(),
                serde_json::to_string(&tree).unwrap()
            );
            let as_json = |(k, v): (&&'static str, &OptionValue)| (*k, v.to_value());
            assert!(ours.iter().map(as_json).eq(tree.clone().into_iter()));
            assert!(ours.keys().eq(tree.keys()));
            assert!(ours
                .values()
                .map(OptionValue::to_value)
                .eq(tree.values().cloned()));
            assert!(ours
                .clone()
                .into_iter()
                .map(|(k, v)| (k, Value::from(v)))
                .eq(tree.clone().into_iter()));
            assert_eq!(ours.len(), tree.len());
            let mut pushed = OptionMap::new();
            for (name, value) in ours.iter().rev() {
                let i = (0..OPTIONS.len())
                    .find(|&i| options::lowercase_name(i) == *name)
                    .unwrap();
                pushed.push_unsorted(i, value.clone());
                assert!(pushed.at(i).is_some());
            }
            pushed.sort();
            assert_eq!(format!("{pushed:?}"), format!("{ours:?}"));
            assert!(pushed.iter().eq(ours.iter()));
            for (i, o) in OPTIONS.iter().enumerate() {
                let name = options::lowercase_name(i);
                let found = ours.get(name).map(OptionValue::to_value);
                assert_eq!(found.as_ref(), tree.get(name), "{}", o.name);
                let found = ours.at(i).map(OptionValue::to_value);
                assert_eq!(found.as_ref(), tree.get(name), "{}", o.name);
            }
        }
    }
}
