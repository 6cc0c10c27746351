//! The hasher of the plan's tables of instance ids, places and releases (the planner's, the
//! simulator's, the rolling work's). Every simulated step looks one or two ids up, and SipHash
//! (the standard library's default, built to resist inputs chosen to collide) was a tenth of a
//! plan's instructions. The ids come from the operator's own topology,
//! so a multiply-and-rotate hash (the one rustc uses for its own tables) is enough; it is also
//! deterministic, and nothing iterates these tables in an order that reaches the output.

use std::hash::{BuildHasherDefault, Hasher};

/// Builds [`IdHasher`]s: `HashMap<K, V, IdHash>`.
pub(crate) type IdHash = BuildHasherDefault<IdHasher>;

/// Mixes each 8-byte word into the state with a rotation, an xor and a multiplication.
#[derive(Default, Clone, Copy)]
pub(crate) struct IdHasher(u64);

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl IdHasher {
    fn add(&mut self, word: u64) {
        self.0 = (self.0.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for IdHasher {
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            word[..rest.len()].copy_from_slice(rest);
            self.add(u64::from_le_bytes(word));
        }
    }

    fn write_u8(&mut self, n: u8) {
        self.add(n.into());
    }

    fn write_u16(&mut self, n: u16) {
        self.add(n.into());
    }

    fn write_u32(&mut self, n: u32) {
        self.add(n.into());
    }

    fn write_u64(&mut self, n: u64) {
        self.add(n);
    }

    fn write_usize(&mut self, n: usize) {
        self.add(n as u64);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn ids_that_differ_hash_apart_and_sets_work() {
        let hash = |s: &str| {
            let mut h = IdHasher::default();
            std::hash::Hash::hash(s, &mut h);
            h.finish()
        };
        assert_ne!(hash("app1:3000"), hash("app1:3001"));
        assert_ne!(hash("app10:3000"), hash("app1:03000"));
        let ids: HashSet<String, IdHash> = (0..1000).map(|n| format!("app{n}:3000")).collect();
        assert_eq!(ids.len(), 1000);
        assert!(ids.contains("app999:3000") && !ids.contains("app1000:3000"));
    }
}
