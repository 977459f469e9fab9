//! Arbitrary bytes through `decruft::strip_record`:
//!
//! 1. the bytes as a record: never panics; on error `out` is left as it was;
//!    on success the output is a JSON object;
//! 2. the bytes (lossily decoded) as the text of a valid record, with and
//!    without labels: always succeeds, other fields pass through, the text
//!    field holds exactly the stripped text, labels tile the text in
//!    characters;
//! 3. the bytes spliced raw as the value of the text field: as in 1.
#![no_main]

use decruft::JsonlOptions;
use libfuzzer_sys::fuzz_target;
use serde_json::Value;

#[path = "../../tests/invariants.rs"]
mod invariants;

use invariants::{check_record as record, stripper};

fuzz_target!(|data: &[u8]| {
    let plain = JsonlOptions::default();
    let mut labelled = JsonlOptions::default();
    labelled.labels = true;

    // 1. The bytes as a record.
    let _ = record(&plain, data);
    let _ = record(&labelled, data);

    // 2. The bytes as the text of a valid record.
    let text = String::from_utf8_lossy(data);
    let mut line = br#"{"id":7,"text":"#.to_vec();
    serde_json::to_writer(&mut line, &*text).expect("serialising a string");
    line.extend_from_slice(br#","z":[1.50, null]}"#);
    let want = stripper().strip(&text);
    let want_text = want.text();
    for opts in [&plain, &labelled] {
        let rec = record(opts, &line).expect("a valid record was refused");
        let v: Value = serde_json::from_slice(&rec).unwrap();
        assert_eq!(
            v["text"].as_str(),
            Some(want_text.as_str()),
            "text field is not the stripped text"
        );
        assert!(
            rec.starts_with(br#"{"id":7,"text":""#),
            "fields before the text changed"
        );
        let tail: &[u8] = br#","z":[1.50, null]"#;
        assert!(
            rec.windows(tail.len()).any(|w| w == tail),
            "fields after the text changed"
        );
        if opts.labels {
            let labels = v["decruft"].as_array().expect("labels field");
            assert_eq!(labels.len(), want.lines().len(), "one label per line");
            let mut at = 0u64;
            for l in labels {
                let (s, e) = (l[0].as_u64().unwrap(), l[1].as_u64().unwrap());
                assert_eq!(s, at, "labels do not tile the text");
                assert!(e >= s);
                at = e;
            }
            assert_eq!(
                at,
                text.chars().count() as u64,
                "labels do not cover the text"
            );
        }
    }

    // 3. The bytes as the raw value of the text field.
    let mut spliced = br#"{"id":1,"text":"#.to_vec();
    spliced.extend_from_slice(data);
    spliced.push(b'}');
    let _ = record(&plain, &spliced);
    let _ = record(&labelled, &spliced);
});
