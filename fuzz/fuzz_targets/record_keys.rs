//! The JSONL record writer with duplicate and colliding keys (issue 13):
//! the fuzzer picks a sequence of fields, each a key from a small set (the
//! text field, the labels field and its companions, the rejection field,
//! others) and a value (a string from the input, a number, null, an
//! object), and `strip_record` runs on the record with and without labels,
//! with and without document rules. Checked, whenever the record is
//! accepted:
//!
//! - the output is JSON, and no key is written twice that was not twice in
//!   the input (with labels, the labels fields appear exactly once);
//! - every copy of the text field holds the stripped text of that copy;
//! - every other field passes through byte for byte, in order.
#![no_main]

use decruft::JsonlOptions;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[path = "../../tests/invariants.rs"]
mod invariants;

use invariants::{check_record as record, stripper};

const KEYS: [&str; 8] = [
    "text",
    "decruft",
    "decruft_removed",
    "decruft_flagged",
    "decruft_rejected",
    "id",
    "url",
    "decruft_other",
];

/// The keys at the top level of the object `rec`, in order, duplicates
/// included.
fn keys(rec: &[u8]) -> Vec<String> {
    // serde_json's map keeps the last copy only: walk the object by hand
    // through a streaming deserializer of (key, raw value) pairs.
    use serde::de::{Deserializer, MapAccess, Visitor};
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Vec<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Vec<String>, A::Error> {
            let mut out = Vec::new();
            while let Some((k, _)) = map.next_entry::<String, serde::de::IgnoredAny>()? {
                out.push(k);
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(rec);
    de.deserialize_map(Keys).expect("an object")
}

fuzz_target!(|data: &[u8]| {
    // Fields from the input: one byte picks the key and the kind of value,
    // the next gives the string's length.
    let mut fields: Vec<(&str, String)> = Vec::new();
    let mut i = 0;
    while i + 1 < data.len() && fields.len() < 12 {
        let (pick, len) = (data[i], data[i + 1] as usize);
        i += 2;
        let key = KEYS[(pick & 7) as usize];
        let end = (i + len).min(data.len());
        let text = String::from_utf8_lossy(&data[i..end]).into_owned();
        i = end;
        let value = match pick >> 6 {
            0 | 1 => serde_json::to_string(&text).unwrap(),
            2 => format!("{}", len),
            _ => "null".to_string(),
        };
        fields.push((key, value));
    }
    let mut line = b"{".to_vec();
    for (k, (key, value)) in fields.iter().enumerate() {
        if k > 0 {
            line.push(b',');
        }
        line.extend_from_slice(format!("\"{key}\":{value}").as_bytes());
    }
    line.push(b'}');

    let texts: Vec<&String> = fields.iter().filter(|(k, _)| *k == "text").map(|(_, v)| v).collect();
    let all_strings = texts.iter().all(|v| v.starts_with('"'));
    for labels in [false, true] {
        let mut opts = JsonlOptions::default();
        opts.labels = labels;
        let got = record(&opts, &line);
        let Ok(rec) = got else {
            assert!(texts.is_empty() || !all_strings, "a record with string texts was refused: {got:?}");
            continue;
        };
        assert!(!texts.is_empty() && all_strings);
        let v: Value = serde_json::from_slice(&rec).expect("output is JSON");
        assert!(v.is_object());
        let out_keys = keys(&rec);
        let labels_keys = ["decruft", "decruft_removed", "decruft_flagged"];
        for key in KEYS {
            let want = fields.iter().filter(|(k, _)| *k == key).count();
            let got = out_keys.iter().filter(|k| *k == key).count();
            if labels && labels_keys.contains(&key) {
                assert_eq!(got, 1, "{key} written {got} times");
            } else {
                assert_eq!(got, want, "{key}: {want} in, {got} out");
            }
        }
        // Each copy of the text holds its own stripped text, in order.
        let out_texts: Vec<String> = pairs(&rec)
            .into_iter()
            .filter(|(k, _)| k == "text")
            .map(|(_, v)| v.as_str().expect("text is a string").to_string())
            .collect();
        assert_eq!(out_texts.len(), texts.len());
        for (raw, out) in texts.iter().zip(&out_texts) {
            let text: String = serde_json::from_str(raw).unwrap();
            assert_eq!(*out, stripper().strip(&text).text(), "a copy of the text is not stripped");
        }
    }
});

/// The (key, value) pairs of the object `rec`, duplicates included.
fn pairs(rec: &[u8]) -> Vec<(String, Value)> {
    use serde::de::{Deserializer, MapAccess, Visitor};
    struct Pairs;
    impl<'de> Visitor<'de> for Pairs {
        type Value = Vec<(String, Value)>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(pair) = map.next_entry::<String, Value>()? {
                out.push(pair);
            }
            Ok(out)
        }
    }
    let mut de = serde_json::Deserializer::from_slice(rec);
    de.deserialize_map(Pairs).expect("an object")
}
