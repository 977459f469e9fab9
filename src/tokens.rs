//! Words: where they are and a case-folded hash of each.
//!
//! One tokenizer serves the stopword lists (at load time), the features and
//! the model's hashed n-grams, so the three always agree on what a word is.
//! A word is a run of letters, digits and combining marks; apostrophes split
//! ("l'homme" is "l" + "homme", as the stoplists are loaded the same way).
//! Han, kana and other scripts written without spaces give one word per
//! character, so stopword density still means something for Chinese and
//! Japanese.

/// One word of a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Word {
    /// Case-folded FxHash-style hash of the word's characters.
    pub hash: u64,
    /// Number of characters.
    pub chars: u32,
    /// Whether the first character is an uppercase letter.
    pub upper: bool,
    /// Whether every character is an ASCII digit.
    pub numeric: bool,
}

const K: u64 = 0x517c_c1b7_2722_0a95;

#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// Final avalanche so that low bits (used for bucketing) depend on every char.
#[inline]
pub(crate) fn finish(h: u64) -> u64 {
    let h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 29)
}

/// Combines two hashes into one (for n-grams).
#[inline]
pub(crate) fn combine(a: u64, b: u64) -> u64 {
    finish(mix(a, b))
}

/// Scripts written without spaces between words: one token per character.
#[inline]
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x0E00..=0x0EFF    // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x20000..=0x2FFFF) // CJK extensions B-F
}

/// Letters, digits and the marks that belong inside words (Indic vowel signs
/// and combining diacritics are not "alphanumeric" to `char`).
#[inline]
fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphanumeric();
    }
    c.is_alphanumeric() || matches!(c as u32, 0x0300..=0x036F | 0x0900..=0x0DFF | 0x1AB0..=0x1AFF)
}

/// Whether `c` is a character that continues a word (used for lexicon
/// word-boundary checks). Unspaced scripts never form boundaries.
#[inline]
pub(crate) fn joins_word(c: char) -> bool {
    is_word_char(c) && !is_unspaced(c)
}

#[inline]
fn fold(c: char) -> u32 {
    if c.is_ascii() {
        c.to_ascii_lowercase() as u32
    } else {
        c.to_lowercase().next().unwrap_or(c) as u32
    }
}

/// Calls `f` with each word of `line`, in order.
#[inline]
pub(crate) fn for_each_word(line: &str, mut f: impl FnMut(Word)) {
    let mut cur: Option<Word> = None;
    for c in line.chars() {
        if is_word_char(c) {
            if is_unspaced(c) {
                if let Some(w) = cur.take() {
                    f(Word { hash: finish(w.hash), ..w });
                }
                f(Word {
                    hash: finish(mix(0, fold(c) as u64)),
                    chars: 1,
                    upper: false,
                    numeric: false,
                });
                continue;
            }
            let folded = fold(c);
            match &mut cur {
                Some(w) => {
                    w.hash = mix(w.hash, folded as u64);
                    w.chars += 1;
                    w.numeric &= c.is_ascii_digit();
                }
                None => {
                    cur = Some(Word {
                        hash: mix(0, folded as u64),
                        chars: 1,
                        upper: c.is_uppercase(),
                        numeric: c.is_ascii_digit(),
                    })
                }
            }
        } else if let Some(w) = cur.take() {
            f(Word { hash: finish(w.hash), ..w });
        }
    }
    if let Some(w) = cur {
        f(Word { hash: finish(w.hash), ..w });
    }
}

/// The folded hash of a single word as the tokenizer would produce it, or
/// `None` if `word` is not exactly one word.
pub(crate) fn word_hash(word: &str) -> Option<u64> {
    let mut out = None;
    let mut n = 0;
    for_each_word(word, |w| {
        n += 1;
        out = Some(w.hash);
    });
    if n == 1 {
        out
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<(u64, u32, bool)> {
        let mut v = Vec::new();
        for_each_word(s, |w| v.push((w.hash, w.chars, w.upper)));
        v
    }

    #[test]
    fn splits_and_folds() {
        let a = words("L'Homme, l'homme — À LA UNE 2024");
        assert_eq!(a.len(), 8);
        assert_eq!(a[0].0, a[2].0, "l / L fold together");
        assert_eq!(a[1].0, a[3].0, "Homme / homme fold together");
        assert_eq!(a[4].0, word_hash("à").unwrap());
        assert!(a[1].2 && !a[3].2);
        assert_eq!(a[7].1, 4);
    }

    #[test]
    fn unspaced_scripts_give_one_word_per_char() {
        assert_eq!(words("我们的文章").len(), 5);
        assert_eq!(words("これはabc").len(), 4);
        assert_eq!(words("नमस्ते दुनिया").len(), 2, "vowel signs stay inside words");
    }

    #[test]
    fn word_hash_requires_one_word() {
        assert!(word_hash("de").is_some());
        assert!(word_hash("d'un").is_none());
        assert!(word_hash("  ").is_none());
    }
}
