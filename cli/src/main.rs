//! The `decruft` command: flags, reading, writing, progress, signals, exit
//! codes. Everything else lives in the library.

mod cmd;
mod flags;
mod io;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use crate::cmd::{builder, jsonl, learn, plain, report, train};
use crate::flags::parse::from_env;
use crate::flags::{Mode, Parsed};
use crate::io::{paths, signals};

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
    /// The run went to its end but skipped something (a binary file, a
    /// line too long), each named on stderr already: exit 2.
    Reported,
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
        Err(Failure::Reported) => ExitCode::from(2),
    }
}

fn run() -> Result<(), Failure> {
    let args = match from_env()? {
        Parsed::Run(args) => args,
        // `print!` panics on a closed stdout (`decruft --help | head -c 10`).
        Parsed::Help(page) => {
            return std::io::stdout()
                .write_all(page.as_bytes())
                .map_err(write_err);
        }
        Parsed::Version => {
            let version = format!("decruft {}\n", env!("CARGO_PKG_VERSION"));
            return std::io::stdout()
                .write_all(version.as_bytes())
                .map_err(write_err);
        }
    };
    // A file size limit (`ulimit -f`) makes writes fail with a message
    // instead of killing the process, so that a half-written output is
    // removed and the file named.
    signals::ignore_file_size_limit();
    if matches!(
        args.mode,
        Mode::Jsonl | Mode::Plain | Mode::Annotate | Mode::Report | Mode::Learn
    ) {
        // Before the model is loaded: a signal from here on stops the run
        // between records or parts, its output whole (before, it ends the
        // process with no output).
        signals::install();
    }
    paths::check(&files_of(&args))?;
    match args.mode {
        Mode::Eval | Mode::EvalCv => return train::eval(&args),
        Mode::Train => return train::train(&args),
        Mode::Label => return train::label(&args),
        Mode::Learn => return learn::run(&args),
        Mode::Plain | Mode::Annotate => plain::warn_about_json(&args.files),
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
    plain::run(&stripper, &args)
}

/// What a run reads and writes, for [`paths::check`].
fn files_of(args: &flags::Args) -> paths::Files<'_> {
    let reads_stdin = matches!(
        args.mode,
        Mode::Plain | Mode::Jsonl | Mode::Annotate | Mode::Report | Mode::Learn
    ) && !args.merge;
    let mut inputs: Vec<&str> = args.files.iter().map(String::as_str).collect();
    if inputs.is_empty() && reads_stdin {
        inputs.push("-");
    }
    inputs.extend(args.model.as_deref());
    inputs.extend(args.patterns.as_deref());
    let mut outputs = Vec::new();
    // `eval --cv -o` names a directory.
    if args.mode != Mode::EvalCv {
        outputs.extend(args.output.as_deref().map(|o| ("-o", o)));
    }
    outputs.extend(args.rejected.as_deref().map(|r| ("--rejected", r)));
    let stdout = matches!(
        args.mode,
        Mode::Plain | Mode::Jsonl | Mode::Annotate | Mode::Report | Mode::Label
    ) && matches!(args.output.as_deref(), None | Some("-"));
    paths::Files {
        inputs,
        outputs,
        stdout,
    }
}

fn write_err(e: std::io::Error) -> Failure {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        Failure::BrokenPipe
    } else {
        Failure::new(format!("cannot write output: {e}"))
    }
}
