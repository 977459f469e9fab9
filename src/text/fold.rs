//! Folding text for phrase matching: case and Latin diacritics removed
//! without changing any length, so that offsets into the folded text are
//! offsets into the text.

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
pub(super) const APOSTROPHE: [u8; 3] = [0x02, 0x03, 0x04];

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

#[cfg(test)]
mod tests {
    use super::*;

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
}
