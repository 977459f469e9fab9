//! The stoplists as one table: from a case-folded word hash to a bit mask
//! of the languages whose list holds the word, so that a document's
//! language and each line's stopword count come from one lookup per word.

use std::collections::HashMap;

use crate::text::data::{entries, STOPLISTS};
use crate::text::tokens;
use crate::util::hash::HashedMap;

/// Word hash → language mask, open addressing with linear probing: one
/// probe for most words, on the hottest lookup of feature extraction.
#[derive(Clone, Debug)]
pub(super) struct StopTable {
    /// (high half of the word hash, 1 + index of its mask in `masks`); a
    /// zero index marks an empty slot. Eight bytes a slot keep the table
    /// small enough for the cache; the low bits of the hash are the slot.
    slots: Vec<(u32, u32)>,
    /// The distinct language masks.
    masks: Vec<u64>,
    mask: usize,
    /// One bit per [`FILTER_BITS`]-bit slice of the hash: most words are not
    /// stopwords, and this 16 KB filter (it stays in L1) turns them away
    /// without touching the table.
    filter: Vec<u64>,
}

const FILTER_BITS: u32 = 17;

#[inline]
fn filter_bit(hash: u64) -> usize {
    (hash >> 40) as usize & ((1 << FILTER_BITS) - 1)
}

impl StopTable {
    /// The table of the embedded stoplists: bit `k` of a word's mask is
    /// stoplist `k` of [`STOPLISTS`].
    pub(crate) fn build() -> StopTable {
        let mut masks: HashedMap<u64> = HashedMap::default();
        for (bit, (_, file)) in STOPLISTS.iter().enumerate() {
            for entry in entries(file) {
                tokens::for_each_word(entry, |w| *masks.entry(w.hash).or_default() |= 1 << bit);
            }
        }
        StopTable::new(&masks)
    }

    fn new(entries: &HashedMap<u64>) -> StopTable {
        let size = (entries.len() * 2).next_power_of_two().max(16);
        let mut slots = vec![(0u32, 0u32); size];
        let mut masks = Vec::new();
        let mut mask_ids: HashMap<u64, u32> = HashMap::new();
        let mask = size - 1;
        for (&hash, &langs) in entries {
            let id = *mask_ids.entry(langs).or_insert_with(|| {
                masks.push(langs);
                masks.len() as u32
            });
            let mut i = hash as usize & mask;
            while slots[i].1 != 0 {
                i = (i + 1) & mask;
            }
            slots[i] = ((hash >> 32) as u32, id);
        }
        let mut filter = vec![0u64; (1 << FILTER_BITS) / 64];
        for &hash in entries.keys() {
            let b = filter_bit(hash);
            filter[b / 64] |= 1 << (b % 64);
        }
        StopTable {
            slots,
            masks,
            mask,
            filter,
        }
    }

    #[inline]
    pub(crate) fn get(&self, hash: u64) -> u64 {
        let b = filter_bit(hash);
        if self.filter[b / 64] & (1 << (b % 64)) == 0 {
            return 0;
        }
        let tag = (hash >> 32) as u32;
        let mut i = hash as usize & self.mask;
        loop {
            match self.slots[i] {
                (_, 0) => return 0,
                (t, id) if t == tag => return self.masks[id as usize - 1],
                _ => i = (i + 1) & self.mask,
            }
        }
    }
}
