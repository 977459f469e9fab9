//! The `decruft` command: argument parsing, reading, writing, exit codes.
//! Everything else lives in the library.

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Read, Write};
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use decruft::{
    aggregate, cross_validate, doc_counts, doc_score, train, GoldDoc, JsonlOptions, JsonlStream,
    LabelSet, LabelledDoc, OnError, StreamStats, Stripper, StripperBuilder, TrainOptions,
};

const USAGE: &str = "\
decruft: strip boilerplate from scraped article text

Usage:
  decruft [OPTIONS] [FILE...]          cleaned text of each FILE (or stdin) on stdout
  decruft --jsonl [OPTIONS] [FILE...]  strip the text field of JSON Lines records
  decruft annotate [OPTIONS] [FILE]    every line with its label, score and reason
  decruft eval [OPTIONS] DATA...       score against gold JSONL (see decruft eval --help)
  decruft train [OPTIONS] DATA... -o MODEL   train a line model (see decruft train --help)
  decruft label GOLD... [-o FILE]      derive line labels from gold JSONL

Options:
      --jsonl              read and write JSON Lines, one object per line
      --field NAME         with --jsonl: the field to strip (default: text)
      --labels             with --jsonl: add a \"decruft\" field with every line's
                           [start, end, label, score] (character offsets)
      --on-error MODE      with --jsonl: what to do with a bad record:
                           fail (default: stop, exit 2), skip (drop it, count
                           on stderr) or keep (write it through unchanged)
      --threads N          with --jsonl: worker threads (default: all cores);
                           the output is the same whatever N
      --keep LABELS        comma-separated labels to keep (default: title,heading,body)
      --language CODE      force a stoplist (ISO 639-1, e.g. fr) instead of detecting
      --threshold X        log-odds shift: > 0 keeps less, < 0 keeps more (default 0)
      --model FILE         use the model in FILE instead of the embedded one
      --heuristics         use the hand-written heuristics alone, no model
  -h, --help               this help (also: decruft COMMAND --help)
  -V, --version            the version

Labels: title heading body navigation metadata teaser read-more newsletter
donation share comments legal ad blank

Exit status: 0 on success, 2 on error (one line on stderr).";

const ANNOTATE_USAGE: &str = "\
decruft annotate: show every line with its label, score and reason

Usage:
  decruft annotate [OPTIONS] [FILE]

Each line of FILE (or stdin) is printed as
  MARK LABEL SCORE REASON | line
where MARK is + (kept) or - (dropped) and SCORE the line's own content
probability before context decoding. Model decisions show the inputs that
weighed most. Coloured when stdout is a terminal.

Options:
      --keep LABELS        comma-separated labels to keep (default: title,heading,body)
      --language CODE      force a stoplist (ISO 639-1, e.g. fr)
      --threshold X        log-odds shift: > 0 keeps less, < 0 keeps more
      --model FILE         use the model in FILE
      --heuristics         heuristics alone, no model
      --color WHEN         auto (default), always or never
  -h, --help               this help";

const EVAL_USAGE: &str = "\
decruft eval: score decruft against gold data

Usage:
  decruft eval [OPTIONS] DATA.jsonl...

Each DATA file holds gold documents, one JSON object a line: id, text and
either with/without snippets or a body. Scores use the benchmarks' metrics
(as ../shared/bench/score.py): snippets are matched after collapsing white
space; bodies are compared as 4-token shingles, averaged per document.

Options:
      --cv K               K-fold cross-validation by site over all DATA files
                           together: heuristics alone, model only (features and
                           n-grams) and combined (also the heuristic scores),
                           each model trained on the other folds
      --seed N             seed of fold assignment and training (default 1)
      --worst N            list the N worst documents of each file (default 0)
  -o, --output DIR         with --cv: write each held-out output to
                           DIR/DATA.CLASSIFIER.jsonl (id and text lines)
      --model FILE         score the model in FILE (without --cv)
      --heuristics         score the heuristics alone (without --cv)
  -h, --help               this help";

const TRAIN_USAGE: &str = "\
decruft train: train the line model

Usage:
  decruft train [OPTIONS] DATA.jsonl... -o MODEL.json

DATA files hold gold documents (id, url, text and with/without or body, as in
../shared/data) or labelled documents (id, group, text, labels, as written by
decruft label). The model is a logistic regression over the line features,
their neighbours' and hashed word and character n-grams; the decoder's
transition costs are tuned on out-of-fold scores. Deterministic for a seed.

Options:
  -o, --output FILE        where to write the model (required)
      --seed N             seed of the shuffle and folds (default 1)
      --epochs N           passes over the data (default 6)
      --model-only         do not read the heuristic scores
  -h, --help               this help";

const LABEL_USAGE: &str = "\
decruft label: derive line labels from gold documents

Usage:
  decruft label GOLD.jsonl... [-o FILE]

Writes one labelled document per line (id, group, text, labels: one of
\"keep\", \"drop\" or null per line of text) to FILE or stdout. decruft train
reads them back.

Options:
  -o, --output FILE        where to write (default: stdout)
  -h, --help               this help";

#[derive(Clone, Copy, PartialEq, Eq)]
enum Command {
    Strip,
    Jsonl,
    Annotate,
    Eval,
    Train,
    Label,
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
    model: Option<String>,
    heuristics: bool,
    output: Option<String>,
    cv: Option<usize>,
    seed: u64,
    epochs: Option<usize>,
    model_only: bool,
    worst: usize,
    threads: Option<NonZeroUsize>,
}

/// A failure that ends the run with exit code 2.
struct Failure(String);

impl<E: std::fmt::Display> From<E> for Failure {
    fn from(e: E) -> Failure {
        Failure(e.to_string())
    }
}

/// Why a write failed: a closed pipe is a normal end (ripgrep does the same:
/// `decruft … | head` must not print an error).
const BROKEN_PIPE: &str = "\0broken pipe";
/// Why the JSONL loop stopped early on SIGINT (exit 130, as shells expect).
const INTERRUPT: &str = "\0interrupted";

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure(msg)) if msg == BROKEN_PIPE => ExitCode::SUCCESS,
        Err(Failure(msg)) if msg == INTERRUPT => {
            eprintln!("decruft: interrupted");
            ExitCode::from(130)
        }
        Err(Failure(msg)) => {
            eprintln!("decruft: {msg}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<(), Failure> {
    let Some(args) = parse_args()? else {
        return Ok(());
    };
    match args.command {
        Command::Eval => return eval(&args),
        Command::Train => return train_cmd(&args),
        Command::Label => return label_cmd(&args),
        _ => {}
    }
    let stripper = builder(&args)?
        .explain(args.command == Command::Annotate)
        .build()?;
    let terminal = io::stdout().is_terminal();
    if args.command == Command::Jsonl {
        return jsonl_files(&stripper, &args, terminal);
    }
    let mut out = stdout_writer(terminal);
    match args.command {
        Command::Annotate => annotate(&stripper, &args, args.color.unwrap_or(terminal), &mut out)?,
        _ => strip_files(&stripper, &args.files, &mut out)?,
    }
    out.flush().map_err(write_err)
}

/// Stdout, block-buffered unless a person is watching.
fn stdout_writer(terminal: bool) -> Box<dyn Write + Send> {
    if terminal {
        Box::new(io::LineWriter::new(io::stdout()))
    } else {
        Box::new(BufWriter::with_capacity(1 << 16, io::stdout()))
    }
}

fn builder(args: &Args) -> Result<StripperBuilder, Failure> {
    let mut b = Stripper::builder();
    if let Some(keep) = args.keep {
        b.keep(keep);
    }
    if let Some(lang) = &args.language {
        b.language(lang);
    }
    b.threshold(args.threshold);
    if let Some(path) = &args.model {
        let json = std::fs::read_to_string(path).map_err(|e| Failure(format!("{path}: {e}")))?;
        b.model_json(&json);
        b.build().map_err(|e| Failure(format!("{path}: {e}")))?;
    }
    if args.heuristics {
        b.heuristics_only();
    }
    Ok(b)
}

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
        model: None,
        heuristics: false,
        output: None,
        cv: None,
        seed: 1,
        epochs: None,
        model_only: false,
        worst: 0,
        threads: None,
    };
    let mut first = true;
    while let Some(arg) = parser.next()? {
        let was_first = std::mem::replace(&mut first, false);
        match arg {
            Value(v)
                if was_first
                    && ["annotate", "eval", "train", "label"]
                        .iter()
                        .any(|c| v == *c) =>
            {
                args.command = match v.to_str() {
                    Some("annotate") => Command::Annotate,
                    Some("eval") => Command::Eval,
                    Some("train") => Command::Train,
                    _ => Command::Label,
                }
            }
            Short('h') | Long("help") => {
                let usage = match args.command {
                    Command::Annotate => ANNOTATE_USAGE,
                    Command::Eval => EVAL_USAGE,
                    Command::Train => TRAIN_USAGE,
                    Command::Label => LABEL_USAGE,
                    _ => USAGE,
                };
                println!("{usage}");
                return Ok(None);
            }
            Short('V') | Long("version") => {
                println!("decruft {}", env!("CARGO_PKG_VERSION"));
                return Ok(None);
            }
            Long("jsonl") if args.command == Command::Strip => args.command = Command::Jsonl,
            Long("field") => args.jsonl.field = parser.value()?.string()?,
            Long("labels") => args.jsonl.labels = true,
            Long("on-error") => {
                args.on_error = match parser.value()?.string()?.as_str() {
                    "fail" => OnError::Fail,
                    "skip" => OnError::Skip,
                    "keep" => OnError::Keep,
                    other => {
                        return Err(Failure(format!(
                            "--on-error takes fail, skip or keep, not '{other}'"
                        )))
                    }
                }
            }
            Long("keep") => {
                args.keep = Some(parser.value()?.string()?.parse::<LabelSet>()?);
            }
            Long("language") => args.language = Some(parser.value()?.string()?),
            Long("threshold") => args.threshold = number(&mut parser, "--threshold")?,
            Long("color") => {
                args.color = match parser.value()?.string()?.as_str() {
                    "auto" => None,
                    "always" => Some(true),
                    "never" => Some(false),
                    other => {
                        return Err(Failure(format!(
                            "--color takes auto, always or never, not '{other}'"
                        )))
                    }
                }
            }
            Long("model") => args.model = Some(parser.value()?.string()?),
            Long("heuristics") => args.heuristics = true,
            Short('o') | Long("output") => args.output = Some(parser.value()?.string()?),
            Long("cv") => args.cv = Some(number(&mut parser, "--cv")?),
            Long("seed") => args.seed = number(&mut parser, "--seed")?,
            Long("epochs") => args.epochs = Some(number(&mut parser, "--epochs")?),
            Long("model-only") => args.model_only = true,
            Long("worst") => args.worst = number(&mut parser, "--worst")?,
            Long("threads") => {
                let n: usize = number(&mut parser, "--threads")?;
                let n = NonZeroUsize::new(n)
                    .ok_or_else(|| Failure("--threads takes a number of at least 1".into()))?;
                args.threads = Some(n);
            }
            Value(v) => args.files.push(v.string()?),
            _ => return Err(arg.unexpected().into()),
        }
    }
    if args.model.is_some() && args.heuristics {
        return Err(Failure(
            "--model and --heuristics exclude each other".into(),
        ));
    }
    match args.command {
        Command::Annotate if args.files.len() > 1 => {
            return Err(Failure("annotate takes one file at most".into()))
        }
        Command::Eval | Command::Train | Command::Label if args.files.is_empty() => {
            return Err(Failure("no data files given (see --help)".into()))
        }
        Command::Train if args.output.is_none() => {
            return Err(Failure("train needs -o MODEL.json".into()))
        }
        Command::Eval if args.cv.is_some_and(|k| k < 2) => {
            return Err(Failure("--cv takes 2 or more folds".into()))
        }
        _ => {}
    }
    Ok(Some(args))
}

fn number<T: std::str::FromStr>(parser: &mut lexopt::Parser, flag: &str) -> Result<T, Failure> {
    use lexopt::ValueExt;
    let v = parser.value()?.string()?;
    v.parse()
        .map_err(|_| Failure(format!("{flag} takes a number, not '{v}'")))
}

/// Opens each named file, or stdin when there are none ("-" is stdin too).
fn inputs(
    files: &[String],
) -> impl Iterator<Item = Result<(String, Box<dyn Read + Send>), Failure>> + '_ {
    let stdin = files.is_empty().then(|| "-".to_string());
    files.iter().cloned().chain(stdin).map(|name| {
        if name == "-" {
            Ok((
                "<stdin>".to_string(),
                Box::new(io::stdin()) as Box<dyn Read + Send>,
            ))
        } else {
            let f = File::open(&name).map_err(|e| Failure(format!("{name}: {e}")))?;
            Ok((name, Box::new(f) as Box<dyn Read + Send>))
        }
    })
}

fn read_all(name: &str, mut r: impl Read) -> Result<Vec<u8>, Failure> {
    let mut buf = Vec::new();
    r.read_to_end(&mut buf)
        .map_err(|e| Failure(format!("{name}: {e}")))?;
    Ok(buf)
}

fn strip_files(stripper: &Stripper, files: &[String], out: &mut dyn Write) -> Result<(), Failure> {
    for input in inputs(files) {
        let (name, r) = input?;
        let bytes = read_all(&name, r)?;
        stripper
            .strip_bytes(&bytes)
            .write_kept(out)
            .map_err(write_err)?;
    }
    Ok(())
}

fn jsonl_files(stripper: &Stripper, args: &Args, terminal: bool) -> Result<(), Failure> {
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
    let mut out = stdout_writer(terminal);
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
                result = Err(Failure(INTERRUPT.into()));
                break;
            }
            Err(e) => {
                result = Err(match e.io_error() {
                    Some(io) if io.kind() == io::ErrorKind::BrokenPipe => {
                        Failure(BROKEN_PIPE.into())
                    }
                    _ => Failure(e.to_string()),
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

fn annotate(
    stripper: &Stripper,
    args: &Args,
    color: bool,
    out: &mut dyn Write,
) -> Result<(), Failure> {
    for input in inputs(&args.files) {
        let (name, r) = input?;
        let bytes = read_all(&name, r)?;
        stripper
            .strip_bytes(&bytes)
            .write_annotated(out, color)
            .map_err(write_err)?;
    }
    Ok(())
}

/// Reads a JSONL file of gold documents.
fn read_gold(path: &str) -> Result<Vec<GoldDoc>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("{path}: {e}")))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            GoldDoc::from_json(l).map_err(|e| Failure(format!("{path}: line {}: {e}", i + 1)))
        })
        .collect()
}

fn dataset_name(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.strip_suffix(".jsonl").unwrap_or(file).to_string()
}

fn eval(args: &Args) -> Result<(), Failure> {
    let mut datasets = Vec::new();
    for path in &args.files {
        datasets.push((dataset_name(path), read_gold(path)?));
    }
    if let Some(k) = args.cv {
        let opts = TrainOptions {
            seed: args.seed,
            epochs: args.epochs.unwrap_or(TrainOptions::default().epochs),
            ..TrainOptions::default()
        };
        let mut progress = progress_printer();
        let rows = cross_validate(&datasets, k, &opts, &mut progress)?;
        eprint!(
            "{}",
            if io::stderr().is_terminal() {
                "\r\x1b[K"
            } else {
                ""
            }
        );
        println!(
            "{k}-fold cross-validation by site (seed {}), all files pooled for training:",
            args.seed
        );
        println!(
            "{:<34} {:<11} {:>9} {:>7} {:>7}",
            "data", "classifier", "precision", "recall", "f1"
        );
        for r in &rows {
            let s = r.scores;
            println!(
                "{:<34} {:<11} {:>9.3} {:>7.3} {:>7.3}",
                r.dataset, r.config, s.precision, s.recall, s.f1
            );
        }
        if let Some(dir) = &args.output {
            std::fs::create_dir_all(dir).map_err(|e| Failure(format!("{dir}: {e}")))?;
            for r in &rows {
                let path = format!("{dir}/{}.{}.jsonl", r.dataset, r.config);
                let mut out = BufWriter::new(
                    File::create(&path).map_err(|e| Failure(format!("{path}: {e}")))?,
                );
                for (id, text) in &r.outputs {
                    serde_json::to_writer(&mut out, &serde_json::json!({"id": id, "text": text}))?;
                    out.write_all(b"\n").map_err(write_err)?;
                }
                out.flush().map_err(write_err)?;
            }
        }
        return Ok(());
    }
    let stripper = builder(args)?.build()?;
    for (name, docs) in &datasets {
        let counts: Vec<_> = docs
            .iter()
            .map(|d| doc_counts(d, &stripper.strip(&d.text).text()))
            .collect();
        let s = aggregate(&counts);
        println!(
            "{name:<34} docs {:>4}  precision {:.3}  recall {:.3}  f1 {:.3}  accuracy {:.3}",
            s.docs, s.precision, s.recall, s.f1, s.accuracy
        );
        let mut worst: Vec<(f64, &str)> = counts
            .iter()
            .zip(docs)
            .map(|(c, d)| (doc_score(c), d.id.as_str()))
            .collect();
        worst.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        for (score, id) in worst.iter().take(args.worst) {
            println!("    {score:.3}  {id}");
        }
    }
    Ok(())
}

/// Progress lines on stderr: rewritten in place on a terminal, silent otherwise.
fn progress_printer() -> impl FnMut(&str) {
    let terminal = io::stderr().is_terminal();
    let start = std::time::Instant::now();
    move |msg: &str| {
        if terminal {
            eprint!("\r\x1b[K[{:>5.1}s] {msg}", start.elapsed().as_secs_f32());
        }
    }
}

fn read_training(path: &str) -> Result<Vec<LabelledDoc>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure(format!("{path}: {e}")))?;
    let mut docs = Vec::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let at = |e: &dyn std::fmt::Display| Failure(format!("{path}: line {}: {e}", i + 1));
        let value: serde_json::Value = serde_json::from_str(line).map_err(|e| at(&e))?;
        if value.get("labels").is_some() {
            docs.push(serde_json::from_value::<LabelledDoc>(value).map_err(|e| at(&e))?);
        } else {
            docs.push(LabelledDoc::from_gold(
                &GoldDoc::from_json(line).map_err(|e| at(&e))?,
            ));
        }
    }
    Ok(docs)
}

fn train_cmd(args: &Args) -> Result<(), Failure> {
    let mut docs = Vec::new();
    for path in &args.files {
        docs.extend(read_training(path)?);
    }
    let mut opts = TrainOptions {
        seed: args.seed,
        combined: !args.model_only,
        ..TrainOptions::default()
    };
    if let Some(e) = args.epochs {
        opts.epochs = e;
    }
    let mut progress = progress_printer();
    let trained = train(&docs, &opts, &mut progress)?;
    if io::stderr().is_terminal() {
        eprintln!();
    }
    let output = args.output.as_deref().unwrap_or("model.json");
    let files: Vec<&str> = args
        .files
        .iter()
        .map(|f| f.rsplit('/').next().unwrap_or(f))
        .collect();
    let note = format!(
        "seed {}, {} epochs; data: {}",
        opts.seed,
        opts.epochs,
        files.join(", ")
    );
    std::fs::write(output, trained.to_json(&note))
        .map_err(|e| Failure(format!("{output}: {e}")))?;
    eprintln!(
        "decruft: trained on {} documents, model written to {output}",
        docs.len()
    );
    Ok(())
}

fn label_cmd(args: &Args) -> Result<(), Failure> {
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(BufWriter::new(
            File::create(path).map_err(|e| Failure(format!("{path}: {e}")))?,
        )),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    for path in &args.files {
        for doc in read_gold(path)? {
            let labelled = LabelledDoc::from_gold(&doc);
            serde_json::to_writer(&mut out, &labelled).map_err(|e| Failure(e.to_string()))?;
            out.write_all(b"\n").map_err(write_err)?;
        }
    }
    out.flush().map_err(write_err)
}
