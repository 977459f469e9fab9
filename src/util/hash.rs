//! Hashing: FNV-1a for what must hash the same on every build and
//! platform, and a pass-through hasher for tables keyed by hashes.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The starting value of an FNV-1a hash.
pub(crate) const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;

/// FNV-1a: the hash `h` continued over `bytes`. Stable across builds and
/// platforms (unlike std's hasher): fingerprints and fold assignment rely
/// on it.
pub(crate) fn fnv1a(h: u64, bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .fold(h, |h, &b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3))
}

/// A hasher for keys that are already good hashes (`u64`s from FNV-1a or
/// the tokenizer's hash): the key is its own hash. Anything else written
/// to it (never done here) is hashed with FNV-1a rather than ignored.
#[derive(Default)]
pub(crate) struct IdentityHasher(u64);

impl Hasher for IdentityHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = fnv1a(self.0 ^ FNV_OFFSET, bytes);
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A table keyed by hashes, through [`IdentityHasher`].
pub(crate) type HashedMap<V> = HashMap<u64, V, BuildHasherDefault<IdentityHasher>>;

#[cfg(test)]
mod tests {
    use std::hash::BuildHasher;

    use super::*;

    #[test]
    fn table() {
        // The reference values of FNV-1a 64.
        assert_eq!(fnv1a(FNV_OFFSET, b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a(FNV_OFFSET, b"a"), 0xaf63_dc4c_8601_ec8c);
        // A u64 key is its own hash.
        let build = BuildHasherDefault::<IdentityHasher>::default();
        assert_eq!(
            build.hash_one(0x1234_5678_9abc_def0u64),
            0x1234_5678_9abc_def0
        );
    }
}
