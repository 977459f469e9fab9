//! Reading a record: its fields in order, keys and values raw, and the
//! text field decoded; and the messages of a record that is not one.
//!
//! Keys stay raw so that they are written back byte for byte (`"\u0041bc"`
//! is not rewritten as `"Abc"`); they are decoded only to be compared with
//! the names of the fields decruft reads. Strings are decoded as Python's
//! `json` reads them, a lone surrogate escape becoming U+FFFD
//! (`util/json.rs`), so that such a record is stripped, not refused.

use std::borrow::Cow;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::error::Error;
use crate::util::json;

/// One field of a record: its key decoded and raw, its value raw.
pub(super) struct Field<'a> {
    pub(super) key: Cow<'a, str>,
    pub(super) raw_key: &'a RawValue,
    pub(super) value: &'a RawValue,
}

/// A record's fields in order, keys and values raw.
pub(super) struct Fields<'a> {
    pub(super) fields: Vec<Field<'a>>,
}

/// A string field's value: its text, or what it is instead.
pub(super) enum TextValue<'a> {
    Text(Cow<'a, str>),
    Not(&'static str),
}

impl<'a> TextValue<'a> {
    /// Decodes a raw value: a string's text, or what the value is.
    pub(super) fn of(raw: &'a RawValue) -> TextValue<'a> {
        let raw = raw.get();
        TextValue::Not(match raw.as_bytes().first() {
            Some(b'"') => return TextValue::Text(json::decode(raw)),
            Some(b'n') => "null",
            Some(b't' | b'f') => "a boolean",
            Some(b'{') => "an object",
            Some(b'[') => "an array",
            _ => "a number",
        })
    }
}

impl<'a> Fields<'a> {
    /// The values of the fields named `name`, in order.
    pub(super) fn named<'s>(&'s self, name: &'s str) -> impl Iterator<Item = &'a RawValue> + 's {
        self.fields
            .iter()
            .filter(move |f| f.key == name)
            .map(|f| f.value)
    }

    /// The text of the last field named `name`, if it is a string (what
    /// Python's `json` and jq read when a record names a field twice).
    pub(super) fn string(&self, name: &str) -> Option<Cow<'a, str>> {
        match TextValue::of(self.named(name).last()?) {
            TextValue::Text(t) => Some(t),
            TextValue::Not(_) => None,
        }
    }
}

struct FieldsSeed;

impl<'de> DeserializeSeed<'de> for FieldsSeed {
    type Value = Fields<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Fields<'de>, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for FieldsSeed {
    type Value = Fields<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Fields<'de>, A::Error> {
        let mut fields = Vec::with_capacity(map.size_hint().unwrap_or(4));
        while let Some(raw_key) = map.next_key::<&'de RawValue>()? {
            let value = map.next_value::<&'de RawValue>()?;
            fields.push(Field {
                key: json::decode(raw_key.get()),
                raw_key,
                value,
            });
        }
        Ok(Fields { fields })
    }
}

/// Splits a record into its fields, keys and values raw.
pub(super) fn parse(line: &[u8]) -> serde_json::Result<Fields<'_>> {
    let mut de = serde_json::Deserializer::from_slice(line);
    let fields = FieldsSeed.deserialize(&mut de)?;
    de.end()?;
    Ok(fields)
}

pub(super) fn not_a_string(field: &str, kind: &str) -> Error {
    Error::record(format!("field \"{field}\" is {kind}, not a string"))
}

pub(super) fn json_error(e: &serde_json::Error) -> String {
    let msg = e.to_string();
    // serde_json appends " at line 1 column N"; the caller knows the line.
    match msg.rfind(" at line ") {
        Some(i) => format!("{} (column {})", &msg[..i], e.column()),
        None => msg,
    }
}
