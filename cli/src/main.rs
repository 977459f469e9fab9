//! The `decruft` command: flags, reading, writing, progress, signals, exit
//! codes. Everything else lives in the library.

mod flags;
mod input;
mod jsonl;
mod learn;
mod report;
mod signals;
mod train;
mod warc;

use std::io::{self, IsTerminal, Write};
use std::process::ExitCode;
use std::sync::Arc;

use decruft::{Hints, Stripper, StripperBuilder};

use crate::flags::{Args, Mode, Parsed};
use crate::input::Output;

/// Why a run ends before its work is done.
#[derive(Debug)]
enum Failure {
    /// An error: one line on stderr, exit 2.
    Error(String),
    /// The reader of stdout went away (`decruft … | head`): a normal end
    /// for a filter, exit 0 and not a word (ripgrep does the same).
    BrokenPipe,
    /// SIGINT or SIGTERM (its number): the batch in hand was written
    /// whole; exit 128 + the number (130, 143), as shells expect.
    Interrupted(i32),
}

impl Failure {
    fn new(msg: impl Into<String>) -> Failure {
        Failure::Error(msg.into())
    }
}

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure::Error(e.to_string())
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) | Err(Failure::BrokenPipe) => ExitCode::SUCCESS,
        Err(Failure::Interrupted(signal)) => {
            eprintln!("decruft: interrupted");
            ExitCode::from((128 + signal).clamp(0, 255) as u8)
        }
        Err(Failure::Error(msg)) => {
            eprintln!("decruft: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Failure> {
    let args = match flags::parse()? {
        Parsed::Run(args) => args,
        // `print!` panics on a closed stdout (`decruft --help | head -c 10`).
        Parsed::Help(page) => {
            return io::stdout().write_all(page.as_bytes()).map_err(write_err);
        }
        Parsed::Version => {
            let version = format!("decruft {}\n", env!("CARGO_PKG_VERSION"));
            return io::stdout()
                .write_all(version.as_bytes())
                .map_err(write_err);
        }
    };
    if args.mode == Mode::Jsonl {
        // Before the model is loaded: a signal from here on stops the run
        // between records (before, it ends the process with no output).
        signals::install();
    }
    match args.mode {
        Mode::Eval | Mode::EvalCv => return train::eval(&args),
        Mode::Train => return train::train(&args),
        Mode::Label => return train::label(&args),
        Mode::Learn => return learn::run(&args),
        Mode::Plain | Mode::Annotate => warn_about_json(&args.files),
        Mode::Jsonl | Mode::Report => {}
    }
    let mut b = builder(&args)?;
    if args.learn {
        // The first of the two passes: the files' own patterns.
        let (patterns, counts) = learn::learn(&args)?;
        eprintln!("decruft: {}", learn::summary(&counts, &patterns));
        b.patterns(Arc::new(patterns));
    }
    let stripper = b.explain(args.mode == Mode::Annotate).build()?;
    match args.mode {
        Mode::Jsonl => return jsonl::run(&stripper, &args),
        Mode::Report => return report::run(&stripper, &args),
        _ => {}
    }
    let mut out = Output::to(args.output.as_deref())?;
    let color = args.mode == Mode::Annotate
        && args.color.unwrap_or_else(|| {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        });
    let mut result = Ok(());
    for input in input::inputs(&args.files) {
        let input = input?;
        if input.warc {
            eprintln!(
                "decruft: warning: {} is a WARC file, read as plain text (use --warc to strip its records)",
                input.name
            );
        }
        // Part by part, as it is read: an outsized input (a dump, 1 GB of
        // text) costs the memory of one part, not of all of it.
        // Flagged: every part lost nearly all its words (no part: none).
        let (mut judged, mut flagged, mut removed) = (true, None, 0.0);
        let mut write_failed = false;
        let hints = Hints::new()
            .url(args.url.as_deref())
            .site(args.site.as_deref());
        let ran = stripper.strip_reader_with(input.reader, &hints, |stripped| {
            judged &= stripped.judged();
            flagged = Some(flagged.unwrap_or(true) && stripped.loss_flagged());
            removed = stripped.removed_fraction();
            let w = if args.mode == Mode::Annotate {
                stripped.write_annotated(&mut out, color)
            } else {
                stripped.write_kept(&mut out)
            };
            write_failed = w.is_err();
            w
        });
        let written = match ran {
            Err(e) if !write_failed => {
                return Err(Failure::new(format!("{}: {e}", input.name)));
            }
            other => other,
        };
        if let Err(e) = written {
            result = Err(write_err(e));
            break;
        }
        // The loss guard, as in --jsonl: nothing is emptied silently.
        if !judged {
            eprintln!(
                "decruft: warning: {} has a line over 4 GiB, too large to strip: written \
                 whole, unstripped",
                input.name
            );
        } else if flagged == Some(true) {
            eprintln!(
                "decruft: warning: {}: stripping removed {:.0}% of its words (flagged for \
                 review: the page had no article, or decruft missed it)",
                input.name,
                (removed * 100.0_f64).floor()
            );
        }
    }
    let finished = out.finish();
    result.and(finished)
}

/// Plain text modes read JSON Lines as text: say so, in case `--jsonl` was
/// meant.
fn warn_about_json(files: &[String]) {
    for file in files {
        if file.ends_with(".jsonl") || file.ends_with(".json") {
            eprintln!(
                "decruft: warning: {file} is read as plain text (use --jsonl to strip its records)"
            );
        }
    }
}

/// A stripper with the settings of `args`.
fn builder(args: &Args) -> Result<StripperBuilder, Failure> {
    let mut b = Stripper::builder();
    if let Some(keep) = args.keep {
        b.keep(keep);
    }
    if let Some(lang) = &args.language {
        b.language(lang);
    }
    b.threshold(args.threshold);
    b.stable(args.stable);
    if let Some(path) = &args.model {
        let json =
            std::fs::read_to_string(path).map_err(|e| Failure::new(format!("{path}: {e}")))?;
        b.model_json(&json);
        b.build()
            .map_err(|e| Failure::new(format!("{path}: {e}")))?;
    }
    if args.heuristics {
        b.heuristics_only();
    }
    if let Some(path) = &args.patterns {
        b.patterns(Arc::new(learn::load(path)?));
    }
    if let Some(k) = args.min_site_pages {
        b.min_site_pages(k);
    }
    Ok(b)
}

fn write_err(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure::BrokenPipe
    } else {
        Failure::new(format!("cannot write output: {e}"))
    }
}
