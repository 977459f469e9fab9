//! The invariants every result must keep, checked against naive
//! references written here. Shared by the integration tests and the fuzz
//! targets (`fuzz/fuzz_targets/*.rs` include this file), so that both hold
//! decruft to the same rules.

#![allow(dead_code)] // each includer uses its part

use std::sync::OnceLock;

use decruft::{strip_record, JsonlOptions, Stripped, Stripper};
use serde_json::Value;

/// One stripper for the whole test binary (building one parses the lexicon
/// and the model).
pub fn stripper() -> &'static Stripper {
    static S: OnceLock<Stripper> = OnceLock::new();
    S.get_or_init(Stripper::new)
}

/// The lines of `input` as `(start, content end, end past the terminator)`,
/// found the slow, obvious way: a line ends at each `\n`; a `\r` right before
/// it belongs to the terminator; a last line without `\n` ends at the end of
/// the input; a trailing `\n` does not start another line.
pub fn reference_lines(input: &[u8]) -> Vec<(usize, usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    while start < input.len() {
        match input[start..].iter().position(|&b| b == b'\n') {
            Some(i) => {
                let nl = start + i;
                let content_end = if nl > start && input[nl - 1] == b'\r' {
                    nl - 1
                } else {
                    nl
                };
                lines.push((start, content_end, nl + 1));
                start = nl + 1;
            }
            None => {
                lines.push((start, input.len(), input.len()));
                start = input.len();
            }
        }
    }
    lines
}

/// The cleaned text of `out` over `input`, written the slow, obvious way
/// from the verdicts: line by line, the kept units of each; pieces of a line
/// that were next to each other with the white space between them, a line
/// break (the line's terminator, else `\n`) where dropped pieces were
/// between, the line's terminator after its last kept piece.
pub fn reference_kept(input: &[u8], out: &Stripped<'_>) -> Vec<u8> {
    let units = out.lines();
    let mut kept = Vec::new();
    let mut i = 0;
    while i < units.len() {
        let mut j = i + 1;
        while j < units.len() && units[j].continues {
            j += 1;
        }
        let last = &units[j - 1];
        let terminator = &input[last.range.end..last.end];
        let mut prev: Option<usize> = None;
        for k in i..j {
            if !units[k].kept {
                continue;
            }
            if let Some(p) = prev {
                if p + 1 == k {
                    kept.extend_from_slice(&input[units[p].range.end..units[p].end]);
                } else if terminator.is_empty() {
                    kept.push(b'\n');
                } else {
                    kept.extend_from_slice(terminator);
                }
            }
            kept.extend_from_slice(&input[units[k].range.clone()]);
            prev = Some(k);
        }
        if prev.is_some() {
            kept.extend_from_slice(terminator);
        }
        i = j;
    }
    kept
}

/// Checks every structural invariant of `out`, the result of stripping
/// `input`; panics with a description of the first that fails.
///
/// A verdict is a unit: a line, or a piece of a long line (every piece
/// after the first `continues`). The lines the units make up are the input's
/// lines; the pieces of a line tile it, the white space between two pieces
/// belonging to the first; every kept unit is in the cleaned text byte for
/// byte, in order.
pub fn check_invariants(input: &[u8], out: &Stripped<'_>) {
    let units = out.lines();
    let want = reference_lines(input);
    let mut at = 0;
    let mut line = 0;
    for (i, v) in units.iter().enumerate() {
        assert_eq!(
            v.range.start,
            at,
            "unit {i} does not start where unit {} ended",
            i.wrapping_sub(1)
        );
        assert!(
            v.range.end <= v.end,
            "unit {i}: range.end {} past end {}",
            v.range.end,
            v.end
        );
        assert!(
            v.score.is_finite() && (0.0..=1.0).contains(&v.score),
            "unit {i}: score {} is not a probability",
            v.score
        );
        assert_eq!(out.line_bytes(i), &input[v.range.clone()]);
        let last = units.get(i + 1).is_none_or(|n| !n.continues);
        let Some(&(start, content_end, end)) = want.get(line) else {
            panic!("more lines than the input's {}", want.len());
        };
        if !v.continues {
            assert_eq!(v.range.start, start, "line {line} starts at its first unit");
        } else {
            assert!(i > 0, "the first unit cannot continue a line");
        }
        if last {
            assert_eq!((v.range.end, v.end), (content_end, end), "line {line} span");
            line += 1;
        } else {
            assert!(
                v.range.start < v.range.end,
                "unit {i}: a piece holds something"
            );
            assert!(
                std::str::from_utf8(&input[v.range.end..v.end])
                    .is_ok_and(|gap| gap.chars().all(char::is_whitespace)),
                "unit {i}: only white space between two pieces"
            );
        }
        at = v.end;
    }
    assert_eq!(line, want.len(), "one line of units per input line");
    assert_eq!(at, input.len(), "the verdicts do not cover the input");
    let kept = reference_kept(input, out);
    assert!(
        out.bytes() == kept,
        "cleaned bytes are not the kept units in input order"
    );
    assert_eq!(out.kept_bytes(), kept.len());
    let mut sink = Vec::new();
    out.write_kept(&mut sink).unwrap();
    assert!(sink == kept, "write_kept differs from bytes()");
    // Every kept unit is a byte-identical part of the input, found in the
    // cleaned text in input order.
    let mut from = 0;
    for (i, v) in units.iter().enumerate().filter(|(_, v)| v.kept) {
        let piece = &input[v.range.clone()];
        let found = kept[from..]
            .windows(piece.len().max(1))
            .position(|w| piece.is_empty() || w == piece);
        match found {
            Some(k) => from += k + piece.len(),
            None if piece.is_empty() => {}
            None => panic!("kept unit {i} is not in the cleaned text in order"),
        }
    }
}

/// What a verdict says, comparable exactly (score by its bits).
pub fn fingerprint(out: &Stripped<'_>) -> Vec<String> {
    out.lines()
        .iter()
        .map(|v| {
            format!(
                "{:?} {} {} {} {:08x} {:?}",
                v.range,
                v.end,
                v.label,
                v.kept,
                v.score.to_bits(),
                v.reason
            )
        })
        .collect()
}

const BEFORE: &[u8] = b"earlier output\n";

/// Runs `strip_record` with `out` already holding earlier output; checks that
/// an error appends nothing and a success appends one JSON object.
pub fn check_record(opts: &JsonlOptions, line: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = BEFORE.to_vec();
    match strip_record(stripper(), opts, line, &mut out) {
        Ok(()) => {
            assert!(
                out.starts_with(BEFORE),
                "strip_record changed what was in `out`"
            );
            let rec = out.split_off(BEFORE.len());
            // Strict JSON in, strict JSON out. (A lone surrogate escape
            // such as "\ud800" outside the text field passes through as it
            // came: serde_json's strict parser refuses it either way.)
            if serde_json::from_slice::<Value>(line).is_ok() {
                let v: Value = serde_json::from_slice(&rec).unwrap_or_else(|e| {
                    panic!(
                        "output is not JSON ({e}): {:?}",
                        String::from_utf8_lossy(&rec)
                    )
                });
                assert!(v.is_object(), "output is not an object");
            }
            assert!(
                rec.starts_with(b"{") && rec.ends_with(b"}"),
                "output is not an object"
            );
            // A JSONL line has no raw newline; the output must not grow one.
            assert!(
                line.contains(&b'\n') || !rec.contains(&b'\n'),
                "output spans lines"
            );
            Ok(rec)
        }
        Err(e) => {
            assert!(
                out == BEFORE,
                "strip_record appended to `out` on error ({e})"
            );
            let msg = e.to_string();
            assert!(
                !msg.is_empty() && !msg.contains('\n'),
                "error message {msg:?}"
            );
            Err(msg)
        }
    }
}
