//! JSON Lines records: strip one field of each object, keep every other field
//! as it was, byte for byte.
//!
//! A record is parsed into its fields with the values left raw
//! ([`serde_json::value::RawValue`]), so numbers, nested objects and key order
//! pass through untouched; only the stripped field is decoded and re-encoded.

use std::borrow::Cow;
use std::fmt;
use std::io::Write;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::classify::head::Hints;
use crate::classify::verdict::Stripped;
use crate::error::Error;
use crate::io::doc_rules::{DocRules, Rejection};
use crate::strip::Stripper;

/// How [`strip_record`] rewrites a record.
///
/// # Example
///
/// ```
/// use decruft::{strip_record, JsonlOptions, Stripper};
///
/// let stripper = Stripper::new();
/// let opts = JsonlOptions::default();
/// let mut out = Vec::new();
/// strip_record(&stripper, &opts, br#"{"id":7,"text":"Lire la suite \u2192\n","lang":"fr"}"#, &mut out).unwrap();
/// assert_eq!(out, br#"{"id":7,"text":"","lang":"fr"}"#);
/// ```
#[derive(Clone, Debug)]
pub struct JsonlOptions {
    /// The field holding the text to strip (default `"text"`).
    pub field: String,
    /// Add a field with every line's label: `[start, end, label, score]`,
    /// offsets in characters of the original text, end exclusive; and two
    /// more: `<field>_removed`, the share of the text's words removed, and
    /// `<field>_flagged`, whether that is nearly all of a sizeable text (see
    /// [`Stripped::loss_flagged`]).
    pub labels: bool,
    /// The name of the labels field (default `"decruft"`).
    pub labels_field: String,
    /// A field holding the page's title (a crawler's `<title>`), evidence of
    /// which line is the headline (default: none).
    pub title_field: Option<String>,
    /// A field holding the page's URL, whose slug is evidence of the
    /// headline (default `"url"`; used when present and a string).
    pub url_field: Option<String>,
    /// A field holding the page's site, the key of its lines in the
    /// stripper's [`Patterns`](crate::Patterns) (default: none, the host of
    /// the URL field).
    pub site_field: Option<String>,
}

impl Default for JsonlOptions {
    fn default() -> JsonlOptions {
        JsonlOptions {
            field: "text".into(),
            labels: false,
            labels_field: "decruft".into(),
            title_field: None,
            url_field: Some("url".into()),
            site_field: None,
        }
    }
}

/// A record's fields in order, values raw, except the fields named like
/// the text field, which are decoded in the same pass (`None` among the raw
/// values marks their places). A record may name the text field more than
/// once: every copy is stripped, and `text` is the last, the one most
/// readers (Python's `json`, jq) take.
struct Fields<'a> {
    fields: Vec<(Cow<'a, str>, Option<&'a RawValue>)>,
    text: Option<TextValue<'a>>,
    /// The copies of the text field before the last, in order.
    earlier: Vec<TextValue<'a>>,
}

/// The text field's value: a string, or what it is instead.
enum TextValue<'a> {
    Text(Cow<'a, str>),
    Not(&'static str),
}

/// Parses a record. With `decode`, the value of the field named `field` is
/// decoded (a string) or named (what it is instead); without, it is kept
/// raw like the others and only named when it is not a string.
struct FieldsSeed<'f> {
    field: &'f str,
    decode: bool,
}

impl<'de> DeserializeSeed<'de> for FieldsSeed<'_> {
    type Value = Fields<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Fields<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed<'_> {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(4));
        let mut text: Option<TextValue<'de>> = None;
        let mut earlier = Vec::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            if key == self.field {
                let value = if self.decode {
                    fields.push((key, None));
                    map.next_value::<TextValue<'de>>()?
                } else {
                    // Kept raw too: a rejected record is written whole.
                    let raw = map.next_value::<&'de RawValue>()?;
                    fields.push((key, Some(raw)));
                    TextValue::kind_of(raw)
                };
                // A copy that is not a string wins: the record is refused.
                match (text.take(), value) {
                    (Some(bad @ TextValue::Not(_)), _) => text = Some(bad),
                    (Some(prev), value) => {
                        earlier.push(prev);
                        text = Some(value);
                    }
                    (None, value) => text = Some(value),
                }
            } else {
                fields.push((key, Some(map.next_value::<&'de RawValue>()?)));
            }
        }
        Ok(Fields {
            fields,
            text,
            earlier,
        })
    }
}

impl TextValue<'_> {
    /// What a raw JSON value is, from its first byte (a string is left as
    /// an empty text: only the other kinds matter here).
    fn kind_of(raw: &RawValue) -> TextValue<'static> {
        TextValue::Not(match raw.get().as_bytes().first() {
            Some(b'"') => return TextValue::Text(Cow::Borrowed("")),
            Some(b'n') => "null",
            Some(b't' | b'f') => "a boolean",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            _ => "a number",
        })
    }
}

impl<'de> serde::Deserialize<'de> for TextValue<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<TextValue<'de>, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TextValue<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("any JSON value")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<TextValue<'de>, E> {
                Ok(TextValue::Text(Cow::Borrowed(v)))
            }
            fn visit_str<E>(self, v: &str) -> Result<TextValue<'de>, E> {
                Ok(TextValue::Text(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E>(self, v: String) -> Result<TextValue<'de>, E> {
                Ok(TextValue::Text(Cow::Owned(v)))
            }
            fn visit_unit<E>(self) -> Result<TextValue<'de>, E> {
                Ok(TextValue::Not("null"))
            }
            fn visit_bool<E>(self, _: bool) -> Result<TextValue<'de>, E> {
                Ok(TextValue::Not("a boolean"))
            }
            fn visit_i64<E>(self, _: i64) -> Result<TextValue<'de>, E> {
                Ok(TextValue::Not("a number"))
            }
            fn visit_u64<E>(self, _: u64) -> Result<TextValue<'de>, E> {
                Ok(TextValue::Not("a number"))
            }
            fn visit_f64<E>(self, _: f64) -> Result<TextValue<'de>, E> {
                Ok(TextValue::Not("a number"))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<TextValue<'de>, A::Error> {
                while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
                Ok(TextValue::Not("an object"))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<TextValue<'de>, A::Error> {
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                Ok(TextValue::Not("an array"))
            }
        }
        d.deserialize_any(V)
    }
}

/// Strips the text field of one JSON record and appends the rewritten record
/// (without a newline) to `out`.
///
/// On error nothing is appended. Errors: the line is not a JSON object, the
/// field is missing, or it is not a string.
pub fn strip_record(
    stripper: &Stripper,
    opts: &JsonlOptions,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    strip_record_flagged(stripper, opts, line, out).map(|_| ())
}

/// [`strip_record`], also saying whether the record was flagged for loss
/// (see [`Stripped::loss_flagged`]).
pub fn strip_record_flagged(
    stripper: &Stripper,
    opts: &JsonlOptions,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Result<bool, Error> {
    strip_record_decided(stripper, opts, &DocRules::default(), line, out).map(|d| d.flagged)
}

/// What became of a record stripped under [`DocRules`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Decided {
    /// Whether it lost nearly all its words ([`Stripped::loss_flagged`]).
    pub flagged: bool,
    /// The rule that rejected it, if one did.
    pub rejected: Option<Rejection>,
}

/// [`strip_record_flagged`], then `rules` on what is left. A rejected
/// record is appended as it came (its text too, so the rejection can be
/// reviewed and undone), with a `<labels field>_rejected` field naming the
/// reason, and the labels when `opts.labels` is set.
pub(crate) fn strip_record_decided(
    stripper: &Stripper,
    opts: &JsonlOptions,
    rules: &DocRules,
    line: &[u8],
    out: &mut Vec<u8>,
) -> Result<Decided, Error> {
    let fields = match parse(line, &opts.field, true) {
        Ok(fields) => fields,
        // Decoding the text field can fail where the record is fine JSON:
        // a number too large for an f64 (`1e400`). Read again with every
        // value raw to tell a text field that is not a string (the error a
        // reader wants) from a record that is not JSON.
        Err(e) => match parse(line, &opts.field, false) {
            Ok(Fields {
                text: Some(TextValue::Not(kind)),
                ..
            }) => return Err(not_a_string(&opts.field, kind)),
            _ => return Err(Error::record(json_error_in(line, &e))),
        },
    };
    let text = match fields.text {
        None => return Err(Error::record(format!("no \"{}\" field", opts.field))),
        Some(TextValue::Not(kind)) => return Err(not_a_string(&opts.field, kind)),
        Some(TextValue::Text(text)) => text,
    };
    let mut earlier = Vec::with_capacity(fields.earlier.len());
    for copy in fields.earlier {
        match copy {
            TextValue::Text(t) => earlier.push(t),
            TextValue::Not(kind) => return Err(not_a_string(&opts.field, kind)),
        }
    }
    let fields = fields.fields;
    // The title and URL fields, when they are strings, are hints.
    let string_field = |name: &Option<String>| -> Option<Cow<'_, str>> {
        let name = name.as_deref()?;
        let (_, raw) = fields.iter().find(|(k, v)| k == name && v.is_some())?;
        serde_json::from_str::<Cow<'_, str>>((*raw)?.get()).ok()
    };
    let (title, url, site) = (
        string_field(&opts.title_field),
        string_field(&opts.url_field),
        string_field(&opts.site_field),
    );
    let hints = Hints {
        title: title.as_deref(),
        url: url.as_deref(),
        site: site.as_deref(),
    };
    let stripped = stripper.strip_with(&text, &hints);
    if !stripped.judged() {
        return Err(Error::record(format!(
            "field \"{}\" is {} bytes long, too long to strip (4 GiB at most)",
            opts.field,
            text.len()
        )));
    }
    let flagged = stripped.loss_flagged();
    if !rules.is_off() {
        if let Some(why) = rules.judge(text.chars().count(), &stripped.text()) {
            write_rejected(opts, line, &text, &stripped, why, out)?;
            return Ok(Decided {
                flagged,
                rejected: Some(why),
            });
        }
    }
    // Earlier copies of the text field are stripped too (the same way, so
    // that no reader finds the page unstripped), each on its own.
    let earlier: Vec<Stripped<'_>> = earlier
        .iter()
        .map(|t| stripper.strip_with(t, &hints))
        .collect();
    let mut copies = earlier.iter().chain(std::iter::once(&stripped));
    let start = out.len();
    out.push(b'{');
    let mut first = true;
    for (key, value) in &fields {
        if value.is_some() && opts.labels && is_labels_key(opts, key) {
            continue;
        }
        if !first {
            out.push(b',');
        }
        first = false;
        write_json_str(out, key);
        out.push(b':');
        match value {
            Some(raw) => out.extend_from_slice(raw.get().as_bytes()),
            None => write_kept_json(out, copies.next().expect("one stripped text per copy")),
        }
    }
    if opts.labels {
        out.push(b',');
        write_label_fields(out, opts, &text, &stripped);
    }
    out.push(b'}');
    debug_assert!(out.len() > start);
    Ok(Decided {
        flagged,
        rejected: None,
    })
}

/// Whether `key` is one of the fields `--labels` writes (the labels and
/// their `_removed` and `_flagged` companions): a record that has them
/// already (from an earlier run) gets them replaced, not twice.
fn is_labels_key(opts: &JsonlOptions, key: &str) -> bool {
    matches!(
        key.strip_prefix(opts.labels_field.as_str()),
        Some("" | "_removed" | "_flagged")
    )
}

/// The labels field and its two companions (`_removed`, `_flagged`), without
/// a leading comma.
fn write_label_fields(out: &mut Vec<u8>, opts: &JsonlOptions, text: &str, stripped: &Stripped<'_>) {
    write_json_str(out, &opts.labels_field);
    out.push(b':');
    write_labels(out, text, stripped);
    let _ = write!(out, ",");
    write_json_str(out, &format!("{}_removed", opts.labels_field));
    let _ = write!(out, ":{:.4},", stripped.removed_fraction());
    write_json_str(out, &format!("{}_flagged", opts.labels_field));
    let _ = write!(out, ":{}", stripped.loss_flagged());
}

/// A rejected record: every field as it came, the text too, then the
/// reason (replacing one from an earlier run) and the labels.
fn write_rejected(
    opts: &JsonlOptions,
    line: &[u8],
    text: &str,
    stripped: &Stripped<'_>,
    why: Rejection,
    out: &mut Vec<u8>,
) -> Result<(), Error> {
    // Parsed again with the text left raw: rejections are the exception.
    let fields = parse(line, &opts.field, false).map_err(|e| Error::record(json_error(&e)))?;
    let key = format!("{}_rejected", opts.labels_field);
    out.push(b'{');
    for (k, value) in &fields.fields {
        let Some(raw) = value else { continue };
        if *k == key || (opts.labels && is_labels_key(opts, k)) {
            continue;
        }
        write_json_str(out, k);
        out.push(b':');
        out.extend_from_slice(raw.get().as_bytes());
        out.push(b',');
    }
    write_json_str(out, &key);
    let _ = write!(out, ":\"{why}\"");
    if opts.labels {
        out.push(b',');
        write_label_fields(out, opts, text, stripped);
    }
    out.push(b'}');
    Ok(())
}

/// Splits a record into its fields; the text field's value is decoded if
/// `decode` is set, else only looked at (see [`FieldsSeed`]).
fn parse<'a>(line: &'a [u8], field: &str, decode: bool) -> serde_json::Result<Fields<'a>> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let fields = FieldsSeed { field, decode }.deserialize(&mut de)?;
    de.end()?;
    Ok(fields)
}

fn not_a_string(field: &str, kind: &str) -> Error {
    Error::record(format!("field \"{field}\" is {kind}, not a string"))
}

/// [`json_error`], naming a lone surrogate escape (`\ud800` without its
/// pair) for what it is: serde_json calls it the end of a hex escape, or a
/// lone *leading* surrogate when it trails.
fn json_error_in(line: &[u8], e: &serde_json::Error) -> String {
    let msg = e.to_string();
    if msg.contains("hex escape") {
        if let Some((at, unit)) = lone_surrogate(line) {
            return format!(
                "a lone UTF-16 surrogate \\u{unit:04x} (without its pair) in a string: not valid \
                 Unicode (column {})",
                at + 1
            );
        }
    }
    json_error(e)
}

/// The byte offset and value of the first `\uXXXX` escape in `line` that
/// is a surrogate without its pair, if any.
fn lone_surrogate(line: &[u8]) -> Option<(usize, u16)> {
    let unit = |i: usize| -> Option<u16> {
        let hex = line.get(i + 2..i + 6)?;
        if line.get(i..i + 2)? != b"\\u" {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()
    };
    let mut i = 0;
    while i < line.len() {
        if line[i] != b'\\' {
            i += 1;
            continue;
        }
        match unit(i) {
            Some(u @ 0xd800..=0xdbff) => match unit(i + 6) {
                Some(0xdc00..=0xdfff) => i += 12,
                _ => return Some((i, u)),
            },
            Some(u @ 0xdc00..=0xdfff) => return Some((i, u)),
            Some(_) => i += 6,
            None => i += 2, // another escape: `\\`, `\"`…
        }
    }
    None
}

fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    // serde_json appends " at line 1 column N"; the caller knows the line.
    match msg.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &msg[..i], e.column()),
        None => msg,
    }
}

fn write_json_str(out: &mut Vec<u8>, s: &str) {
    serde_json::to_writer(&mut *out, s).expect("writing to a Vec cannot fail");
}

/// Writes the kept lines as one JSON string, without building the string first.
fn write_kept_json(out: &mut Vec<u8>, stripped: &Stripped<'_>) {
    out.push(b'"');
    // The input was a `&str` and kept lines are whole lines of it, so the
    // bytes are UTF-8: escaping works on them directly.
    for v in stripped.lines().iter().filter(|v| v.kept) {
        escape_into(out, &stripped.input()[v.range.start..v.end]);
    }
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

    fn run(line: &str, opts: &JsonlOptions) -> Result<String, String> {
        let mut out = Vec::new();
        strip_record(&Stripper::new(), opts, line.as_bytes(), &mut out)
            .map(|_| String::from_utf8(out).unwrap())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn keeps_other_fields_raw_and_in_order() {
        let opts = JsonlOptions::default();
        let got = run(
            r#"{"z":1.50,"text":"","a":{"b":[1, 2]},"k\u00e9":null}"#,
            &opts,
        )
        .unwrap();
        assert_eq!(got, r#"{"z":1.50,"text":"","a":{"b":[1, 2]},"ké":null}"#);
    }

    #[test]
    fn errors() {
        let opts = JsonlOptions::default();
        assert!(run("not json", &opts)
            .unwrap_err()
            .starts_with("bad record: "));
        assert_eq!(
            run(r#"{"id":1}"#, &opts).unwrap_err(),
            r#"bad record: no "text" field"#
        );
        assert_eq!(
            run(r#"{"text":null}"#, &opts).unwrap_err(),
            r#"bad record: field "text" is null, not a string"#
        );
        assert_eq!(
            run(r#"{"text":3}"#, &opts).unwrap_err(),
            r#"bad record: field "text" is a number, not a string"#
        );
        assert!(run("[1,2]", &opts).is_err());
    }

    /// Found by `props::strip_record_refuses_a_text_field_that_is_not_a_string`
    /// (about one run in six): `{"id":1,"text":1e400}` is JSON whose text
    /// field is a number, but decoding 1e400 as an f64 fails, and the
    /// message said "number out of range" without naming the field.
    #[test]
    fn a_text_field_too_large_for_a_float_is_a_number_not_a_parse_error() {
        let opts = JsonlOptions::default();
        for line in [r#"{"id":1,"text":1e400}"#, r#"{"text":-1E999,"id":2}"#] {
            assert_eq!(
                run(line, &opts).unwrap_err(),
                r#"bad record: field "text" is a number, not a string"#,
                "{line}"
            );
        }
        // Elsewhere in a record such a number passes through as it came.
        let got = run(r#"{"n":1e400,"text":""}"#, &opts).unwrap();
        assert_eq!(got, r#"{"n":1e400,"text":""}"#);
        // A lone surrogate in the text is still a string that cannot be
        // decoded, not a number.
        let err = run(r#"{"text":"\ud800"}"#, &opts).unwrap_err();
        assert!(!err.contains("number"), "{err}");
    }

    /// Issue 13: lone surrogates were refused with wrong messages ("unexpected
    /// end of hex escape" for `"ab\ud800cd"`, a "lone leading surrogate" for
    /// the trailing `\udc00`).
    #[test]
    fn a_lone_surrogate_is_named_as_such() {
        let opts = JsonlOptions::default();
        for (line, unit) in [
            (r#"{"text":"ab\ud800cd"}"#, "d800"),
            (r#"{"text":"ab\udc00"}"#, "dc00"),
            (r#"{"text":"\\\ud800\u0041"}"#, "d800"),
            (r#"{"te\udbffxt":"a"}"#, "dbff"),
            (r#"{"text":"a\ud800\ud800"}"#, "d800"),
        ] {
            let err = run(line, &opts).unwrap_err();
            assert!(
                err.contains(&format!("lone UTF-16 surrogate \\u{unit}")),
                "{line}: {err}"
            );
        }
        // A pair is fine, and a short escape keeps serde_json's message.
        assert!(run(r#"{"text":"\ud83d\ude00"}"#, &opts).is_ok());
        let err = run(r#"{"text":"\u12"}"#, &opts).unwrap_err();
        assert!(!err.contains("surrogate"), "{err}");
    }

    /// Issue 13: `{"id":1,"text":"Accueil\nPartager sur Facebook\n","text":…}`
    /// stripped only the first copy and wrote the second raw, the one
    /// Python's `json` and jq read.
    #[test]
    fn a_duplicate_text_key_strips_every_copy() {
        let opts = JsonlOptions::default();
        let page = r#""Accueil\nPartager sur Facebook\n""#;
        let line = format!(r#"{{"id":1,"text":{page},"text":{page}}}"#);
        let got = run(&line, &opts).unwrap();
        assert_eq!(got, r#"{"id":1,"text":"","text":""}"#);
        // Different copies are each stripped on their own; a copy that is
        // not a string makes the record bad.
        let line = r#"{"text":"Lire la suite \u2192\n","text":"Accueil\n"}"#;
        assert_eq!(run(line, &opts).unwrap(), r#"{"text":"","text":""}"#);
        for line in [r#"{"text":"a","text":3}"#, r#"{"text":null,"text":"a"}"#] {
            let err = run(line, &opts).unwrap_err();
            assert!(err.contains("not a string"), "{line}: {err}");
        }
        // With labels, they describe the last copy (the one readers take).
        let opts = JsonlOptions {
            labels: true,
            ..JsonlOptions::default()
        };
        let got = run(r#"{"text":"a\n","text":"b\nc\n"}"#, &opts).unwrap();
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["decruft"].as_array().unwrap().len(), 2);
    }

    /// Issue 13: with `--labels`, a record that already had a `decruft`
    /// field got no labels, and one with `decruft_removed` got that key
    /// twice. The fields from an earlier run are replaced, each written once.
    #[test]
    fn labels_replace_the_labels_fields_of_an_earlier_run() {
        let opts = JsonlOptions {
            labels: true,
            ..JsonlOptions::default()
        };
        let line = r#"{"decruft":"old","text":"Lire la suite \u2192\n","decruft_removed":7,"decruft_flagged":"x","decruft_other":1}"#;
        let got = run(line, &opts).unwrap();
        for key in [
            "decruft",
            "decruft_removed",
            "decruft_flagged",
            "decruft_other",
        ] {
            assert_eq!(
                got.matches(&format!("\"{key}\":")).count(),
                1,
                "{key}: {got}"
            );
        }
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        assert_eq!(v["decruft"][0][2], "read-more");
        assert_eq!(v["decruft_removed"], 1.0);
        assert_eq!(v["decruft_other"], 1);
        // Without --labels such fields pass through as they came.
        let got = run(line, &JsonlOptions::default()).unwrap();
        assert!(
            got.starts_with(r#"{"decruft":"old","text":"","decruft_removed":7,"#),
            "{got}"
        );
        // A rejected record likewise.
        let rules = DocRules {
            drop_empty: true,
            ..DocRules::default()
        };
        let mut out = Vec::new();
        let d = strip_record_decided(&Stripper::new(), &opts, &rules, line.as_bytes(), &mut out)
            .unwrap();
        assert!(d.rejected.is_some());
        let got = String::from_utf8(out).unwrap();
        for key in [
            "decruft",
            "decruft_removed",
            "decruft_flagged",
            "decruft_rejected",
        ] {
            assert_eq!(
                got.matches(&format!("\"{key}\":")).count(),
                1,
                "{key}: {got}"
            );
        }
    }

    #[test]
    fn labels_use_character_offsets() {
        let opts = JsonlOptions {
            labels: true,
            ..JsonlOptions::default()
        };
        let got = run(r#"{"text":"é\n\nLire la suite →"}"#, &opts).unwrap();
        let v: serde_json::Value = serde_json::from_str(&got).unwrap();
        let labels = v["decruft"].as_array().unwrap();
        assert_eq!(labels.len(), 3);
        assert_eq!(labels[0][0], 0);
        assert_eq!(labels[0][1], 2);
        assert_eq!(labels[2][0], 3);
        assert_eq!(labels[2][1], 18);
        assert_eq!(labels[2][2], "read-more");
    }

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
