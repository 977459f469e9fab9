//! JSON Lines through the command (issue 5, parts 4 and 5): what the
//! library's stream does (tests/jsonl.rs) becomes exit codes and one line
//! on stderr.
//!
//! A bad record stops decruft with exit code 2 and one line on stderr naming
//! the input line ("line N"), after every earlier record has been written
//! whole; `--on-error skip` counts the dropped records on stderr ("skipped N
//! bad records"); `--on-error keep` writes them through and counts them; a
//! closed stdout
//! ends quietly with status 0.

use std::process::Output;

use crate::inputs::{bad_records, expected, good, mixed, stream};
use crate::run::{decruft, first_line_then_close, stderr, BIN};

/// Whether `msg` says "line N" for exactly this N.
fn names_line(msg: &str, n: usize) -> bool {
    let pat = format!("line {n}");
    msg.match_indices(&pat)
        .any(|(i, _)| !msg[i + pat.len()..].starts_with(|c: char| c.is_ascii_digit()))
}

/// Checks a stop on a bad record at `line`: exit 2, one line on stderr
/// naming it, and exactly `before` on stdout.
fn assert_stopped_at(out: &Output, line: usize, before: &[u8], what: &str) {
    let msg = stderr(out);
    assert_eq!(
        out.status.code(),
        Some(2),
        "{what}: exit status {:?}, stderr {msg:?}",
        out.status
    );
    assert!(
        msg.starts_with("decruft: ") && msg.ends_with('\n') && msg.lines().count() == 1,
        "{what}: stderr is not one line: {msg:?}"
    );
    assert!(
        names_line(&msg, line),
        "{what}: stderr does not name line {line}: {msg:?}"
    );
    assert!(
        out.stdout == before,
        "{what}: stdout is not the earlier records, whole:\n{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn a_bad_record_exits_2_naming_its_line() {
    let (g1, g3) = (good(1), good(3));
    for (what, bad) in bad_records().into_iter().step_by(3) {
        let out = decruft(&["--jsonl"], &stream(&[&g1, &bad, &g3]));
        assert_stopped_at(&out, 2, &expected(&[&g1]), what);
    }
    // --on-error fail is the default.
    let (input, lines) = mixed();
    let first_bad = lines
        .iter()
        .position(|l| matches!(l, Some((_, false))))
        .unwrap();
    let out = decruft(&["--jsonl"], &input);
    let explicit = decruft(&["--jsonl", "--on-error", "fail"], &input);
    assert_stopped_at(&explicit, first_bad + 1, &out.stdout, "--on-error fail");
    assert_eq!(explicit.stderr, out.stderr);
}

#[test]
fn skip_counts_the_bad_records_on_stderr() {
    let (input, lines) = mixed();
    let good_lines: Vec<&[u8]> = lines
        .iter()
        .flatten()
        .filter(|(_, ok)| *ok)
        .map(|(b, _)| &b[..])
        .collect();
    let bad = lines.iter().flatten().filter(|(_, ok)| !*ok).count();
    let out = decruft(&["--jsonl", "--on-error", "skip"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout == expected(&good_lines));
    assert_eq!(
        stderr(&out),
        format!("decruft: skipped {bad} bad records\n")
    );
    // One bad record: singular.
    let out = decruft(
        &["--jsonl", "--on-error", "skip"],
        &stream(&[&good(1), b"{}"]),
    );
    assert_eq!(stderr(&out), "decruft: skipped 1 bad record\n");
}

#[test]
fn keep_writes_bad_records_through_and_counts_them() {
    let (input, lines) = mixed();
    let out = decruft(&["--jsonl", "--on-error", "keep"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let records = out.stdout.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(records, lines.iter().flatten().count());
    let bad = lines.iter().flatten().filter(|(_, good)| !good).count();
    assert_eq!(
        stderr(&out),
        format!("decruft: kept {bad} bad records unchanged (--on-error keep)\n")
    );
}

/// Issue 13: `--on-error keep` passed a truncated last record (a file cut
/// short: `{"id":2,"te` without a newline) through as a complete line with
/// exit 0 and nothing on stderr. It is still kept, but counted and named.
#[test]
fn keep_warns_about_a_truncated_last_record() {
    let input = [&stream(&[&good(1)])[..], br#"{"id":2,"te"#].concat();
    let out = decruft(&["--jsonl", "--on-error", "keep"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        out.stdout,
        [&expected(&[&good(1)])[..], b"{\"id\":2,\"te\n"].concat()
    );
    let msg = stderr(&out);
    assert!(msg.contains("kept 1 bad record unchanged"), "{msg}");
    assert!(
        msg.contains("without a newline: it may be cut short"),
        "{msg}"
    );
    // Under fail, the message says so too.
    let out = decruft(&["--jsonl"], &input);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("it may be cut short"),
        "{}",
        stderr(&out)
    );
}

/// Issue 13: a line without a newline was read without bound
/// (`decruft --jsonl /dev/zero` aborted under a memory limit). A record
/// longer than --max-record-bytes is never held: under fail the run stops
/// at it, under skip it is read past and counted.
#[test]
fn a_record_longer_than_max_record_bytes_is_bad_not_read_whole() {
    let mut huge = b"{\"text\":\"".to_vec();
    huge.resize(200_000, b'a');
    huge.extend_from_slice(b"\"}");
    let input = stream(&[&good(1), &huge, &good(3)]);
    let out = decruft(&["--jsonl", "--max-record-bytes", "100000"], &input);
    assert_stopped_at(&out, 2, &expected(&[&good(1)]), "over-long record");
    assert!(
        stderr(&out).contains("--max-record-bytes"),
        "{}",
        stderr(&out)
    );
    for mode in ["skip", "keep"] {
        let out = decruft(
            &[
                "--jsonl",
                "--max-record-bytes",
                "100000",
                "--on-error",
                mode,
            ],
            &input,
        );
        assert_eq!(out.status.code(), Some(0), "{mode}: {}", stderr(&out));
        assert!(out.stdout == expected(&[&good(1), &good(3)]), "{mode}");
        assert!(
            stderr(&out).contains("longer than --max-record-bytes"),
            "{mode}: {}",
            stderr(&out)
        );
    }
    // Within the limit it is an ordinary record.
    let out = decruft(&["--jsonl", "--max-record-bytes", "300000"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Input that never has a newline ends the run under fail at the limit,
    // not when memory runs out.
    let zeros = vec![0u8; 3_000_000];
    let out = decruft(&["--jsonl", "--max-record-bytes", "1000000"], &zeros);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
}

/// The records before a bad one are all written, whole, even when there are
/// far more of them than fit in decruft's output buffer.
#[test]
fn fail_after_many_records_writes_them_all() {
    let n = if cfg!(debug_assertions) { 500 } else { 3000 };
    let goods: Vec<Vec<u8>> = (0..n).map(good).collect();
    let mut refs: Vec<&[u8]> = goods.iter().map(|g| &g[..]).collect();
    let want = expected(&refs);
    assert!(
        want.len() > 1 << 17,
        "the output should not fit decruft's buffer"
    );
    refs.push(br#"{"id":"bad"}"#);
    refs.push(&goods[0]);
    let out = decruft(&["--jsonl"], &stream(&refs));
    assert_stopped_at(&out, n + 1, &want, "many records then a bad one");
}

/// Several files: a missing one stops the run before anything is read or
/// written (issue 20: inputs are opened before outputs, so that a missing
/// input cannot empty an existing `-o` file).
#[test]
fn a_missing_file_stops_the_run_before_it_starts() {
    let dir = std::env::temp_dir().join(format!("decruft-jsonl-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let first = dir.join("first.jsonl");
    let records = stream(&[&good(1), &good(2)]);
    std::fs::write(&first, &records).unwrap();
    let first = first.to_str().unwrap();
    let missing = dir.join("missing.jsonl");
    let missing = missing.to_str().unwrap();
    let out = std::process::Command::new(BIN)
        .args(["--jsonl", first, missing, first])
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
    let msg = stderr(&out);
    assert!(
        msg.starts_with(&format!("decruft: {missing}: ")) && msg.lines().count() == 1,
        "{msg}"
    );
}

/// `decruft --jsonl < big | head -1`: the reader goes away after one line;
/// decruft exits 0 and says nothing.
#[test]
fn stdout_closed_early() {
    let n = if cfg!(debug_assertions) {
        5_000
    } else {
        20_000
    };
    let goods: Vec<Vec<u8>> = (0..n).map(good).collect();
    let refs: Vec<&[u8]> = goods.iter().map(|g| &g[..]).collect();
    let first = first_line_then_close(&["--jsonl"], stream(&refs));
    assert_eq!(first, expected(&refs[..1]));
}
