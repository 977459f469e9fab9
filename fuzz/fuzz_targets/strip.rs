//! Arbitrary bytes through `Stripper::strip_bytes` (and `strip` when the
//! bytes are UTF-8), checking the invariants of the verdicts:
//!
//! * one verdict per line, lines split on `\n`, a trailing `\n` starting no
//!   extra line, `\r\n` belonging to the terminator;
//! * the verdicts tile the input in order;
//! * the cleaned bytes are the kept lines, byte for byte, in input order;
//! * scores are probabilities;
//! * stripping is deterministic and `strip` agrees with `strip_bytes`.
#![no_main]

use std::sync::OnceLock;

use decruft::{Stripped, Stripper};
use libfuzzer_sys::fuzz_target;

fn stripper() -> &'static Stripper {
    static S: OnceLock<Stripper> = OnceLock::new();
    S.get_or_init(Stripper::new)
}

/// `(start, content end, end past the terminator)` of every line, naively.
fn reference_lines(input: &[u8]) -> Vec<(usize, usize, usize)> {
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

fn check(input: &[u8], out: &Stripped<'_>) {
    let want = reference_lines(input);
    let got: Vec<(usize, usize, usize)> = out
        .lines()
        .iter()
        .map(|v| (v.range.start, v.range.end, v.end))
        .collect();
    assert_eq!(got, want, "line spans");
    let mut kept = Vec::new();
    for v in out.lines() {
        assert!(
            v.score.is_finite() && (0.0..=1.0).contains(&v.score),
            "score {} out of [0, 1]",
            v.score
        );
        if v.kept {
            kept.extend_from_slice(&input[v.range.start..v.end]);
        }
    }
    assert_eq!(out.bytes(), kept, "cleaned bytes are the kept lines");
    assert_eq!(out.kept_bytes(), kept.len());
}

fn same(a: &Stripped<'_>, b: &Stripped<'_>) -> bool {
    a.lines().len() == b.lines().len()
        && a.lines().iter().zip(b.lines()).all(|(x, y)| {
            x.range == y.range
                && x.end == y.end
                && x.label == y.label
                && x.kept == y.kept
                && x.score.to_bits() == y.score.to_bits()
                && x.reason == y.reason
        })
}

fuzz_target!(|data: &[u8]| {
    let s = stripper();
    let out = s.strip_bytes(data);
    check(data, &out);
    let again = s.strip_bytes(data);
    assert!(same(&out, &again), "stripping twice differs");
    if let Ok(text) = std::str::from_utf8(data) {
        let out_str = s.strip(text);
        assert!(
            same(&out, &out_str),
            "strip and strip_bytes differ on UTF-8 input"
        );
        assert_eq!(out_str.text().as_bytes(), &out.bytes()[..]);
    }
});
