//! Writing a record: JSON string escaping of the kept lines, the labels
//! fields, and a rejected record as it came.

use std::io::Write;

use crate::io::doc_rules::Rejection;
use crate::io::jsonl::options::JsonlOptions;
use crate::io::jsonl::parse::Fields;
use crate::stripped::Stripped;

/// Whether `key` is one of the fields `--labels` writes (the labels and
/// their `_removed`, `_flagged` and `_kind` companions): a record that has them
/// already (from an earlier run) gets them replaced, not twice.
pub(super) fn is_labels_key(opts: &JsonlOptions, key: &str) -> bool {
    matches!(
        key.strip_prefix(opts.labels_field.as_str()),
        Some("" | "_removed" | "_flagged" | "_kind")
    )
}

/// The labels field and its companions (`_removed`, `_flagged`, `_kind`),
/// without a leading comma.
pub(super) fn write_label_fields(
    out: &mut Vec<u8>,
    opts: &JsonlOptions,
    text: &str,
    stripped: &Stripped<'_>,
) {
    write_json_str(out, &opts.labels_field);
    out.push(b':');
    write_labels(out, text, stripped);
    let _ = write!(out, ",");
    write_json_str(out, &format!("{}_removed", opts.labels_field));
    let _ = write!(out, ":{:.4},", stripped.removed_fraction());
    write_json_str(out, &format!("{}_flagged", opts.labels_field));
    let _ = write!(out, ":{},", stripped.loss_flagged());
    write_json_str(out, &format!("{}_kind", opts.labels_field));
    let _ = write!(out, ":\"{}\"", stripped.kind());
}

/// A rejected record: every field as it came, the text too, then the
/// reason (replacing one from an earlier run) and the labels.
pub(super) fn write_rejected(
    opts: &JsonlOptions,
    fields: &Fields<'_>,
    text: &str,
    stripped: &Stripped<'_>,
    why: Rejection,
    out: &mut Vec<u8>,
) {
    let key = format!("{}_rejected", opts.labels_field);
    out.push(b'{');
    for field in &fields.fields {
        if field.key == key.as_str() || (opts.labels && is_labels_key(opts, &field.key)) {
            continue;
        }
        out.extend_from_slice(field.raw_key.get().as_bytes());
        out.push(b':');
        out.extend_from_slice(field.value.get().as_bytes());
        out.push(b',');
    }
    write_json_str(out, &key);
    let _ = write!(out, ":\"{why}\"");
    if opts.labels {
        out.push(b',');
        write_label_fields(out, opts, text, stripped);
    }
    out.push(b'}');
}

pub(super) fn write_json_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

/// Writes the kept lines as one JSON string, without building the string first.
pub(super) fn write_kept_json(out: &mut Vec<u8>, stripped: &Stripped<'_>) {
    out.push(b'"');
    // The input was a `&str` and kept units are char-aligned parts of it
    // (pieces end at white space, line breaks are ASCII), so the bytes are
    // UTF-8: escaping works on them directly.
    stripped.each_kept(|bytes| escape_into(out, bytes));
    out.push(b'"');
}

/// JSON string escaping of the UTF-8 text `bytes` (without the quotes).
///
/// Most bytes need no escape: runs of them are skipped eight at a time.
fn escape_into(out: &mut Vec<u8>, bytes: &[u8]) {
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        i = skip_plain(bytes, i);
        let Some(&b) = bytes.get(i) else { break };
        let esc: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            _ => {
                out.extend_from_slice(&bytes[start..i]);
                let _ = write!(out, "\\u{:04x}", b);
                i += 1;
                start = i;
                continue;
            }
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(esc);
        i += 1;
        start = i;
    }
    out.extend_from_slice(&bytes[start..]);
}

/// The first index at or after `i` holding a byte that JSON strings escape
/// (`"`, `\\` or a control character), or `bytes.len()`.
#[inline]
fn skip_plain(bytes: &[u8], mut i: usize) -> usize {
    const LO: u64 = 0x0101_0101_0101_0101;
    const HI: u64 = 0x8080_8080_8080_8080;
    // A byte of `v` is zero exactly where the high bit of the result is set
    // (the classic "has zero byte" test, exact when checked per word).
    let zero = |v: u64| v.wrapping_sub(LO) & !v & HI;
    while let Some(chunk) = bytes.get(i..i + 8) {
        let v = u64::from_le_bytes(chunk.try_into().expect("8 bytes"));
        // Control bytes: below 0x20 with the high bit clear.
        let ctrl = v.wrapping_sub(LO * 0x20) & !v & HI;
        let hit = ctrl | zero(v ^ (LO * b'"' as u64)) | zero(v ^ (LO * b'\\' as u64));
        if hit != 0 {
            return i + (hit.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && !matches!(bytes[i], b'"' | b'\\' | 0..=0x1f) {
        i += 1;
    }
    i
}

fn write_labels(out: &mut Vec<u8>, text: &str, stripped: &Stripped<'_>) {
    out.push(b'[');
    let mut byte = 0usize;
    let mut chars = 0usize;
    let count = |to: usize, byte: &mut usize, chars: &mut usize| {
        *chars += text[*byte..to].chars().count();
        *byte = to;
        *chars
    };
    for (i, v) in stripped.lines().iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        let start = count(v.range.start, &mut byte, &mut chars);
        let end = count(v.end, &mut byte, &mut chars);
        let _ = write!(out, "[{start},{end},\"{}\",{:.3}]", v.label, v.score);
    }
    out.push(b']');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_serde() {
        let long = "Un texte assez long, sans échappement aucun, pour la voie rapide.";
        let mut cases = vec![
            "a\"b\\c\n\r\t\u{1}\u{1f}é€😀".to_string(),
            String::new(),
            "plain".to_string(),
            long.to_string(),
        ];
        // Every byte that needs an escape, at every offset of an 8-byte word.
        for special in ['"', '\\', '\n', '\u{0}', '\u{1f}', '\u{7f}', ' ', 'é'] {
            for at in 0..17 {
                let mut t: String = long.chars().take(at).collect();
                t.push(special);
                t.push_str(&long[..20]);
                cases.push(t);
            }
        }
        for s in &cases {
            let s = s.as_str();
            let mut out = Vec::new();
            escape_into(&mut out, s.as_bytes());
            let want = serde_json::to_string(s).unwrap();
            assert_eq!(format!("\"{}\"", String::from_utf8(out).unwrap()), want);
        }
    }
}
