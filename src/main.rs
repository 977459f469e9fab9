//! The `decruft` command: argument parsing, reading, writing, exit codes.
//! Everything else lives in the library.

use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, IsTerminal, Read, Write};
use std::process::ExitCode;

use decruft::{strip_record, JsonlOptions, Label, LabelSet, Stripper};

const USAGE: &str = "\
decruft: strip boilerplate from scraped article text

Usage:
  decruft [OPTIONS] [FILE...]          cleaned text of each FILE (or stdin) on stdout
  decruft --jsonl [OPTIONS] [FILE...]  strip the text field of JSON Lines records
  decruft annotate [OPTIONS] [FILE]    every line with its label, score and reason

Options:
      --jsonl              read and write JSON Lines, one object per line
      --field NAME         with --jsonl: the field to strip (default: text)
      --labels             with --jsonl: add a \"decruft\" field with every line's
                           [start, end, label, score] (character offsets)
      --on-error MODE      with --jsonl: what to do with a bad record:
                           fail (default: stop, exit 2), skip (drop it, count
                           on stderr) or keep (write it through unchanged)
      --keep LABELS        comma-separated labels to keep (default: title,heading,body)
      --language CODE      force a stoplist (ISO 639-1, e.g. fr) instead of detecting
      --threshold X        log-odds shift: > 0 keeps less, < 0 keeps more (default 0)
  -h, --help               this help
  -V, --version            the version

Labels: title heading body navigation metadata teaser read-more newsletter
donation share comments legal ad blank

Exit status: 0 on success, 2 on error (one line on stderr).";

const ANNOTATE_USAGE: &str = "\
decruft annotate: show every line with its label, score and reason

Usage:
  decruft annotate [OPTIONS] [FILE]

Each line of FILE (or stdin) is printed as
  LABEL  SCORE  KEPT  | line text        reason
with colours when stdout is a terminal. SCORE is the line's own content
probability before context decoding; '+' marks kept lines.

Options:
      --keep LABELS        comma-separated labels to keep (default: title,heading,body)
      --language CODE      force a stoplist (ISO 639-1, e.g. fr)
      --threshold X        log-odds shift: > 0 keeps less, < 0 keeps more
      --color WHEN         auto (default), always or never
  -h, --help               this help";

#[derive(Clone, Copy, PartialEq, Eq)]
enum OnError {
    Fail,
    Skip,
    Keep,
}

struct Args {
    command: Command,
    files: Vec<String>,
    jsonl: JsonlOptions,
    on_error: OnError,
    keep: Option<LabelSet>,
    language: Option<String>,
    threshold: f32,
    color: Option<bool>,
}

#[derive(PartialEq, Eq)]
enum Command {
    Strip,
    Jsonl,
    Annotate,
}

/// A failure that ends the run with exit code 2.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure(e.to_string())
    }
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg)) => {
            eprintln!("decruft: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Failure> {
    let Some(args) = parse_args()? else { return Ok(()) };
    let mut builder = Stripper::builder();
    if let Some(keep) = args.keep {
        builder.keep(keep);
    }
    if let Some(lang) = &args.language {
        builder.language(lang);
    }
    builder.threshold(args.threshold);
    let stripper = builder.build()?;
    let stdout = io::stdout();
    let terminal = stdout.is_terminal();
    let lock = stdout.lock();
    // Block-buffer unless a person is watching (ripgrep does the same).
    let mut out: Box<dyn Write> = if terminal {
        Box::new(io::LineWriter::new(lock))
    } else {
        Box::new(BufWriter::with_capacity(1 << 16, lock))
    };
    let result = match args.command {
        Command::Strip => strip_files(&stripper, &args.files, &mut out),
        Command::Jsonl => jsonl_files(&stripper, &args, &mut out),
        Command::Annotate => annotate(&stripper, &args, args.color.unwrap_or(terminal), &mut out),
    };
    let result = result.and_then(|()| out.flush().map_err(Into::into));
    match result {
        // A closed stdout (`decruft … | head`) is a normal end, not an error.
        Err(Failure(msg)) if msg == BROKEN_PIPE => Ok(()),
        other => other,
    }
}

const BROKEN_PIPE: &str = "\0broken pipe";

fn write_err(e: io::Error) -> Failure {
    if e.kind() == io::ErrorKind::BrokenPipe {
        Failure(BROKEN_PIPE.into())
    } else {
        Failure(format!("cannot write output: {e}"))
    }
}

fn parse_args() -> Result<Option<Args>, Failure> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_env();
    let mut args = Args {
        command: Command::Strip,
        files: Vec::new(),
        jsonl: JsonlOptions::default(),
        on_error: OnError::Fail,
        keep: None,
        language: None,
        threshold: 0.0,
        color: None,
    };
    let mut first = true;
    while let Some(arg) = parser.next()? {
        match arg {
            Value(v) if first && v == "annotate" => args.command = Command::Annotate,
            Short('h') | Long("help") => {
                println!("{}", if args.command == Command::Annotate { ANNOTATE_USAGE } else { USAGE });
                return Ok(None);
            }
            Short('V') | Long("version") => {
                println!("decruft {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            Long("jsonl") if args.command != Command::Annotate => args.command = Command::Jsonl,
            Long("field") => args.jsonl.field = parser.value()?.string()?,
            Long("labels") => args.jsonl.labels = true,
            Long("on-error") => {
                args.on_error = match parser.value()?.string()?.as_str() {
                    "fail" => OnError::Fail,
                    "skip" => OnError::Skip,
                    "keep" => OnError::Keep,
                    other => return Err(Failure(format!("--on-error takes fail, skip or keep, not '{other}'"))),
                }
            }
            Long("keep") => {
                let list = parser.value()?.string()?;
                let labels: Result<LabelSet, _> =
                    list.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::parse::<Label>).collect();
                args.keep = Some(labels?);
            }
            Long("language") => args.language = Some(parser.value()?.string()?),
            Long("threshold") => {
                let v = parser.value()?.string()?;
                args.threshold = v.parse().map_err(|_| Failure(format!("--threshold takes a number, not '{v}'")))?;
            }
            Long("color") if args.command == Command::Annotate => {
                args.color = match parser.value()?.string()?.as_str() {
                    "auto" => None,
                    "always" => Some(true),
                    "never" => Some(false),
                    other => return Err(Failure(format!("--color takes auto, always or never, not '{other}'"))),
                }
            }
            Value(v) => args.files.push(v.string()?),
            _ => return Err(arg.unexpected().into()),
        }
        first = false;
    }
    if args.command == Command::Annotate && args.files.len() > 1 {
        return Err(Failure("annotate takes one file at most".into()));
    }
    Ok(Some(args))
}

/// Opens each named file, or stdin when there are none ("-" is stdin too).
fn inputs(files: &[String]) -> impl Iterator<Item = Result<(String, Box<dyn Read>), Failure>> + '_ {
    let stdin = files.is_empty().then(|| "-".to_string());
    files.iter().cloned().chain(stdin).map(|name| {
        if name == "-" {
            Ok(("<stdin>".to_string(), Box::new(io::stdin().lock()) as Box<dyn Read>))
        } else {
            let f = File::open(&name).map_err(|e| Failure(format!("{name}: {e}")))?;
            Ok((name, Box::new(f) as Box<dyn Read>))
        }
    })
}

fn read_all(name: &str, mut r: impl Read) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    r.read_to_end(&mut buf).map_err(|e| Failure(format!("{name}: {e}")))?;
    Ok(buf)
}

fn strip_files(stripper: &Stripper, files: &[String], out: &mut dyn Write) -> Result<(), Failure> {
    for input in inputs(files) {
        let (name, r) = input?;
        let bytes = read_all(&name, r)?;
        stripper.strip_bytes(&bytes).write_kept(out).map_err(write_err)?;
    }
    Ok(())
}

fn jsonl_files(stripper: &Stripper, args: &Args, out: &mut dyn Write) -> Result<(), Failure> {
    let mut skipped = 0u64;
    let mut line = Vec::new();
    let mut record = Vec::new();
    for input in inputs(&args.files) {
        let (name, r) = input?;
        let mut r = BufReader::with_capacity(1 << 16, r);
        let mut number = 0u64;
        loop {
            line.clear();
            let n = r.read_until(b'\n', &mut line).map_err(|e| Failure(format!("{name}: {e}")))?;
            if n == 0 {
                break;
            }
            number += 1;
            let body = trim_newline(&line);
            if body.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            record.clear();
            match strip_record(stripper, &args.jsonl, body, &mut record) {
                Ok(()) => {
                    record.push(b'\n');
                    out.write_all(&record).map_err(write_err)?;
                }
                Err(e) => match args.on_error {
                    OnError::Fail => return Err(Failure(format!("{name}: line {number}: {e}"))),
                    OnError::Skip => skipped += 1,
                    OnError::Keep => {
                        out.write_all(body).map_err(write_err)?;
                        out.write_all(b"\n").map_err(write_err)?;
                    }
                },
            }
        }
    }
    if skipped > 0 {
        eprintln!("decruft: skipped {skipped} bad record{}", if skipped == 1 { "" } else { "s" });
    }
    Ok(())
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn annotate(stripper: &Stripper, args: &Args, color: bool, out: &mut dyn Write) -> Result<(), Failure> {
    for input in inputs(&args.files) {
        let (name, r) = input?;
        let bytes = read_all(&name, r)?;
        stripper.strip_bytes(&bytes).write_annotated(out, color).map_err(write_err)?;
    }
    Ok(())
}
