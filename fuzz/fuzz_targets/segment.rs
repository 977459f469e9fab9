//! Arbitrary text through the segmenter (issue 22), checking that the units
//! of each line cover it exactly:
//!
//! * the lines the units make up are the input's lines (split on `\n`,
//!   `\r\n` in the terminator, no extra line after a trailing `\n`);
//! * the pieces of a line follow each other with no gap and no overlap,
//!   only white space between two of them, the first starting and the last
//!   ending where the line does;
//! * no piece is longer than the cap (white space at its ends aside);
//! * cutting is deterministic.
#![no_main]

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants.rs"]
mod invariants;

use invariants::reference_lines;

fuzz_target!(|data: &[u8]| {
    // The pipeline cuts the (lossy) text it judges.
    let text = String::from_utf8_lossy(data);
    let units = decruft::bench::units(&text);
    let lines = reference_lines(text.as_bytes());
    let mut k = 0;
    for &(start, content_end, end) in &lines {
        let first = k;
        let mut at = start;
        loop {
            let (s, e, next, cont) = units[k];
            assert_eq!(cont, k > first, "unit {k}: continues iff not its line's first");
            assert_eq!(s, at, "unit {k}: a gap or an overlap");
            assert!(s <= e && e <= next, "unit {k}: offsets out of order");
            assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
            k += 1;
            let last = units.get(k).is_none_or(|u| !u.3);
            if k - first > 1 || !last {
                assert!(
                    text[s..e].trim().len() <= decruft::bench::MAX_PIECE,
                    "unit {k}: a piece over the cap"
                );
            }
            if last {
                assert_eq!((e, next), (content_end, end), "the last piece does not end the line");
                break;
            }
            assert!(
                text[e..next].chars().all(char::is_whitespace),
                "unit {k}: more than white space between pieces"
            );
            at = next;
        }
    }
    assert_eq!(k, units.len(), "units past the last line");
    assert_eq!(units, decruft::bench::units(&text), "cutting twice differs");
});
