//! Folds by site: every page of a site in one fold, so that a model is
//! never scored on a site it was trained on.

use crate::util::hash::{fnv1a, FNV_OFFSET};

/// Assigns groups to `k` folds: groups sorted by a seeded hash, dealt round-robin.
pub(crate) fn folds(groups: &[&str], k: usize, seed: u64) -> Vec<usize> {
    let mut names: Vec<&str> = groups.to_vec();
    names.sort();
    names.dedup();
    let hash = |s: &str| fnv1a(FNV_OFFSET ^ seed, s.as_bytes());
    names.sort_by_key(|s| (hash(s), *s));
    groups
        .iter()
        .map(|g| names.iter().position(|n| n == g).unwrap_or(0) % k.max(1))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_keep_groups_together_and_are_balanced() {
        let groups = ["a", "b", "a", "c", "d", "b", "e", "f"];
        let f = folds(&groups, 3, 7);
        assert_eq!(f[0], f[2]);
        assert_eq!(f[1], f[5]);
        let mut sizes = [0; 3];
        for g in ["a", "b", "c", "d", "e", "f"] {
            sizes[f[groups.iter().position(|x| *x == g).unwrap()]] += 1;
        }
        assert_eq!(sizes, [2, 2, 2]);
        assert_eq!(f, folds(&groups, 3, 7), "deterministic");
    }
}
