//! The option values the driver read, asked for by the option's position in its table, held in
//! the public map of lowercased names.

use super::option_map::OptionMap;
use super::option_set::OptionSet;
use super::option_value::OptionValue;

/// Values by table position, kept in the public map as they are read; which options have one
/// is a bit set, so that asking about an option not set (most of the checks) costs no search.
#[derive(Debug, Clone, Default)]
pub(super) struct OptionValues {
    map: OptionMap,
    set: OptionSet,
}

impl OptionValues {
    /// The value of the option at position `i`.
    pub(super) fn get(&self, i: usize) -> Option<&OptionValue> {
        if !self.contains(i) {
            return None;
        }
        self.map.at(i)
    }

    /// Sets the value of the option at position `i`. The map is put in name order once, by
    /// [`OptionValues::into_map`].
    #[inline]
    pub(super) fn set(&mut self, i: usize, value: OptionValue) {
        if self.contains(i) {
            self.map.set(i, value);
        } else {
            self.map.push_unsorted(i, value);
            self.set.insert(i);
        }
    }

    /// Sets the value of the option at position `i`, which has none yet: the validation reads
    /// each option once.
    #[inline]
    pub(super) fn add(&mut self, i: usize, value: OptionValue) {
        debug_assert!(!self.contains(i));
        self.map.push_unsorted(i, value);
        self.set.insert(i);
    }

    /// Whether the option at position `i` has a value.
    pub(super) fn contains(&self, i: usize) -> bool {
        self.set.contains(i)
    }

    pub(super) fn bool(&self, i: usize) -> bool {
        self.get(i).and_then(OptionValue::as_bool).unwrap_or(false)
    }

    pub(super) fn positive(&self, i: usize) -> bool {
        self.get(i)
            .and_then(OptionValue::as_i64)
            .is_some_and(|n| n > 0)
    }

    pub(super) fn str(&self, i: usize) -> Option<&str> {
        self.get(i).and_then(OptionValue::as_str)
    }

    /// The values keyed by lowercased option name, as [`crate::MongoUrl::options`] holds them.
    pub(super) fn into_map(mut self) -> OptionMap {
        self.map.sort();
        self.map
    }
}
