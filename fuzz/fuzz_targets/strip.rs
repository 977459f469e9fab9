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

use libfuzzer_sys::fuzz_target;

#[path = "../../tests/invariants.rs"]
mod invariants;

use invariants::{check_invariants, fingerprint, stripper};

fuzz_target!(|data: &[u8]| {
    let s = stripper();
    let out = s.strip_bytes(data);
    check_invariants(data, &out);
    let again = s.strip_bytes(data);
    assert!(
        fingerprint(&out) == fingerprint(&again),
        "stripping twice differs"
    );
    if let Ok(text) = std::str::from_utf8(data) {
        let out_str = s.strip(text);
        assert!(
            fingerprint(&out) == fingerprint(&out_str),
            "strip and strip_bytes differ on UTF-8 input"
        );
        assert_eq!(out_str.text().as_bytes(), &out.bytes()[..]);
    }
});
