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
    pub(crate) hash: u64,
    /// Number of characters.
    pub(crate) chars: u32,
    /// Whether the first character is an uppercase letter.
    pub(crate) upper: bool,
    /// Whether every character is an ASCII digit.
    pub(crate) numeric: bool,
}

// The word hash. Its values are part of the shipped model: the model's
// n-gram and cross weights sit at buckets of these hashes
// (`classify/stage1.rs`), and the stoplist table is keyed by them. Change
// `K`, `mix`, `finish`, `combine` or `HASH_SEED` and every bucket moves:
// the model then reads other n-grams' weights, with no error (the model's
// fingerprint names the hashing layout, not these numbers). The test
// `hashes_are_pinned` fails first; the fix is a retrain and a bump of
// `FEATURES_VERSION` (`model/file.rs`).

/// The multiplier of FxHash (rustc's and Firefox's hasher): odd, with its
/// bits well spread, so that one multiply mixes a character into the state.
const K: u64 = 0x517c_c1b7_2722_0a95;

/// A starting value for hashes of several parts (a line's n-gram of all
/// its words, a line's content for counting repeats): the 64-bit golden
/// ratio, so that an empty start is not zero.
pub(crate) const HASH_SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// One step of the word hash: the state rotated, the next character
/// xored in, multiplied by [`K`] (FxHash's step).
#[inline]
fn mix(h: u64, x: u64) -> u64 {
    (h.rotate_left(5) ^ x).wrapping_mul(K)
}

/// Final avalanche so that low bits (used for bucketing) depend on every
/// char: the first half of MurmurHash3's 64-bit finaliser (`fmix64`), an
/// xor-shift, a multiply by its first constant, an xor-shift.
#[inline]
pub(crate) fn finish(h: u64) -> u64 {
    let h = (h ^ (h >> 33)).wrapping_mul(0xff51_afd7_ed55_8ccd);
    h ^ (h >> 29)
}

/// Combines two hashes into one (for n-grams: a tag and a word, two words,
/// a running hash and the next part).
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
pub(super) fn joins_word(c: char) -> bool {
    is_word_char(c) && !is_unspaced(c)
}

#[inline]
fn fold_char(c: char) -> u32 {
    if c.is_ascii() {
        c.to_ascii_lowercase() as u32
    } else {
        c.to_lowercase().next().unwrap_or(c) as u32
    }
}

/// What the tokenizer asks of a non-ASCII character, from a table for the
/// two-byte range (Latin, Greek, Cyrillic, Hebrew, Arabic…) and from
/// `char`'s Unicode tables above it.
#[derive(Clone, Copy)]
pub(crate) struct CharInfo {
    /// The lower-case form (see [`fold_char`]).
    pub(crate) folded: u32,
    flags: u8,
}

const INFO_UPPER: u8 = 1;
const INFO_LOWER: u8 = 2;
const INFO_WORD: u8 = 4;
const INFO_SPACE: u8 = 8;

impl CharInfo {
    fn compute(c: char) -> CharInfo {
        let flags = (c.is_uppercase() as u8 * INFO_UPPER)
            | (c.is_lowercase() as u8 * INFO_LOWER)
            | (is_word_char(c) as u8 * INFO_WORD)
            | (c.is_whitespace() as u8 * INFO_SPACE);
        CharInfo {
            folded: fold_char(c),
            flags,
        }
    }

    #[inline]
    pub(crate) fn of(c: char) -> CharInfo {
        static TWO_BYTE: std::sync::LazyLock<Vec<CharInfo>> = std::sync::LazyLock::new(|| {
            (0x80..0x800u32)
                .map(|cp| CharInfo::compute(char::from_u32(cp).expect("not a surrogate")))
                .collect()
        });
        match TWO_BYTE.get((c as usize).wrapping_sub(0x80)) {
            Some(&info) => info,
            None => CharInfo::compute(c),
        }
    }

    #[inline]
    fn upper(self) -> bool {
        self.flags & INFO_UPPER != 0
    }
    #[inline]
    fn lower(self) -> bool {
        self.flags & INFO_LOWER != 0
    }
    #[inline]
    fn word(self) -> bool {
        self.flags & INFO_WORD != 0
    }
    #[inline]
    fn space(self) -> bool {
        self.flags & INFO_SPACE != 0
    }
}

/// Character statistics of a line, gathered in the same pass as its words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CharStats {
    /// Characters.
    pub(crate) chars: u32,
    /// ASCII digits.
    pub(crate) digits: u32,
    /// Characters that are neither letters, digits nor white space.
    pub(crate) punct: u32,
    /// Item separators: | · • / ‧ ∙
    pub(crate) separators: u32,
    /// A lower-case letter directly followed by an upper-case one.
    pub(crate) glued: u32,
}

const ALNUM: u8 = 1;
const UPPER: u8 = 2;
const LOWER: u8 = 4;
const DIGIT: u8 = 8;
const PUNCT: u8 = 16;
const SEPARATOR: u8 = 32;

/// Classes of the ASCII bytes, so the common case needs one table load.
static ASCII: [u8; 128] = {
    let mut t = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        t[b] = if c.is_ascii_uppercase() {
            ALNUM | UPPER
        } else if c.is_ascii_lowercase() {
            ALNUM | LOWER
        } else if c.is_ascii_digit() {
            ALNUM | DIGIT
        } else if c.is_ascii_whitespace() || c == 0x0B {
            0
        } else if c == b'|' || c == b'/' {
            PUNCT | SEPARATOR
        } else {
            PUNCT
        };
        b += 1;
    }
    t
};

/// One pass over `line`: calls `f` with each word, in order, and returns
/// the line's character statistics. ASCII takes a table-driven fast path;
/// other characters go through `char`'s Unicode tables.
#[inline]
pub(crate) fn scan(line: &str, mut f: impl FnMut(Word)) -> CharStats {
    let bytes = line.as_bytes();
    let mut st = CharStats::default();
    let mut cur: Option<Word> = None;
    let mut prev_lower = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        if b < 0x80 {
            i += 1;
            st.chars += 1;
            let cls = ASCII[b as usize];
            if cls & ALNUM != 0 {
                let upper = cls & UPPER != 0;
                st.glued += (prev_lower && upper) as u32;
                prev_lower = cls & LOWER != 0;
                let digit = cls & DIGIT != 0;
                st.digits += digit as u32;
                let folded = (b | ((upper as u8) << 5)) as u64;
                let w = cur.get_or_insert(Word {
                    hash: 0,
                    chars: 0,
                    upper,
                    numeric: true,
                });
                w.hash = mix(w.hash, folded);
                w.chars += 1;
                w.numeric &= digit;
                // The rest of a word is mostly lower-case letters: take
                // them in a tight loop (no class table, no other counter).
                let run = bytes[i..]
                    .iter()
                    .take_while(|b| b.is_ascii_lowercase())
                    .count();
                if run > 0 {
                    for &c in &bytes[i..i + run] {
                        w.hash = mix(w.hash, c as u64);
                    }
                    w.chars += run as u32;
                    w.numeric = false;
                    st.chars += run as u32;
                    prev_lower = true;
                    i += run;
                }
            } else {
                prev_lower = false;
                st.punct += (cls & PUNCT != 0) as u32;
                st.separators += (cls & SEPARATOR != 0) as u32;
                if let Some(w) = cur.take() {
                    f(Word {
                        hash: finish(w.hash),
                        ..w
                    });
                }
            }
            continue;
        }
        let c = line[i..].chars().next().expect("i is on a char boundary");
        i += c.len_utf8();
        st.chars += 1;
        let info = CharInfo::of(c);
        st.glued += (prev_lower && info.upper()) as u32;
        prev_lower = info.lower();
        if info.word() {
            if is_unspaced(c) {
                if let Some(w) = cur.take() {
                    f(Word {
                        hash: finish(w.hash),
                        ..w
                    });
                }
                f(Word {
                    hash: finish(mix(0, info.folded as u64)),
                    chars: 1,
                    upper: false,
                    numeric: false,
                });
                continue;
            }
            let folded = info.folded as u64;
            match &mut cur {
                Some(w) => {
                    w.hash = mix(w.hash, folded);
                    w.chars += 1;
                    w.numeric = false;
                }
                None => {
                    cur = Some(Word {
                        hash: mix(0, folded),
                        chars: 1,
                        upper: info.upper(),
                        numeric: false,
                    })
                }
            }
        } else {
            if !info.space() {
                st.punct += 1;
                st.separators += matches!(c, '·' | '•' | '‧' | '∙') as u32;
            }
            if let Some(w) = cur.take() {
                f(Word {
                    hash: finish(w.hash),
                    ..w
                });
            }
        }
    }
    if let Some(w) = cur {
        f(Word {
            hash: finish(w.hash),
            ..w
        });
    }
    st
}

/// Calls `f` with each word of `line`, in order.
#[inline]
pub(super) fn for_each_word(line: &str, f: impl FnMut(Word)) {
    scan(line, f);
}

/// The folded hash of a single word as the tokenizer would produce it, or
/// `None` if `word` is not exactly one word.
#[cfg(test)]
pub(super) fn word_hash(word: &str) -> Option<u64> {
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
        assert_eq!(
            words("नमस्ते दुनिया").len(),
            2,
            "vowel signs stay inside words"
        );
    }

    #[test]
    fn char_stats() {
        let st = scan("Student-AthleteA 24 | ok · café!", |_| {});
        assert_eq!(
            st,
            CharStats {
                chars: 32,
                digits: 2,
                punct: 4,
                separators: 2,
                glued: 1
            }
        );
    }

    /// The hashes the shipped model's n-gram weights are filed under (see
    /// the note on the word hash above): if this fails, the model reads
    /// other n-grams' weights. Retrain it and bump `FEATURES_VERSION`, or
    /// undo the change.
    #[test]
    fn hashes_are_pinned() {
        let h = |w: &str| word_hash(w).unwrap();
        assert_eq!(h("the"), PINNED[0]);
        assert_eq!(h("Lire"), h("lire"));
        assert_eq!(h("lire"), PINNED[1]);
        assert_eq!(h("été"), PINNED[2]);
        assert_eq!(h("文"), PINNED[3]);
        assert_eq!(combine(h("la"), h("suite")), PINNED[4]);
        assert_eq!(combine(HASH_SEED, 0), PINNED[5]);
    }

    const PINNED: [u64; 6] = [
        0x03db_8149_f6ef_8a8b,
        0x8795_72f0_c79e_afda,
        0x2b80_535f_609b_f085,
        0x28ba_26cb_53a6_cd00,
        0x36ba_1b79_6008_204e,
        0x22dc_a2a1_c84d_e903,
    ];

    #[test]
    fn word_hash_requires_one_word() {
        assert!(word_hash("de").is_some());
        assert!(word_hash("d'un").is_none());
        assert!(word_hash("  ").is_none());
    }
}
