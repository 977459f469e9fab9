//! `decruft --jsonl`: the library's stream over every input, with a
//! progress line on a terminal and SIGINT handled between batches.

use std::io::{self, IsTerminal, Write};
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};

use decruft::{JsonlStream, StreamStats, Stripper};

use crate::flags::Args;
use crate::{inputs, stdout, write_err, Failure};

/// `decruft --jsonl`: every file (or stdin) through one stream, to stdout.
pub fn run(stripper: &Stripper, args: &Args) -> Result<(), Failure> {
    // SIGINT lets the stream finish writing the batch in hand (a second one
    // exits at once).
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::Relaxed) {
            std::process::exit(130);
        }
    });
    let mut stream = JsonlStream::new(stripper, args.jsonl.clone());
    stream.on_error(args.on_error);
    if let Some(n) = args.threads {
        stream.threads(n);
    }
    let mut out = stdout();
    let progress = Progress::new();
    let mut result = Ok(());
    for input in inputs(&args.files) {
        let (name, r) = match input {
            Ok(x) => x,
            Err(e) => {
                result = Err(e);
                break;
            }
        };
        let ran = stream.run(&name, r, &mut out, |stats| {
            progress.tick(stats);
            if INTERRUPTED.load(Ordering::Relaxed) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        });
        match ran {
            Ok(ControlFlow::Continue(())) => {}
            Ok(ControlFlow::Break(())) => {
                result = Err(Failure::Interrupted);
                break;
            }
            Err(e) => {
                result = Err(match e.io_error() {
                    Some(io) if io.kind() == io::ErrorKind::BrokenPipe => Failure::BrokenPipe,
                    _ => Failure::from(e),
                });
                break;
            }
        }
    }
    let flushed = out.flush().map_err(write_err);
    progress.finish();
    let stats = stream.stats();
    if stats.skipped > 0 {
        let s = if stats.skipped == 1 { "" } else { "s" };
        eprintln!("decruft: skipped {} bad record{s}", stats.skipped);
    }
    if stats.flagged > 0 {
        let s = if stats.flagged == 1 { "" } else { "s" };
        eprintln!(
            "decruft: {} record{s} lost over 95% of their words (flagged for review)",
            stats.flagged
        );
    }
    // A write error (or a closed stdout) ends the run whatever else happened.
    flushed.and(result)
}

/// Set by SIGINT: the JSONL loop finishes the batch in hand, writes it
/// whole, and stops.
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

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
