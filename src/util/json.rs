//! JSON string literals decoded the way Python's `json` reads them, except
//! that a lone UTF-16 surrogate escape (`"\ud83d"` without its pair), which
//! Python keeps and Rust strings cannot hold, becomes U+FFFD.
//!
//! serde_json refuses such a string, so one bad escape made a whole record
//! bad (issue 20). The literals given here were checked by serde_json as
//! raw values (well-formed escapes, no raw control characters), so the
//! decoder only has to decode.

use std::borrow::Cow;

/// What a lone surrogate escape becomes.
const REPLACEMENT: char = '\u{fffd}';

/// Decodes the JSON string literal `raw` (with its quotes), handing its
/// text to `f` in pieces, in order: runs without escapes as they are, and
/// each escape decoded. The pieces never split a character.
pub(crate) fn unescape(raw: &str, mut f: impl FnMut(&str)) {
    let bytes = raw.as_bytes();
    debug_assert!(bytes.len() >= 2 && bytes[0] == b'"' && bytes[bytes.len() - 1] == b'"');
    let end = bytes.len().saturating_sub(1);
    let mut at = 1.min(end);
    let mut buf = [0u8; 4];
    while at < end {
        let Some(slash) = memchr::memchr(b'\\', &bytes[at..end]) else {
            f(&raw[at..end]);
            return;
        };
        if slash > 0 {
            f(&raw[at..at + slash]);
        }
        at += slash + 1;
        let Some(&kind) = bytes.get(at) else { return };
        at += 1;
        let c = match kind {
            b'n' => '\n',
            b't' => '\t',
            b'r' => '\r',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'u' => {
                let unit = hex4(bytes, at);
                at += 4;
                match unit {
                    Some(hi @ 0xd800..=0xdbff) => match escaped_unit(bytes, at) {
                        Some(lo @ 0xdc00..=0xdfff) => {
                            at += 6;
                            let c = 0x10000 + ((hi as u32 - 0xd800) << 10) + (lo as u32 - 0xdc00);
                            char::from_u32(c).unwrap_or(REPLACEMENT)
                        }
                        _ => REPLACEMENT,
                    },
                    Some(unit) => char::from_u32(unit as u32).unwrap_or(REPLACEMENT),
                    None => REPLACEMENT,
                }
            }
            // `\"`, `\\`, `\/`.
            other => other as char,
        };
        f(c.encode_utf8(&mut buf));
    }
}

/// The four hex digits at `at`, as a number.
fn hex4(bytes: &[u8], at: usize) -> Option<u16> {
    let hex = bytes.get(at..at + 4)?;
    let hex = std::str::from_utf8(hex).ok()?;
    u16::from_str_radix(hex, 16).ok()
}

/// The UTF-16 unit of a `\uXXXX` escape at `at`, if there is one.
fn escaped_unit(bytes: &[u8], at: usize) -> Option<u16> {
    if bytes.get(at..at + 2)? != b"\\u" {
        return None;
    }
    hex4(bytes, at + 2)
}

/// The text of the JSON string literal `raw` (see [`unescape`]): borrowed
/// when it has no escapes.
pub(crate) fn decode(raw: &str) -> Cow<'_, str> {
    let inner = &raw[1..raw.len() - 1];
    if !inner.as_bytes().contains(&b'\\') {
        return Cow::Borrowed(inner);
    }
    let mut out = String::with_capacity(inner.len());
    unescape(raw, |piece| out.push_str(piece));
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Strings serde_json decodes are decoded the same.
    #[test]
    fn decodes_as_serde_json_does() {
        for s in [
            "",
            "plain",
            "a\"b\\c/d\ne\rf\tg\u{8}h\u{c}",
            "é€😀 \u{1} \u{1f} \u{7f}",
            "\u{fffd}\u{10ffff}",
            "line one\nline two\r\n",
        ] {
            let raw = serde_json::to_string(s).unwrap();
            assert_eq!(decode(&raw), s, "{raw}");
            // Every character escaped, pairs included.
            let escaped: String = s
                .encode_utf16()
                .map(|u| format!("\\u{u:04x}"))
                .collect::<String>();
            let raw = format!("\"{escaped}\"");
            assert_eq!(decode(&raw), s, "{raw}");
            assert_eq!(decode(&raw), serde_json::from_str::<String>(&raw).unwrap());
        }
        assert_eq!(decode(r#""a\/b""#), "a/b");
        assert!(matches!(decode(r#""no escapes""#), Cow::Borrowed(_)));
    }

    /// Issue 20: `{"text":"\ud83d"}` made the whole record bad, although
    /// Python's `json` reads it. Each lone surrogate is one U+FFFD.
    #[test]
    fn a_lone_surrogate_is_one_replacement_character() {
        for (raw, want) in [
            (r#""\ud83d""#, "\u{fffd}"),
            (r#""ab\ud800cd""#, "ab\u{fffd}cd"),
            (r#""ab\udc00""#, "ab\u{fffd}"),
            (r#""\ud800\ud800x""#, "\u{fffd}\u{fffd}x"),
            (r#""\ud83d\ude00""#, "😀"),
            (r#""\udc00\ud83d\ude00""#, "\u{fffd}😀"),
            (r#""\ud83d\n""#, "\u{fffd}\n"),
            (r#""\\\ud800\u0041""#, "\\\u{fffd}A"),
        ] {
            assert_eq!(decode(raw), want, "{raw}");
        }
    }
}
