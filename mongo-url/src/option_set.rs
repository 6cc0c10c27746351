//! [`OptionSet`]: a set of positions in the driver's option table.

use super::options::OPTIONS;

const WORDS: usize = 2;
const _: () = assert!(
    OPTIONS.len() <= WORDS * 64,
    "the option table outgrew OptionSet"
);

/// Positions in [`OPTIONS`], one bit each. Two machine words rather than one `u128`: shifting a
/// `u128` by a variable amount takes several instructions on x86-64, a word one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct OptionSet([u64; WORDS]);

impl OptionSet {
    /// Adds the position `i`.
    pub(super) fn insert(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    /// Whether the set holds the position `i`.
    pub(super) fn contains(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }

    /// The positions in increasing order.
    pub(super) fn iter(self) -> impl Iterator<Item = usize> {
        let mut words = self.0;
        let mut word = 0;
        std::iter::from_fn(move || {
            while word < WORDS {
                let bits = words[word];
                if bits != 0 {
                    words[word] = bits & (bits - 1);
                    return Some(word * 64 + bits.trailing_zeros() as usize);
                }
                word += 1;
            }
            None
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holds_and_lists_positions_in_order() {
        let mut set = OptionSet::default();
        let positions = [0, 5, 63, 64, 100, OPTIONS.len() - 1];
        for &i in positions.iter().rev() {
            set.insert(i);
        }
        assert!(set.iter().eq(positions.iter().copied()));
        for i in 0..OPTIONS.len() {
            assert_eq!(set.contains(i), positions.contains(&i), "{i}");
        }
        assert_eq!(OptionSet::default().iter().next(), None);
    }
}
