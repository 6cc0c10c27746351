//! Eight bytes at a time: a string read as 64-bit words, each turned into a mask of the bytes
//! worth a closer look. A URL is mostly letters and digits that need nothing; testing them in
//! eights, with a handful of integer operations, costs far less than a table lookup and a
//! branch per byte, and leaves the per-byte work to the few bytes the mask points at.

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;
const LOW7: u64 = 0x7F7F_7F7F_7F7F_7F7F;

/// The high bit of each byte of `word` whose low seven bits are at least `n` (1..=128). The sum
/// of two numbers below 128 stays below 256, so no byte carries into the next.
const fn low7_at_least(word: u64, n: u64) -> u64 {
    ((word & LOW7) + (0x80 - n) * ONES) & HIGH
}

/// The high bit of each byte that is not plain in a query: outside `,`..`;` and `?`..`~`. Those
/// bytes a URL parser keeps and `URLSearchParams` reads as themselves; every other byte (`=`,
/// `&`, `%`, `+`, what a URL parser would encode, and the plain `!$'()*`) is flagged.
pub(super) const fn not_plain_in_query(word: u64) -> u64 {
    let non_ascii = word & HIGH;
    let below_comma = !low7_at_least(word, 0x2C) & HIGH;
    let angle_or_equals = low7_at_least(word, 0x3C) & !low7_at_least(word, 0x3F);
    let delete = low7_at_least(word, 0x7F);
    non_ascii | below_comma | angle_or_equals | delete
}

/// The high bit of each byte that is not a lowercase ASCII letter, a digit, `-` or `.`: the
/// bytes of most host names, which need no closer look (an uppercase letter, `_`, `:` and
/// anything else are flagged).
pub(super) const fn not_lowercase_name(word: u64) -> u64 {
    let letter = low7_at_least(word, b'a' as u64) & !low7_at_least(word, b'z' as u64 + 1);
    let dash_to_nine = low7_at_least(word, b'-' as u64) & !low7_at_least(word, b'9' as u64 + 1);
    // `/` lies between `-` and `9`: flagged on its own (a byte is `/` when it XORs to zero).
    let xor_slash = word ^ (b'/' as u64 * ONES);
    let slash = !low7_at_least(xor_slash, 1) & !xor_slash & HIGH;
    let kept = (letter | dash_to_nine) & !slash & !word;
    !kept & HIGH
}

/// `word` with each ASCII uppercase letter turned lowercase, as `u8::to_ascii_lowercase` does
/// byte by byte: every other byte, non-ASCII ones included, is kept.
pub(super) const fn ascii_lowercase(word: u64) -> u64 {
    let upper = low7_at_least(word, b'A' as u64) & !low7_at_least(word, b'Z' as u64 + 1) & !word;
    // The high bit shifted down to 0x20, the bit that tells `a` from `A`.
    word | (upper & HIGH) >> 2
}

/// The positions of the bytes of `bytes` that `flag` marks, in order. The last, short word is
/// padded with `pad`, a byte `flag` does not mark.
pub(super) struct Flagged<'b, F> {
    bytes: &'b [u8],
    pad: u8,
    flag: F,
    /// Where the current word starts.
    base: usize,
    /// The current word's flagged bytes not yet given (read little-endian: the lowest bit is
    /// the first byte).
    mask: u64,
}

impl<'b, F: Fn(u64) -> u64> Flagged<'b, F> {
    #[inline(always)]
    pub(super) fn new(bytes: &'b [u8], pad: u8, flag: F) -> Self {
        // A flagged pad would give positions past the end, which the callers index with.
        debug_assert_eq!(
            flag(u64::from_le_bytes([pad; 8])),
            0,
            "the pad must not be flagged"
        );
        let mask = flag(word_at(bytes, 0, pad));
        Flagged {
            bytes,
            pad,
            flag,
            base: 0,
            mask,
        }
    }
}

impl<F: Fn(u64) -> u64> Iterator for Flagged<'_, F> {
    type Item = usize;

    #[inline(always)]
    fn next(&mut self) -> Option<usize> {
        while self.mask == 0 {
            self.base += 8;
            if self.base >= self.bytes.len() {
                return None;
            }
            self.mask = (self.flag)(word_at(self.bytes, self.base, self.pad));
        }
        let at = self.base + (self.mask.trailing_zeros() / 8) as usize;
        self.mask &= self.mask - 1;
        Some(at)
    }
}

/// The eight bytes from `base` as a little-endian word, padded with `pad` past the end.
#[inline(always)]
fn word_at(bytes: &[u8], base: usize, pad: u8) -> u64 {
    let mut word = [pad; 8];
    match bytes.get(base..base + 8) {
        Some(eight) => word.copy_from_slice(eight),
        None => {
            let tail = bytes.get(base..).unwrap_or_default();
            word[..tail.len()].copy_from_slice(tail);
        }
    }
    u64::from_le_bytes(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Calls `check` with every word that holds one byte value in one place and another value
    /// in the seven others: each value, in each place, next to every other value.
    fn every_word(mut check: impl FnMut([u8; 8])) {
        for b in 0..=255u8 {
            for other in 0..=255u8 {
                for place in 0..8 {
                    let mut word = [other; 8];
                    word[place] = b;
                    check(word);
                }
            }
        }
    }

    /// Each byte value, in each place of a word and next to every other value, is flagged
    /// exactly when it is outside the plain ranges.
    #[test]
    fn flags_exactly_the_bytes_outside_the_plain_ranges() {
        let plain = |b: u8| matches!(b, b','..=b';' | b'?'..=b'~');
        every_word(|word| {
            let mask = not_plain_in_query(u64::from_le_bytes(word));
            for (i, &byte) in word.iter().enumerate() {
                let flagged = mask >> (i * 8) & 0xFF;
                assert_eq!(flagged == 0x80, !plain(byte), "{byte:#x} in {word:?}");
                assert!(flagged == 0 || flagged == 0x80);
            }
        });
    }

    #[test]
    fn flags_exactly_the_bytes_outside_lowercase_names() {
        let kept = |b: u8| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'.';
        every_word(|word| {
            let mask = not_lowercase_name(u64::from_le_bytes(word));
            for (i, &byte) in word.iter().enumerate() {
                let flagged = mask >> (i * 8) & 0xFF;
                assert_eq!(flagged == 0x80, !kept(byte), "{byte:#x} in {word:?}");
                assert!(flagged == 0 || flagged == 0x80);
            }
        });
    }

    #[test]
    fn lowercases_exactly_the_ascii_uppercase_letters() {
        every_word(|word| {
            let lower = ascii_lowercase(u64::from_le_bytes(word));
            assert_eq!(lower.to_le_bytes(), word.map(|b| b.to_ascii_lowercase()));
        });
    }

    #[test]
    fn visits_flagged_bytes_in_order_including_the_tail() {
        for len in 0..40 {
            let text: Vec<u8> = (0..len)
                .map(|i| if i % 3 == 0 { b'&' } else { b'a' })
                .collect();
            let seen: Vec<usize> = Flagged::new(&text, b'a', not_plain_in_query).collect();
            let expected: Vec<usize> = (0..len).filter(|i| i % 3 == 0).collect();
            assert_eq!(seen, expected, "{len}");
        }
    }
}
