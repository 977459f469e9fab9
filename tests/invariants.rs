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

/// Checks every structural invariant of `out`, the result of stripping
/// `input`; panics with a description of the first that fails.
pub fn check_invariants(input: &[u8], out: &Stripped<'_>) {
    let lines = out.lines();
    let want = reference_lines(input);
    assert_eq!(lines.len(), want.len(), "one verdict per input line");
    let mut at = 0;
    for (i, (v, &(start, content_end, end))) in lines.iter().zip(&want).enumerate() {
        assert_eq!(
            v.range.start,
            at,
            "line {i} does not start where line {} ended",
            i.wrapping_sub(1)
        );
        assert!(
            v.range.end <= v.end,
            "line {i}: range.end {} past end {}",
            v.range.end,
            v.end
        );
        assert_eq!(
            (v.range.start, v.range.end, v.end),
            (start, content_end, end),
            "line {i} span"
        );
        assert!(
            v.score.is_finite() && (0.0..=1.0).contains(&v.score),
            "line {i}: score {} is not a probability",
            v.score
        );
        assert_eq!(out.line_bytes(i), &input[start..content_end]);
        at = v.end;
    }
    assert_eq!(at, input.len(), "the verdicts do not cover the input");
    let kept: Vec<u8> = lines
        .iter()
        .filter(|v| v.kept)
        .flat_map(|v| input[v.range.start..v.end].iter().copied())
        .collect();
    assert!(
        out.bytes() == kept,
        "cleaned bytes are not the kept lines in input order"
    );
    assert_eq!(out.kept_bytes(), kept.len());
    let mut sink = Vec::new();
    out.write_kept(&mut sink).unwrap();
    assert!(sink == kept, "write_kept differs from bytes()");
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
