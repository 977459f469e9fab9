//! `decruft --jsonl` and `--warc`: the library's stream over every input
//! (WARC inputs turned into JSON Lines on the way in), rejected documents
//! aside, a progress line on a terminal and SIGINT handled between batches.

use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;

use decruft::{JsonlStream, Rejection, StreamStats, Stripper};

use crate::flags::Args;
use crate::io::input::inputs;
use crate::io::output::Output;
use crate::io::{signals, warc};
use crate::Failure;

/// `decruft --jsonl`: every file (or stdin) through one stream, to stdout
/// or `-o FILE`.
pub fn run(stripper: &Stripper, args: &Args) -> Result<(), Failure> {
    // SIGINT and SIGTERM (handlers installed by `main`) let the stream
    // finish writing the batch in hand.
    let mut stream = JsonlStream::new(stripper, args.jsonl.clone());
    stream.on_error(args.on_error);
    stream.max_record_bytes(args.max_record_bytes);
    stream.doc_rules(args.rules);
    if let Some(n) = args.threads {
        stream.threads(n);
    }
    let mut out = Output::to(args.output.as_deref())?;
    let mut rejected = args.rejected.as_deref().map(Output::create).transpose()?;
    let progress = Progress::new();
    let mut warc_counts = warc::Counts::default();
    let mut result = Ok(());
    for input in inputs(&args.files) {
        let input = match input {
            Ok(x) => x,
            Err(e) => {
                result = Err(e);
                break;
            }
        };
        if args.warc && !input.warc {
            result = Err(Failure::new(format!(
                "{}: not a WARC file (it does not start with a WARC/1. line)",
                input.name
            )));
            break;
        }
        let after_batch = |stats: &StreamStats| {
            progress.tick(stats);
            if signals::received().is_some() {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        };
        let aside = rejected.as_mut().map(|r| r as &mut (dyn Write + Send));
        let name = input.name;
        let ran = if input.warc {
            let field = &args.jsonl.field;
            let records = warc::ToJsonl::new(
                input.reader,
                field,
                args.on_error,
                args.max_record_bytes,
                &mut warc_counts,
            );
            stream.run_with_rejected(&name, records, &mut out, aside, after_batch)
        } else {
            stream.run_with_rejected(&name, input.reader, &mut out, aside, after_batch)
        };
        // A write error names its output (the library's message cannot
        // say which of the two failed); a closed stdout is a quiet end.
        let failed = |e: decruft::Error| -> Failure {
            let written = out
                .error()
                .or_else(|| rejected.as_ref().and_then(|r| r.error()));
            match (written, e.io_error()) {
                (Some(msg), _) => Failure::new(msg),
                (None, Some(io)) if io.kind() == io::ErrorKind::BrokenPipe => Failure::BrokenPipe,
                _ => Failure::from(e),
            }
        };
        // A signal wins: input may have ended early because of it.
        if let Some(signal) = signals::received() {
            result = match ran {
                Err(e)
                    if e.io_error()
                        .is_some_and(|io| io.kind() != io::ErrorKind::BrokenPipe) =>
                {
                    Err(failed(e))
                }
                _ => Err(Failure::Interrupted(signal)),
            };
            break;
        }
        match ran {
            Ok(ControlFlow::Continue(())) => {}
            Ok(ControlFlow::Break(())) => {
                result = Err(Failure::Interrupted(2));
                break;
            }
            Err(e) => {
                result = Err(failed(e));
                break;
            }
        }
    }
    // Files are kept only if the run went through all its input; stdout
    // gets the whole records written before a stop either way.
    let completed = result.is_ok();
    let mut ended = match rejected.map(|r| r.end(completed)) {
        Some(Err(e)) => Err(e),
        _ => Ok(()),
    };
    ended = out.end(completed).and(ended);
    progress.finish();
    // An error is one line on stderr, alone (the counts would be partial
    // anyway).
    if !matches!(result, Err(Failure::Error(_))) && ended.is_ok() {
        summary(&stream.stats(), &warc_counts, args);
    }
    // A write error (or a closed stdout) ends the run whatever else
    // happened.
    ended.and(result)
}

/// The counts of a run, on stderr: bad records, flagged and rejected
/// documents, what WARC inputs held besides.
fn summary(stats: &StreamStats, warc_counts: &warc::Counts, args: &Args) {
    report_warc(warc_counts);
    let plural = |n: u64| if n == 1 { "" } else { "s" };
    if stats.skipped > 0 {
        let s = plural(stats.skipped);
        eprintln!("decruft: skipped {} bad record{s}", stats.skipped);
    }
    if stats.kept > 0 {
        let s = plural(stats.kept);
        eprintln!(
            "decruft: kept {} bad record{s} unchanged (--on-error keep)",
            stats.kept
        );
    }
    if stats.truncated > 0 {
        eprintln!(
            "decruft: warning: the input ends in a bad record without a newline: it may be \
             cut short"
        );
    }
    if stats.too_long > 0 {
        let s = plural(stats.too_long);
        eprintln!(
            "decruft: {} record{s} longer than --max-record-bytes ({} bytes) not read (dropped)",
            stats.too_long, args.max_record_bytes
        );
    }
    if stats.flagged > 0 {
        let (s, their) = if stats.flagged == 1 {
            ("", "its")
        } else {
            ("s", "their")
        };
        eprintln!(
            "decruft: {} record{s} lost over 95% of {their} words (flagged for review)",
            stats.flagged
        );
    }
    let rejected: u64 = stats.rejected.iter().sum();
    if rejected > 0 || !args.rules.is_off() {
        let s = if rejected == 1 { "" } else { "s" };
        let per: Vec<String> = Rejection::ALL
            .iter()
            .filter(|r| stats.rejected[r.index()] > 0)
            .map(|r| format!("{} {r}", stats.rejected[r.index()]))
            .collect();
        let per = if per.is_empty() {
            String::new()
        } else {
            format!(" ({})", per.join(", "))
        };
        let whereto = match &args.rejected {
            Some(path) if rejected > 0 => format!(", written to {path}"),
            _ => String::new(),
        };
        eprintln!("decruft: rejected {rejected} document{s}{per}{whereto}");
    }
}

/// What WARC inputs held besides the records passed on, on stderr.
pub fn report_warc(c: &warc::Counts) {
    let skipped: u64 = c.skipped.values().sum();
    if skipped > 0 {
        let per: Vec<String> = c.skipped.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let s = if skipped == 1 { "" } else { "s" };
        eprintln!(
            "decruft: skipped {skipped} WARC record{s} that are not conversion records ({}): \
             decruft reads text, not HTML",
            per.join(", ")
        );
    }
    // Each count on a line of its own, when there is any; `{s}` is the
    // plural ending of "record".
    let say = |n: u64, line: &dyn Fn(&str) -> String| {
        if n > 0 {
            eprintln!("decruft: {}", line(if n == 1 { "" } else { "s" }));
        }
    };
    say(c.bad_dropped, &|s| {
        format!(
            "skipped {} truncated or corrupt WARC record{s}",
            c.bad_dropped
        )
    });
    say(c.too_long, &|s| {
        format!(
            "skipped {} WARC conversion record{s} whose block is over --max-record-bytes \
             (read past, never held)",
            c.too_long
        )
    });
    say(c.bad_kept, &|s| {
        format!(
            "kept {} truncated or corrupt WARC record{s} as far as they could be read \
             (with a warc_error field)",
            c.bad_kept
        )
    });
    say(c.legacy, &|s| {
        format!(
            "{} WARC record{s} not UTF-8 (no UTF-8 sequence in them): read as Windows-1252",
            c.legacy
        )
    });
    say(c.not_utf8, &|s| {
        format!(
            "{} WARC record{s} of UTF-8 with bad bytes: replaced by U+FFFD",
            c.not_utf8
        )
    });
}

/// A progress bar on stderr (records and MB/s), only when stderr is a
/// terminal; nothing at all in a pipeline.
struct Progress(Option<indicatif::ProgressBar>);

impl Progress {
    fn new() -> Progress {
        if !io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {elapsed} {pos} records, {msg}")
                .expect("valid progress template"),
        );
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        Progress(Some(bar))
    }

    fn tick(&self, stats: &StreamStats) {
        if let Some(bar) = &self.0 {
            bar.set_position(stats.lines);
            let total = stats.bytes;
            let secs = bar.elapsed().as_secs_f64().max(1e-3);
            bar.set_message(format!(
                "{:.1} MB, {:.1} MB/s",
                total as f64 / 1e6,
                total as f64 / 1e6 / secs
            ));
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.0 {
            bar.finish_and_clear();
        }
    }
}
