//! JSONL faults through the command (issue 5, part 4) and the JSONL pipe manners
//! (part 5).
//!
//! Expected behaviour: by default (`--on-error fail`) decruft stops at the
//! first bad record with exit code 2 and one line on stderr naming the input
//! line ("line N"), after writing every earlier record whole; `--on-error
//! skip` drops bad records and counts them on stderr ("skipped N bad
//! records"); `--on-error keep` writes them through unchanged. In every mode
//! each good record yields exactly one output record, in order, and no record
//! is ever written half. Blank lines are skipped and produce nothing.

use std::process::Output;

use decruft::{strip_record, JsonlOptions};

use crate::inputs::{one_huge_line, HUGE};
use crate::invariants::stripper;
use crate::run::{decruft as cli, first_line_then_close};

/// A good record: a small page with navigation, an article and share lines.
fn good(id: usize) -> Vec<u8> {
    let text = format!(
        "Accueil\nActualités\n\nLe conseil municipal a voté mardi soir le budget numéro {id}, après un long débat sur les investissements prévus dans les écoles et les transports de la ville.\n\nLe maire a salué un budget « responsable », tandis que l'opposition a dénoncé une hausse des impôts locaux qu'elle juge injustifiée pour les familles.\n\nPartager sur Facebook\n"
    );
    serde_json::to_vec(&serde_json::json!({ "id": id, "text": text, "lang": "fr" })).unwrap()
}

/// What decruft writes for a good record (without the newline).
fn stripped(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    strip_record(stripper(), &JsonlOptions::default(), line, &mut out).expect("a good record");
    out
}

/// Bad records, one per kind of fault.
fn bad_records() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "malformed JSON",
            br#"{"id":2,"text":"unterminated"#.to_vec(),
        ),
        ("not JSON at all", b"Accueil > Actualit\xc3\xa9s".to_vec()),
        ("trailing garbage", br#"{"id":2,"text":"a"} x"#.to_vec()),
        ("an array", br#"[1,"text"]"#.to_vec()),
        (
            "missing text field",
            br#"{"id":2,"body":"Le texte."}"#.to_vec(),
        ),
        ("null text field", br#"{"id":2,"text":null}"#.to_vec()),
        ("number text field", br#"{"id":2,"text":42}"#.to_vec()),
        ("boolean text field", br#"{"id":2,"text":true}"#.to_vec()),
        ("array text field", br#"{"id":2,"text":["a","b"]}"#.to_vec()),
        (
            "object text field",
            br#"{"id":2,"text":{"a":"b"}}"#.to_vec(),
        ),
        (
            "invalid UTF-8 in the text",
            b"{\"id\":2,\"text\":\"Le pr\xe9sident a d\xe9clar\xe9 jeudi.\"}".to_vec(),
        ),
        (
            "invalid UTF-8 in another field",
            b"{\"id\":\"\xff\",\"text\":\"Le texte.\"}".to_vec(),
        ),
        (
            "a lone surrogate in the text",
            br#"{"id":2,"text":"\ud800"}"#.to_vec(),
        ),
    ]
}

/// Joins records into a JSONL stream, each line ended by `\n`.
fn stream(lines: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

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
        msg.ends_with('\n') && msg.lines().count() == 1,
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

/// Expected stdout for good records `lines`, one output record each.
fn expected(lines: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(&stripped(l));
        out.push(b'\n');
    }
    out
}

// ---------------------------------------------------------------------------
// One fault at a time, default mode.

fn stops_on(kind: &str) {
    let (what, bad) = bad_records().into_iter().find(|(w, _)| *w == kind).unwrap();
    let (g1, g3) = (good(1), good(3));
    let input = stream(&[&g1, &bad, &g3]);
    let out = cli(&["--jsonl"], &input);
    assert_stopped_at(&out, 2, &expected(&[&g1]), what);
}

#[test]
fn malformed_json() {
    stops_on("malformed JSON");
    stops_on("not JSON at all");
    stops_on("trailing garbage");
    stops_on("an array");
}

#[test]
fn missing_text_field() {
    stops_on("missing text field");
    let out = cli(&["--jsonl"], &stream(&[br#"{"id":1}"#]));
    assert!(
        stderr(&out).contains("\"text\""),
        "the message does not name the field: {}",
        stderr(&out)
    );
}

#[test]
fn null_text_field() {
    stops_on("null text field");
    let out = cli(&["--jsonl"], &stream(&[br#"{"text":null}"#]));
    assert!(stderr(&out).contains("null"), "{}", stderr(&out));
}

#[test]
fn non_string_text_field() {
    stops_on("number text field");
    stops_on("boolean text field");
    stops_on("array text field");
    stops_on("object text field");
}

#[test]
fn other_field_named_with_field() {
    // With --field body, a record without "body" is bad even if it has "text".
    let g1 = br#"{"id":1,"body":"Le texte."}"#;
    let input = stream(&[g1, &good(2)]);
    let out = cli(&["--jsonl", "--field", "body"], &input);
    let mut want = Vec::new();
    let opts = JsonlOptions {
        field: "body".into(),
        ..JsonlOptions::default()
    };
    strip_record(stripper(), &opts, g1, &mut want).unwrap();
    want.push(b'\n');
    assert_stopped_at(&out, 2, &want, "--field body");
    assert!(stderr(&out).contains("\"body\""), "{}", stderr(&out));
}

#[test]
fn invalid_utf8_inside_a_record() {
    stops_on("invalid UTF-8 in the text");
    stops_on("invalid UTF-8 in another field");
    stops_on("a lone surrogate in the text");
    // keep: the bad record goes through byte for byte.
    let (_, bad) = bad_records()
        .into_iter()
        .find(|(w, _)| *w == "invalid UTF-8 in the text")
        .unwrap();
    let out = cli(&["--jsonl", "--on-error", "keep"], &stream(&[&bad]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(
        out.stdout == stream(&[&bad]),
        "{:?}",
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn last_line_without_newline() {
    let (g1, g2) = (good(1), good(2));
    let mut input = stream(&[&g1]);
    input.extend_from_slice(&g2);
    let out = cli(&["--jsonl"], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(
        out.stdout == expected(&[&g1, &g2]),
        "the last record is missing or has no newline"
    );
    // A bad last line without newline is still reported with its number.
    let mut input = stream(&[&g1]);
    input.extend_from_slice(br#"{"id":2,"text":nul"#);
    assert_stopped_at(
        &cli(&["--jsonl"], &input),
        2,
        &expected(&[&g1]),
        "bad last line",
    );
    // A CRLF stream, last line without newline.
    let input = [&g1[..], b"\r\n", &g2[..]].concat();
    let out = cli(&["--jsonl"], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout == expected(&[&g1, &g2]));
}

#[test]
fn blank_lines_are_skipped() {
    let (g1, g2) = (good(1), good(2));
    let input = [b"\n", &g1[..], b"\n\n   \n\r\n\t\n", &g2[..], b"\n\n"].concat();
    let out = cli(&["--jsonl"], &input);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(
        out.stdout == expected(&[&g1, &g2]),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Only blank lines: no output at all.
    let out = cli(&["--jsonl"], b"\n\n \n");
    assert!(out.status.success() && out.stdout.is_empty() && out.stderr.is_empty());
    // Blank lines still count in line numbers.
    let input = [b"\n", &g1[..], b"\n\n\n", br#"{"id":5}"#, b"\n"].concat();
    assert_stopped_at(
        &cli(&["--jsonl"], &input),
        5,
        &expected(&[&g1]),
        "bad record after blank lines",
    );
}

/// A record of 100 MB (10 MB in debug builds): stripped, one output record.
#[test]
fn huge_record() {
    let text = String::from_utf8(one_huge_line(HUGE / 4)).unwrap();
    // Four long paragraphs, a menu and a share line.
    let text =
        format!("Accueil\n\n{text}\n\n{text}\n\n{text}\n\n{text}\n\nPartager sur Facebook\n");
    let line =
        serde_json::to_vec(&serde_json::json!({ "id": 1, "text": text, "n": [1, 2] })).unwrap();
    drop(text);
    assert!(line.len() >= HUGE);
    let out = cli(&["--jsonl"], &stream(&[&line]));
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(
        out.stdout.iter().filter(|&&b| b == b'\n').count(),
        1,
        "not one output record"
    );
    assert!(out.stdout.ends_with(b"\n"));
    let want = stripped(&line);
    assert!(
        out.stdout[..out.stdout.len() - 1] == want[..],
        "the CLI and the library disagree"
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["id"], 1);
    assert_eq!(v["n"], serde_json::json!([1, 2]));
}

// ---------------------------------------------------------------------------
// A stream mixing good and bad records, in each mode.

/// Good records 1, 3, 5, … with every kind of bad record between them, and
/// blank lines; returns the stream, the lines in order (None for blank
/// lines) and which are good.
/// A line of a mixed stream: a record and whether it is good, or a blank line.
type Line = Option<(Vec<u8>, bool)>;

fn mixed() -> (Vec<u8>, Vec<Line>) {
    let mut lines: Vec<Line> = Vec::new();
    for (i, (_, bad)) in bad_records().into_iter().enumerate() {
        lines.push(Some((good(2 * i + 1), true)));
        if i % 4 == 1 {
            lines.push(None);
        }
        lines.push(Some((bad, false)));
    }
    lines.push(Some((good(1000), true)));
    let mut input = Vec::new();
    for l in &lines {
        if let Some((bytes, _)) = l {
            input.extend_from_slice(bytes);
        }
        input.push(b'\n');
    }
    (input, lines)
}

#[test]
fn mixed_stream_fail() {
    let (input, lines) = mixed();
    let first_bad = lines
        .iter()
        .position(|l| matches!(l, Some((_, false))))
        .unwrap();
    let before: Vec<&[u8]> = lines[..first_bad]
        .iter()
        .flatten()
        .map(|(b, _)| &b[..])
        .collect();
    let out = cli(&["--jsonl"], &input);
    assert_stopped_at(&out, first_bad + 1, &expected(&before), "mixed stream");
    // --on-error fail is the default.
    let explicit = cli(&["--jsonl", "--on-error", "fail"], &input);
    assert_eq!(explicit.stdout, out.stdout);
    assert_eq!(explicit.stderr, out.stderr);
    assert_eq!(explicit.status.code(), Some(2));
}

#[test]
fn mixed_stream_skip() {
    let (input, lines) = mixed();
    let good: Vec<&[u8]> = lines
        .iter()
        .flatten()
        .filter(|(_, ok)| *ok)
        .map(|(b, _)| &b[..])
        .collect();
    let bad = lines.iter().flatten().filter(|(_, ok)| !*ok).count();
    let out = cli(&["--jsonl", "--on-error", "skip"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        out.stdout == expected(&good),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert_eq!(
        stderr(&out),
        format!("decruft: skipped {bad} bad records\n")
    );
    // One bad record: singular.
    let out = cli(
        &["--jsonl", "--on-error", "skip"],
        &stream(&[good[0], b"{}"]),
    );
    assert!(
        stderr(&out).contains("skipped 1 bad record"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn mixed_stream_keep() {
    let (input, lines) = mixed();
    let mut want = Vec::new();
    for (bytes, ok) in lines.iter().flatten() {
        if *ok {
            want.extend_from_slice(&stripped(bytes));
        } else {
            want.extend_from_slice(bytes);
        }
        want.push(b'\n');
    }
    let out = cli(&["--jsonl", "--on-error", "keep"], &input);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(
        out.stdout == want,
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
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
    let out = cli(&["--jsonl"], &stream(&refs));
    assert_stopped_at(&out, n + 1, &want, "many records then a bad one");
}

// ---------------------------------------------------------------------------
// Part 5: pipe manners.

/// `decruft --jsonl < big | head -1`: the reader goes away after one line;
/// decruft exits 0 and says nothing.
#[test]
fn jsonl_stdout_closed_early() {
    let n = if cfg!(debug_assertions) {
        5_000
    } else {
        20_000
    };
    let input = stream(
        &(0..n)
            .map(good)
            .collect::<Vec<_>>()
            .iter()
            .map(|g| &g[..])
            .collect::<Vec<_>>(),
    );
    let first = first_line_then_close(&["--jsonl"], input);
    assert_eq!(first[..first.len() - 1], stripped(&good(0))[..]);
}

// ---------------------------------------------------------------------------
// Found while writing these tests.

/// `{"text":"\ud800"}`: the text field is a string, but one holding a lone
/// surrogate escape, which cannot be decoded. It is a bad record, and the
/// message must not call the string a number.
#[test]
fn lone_surrogate_in_text_is_not_called_a_number() {
    for line in [
        &br#"{"text":"\ud800"}"#[..],
        br#"{"text":"a\udc00b"}"#,
        br#"{"text":"\ud83d"}"#,
    ] {
        let out = cli(&["--jsonl"], &stream(&[line]));
        assert_stopped_at(&out, 1, b"", "lone surrogate");
        let msg = stderr(&out);
        assert!(
            !msg.contains("number"),
            "{}: {msg}",
            String::from_utf8_lossy(line)
        );
    }
}
