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
    pub folded: u32,
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

/// Base letters of U+0080..U+024F (Latin-1 Supplement, Latin Extended-A
/// and -B): the lower-case ASCII letter a letter decomposes to, or 0.
/// Generated from Unicode NFD (plus ß→s, æ→a, ø→o, ł→l, đ→d, œ→o, ı→i, ð→d, þ→t).
static LATIN_BASE: [u8; 0x250 - 0x80] = [
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    97, 97, 97, 97, 97, 97, 97, 99, 101, 101, 101, 101, 105, 105, 105, 105, 100, 110, 111, 111,
    111, 111, 111, 0, 111, 117, 117, 117, 117, 121, 116, 115, 97, 97, 97, 97, 97, 97, 97, 99, 101,
    101, 101, 101, 105, 105, 105, 105, 100, 110, 111, 111, 111, 111, 111, 0, 111, 117, 117, 117,
    117, 121, 116, 121, 97, 97, 97, 97, 97, 97, 99, 99, 99, 99, 99, 99, 99, 99, 100, 100, 100, 100,
    101, 101, 101, 101, 101, 101, 101, 101, 101, 101, 103, 103, 103, 103, 103, 103, 103, 103, 104,
    104, 104, 104, 105, 105, 105, 105, 105, 105, 105, 105, 0, 105, 0, 0, 106, 106, 107, 107, 107,
    108, 108, 108, 108, 108, 108, 108, 108, 108, 108, 110, 110, 110, 110, 110, 110, 0, 110, 110,
    111, 111, 111, 111, 111, 111, 111, 111, 114, 114, 114, 114, 114, 114, 115, 115, 115, 115, 115,
    115, 115, 115, 116, 116, 116, 116, 116, 116, 117, 117, 117, 117, 117, 117, 117, 117, 117, 117,
    117, 117, 119, 119, 121, 121, 121, 122, 122, 122, 122, 122, 122, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 102, 102, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 111, 111, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 117, 117, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 97, 97, 105, 105, 111, 111, 117, 117, 117, 117, 117, 117, 117, 117,
    117, 117, 0, 97, 97, 97, 97, 0, 0, 0, 0, 103, 103, 107, 107, 111, 111, 111, 111, 0, 0, 106, 0,
    0, 0, 103, 103, 0, 0, 110, 110, 97, 97, 0, 0, 0, 0, 97, 97, 97, 97, 101, 101, 101, 101, 105,
    105, 105, 105, 111, 111, 111, 111, 114, 114, 114, 114, 117, 117, 117, 117, 115, 115, 116, 116,
    0, 0, 104, 104, 0, 0, 0, 0, 0, 0, 97, 97, 101, 101, 111, 111, 111, 111, 111, 111, 111, 111,
    121, 121, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
];

/// The filler byte that stands for a removed diacritic in folded text.
pub(crate) const FILLER: u8 = 0x01;

/// What the typographic apostrophe (U+2019, three bytes) folds to: three
/// control bytes, so that the many lines and phrases that hold one stay
/// ASCII (see [`crate::text::lexicon::Lexicon`]).
pub(crate) const APOSTROPHE: [u8; 3] = [0x02, 0x03, 0x04];

/// What the control bytes that folding uses stand for when they are in the
/// text: another control byte, which no phrase holds.
const CONTROL: u8 = 0x1A;

/// Appends `text` to `out` folded for phrase matching, without changing any
/// length: ASCII letters are lower-cased; a two-byte Latin letter becomes its
/// lower-case ASCII base letter followed by [`FILLER`] ("É" → "e\x01"); other
/// two-byte letters (Greek, Cyrillic, Armenian) are lower-cased when that
/// keeps their length; "’" becomes [`APOSTROPHE`]; the control bytes those
/// use become another; every other byte is copied. Offsets into the folded
/// text are offsets into `text`.
pub(crate) fn fold_into(text: &str, out: &mut Vec<u8>) {
    let bytes = text.as_bytes();
    out.reserve(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        // Eight ASCII bytes at a time, none of them a control byte that
        // folding uses: lower-case them in one word.
        if let Some(chunk) = bytes.get(i..i + 8) {
            const LO: u64 = 0x0101_0101_0101_0101;
            const HI: u64 = 0x8080_8080_8080_8080;
            let v = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
            let low_control = v.wrapping_sub(LO * 5) & !v & HI;
            if (v & HI) | low_control == 0 {
                let ge_a = v.wrapping_add(LO * (0x80 - b'A' as u64));
                let gt_z = v.wrapping_add(LO * (0x80 - b'Z' as u64 - 1));
                let upper = ge_a & !gt_z & HI;
                out.extend_from_slice(&(v | (upper >> 2)).to_le_bytes());
                i += 8;
                continue;
            }
        }
        let b = bytes[i];
        if b < 0x80 {
            // A literal FILLER byte must not pass for a folded letter.
            let b = if (0x01..=0x04).contains(&b) {
                CONTROL
            } else {
                b
            };
            out.push(b | ((b.is_ascii_uppercase() as u8) << 5));
            i += 1;
        } else if (0xC2..0xE0).contains(&b) && i + 1 < bytes.len() {
            let cp = ((b as u32 & 0x1F) << 6) | (bytes[i + 1] as u32 & 0x3F);
            let base = if cp < 0x250 {
                LATIN_BASE[cp as usize - 0x80]
            } else {
                0
            };
            if base != 0 {
                out.extend_from_slice(&[base, FILLER]);
            } else {
                let c = char::from_u32(cp).unwrap_or('\u{FFFD}');
                let mut lower = c.to_lowercase();
                match (lower.next(), lower.next()) {
                    (Some(l), None) if l.len_utf8() == 2 => {
                        let mut buf = [0u8; 2];
                        out.extend_from_slice(l.encode_utf8(&mut buf).as_bytes());
                    }
                    _ => out.extend_from_slice(&bytes[i..i + 2]),
                }
            }
            i += 2;
        } else if b == 0xE2 && bytes.get(i..i + 3) == Some("’".as_bytes()) {
            out.extend_from_slice(&APOSTROPHE);
            i += 3;
        } else {
            // Three- and four-byte characters (CJK, kana, Hangul, symbols)
            // have no case to fold.
            out.push(b);
            i += 1;
        }
    }
}

/// Character statistics of a line, gathered in the same pass as its words.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct CharStats {
    /// Characters.
    pub chars: u32,
    /// ASCII digits.
    pub digits: u32,
    /// Characters that are neither letters, digits nor white space.
    pub punct: u32,
    /// Item separators: | · • / ‧ ∙
    pub separators: u32,
    /// A lower-case letter directly followed by an upper-case one.
    pub glued: u32,
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
pub(crate) fn for_each_word(line: &str, f: impl FnMut(Word)) {
    scan(line, f);
}

/// The folded hash of a single word as the tokenizer would produce it, or
/// `None` if `word` is not exactly one word.
#[cfg(test)]
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

/// The benchmarks' tokens: runs of `\w` (letters, digits, `_`) as
/// Python's `re` finds them, for scoring against gold data and deriving
/// training labels from it. Not [`scan`]'s words on purpose: the metrics
/// must be the ones `../shared/bench/score.py` computes.
#[cfg(feature = "train")]
pub(crate) fn bench_words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
}

/// [`bench_words`] with every Han or kana character a word of its own, as
/// `../shared/bench/score_cjk.py` counts Chinese and Japanese pages: their
/// `\w+` runs are whole clauses, too coarse to compare in shingles.
#[cfg(feature = "train")]
pub(crate) fn bench_words_cjk(s: &str) -> impl Iterator<Item = &str> {
    let is_cjk = |c: char| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}');
    bench_words(s).flat_map(move |run| {
        let mut pieces = Vec::new();
        let mut start = 0;
        for (i, c) in run.char_indices() {
            if is_cjk(c) {
                if start < i {
                    pieces.push(&run[start..i]);
                }
                pieces.push(&run[i..i + c.len_utf8()]);
                start = i + c.len_utf8();
            }
        }
        if start < run.len() {
            pieces.push(&run[start..]);
        }
        pieces
    })
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
    fn word_at_a_time_folding_matches_bytewise() {
        for b in 0u8..0x80 {
            for at in 0..16 {
                let mut bytes = *b"Hello, World! OK";
                bytes[at] = b;
                let text = std::str::from_utf8(&bytes).unwrap();
                let mut out = Vec::new();
                fold_into(text, &mut out);
                let want: Vec<u8> = bytes
                    .iter()
                    .map(|&c| {
                        if (1..=4).contains(&c) {
                            CONTROL
                        } else {
                            c.to_ascii_lowercase()
                        }
                    })
                    .collect();
                assert_eq!(out, want, "{b:#x} at {at}");
            }
        }
    }

    #[test]
    fn folding_keeps_lengths() {
        for (s, want) in [
            ("LIRE la Suite", "lire la suite"),
            ("À LIRE AUSSI", "a\u{1} lire aussi"),
            ("ÜBER UNS Ÿ", "u\u{1}ber uns y\u{1}"),
            ("ŁÓDŹ ČESKÉ", "l\u{1}o\u{1}dz\u{1} c\u{1}eske\u{1}"),
            ("ЧИТАТЬ ДАЛЕЕ", "читать далее"),
            ("ΔΙΑΒΑΣΤΕ", "διαβαστε"),
            ("« Partager » — ©", "« partager » — ©"),
            ("分享", "分享"),
            ("L’ARTICLE", "l\u{2}\u{3}\u{4}article"),
            ("a\u{1}\u{2}b", "a\u{1a}\u{1a}b"),
            (
                "AZaz@[`{ 09 ~MIXED Case WORDS\u{4}and\u{0}more",
                "azaz@[`{ 09 ~mixed case words\u{1a}and\u{0}more",
            ),
        ] {
            let mut out = Vec::new();
            fold_into(s, &mut out);
            assert_eq!(out.len(), s.len(), "{s:?}");
            assert_eq!(String::from_utf8(out).unwrap(), want, "{s:?}");
        }
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

    #[test]
    fn word_hash_requires_one_word() {
        assert!(word_hash("de").is_some());
        assert!(word_hash("d'un").is_none());
        assert!(word_hash("  ").is_none());
    }
}
