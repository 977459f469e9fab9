//! Reading a record: its fields in order, values raw, the text field
//! decoded in the same pass; and the messages of a record that is not one.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::Error;

/// A record's fields in order, values raw, except the fields named like
/// the text field, which are decoded in the same pass (`None` among the raw
/// values marks their places). A record may name the text field more than
/// once: every copy is stripped, and `text` is the last, the one most
/// readers (Python's `json`, jq) take.
pub(super) struct Fields<'a> {
    pub(super) fields: Vec<(Cow<'a, str>, Option<&'a RawValue>)>,
    pub(super) text: Option<TextValue<'a>>,
    /// The copies of the text field before the last, in order.
    pub(super) earlier: Vec<TextValue<'a>>,
}

/// The text field's value: a string, or what it is instead.
pub(super) enum TextValue<'a> {
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

/// Splits a record into its fields; the text field's value is decoded if
/// `decode` is set, else only looked at (see [`FieldsSeed`]).
pub(super) fn parse<'a>(
    line: &'a [u8],
    field: &str,
    decode: bool,
) -> serde_json::Result<Fields<'a>> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let fields = FieldsSeed { field, decode }.deserialize(&mut de)?;
    de.end()?;
    Ok(fields)
}

pub(super) fn not_a_string(field: &str, kind: &str) -> Error {
    Error::record(format!("field \"{field}\" is {kind}, not a string"))
}

/// [`json_error`], naming a lone surrogate escape (`\ud800` without its
/// pair) for what it is: serde_json calls it the end of a hex escape, or a
/// lone *leading* surrogate when it trails.
pub(super) fn json_error_in(line: &[u8], e: &serde_json::Error) -> String {
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

pub(super) fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    // serde_json appends " at line 1 column N"; the caller knows the line.
    match msg.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &msg[..i], e.column()),
        None => msg,
    }
}
