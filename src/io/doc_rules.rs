//! Document decisions: after its lines are stripped, whether a whole
//! document is worth keeping (a page emptied or nearly emptied is routed
//! aside for review rather than written as an empty record).

use std::fmt;

/// Rules that reject whole documents after stripping, by what is left of
/// them. Each rule is off by default; a rejected document is counted under
/// the first rule it fails, in the order of [`Rejection::ALL`].
///
/// Lengths are in characters (Unicode scalar values, Python's `len`), of
/// the text field before and after stripping, so the command line and the
/// Python filter (`decruft.datatrove.DecruftFilter`) decide alike.
///
/// # Example
///
/// ```
/// use decruft::{DocRules, Rejection};
///
/// let mut rules = DocRules::default();
/// rules.drop_empty = true;
/// rules.min_kept_chars = 200;
/// rules.min_kept_share = 0.1;
/// assert_eq!(rules.judge(1000, " \n"), Some(Rejection::Empty));
/// assert_eq!(rules.judge(1000, "Short."), Some(Rejection::TooShort));
/// assert_eq!(rules.judge(10_000, &"x".repeat(500)), Some(Rejection::LowKeptShare));
/// assert_eq!(rules.judge(1000, &"x".repeat(500)), None);
/// assert!(DocRules::default().is_off());
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct DocRules {
    /// Reject a document whose cleaned text is empty or only white space
    /// ([`Rejection::Empty`]).
    pub drop_empty: bool,
    /// Reject a document whose cleaned text has fewer characters than this
    /// ([`Rejection::TooShort`]; 0: off).
    pub min_kept_chars: usize,
    /// Reject a document that keeps less than this share of its characters,
    /// in `[0, 1]` ([`Rejection::LowKeptShare`]; 0: off). A document with no
    /// text has lost nothing: this rule leaves it alone.
    pub min_kept_share: f64,
}

/// Why [`DocRules`] rejected a document.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Rejection {
    /// Nothing but white space is left ([`DocRules::drop_empty`]).
    Empty,
    /// Fewer characters are left than [`DocRules::min_kept_chars`].
    TooShort,
    /// A smaller share of the characters is left than
    /// [`DocRules::min_kept_share`].
    LowKeptShare,
}

impl Rejection {
    /// Every reason, in the order the rules are checked.
    pub const ALL: [Rejection; 3] = [
        Rejection::Empty,
        Rejection::TooShort,
        Rejection::LowKeptShare,
    ];

    /// The reason's name in rejected records, statistics and messages:
    /// `empty`, `too_short`, `low_kept_share`.
    pub fn as_str(self) -> &'static str {
        match self {
            Rejection::Empty => "empty",
            Rejection::TooShort => "too_short",
            Rejection::LowKeptShare => "low_kept_share",
        }
    }

    /// The reason's index in [`Rejection::ALL`].
    pub fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl DocRules {
    /// Whether no rule is on (every document is kept).
    pub fn is_off(&self) -> bool {
        !self.drop_empty && self.min_kept_chars == 0 && self.min_kept_share <= 0.0
    }

    /// The first rule that a document of `chars_in` characters, stripped
    /// to `kept`, fails; `None` to keep it.
    pub fn judge(&self, chars_in: usize, kept: &str) -> Option<Rejection> {
        if self.is_off() {
            return None;
        }
        if self.drop_empty && kept.trim().is_empty() {
            return Some(Rejection::Empty);
        }
        // Counting characters is only needed for the two other rules.
        let chars_kept = if self.min_kept_chars > 0 || self.min_kept_share > 0.0 {
            kept.chars().count()
        } else {
            0
        };
        if chars_kept < self.min_kept_chars {
            return Some(Rejection::TooShort);
        }
        if chars_in > 0 && (chars_kept as f64) < self.min_kept_share * chars_in as f64 {
            return Some(Rejection::LowKeptShare);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_in_order() {
        let all = DocRules {
            drop_empty: true,
            min_kept_chars: 5,
            min_kept_share: 0.5,
        };
        let only = |f: fn(&mut DocRules)| {
            let mut r = DocRules::default();
            f(&mut r);
            r
        };
        let empty = only(|r| r.drop_empty = true);
        let short = only(|r| r.min_kept_chars = 5);
        let share = only(|r| r.min_kept_share = 0.5);
        for (rules, chars_in, kept, want) in [
            (all, 100, "", Some(Rejection::Empty)),
            (all, 100, "\n \t\n", Some(Rejection::Empty)),
            (all, 100, "abcd", Some(Rejection::TooShort)),
            (all, 100, "abcdefghij", Some(Rejection::LowKeptShare)),
            (all, 10, "abcdefghij", None),
            (empty, 100, "a", None),
            (empty, 0, "", Some(Rejection::Empty)),
            // Blank lines count as characters; empty text as empty.
            (short, 100, "\n\n\n\n\n", None),
            (short, 0, "", Some(Rejection::TooShort)),
            // Characters, not bytes: "éééé" is 8 bytes, 4 characters.
            (short, 100, "éééé", Some(Rejection::TooShort)),
            (short, 100, "ééééé", None),
            (share, 0, "", None),
            (share, 10, "abcd", Some(Rejection::LowKeptShare)),
            (share, 10, "abcde", None),
            (DocRules::default(), 100, "", None),
        ] {
            assert_eq!(
                rules.judge(chars_in, kept),
                want,
                "{rules:?} {chars_in} {kept:?}"
            );
        }
    }

    #[test]
    fn names() {
        let names: Vec<&str> = Rejection::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(names, ["empty", "too_short", "low_kept_share"]);
        for (i, r) in Rejection::ALL.iter().enumerate() {
            assert_eq!(r.index(), i);
        }
    }
}
