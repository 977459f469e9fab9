//! JSON Lines streams through the library's engine (`JsonlStream`): faults
//! (issue 5, part 4), order, batches and stops.
//!
//! Expected behaviour: by default (`OnError::Fail`) the stream stops at the
//! first bad record with an error naming the input line ("line N"), after
//! writing every earlier record whole; `OnError::Skip` drops bad records and
//! counts them; `OnError::Keep` writes them through unchanged. In every mode
//! each good record yields exactly one output record, in order, and no
//! record is ever written half. Blank lines are skipped and produce nothing.
//! What the command makes of this (exit codes, stderr) is in cli/tests.

use std::io::{self, Read, Write};
use std::num::NonZeroUsize;
use std::ops::ControlFlow;

use decruft::{strip_record, JsonlOptions, JsonlStream, OnError, StreamStats};

use crate::inputs::{bad_records, expected, good, mixed, one_huge_line, stream, stripped, HUGE};
use crate::invariants::stripper;

/// What a run gave: the output, how it ended (the error as its message),
/// the counts.
struct Ran {
    out: Vec<u8>,
    end: Result<ControlFlow<()>, String>,
    stats: StreamStats,
}

fn run_with(input: &[u8], opts: &JsonlOptions, mode: OnError, threads: usize) -> Ran {
    let mut stream = JsonlStream::new(stripper(), opts.clone());
    stream
        .on_error(mode)
        .threads(NonZeroUsize::new(threads).unwrap());
    let mut out = Vec::new();
    let end = stream
        .run(
            "input.jsonl",
            input,
            &mut out,
            |_| ControlFlow::Continue(()),
        )
        .map_err(|e| e.to_string());
    Ran {
        out,
        end,
        stats: stream.stats(),
    }
}

fn run(input: &[u8], mode: OnError) -> Ran {
    run_with(input, &JsonlOptions::default(), mode, 3)
}

/// Checks a stop on a bad record at `line`: an error naming it and exactly
/// `before` written.
fn assert_stopped_at(ran: &Ran, line: usize, before: &[u8], what: &str) {
    let msg = ran.end.as_ref().expect_err(what);
    let prefix = format!("input.jsonl: line {line}: ");
    assert!(
        msg.starts_with(&prefix) && !msg.contains('\n'),
        "{what}: the message does not name line {line}: {msg:?}"
    );
    assert!(
        ran.out == before,
        "{what}: output is not the earlier records, whole:\n{}",
        String::from_utf8_lossy(&ran.out)
    );
}

// ---------------------------------------------------------------------------
// One fault at a time, default mode.

#[test]
fn every_kind_of_bad_record_stops_the_stream_at_its_line() {
    let (g1, g3) = (good(1), good(3));
    for (what, bad) in bad_records() {
        let ran = run(&stream(&[&g1, &bad, &g3]), OnError::Fail);
        assert_stopped_at(&ran, 2, &expected(&[&g1]), what);
    }
}

#[test]
fn messages_say_what_is_wrong_with_the_text_field() {
    let msg = |line: &[u8], opts: &JsonlOptions| {
        run_with(&stream(&[line]), opts, OnError::Fail, 1)
            .end
            .unwrap_err()
    };
    let opts = JsonlOptions::default();
    assert!(msg(br#"{"id":1}"#, &opts).ends_with(r#"no "text" field"#));
    assert!(msg(br#"{"text":null}"#, &opts).ends_with(r#"field "text" is null, not a string"#));
    assert!(msg(br#"{"text":1e400}"#, &opts).ends_with(r#"is a number, not a string"#));
    // Issue 20: a lone surrogate escape, which Python's `json` reads, no
    // longer makes the record bad: the text is stripped with U+FFFD there.
    for line in [
        &br#"{"text":"\ud800"}"#[..],
        br#"{"text":"a\udc00b"}"#,
        br#"{"text":"\ud83d"}"#,
    ] {
        let ran = run_with(&stream(&[line]), &opts, OnError::Fail, 1);
        assert_eq!(
            ran.end,
            Ok(ControlFlow::Continue(())),
            "{}",
            String::from_utf8_lossy(line)
        );
        let v: serde_json::Value = serde_json::from_slice(&ran.out).unwrap();
        assert!(v["text"].is_string());
    }
    // With another field, a record without it is bad even if it has "text".
    let mut body = JsonlOptions::default();
    body.field = "body".into();
    let g1 = br#"{"id":1,"body":"Le texte."}"#;
    let ran = run_with(&stream(&[g1, &good(2)]), &body, OnError::Fail, 2);
    let mut want = Vec::new();
    strip_record(stripper(), &body, g1, &mut want).unwrap();
    want.push(b'\n');
    assert_stopped_at(&ran, 2, &want, "field body");
    assert!(ran.end.unwrap_err().contains("\"body\""));
}

#[test]
fn last_line_without_newline() {
    let (g1, g2) = (good(1), good(2));
    let mut input = stream(&[&g1]);
    input.extend_from_slice(&g2);
    let ran = run(&input, OnError::Fail);
    assert_eq!(ran.end, Ok(ControlFlow::Continue(())));
    assert!(
        ran.out == expected(&[&g1, &g2]),
        "the last record is missing or has no newline"
    );
    // A bad last line without newline is still reported with its number.
    let mut input = stream(&[&g1]);
    input.extend_from_slice(br#"{"id":2,"text":nul"#);
    assert_stopped_at(
        &run(&input, OnError::Fail),
        2,
        &expected(&[&g1]),
        "bad last line",
    );
    // A CRLF stream, last line without newline.
    let input = [&g1[..], b"\r\n", &g2[..]].concat();
    assert!(run(&input, OnError::Fail).out == expected(&[&g1, &g2]));
}

#[test]
fn blank_lines_are_skipped_but_counted() {
    let (g1, g2) = (good(1), good(2));
    let input = [b"\n", &g1[..], b"\n\n   \n\r\n\t\n", &g2[..], b"\n\n"].concat();
    let ran = run(&input, OnError::Fail);
    assert_eq!(ran.end, Ok(ControlFlow::Continue(())));
    assert!(ran.out == expected(&[&g1, &g2]));
    assert_eq!(ran.stats.lines, 8);
    // Only blank lines: no output at all.
    assert!(run(b"\n\n \n", OnError::Fail).out.is_empty());
    // Blank lines still count in line numbers.
    let input = [b"\n", &g1[..], b"\n\n\n", br#"{"id":5}"#, b"\n"].concat();
    assert_stopped_at(
        &run(&input, OnError::Fail),
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
    let ran = run(&stream(&[&line]), OnError::Fail);
    assert_eq!(ran.end, Ok(ControlFlow::Continue(())));
    assert!(ran.out == expected(&[&line]), "not the one stripped record");
    let v: serde_json::Value = serde_json::from_slice(&ran.out).unwrap();
    assert_eq!(v["n"], serde_json::json!([1, 2]));
}

// ---------------------------------------------------------------------------
// A stream mixing good and bad records, in each mode.

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
    assert_stopped_at(
        &run(&input, OnError::Fail),
        first_bad + 1,
        &expected(&before),
        "mixed stream",
    );
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
    let ran = run(&input, OnError::Skip);
    assert_eq!(ran.end, Ok(ControlFlow::Continue(())));
    assert!(ran.out == expected(&good));
    assert_eq!(ran.stats.skipped, bad as u64);
    assert_eq!(ran.stats.lines, lines.len() as u64);
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
    let ran = run(&input, OnError::Keep);
    assert_eq!(ran.end, Ok(ControlFlow::Continue(())));
    assert!(ran.out == want);
    assert_eq!(ran.stats.skipped, 0);
}

// ---------------------------------------------------------------------------
// Batches, threads and stops.

/// Many records (several batches), some bad, a few that lose everything.
fn long_stream() -> Vec<u8> {
    let (mixed, _) = mixed();
    let mut input = Vec::new();
    for i in 0..3000 {
        if i % 500 == 250 {
            input.extend_from_slice(&mixed);
        }
        input.extend_from_slice(&good(i));
        input.push(b'\n');
        if i % 700 == 0 {
            input.extend_from_slice(br#"{"text":"Accueil\nMenu\nContact\n"}"#);
            input.push(b'\n');
        }
    }
    input
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let input = long_stream();
    let one = run_with(&input, &JsonlOptions::default(), OnError::Keep, 1);
    assert_eq!(one.end, Ok(ControlFlow::Continue(())));
    for threads in [2, 3, 8] {
        let many = run_with(&input, &JsonlOptions::default(), OnError::Keep, threads);
        assert!(one.out == many.out, "{threads} threads changed the output");
        assert_eq!(one.stats, many.stats);
    }
}

/// The records before a bad one are all written, whole, however many
/// batches they fill.
#[test]
fn fail_after_many_records_writes_them_all() {
    let goods: Vec<Vec<u8>> = (0..3000).map(good).collect();
    let mut refs: Vec<&[u8]> = goods.iter().map(|g| &g[..]).collect();
    let want = expected(&refs);
    refs.push(br#"{"id":"bad"}"#);
    refs.push(&goods[0]);
    let ran = run(&stream(&refs), OnError::Fail);
    assert_stopped_at(&ran, 3001, &want, "many records then a bad one");
}

/// A stop asked for after a batch (SIGINT in the command) ends the stream
/// there: the batches handed over are written whole, nothing after them.
#[test]
fn a_stop_after_a_batch_writes_whole_batches_only() {
    let input = long_stream();
    let mut stream = JsonlStream::new(stripper(), JsonlOptions::default());
    stream.on_error(OnError::Keep);
    let mut out = Vec::new();
    let mut batches = 0;
    let end = stream
        .run("input.jsonl", &input[..], &mut out, |_| {
            batches += 1;
            if batches == 2 {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(end, ControlFlow::Break(()));
    let lines = stream.stats().lines as usize;
    assert!(lines > 0 && lines < 3000, "{lines} lines in two batches");
    // The output is what those lines give alone.
    let (end_of_batches, _) = input
        .iter()
        .enumerate()
        .filter(|(_, &b)| b == b'\n')
        .nth(lines - 1)
        .unwrap();
    let want = run(&input[..=end_of_batches], OnError::Keep).out;
    assert!(out == want, "not the two batches, whole");
}

/// A reader that gives `data`, then fails.
struct FailingReader<'a>(&'a [u8]);

impl Read for FailingReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.0.is_empty() {
            return Err(io::Error::other("the disk is on fire"));
        }
        let n = buf.len().min(self.0.len());
        buf[..n].copy_from_slice(&self.0[..n]);
        self.0 = &self.0[n..];
        Ok(n)
    }
}

/// A writer that takes `room` bytes, then fails.
struct FullWriter(usize);

impl Write for FullWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.0 < buf.len() {
            return Err(io::Error::new(io::ErrorKind::BrokenPipe, "closed"));
        }
        self.0 -= buf.len();
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn read_and_write_errors() {
    let input = stream(&[&good(1), &good(2)]);
    let mut stream = JsonlStream::new(stripper(), JsonlOptions::default());
    let mut out = Vec::new();
    let err = stream
        .run("pages.jsonl", FailingReader(&input), &mut out, |_| {
            ControlFlow::Continue(())
        })
        .unwrap_err();
    assert_eq!(err.to_string(), "pages.jsonl: the disk is on fire");
    assert!(err.io_error().is_some());
    assert!(
        out == expected(&[&good(1), &good(2)]),
        "lines read before the error are lost"
    );
    // A failing writer wins over everything else, a bad record included.
    let input = [input, stream_of_bad()].concat();
    let err = JsonlStream::new(stripper(), JsonlOptions::default())
        .run("pages.jsonl", &input[..], &mut FullWriter(10), |_| {
            ControlFlow::Continue(())
        })
        .unwrap_err();
    assert_eq!(
        err.io_error().map(io::Error::kind),
        Some(io::ErrorKind::BrokenPipe),
        "{err}"
    );
}

fn stream_of_bad() -> Vec<u8> {
    stream(&[b"not json"])
}

/// Issue 13: a UTF-8 byte order mark on the first line failed the run, and
/// a line of white space other than ASCII (a no-break space, a vertical
/// tab) was a bad record instead of a blank line.
#[test]
fn a_byte_order_mark_and_unicode_white_space_lines_are_not_bad_records() {
    let input = [
        &b"\xef\xbb\xbf"[..],
        &stream(&[
            &good(1),
            "\u{a0}".as_bytes(),
            b"\x0b",
            "\u{2003}\t".as_bytes(),
            &good(2),
        ]),
    ]
    .concat();
    let ran = run(&input, OnError::Fail);
    assert_eq!(ran.end, Ok(ControlFlow::Continue(())));
    assert!(ran.out == expected(&[&good(1), &good(2)]));
}

/// A reader that gives `first`, then nothing until `release` is set (or
/// 60 s pass), then `rest`: a producer that pauses.
struct Pausing<'a> {
    first: &'a [u8],
    rest: &'a [u8],
    release: &'a std::sync::atomic::AtomicBool,
    waited_in_vain: bool,
}

impl Read for Pausing<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        use std::sync::atomic::Ordering;
        if !self.first.is_empty() {
            let n = self.first.read(buf)?;
            return Ok(n);
        }
        let t0 = std::time::Instant::now();
        while !self.release.load(Ordering::SeqCst) {
            if t0.elapsed() > std::time::Duration::from_secs(60) {
                self.waited_in_vain = true;
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(5));
        }
        self.rest.read(buf)
    }
}

/// A writer that sets `release` once `want` has been flushed to it.
struct Watching<'a> {
    got: Vec<u8>,
    want: &'a [u8],
    release: &'a std::sync::atomic::AtomicBool,
}

impl Write for Watching<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.got.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        if self.got == self.want {
            self.release
                .store(true, std::sync::atomic::Ordering::SeqCst);
        }
        Ok(())
    }
}

/// Issue 13: records were held until 512 records, 1 MB or the end of the
/// input: `{ head -5 pages.jsonl; sleep 20; } | decruft --jsonl` printed
/// nothing for 20 s. When input pauses, the records in hand are written
/// and flushed; here the input resumes only once they are.
#[test]
fn records_in_hand_are_written_and_flushed_when_input_pauses() {
    let release = std::sync::atomic::AtomicBool::new(false);
    let first = stream(&[&good(1), &good(2)]);
    let rest = stream(&[&good(3)]);
    let want = expected(&[&good(1), &good(2)]);
    let mut input = Pausing {
        first: &first,
        rest: &rest,
        release: &release,
        waited_in_vain: false,
    };
    let mut out = Watching {
        got: Vec::new(),
        want: &want,
        release: &release,
    };
    let mut stream = JsonlStream::new(stripper(), JsonlOptions::default());
    let mut polls = 0;
    let end = stream
        .run("input", &mut input, &mut out, |_| {
            polls += 1;
            ControlFlow::Continue(())
        })
        .unwrap();
    assert_eq!(end, ControlFlow::Continue(()));
    assert!(
        !input.waited_in_vain,
        "the first records were not flushed while input paused"
    );
    assert!(out.got == expected(&[&good(1), &good(2), &good(3)]));
    assert!(polls >= 2);
}

/// A stop asked for while input pauses is acted on then, not when input
/// resumes: `after_batch` is called while waiting.
#[test]
fn a_stop_is_acted_on_while_input_pauses() {
    let release = std::sync::atomic::AtomicBool::new(false);
    let first = stream(&[&good(1)]);
    let mut input = Pausing {
        first: &first,
        rest: b"",
        release: &release,
        waited_in_vain: false,
    };
    let mut out = Vec::new();
    let mut stream = JsonlStream::new(stripper(), JsonlOptions::default());
    let mut calls = 0;
    let end = stream
        .run("input", &mut input, &mut out, |stats| {
            calls += 1;
            // The first call follows the first batch; the next can only
            // come while input pauses.
            if stats.lines == 1 && calls == 2 {
                // Stop, and let the reader return so that the run can end.
                release.store(true, std::sync::atomic::Ordering::SeqCst);
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap();
    assert_eq!(end, ControlFlow::Break(()));
    assert!(!input.waited_in_vain);
    assert!(out == expected(&[&good(1)]));
}

/// Issue 13: a record longer than the limit is never held whole; the
/// counts say what became of it, and a bad last line without a newline
/// (a file cut short) is counted as truncated.
#[test]
fn over_long_and_truncated_records_are_counted() {
    let mut huge = b"{\"text\":\"".to_vec();
    huge.resize(50_000, b'a');
    huge.extend_from_slice(b"\"}");
    let mut input = stream(&[&good(1), &huge, &good(3)]);
    input.extend_from_slice(b"{\"id\":4,\"te");
    for mode in [OnError::Skip, OnError::Keep] {
        let mut stream = JsonlStream::new(stripper(), JsonlOptions::default());
        stream.on_error(mode).max_record_bytes(10_000);
        let mut out = Vec::new();
        let end = stream
            .run("input", &input[..], &mut out, |_| ControlFlow::Continue(()))
            .unwrap();
        assert_eq!(end, ControlFlow::Continue(()));
        let s = stream.stats();
        assert_eq!((s.too_long, s.truncated), (1, 1), "{mode:?}");
        let mut want = expected(&[&good(1), &good(3)]);
        if mode == OnError::Keep {
            assert_eq!((s.skipped, s.kept), (1, 1));
            want.extend_from_slice(b"{\"id\":4,\"te\n");
        } else {
            assert_eq!((s.skipped, s.kept), (2, 0));
        }
        assert!(out == want, "{mode:?}: {}", String::from_utf8_lossy(&out));
        assert_eq!(s.lines, 4);
    }
}

/// Issue 13: an error message quoting a huge record was as long as the
/// record. Messages about a record are cut to a few hundred bytes.
#[test]
fn a_bad_record_message_is_cut() {
    let mut opts = JsonlOptions::default();
    opts.field = "x".repeat(5000);
    let ran = run_with(&stream(&[b"{\"text\":\"a\"}"]), &opts, OnError::Fail, 1);
    let msg = ran.end.unwrap_err();
    assert!(
        msg.len() < 700 && msg.contains("bytes cut)"),
        "{} bytes: {}",
        msg.len(),
        &msg[..100]
    );
}
