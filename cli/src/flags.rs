//! The command line, declared once.
//!
//! Every flag is one entry of [`FLAGS`]: its names, its value, the modes it
//! applies to, its help and its default. Parsing, the help pages and the
//! checks all read that table (the shape of ripgrep's `flags/defs.rs`):
//! raw flags are collected first, the mode is settled (`--jsonl`, `--cv`
//! and the command pick it), and a flag that does not apply to that mode
//! is an error, never silently ignored. What comes out is a checked
//! [`Args`].

use std::fmt::Write as _;
use std::num::NonZeroUsize;

use decruft::{DocRules, JsonlOptions, Label, LabelSet, OnError, TrainOptions};

use crate::Failure;

/// What a run does. Flags are declared for the modes they apply to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// `decruft [FILE...]`: the cleaned text of each file.
    Plain,
    /// `decruft --jsonl`: JSON Lines records.
    Jsonl,
    /// `decruft annotate`: every line's verdict.
    Annotate,
    /// `decruft eval`: scores of one configuration.
    Eval,
    /// `decruft eval --cv K`: cross-validation.
    EvalCv,
    /// `decruft train`.
    Train,
    /// `decruft label`.
    Label,
    /// `decruft report`: a review page.
    Report,
    /// `decruft learn`: site patterns.
    Learn,
}

impl Mode {
    /// How the mode is written in messages.
    fn name(self) -> &'static str {
        match self {
            Mode::Plain => "decruft [FILE...]",
            Mode::Jsonl => "decruft --jsonl",
            Mode::Annotate => "decruft annotate",
            Mode::Eval => "decruft eval",
            Mode::EvalCv => "decruft eval --cv",
            Mode::Train => "decruft train",
            Mode::Label => "decruft label",
            Mode::Report => "decruft report",
            Mode::Learn => "decruft learn",
        }
    }
}

use Mode::*;

/// The modes that strip documents with a configurable stripper.
const STRIPPING: &[Mode] = &[Plain, Jsonl, Annotate, Eval, Report];
const EVERYWHERE: &[Mode] = &[
    Plain, Jsonl, Annotate, Eval, EvalCv, Train, Label, Report, Learn,
];
/// The modes that strip documents and can read site patterns.
const PATTERNED: &[Mode] = &[Plain, Jsonl, Annotate, Report];

/// One flag.
pub struct Flag {
    pub long: &'static str,
    pub short: Option<char>,
    /// The name of its value in the help (`None`: a switch).
    pub value: Option<&'static str>,
    /// The modes it applies to.
    pub modes: &'static [Mode],
    /// What it does, for the help.
    pub help: &'static str,
    /// What it does in a mode where the general `help` would not say it.
    pub help_in: &'static [(Mode, &'static str)],
    /// Its default, for the help.
    pub default: Option<fn() -> String>,
    /// Stores it (with its value) in the arguments.
    pub set: fn(&mut Args, Option<String>) -> Result<(), Failure>,
}

/// Bounds on numbers that would otherwise exhaust the machine: threads
/// (each holds a stack and scratch memory), folds (each trains a model),
/// passes over the data.
const MAX_THREADS: usize = 1024;
const MAX_FOLDS: usize = 100;
const MAX_EPOCHS: usize = 10_000;

/// Every flag.
pub const FLAGS: &[Flag] = &[
    Flag {
        long: "jsonl",
        short: None,
        value: None,
        modes: &[Plain, Jsonl],
        help: "read and write JSON Lines, one object per line",
        help_in: &[],
        default: None,
        set: |_, _| Ok(()), // it picks the mode
    },
    Flag {
        long: "warc",
        short: None,
        value: None,
        modes: &[Plain, Jsonl],
        help: "read WARC files (Common Crawl WET, .warc.wet.gz): strip each conversion \
               record and write it as JSON Lines with url, warc_record_id, date and text; \
               other records are skipped and counted. Implies --jsonl, which also reads \
               any input that starts with a WARC/1. line this way",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.warc = true;
            Ok(())
        },
    },
    Flag {
        long: "field",
        short: None,
        value: Some("NAME"),
        modes: &[Jsonl, Report, Learn],
        help: "the field to strip",
        help_in: &[(Learn, "the field holding the page's text")],
        default: Some(|| JsonlOptions::default().field),
        set: |a, v| {
            a.jsonl.field = value(v);
            Ok(())
        },
    },
    Flag {
        long: "title-field",
        short: None,
        value: Some("NAME"),
        modes: &[Jsonl],
        help: "a field holding the page's title (a crawler's <title>): the line that \
               repeats it is the headline",
        help_in: &[],
        default: None,
        set: |a, v| {
            a.jsonl.title_field = Some(value(v));
            Ok(())
        },
    },
    Flag {
        long: "url-field",
        short: None,
        value: Some("NAME"),
        modes: &[Jsonl, Learn],
        help: "a field holding the page's URL, whose slug is evidence of the headline \
               and whose host is the page's site for --patterns (used when present; '' \
               for none)",
        help_in: &[(
            Learn,
            "a field holding the page's URL, whose host (without www.) is the page's \
             site ('' for none)",
        )],
        default: Some(|| JsonlOptions::default().url_field.unwrap_or_default()),
        set: |a, v| {
            let name = value(v);
            a.jsonl.url_field = (!name.is_empty()).then_some(name);
            Ok(())
        },
    },
    Flag {
        long: "site-field",
        short: None,
        value: Some("NAME"),
        modes: &[Jsonl, Learn, Report],
        help: "a field holding the page's site (a precomputed key) instead of the host of \
               its URL",
        help_in: &[],
        default: None,
        set: |a, v| {
            a.jsonl.site_field = Some(value(v));
            Ok(())
        },
    },
    Flag {
        long: "patterns",
        short: None,
        value: Some("FILE"),
        modes: PATTERNED,
        help: "site patterns (written by decruft learn): a line most pages of its site \
               hold is likely template; the share of the site's pages holding each line \
               is a model input. A page's site is the host of its URL (--url-field, \
               --site-field; --url or --site for text)",
        help_in: &[],
        default: None,
        set: |a, v| {
            a.patterns = Some(value(v));
            Ok(())
        },
    },
    Flag {
        long: "learn",
        short: None,
        value: None,
        modes: &[Jsonl],
        help: "two passes over the files given (not stdin): learn their site patterns, \
               then strip them with those patterns",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.learn = true;
            Ok(())
        },
    },
    Flag {
        long: "min-site-pages",
        short: None,
        value: Some("K"),
        modes: PATTERNED,
        help: "with --patterns or --learn: sites with fewer than K pages are stripped as \
               without patterns",
        help_in: &[],
        default: Some(|| decruft::DEFAULT_MIN_PAGES.to_string()),
        set: |a, v| {
            let k: u32 = number("--min-site-pages", v)?;
            if k < decruft::LEAST_MIN_PAGES {
                return Err(Failure::new(format!(
                    "--min-site-pages takes {} or more",
                    decruft::LEAST_MIN_PAGES
                )));
            }
            a.min_site_pages = Some(k);
            Ok(())
        },
    },
    Flag {
        long: "url",
        short: None,
        value: Some("URL"),
        modes: &[Plain, Annotate],
        help: "the page's URL: its slug is evidence of the headline, its host the page's \
               site for --patterns",
        help_in: &[],
        default: None,
        set: |a, v| {
            a.url = Some(value(v));
            Ok(())
        },
    },
    Flag {
        long: "site",
        short: None,
        value: Some("NAME"),
        modes: &[Plain, Annotate],
        help: "the page's site in --patterns (default: the host of --url)",
        help_in: &[],
        default: None,
        set: |a, v| {
            a.site = Some(value(v));
            Ok(())
        },
    },
    Flag {
        long: "merge",
        short: None,
        value: None,
        modes: &[Learn],
        help: "the FILEs are patterns files: add their counts up into -o FILE",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.merge = true;
            Ok(())
        },
    },
    Flag {
        long: "site-cap",
        short: None,
        value: Some("N"),
        modes: &[Learn],
        help: "keep at most N distinct lines per site (past 2N, the N on most pages)",
        help_in: &[],
        default: Some(|| decruft::DEFAULT_SITE_CAP.to_string()),
        set: |a, v| {
            a.site_cap = number("--site-cap", v)?;
            Ok(())
        },
    },
    Flag {
        long: "max-lines",
        short: None,
        value: Some("N"),
        modes: &[Learn],
        help: "keep at most N lines across sites (about 60 bytes each in memory); past \
               it, lines on the fewest pages go first",
        help_in: &[],
        default: Some(|| decruft::DEFAULT_BUDGET.to_string()),
        set: |a, v| {
            a.budget = number("--max-lines", v)?;
            Ok(())
        },
    },
    Flag {
        long: "no-patterns",
        short: None,
        value: None,
        modes: &[EvalCv, Train],
        help: "do not learn site patterns from the data's texts (the model then has no \
               site inputs to read)",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.train.site_patterns = false;
            Ok(())
        },
    },
    Flag {
        long: "site-dropout",
        short: None,
        value: Some("X"),
        modes: &[EvalCv, Train],
        help: "the share (0 to 1) of sites whose training pages get no patterns, so the \
               model also learns to do without",
        help_in: &[],
        default: Some(|| TrainOptions::default().site_dropout.to_string()),
        set: |a, v| {
            let x: f64 = number("--site-dropout", v)?;
            if !(0.0..=1.0).contains(&x) {
                return Err(Failure::new("--site-dropout takes a number from 0 to 1"));
            }
            a.train.site_dropout = x;
            Ok(())
        },
    },
    Flag {
        long: "labels",
        short: None,
        value: None,
        modes: &[Jsonl],
        help: "add a \"decruft\" field with every line's [start, end, label, score] \
               (character offsets)",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.jsonl.labels = true;
            Ok(())
        },
    },
    Flag {
        long: "on-error",
        short: None,
        value: Some("MODE"),
        modes: &[Jsonl, Learn],
        help: "what to do with a bad record: fail (stop, exit 2), skip (drop it, count \
               on stderr) or keep (write it through unchanged; a truncated or corrupt \
               WARC record: what could be read, with a warc_error field)",
        help_in: &[(
            Learn,
            "what to do with a bad record: fail (stop, exit 2), or skip or keep (leave \
             it out of the counts, count it on stderr)",
        )],
        default: Some(|| "fail".into()),
        set: |a, v| {
            a.on_error = match value(v).as_str() {
                "fail" => OnError::Fail,
                "skip" => OnError::Skip,
                "keep" => OnError::Keep,
                other => return Err(one_of("--on-error", "fail, skip or keep", other)),
            };
            Ok(())
        },
    },
    Flag {
        long: "max-record-bytes",
        short: None,
        value: Some("N"),
        modes: &[Jsonl],
        help: "the longest record read, in bytes: a longer line is read past, never held \
               whole, and is a bad record (--on-error; with keep it is dropped and counted)",
        help_in: &[],
        default: Some(|| decruft::MAX_RECORD_BYTES.to_string()),
        set: |a, v| {
            let n: usize = number("--max-record-bytes", v)?;
            if n == 0 {
                return Err(Failure::new("--max-record-bytes takes a number of at least 1"));
            }
            a.max_record_bytes = n;
            Ok(())
        },
    },
    Flag {
        long: "drop-empty",
        short: None,
        value: None,
        modes: &[Jsonl],
        help: "reject documents left with no text (or only white space)",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.rules.drop_empty = true;
            Ok(())
        },
    },
    Flag {
        long: "min-kept-chars",
        short: None,
        value: Some("N"),
        modes: &[Jsonl],
        help: "reject documents left with fewer than N characters",
        help_in: &[],
        default: None,
        set: |a, v| {
            a.rules.min_kept_chars = number("--min-kept-chars", v)?;
            Ok(())
        },
    },
    Flag {
        long: "min-kept-share",
        short: None,
        value: Some("X"),
        modes: &[Jsonl],
        help: "reject documents that keep less than this share (0 to 1) of their \
               characters",
        help_in: &[],
        default: None,
        set: |a, v| {
            let x: f64 = number("--min-kept-share", v)?;
            if !(0.0..=1.0).contains(&x) {
                return Err(Failure::new(format!(
                    "--min-kept-share takes a share from 0 to 1, not {x}"
                )));
            }
            a.rules.min_kept_share = x;
            Ok(())
        },
    },
    Flag {
        long: "rejected",
        short: None,
        value: Some("FILE"),
        modes: &[Jsonl],
        help: "write rejected documents to FILE (.gz, .zst: compressed) as they came, text \
               unstripped, with a \"decruft_rejected\" field naming the rule; without it \
               they are dropped. Either way stderr counts them per reason",
        help_in: &[],
        default: None,
        set: |a, v| {
            a.rejected = Some(value(v));
            Ok(())
        },
    },
    Flag {
        long: "max-pages",
        short: None,
        value: Some("N"),
        modes: &[Report],
        help: "show at most N pages line by line (the totals and the histogram count \
               every page)",
        help_in: &[],
        default: Some(|| "200".into()),
        set: |a, v| {
            a.max_pages = number("--max-pages", v)?;
            Ok(())
        },
    },
    Flag {
        long: "threads",
        short: None,
        value: Some("N"),
        modes: &[Jsonl, Learn],
        help: "threads stripping records; the output is the same whatever N",
        help_in: &[(Learn, "threads hashing pages; the output is the same whatever N")],
        default: Some(|| "one per core".into()),
        set: |a, v| {
            let v = value(v);
            let n = v
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_THREADS).contains(n))
                .and_then(NonZeroUsize::new)
                .ok_or_else(|| {
                    Failure::new(format!(
                        "--threads takes a number from 1 to {MAX_THREADS}, not '{v}'"
                    ))
                })?;
            a.threads = Some(n);
            Ok(())
        },
    },
    Flag {
        long: "keep",
        short: None,
        value: Some("LABELS"),
        modes: STRIPPING,
        help: "comma-separated labels to keep",
        help_in: &[],
        default: Some(|| {
            let names: Vec<&str> = LabelSet::content().iter().map(Label::as_str).collect();
            names.join(",")
        }),
        set: |a, v| {
            let keep: LabelSet = value(v).parse()?;
            // Keeping nothing empties every document: surely a mistake
            // (an unset shell variable).
            if keep.iter().next().is_none() {
                return Err(Failure::new(
                    "--keep takes one or more labels: with none, every document is emptied",
                ));
            }
            a.keep = Some(keep);
            Ok(())
        },
    },
    Flag {
        long: "stable",
        short: None,
        value: None,
        modes: STRIPPING,
        help: "strip the cleaned text again until nothing more goes (at most 8 passes), so \
               that decruft run on its own output changes nothing; slower, and documents \
               lose a little more",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.stable = true;
            Ok(())
        },
    },
    Flag {
        long: "language",
        short: None,
        value: Some("CODE"),
        modes: STRIPPING,
        help: "force a stoplist (ISO 639-1, e.g. fr) instead of detecting one per document",
        help_in: &[],
        default: None,
        set: |a, v| {
            a.language = Some(value(v));
            Ok(())
        },
    },
    Flag {
        long: "threshold",
        short: None,
        value: Some("X"),
        modes: STRIPPING,
        help: "log-odds shift: > 0 keeps less, < 0 keeps more",
        help_in: &[],
        default: Some(|| "0".into()),
        set: |a, v| {
            a.threshold = number("--threshold", v)?;
            Ok(())
        },
    },
    Flag {
        long: "model",
        short: None,
        value: Some("FILE"),
        modes: STRIPPING,
        help: "use the model in FILE (written by decruft train) instead of the embedded one",
        help_in: &[],
        default: None,
        set: |a, v| {
            a.model = Some(value(v));
            Ok(())
        },
    },
    Flag {
        long: "heuristics",
        short: None,
        value: None,
        modes: STRIPPING,
        help: "use the hand-written heuristics alone, no model",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.heuristics = true;
            Ok(())
        },
    },
    Flag {
        long: "color",
        short: None,
        value: Some("WHEN"),
        modes: &[Annotate],
        help: "auto, always or never; auto colours a terminal unless NO_COLOR is set",
        help_in: &[],
        default: Some(|| "auto".into()),
        set: |a, v| {
            a.color = match value(v).as_str() {
                "auto" => None,
                "always" => Some(true),
                "never" => Some(false),
                other => return Err(one_of("--color", "auto, always or never", other)),
            };
            Ok(())
        },
    },
    Flag {
        long: "cv",
        short: None,
        value: Some("K"),
        modes: &[Eval, EvalCv],
        help: "K-fold cross-validation by site over all DATA files together: the \
               heuristics alone, and the model with a linear and with a tree second \
               stage, each trained on the other folds; prints a Markdown table with \
               bootstrap standard deviations, languages apart where the data says",
        help_in: &[],
        default: None,
        set: |a, v| {
            let k: usize = number("--cv", v)?;
            if !(2..=MAX_FOLDS).contains(&k) {
                return Err(Failure::new(format!(
                    "--cv takes from 2 to {MAX_FOLDS} folds"
                )));
            }
            a.cv = Some(k);
            Ok(())
        },
    },
    Flag {
        long: "seed",
        short: None,
        value: Some("N"),
        modes: &[EvalCv, Train],
        help: "seed of the fold assignment and of training",
        help_in: &[],
        default: Some(|| TrainOptions::default().seed.to_string()),
        set: |a, v| {
            a.train.seed = number("--seed", v)?;
            Ok(())
        },
    },
    Flag {
        long: "epochs",
        short: None,
        value: Some("N"),
        modes: &[EvalCv, Train],
        help: "passes over the data",
        help_in: &[],
        default: Some(|| TrainOptions::default().epochs.to_string()),
        set: |a, v| {
            let n: usize = number("--epochs", v)?;
            if !(1..=MAX_EPOCHS).contains(&n) {
                return Err(Failure::new(format!(
                    "--epochs takes a number from 1 to {MAX_EPOCHS}"
                )));
            }
            a.train.epochs = n;
            Ok(())
        },
    },
    Flag {
        long: "trees",
        short: None,
        value: Some("N"),
        modes: &[EvalCv, Train],
        help: "trees per forest of the second stage (0: a linear second stage)",
        help_in: &[],
        default: Some(|| TrainOptions::default().trees.to_string()),
        set: |a, v| {
            a.train.trees = number("--trees", v)?;
            if a.train.trees > 5000 {
                return Err(Failure::new("--trees takes at most 5000"));
            }
            Ok(())
        },
    },
    Flag {
        long: "forests",
        short: None,
        value: Some("N"),
        modes: &[EvalCv, Train],
        help: "forests of the second stage, each reading the previous one's scores",
        help_in: &[],
        default: Some(|| TrainOptions::default().forests.to_string()),
        set: |a, v| {
            a.train.forests = number("--forests", v)?;
            if !(1..=5).contains(&a.train.forests) {
                return Err(Failure::new("--forests takes 1 to 5"));
            }
            Ok(())
        },
    },
    Flag {
        long: "min-recall",
        short: None,
        value: Some("X"),
        modes: &[EvalCv, Train],
        help: "the decoder is tuned for the mean F1 over data files, holding each file's \
               recall of labelled content lines at X or above",
        help_in: &[],
        default: Some(|| TrainOptions::default().min_recall.to_string()),
        set: |a, v| {
            let x: f64 = number("--min-recall", v)?;
            if !(0.0..=1.0).contains(&x) {
                return Err(Failure::new("--min-recall takes a number from 0 to 1"));
            }
            a.train.min_recall = x;
            Ok(())
        },
    },
    Flag {
        long: "model-only",
        short: None,
        value: None,
        modes: &[Train],
        help: "train a model that does not read the heuristics' scores",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.train.combined = false;
            Ok(())
        },
    },
    Flag {
        long: "worst",
        short: None,
        value: Some("N"),
        modes: &[Eval],
        help: "list the N worst documents of each file",
        help_in: &[],
        default: Some(|| "0".into()),
        set: |a, v| {
            a.worst = number("--worst", v)?;
            Ok(())
        },
    },
    Flag {
        long: "output",
        short: Some('o'),
        value: Some("PATH"),
        modes: &[Plain, Jsonl, EvalCv, Train, Label, Report, Learn],
        help: "where to write",
        help_in: &[
            (Plain, "write to PATH instead of stdout, compressed if it ends in .gz or .zst"),
            (Jsonl, "write to PATH instead of stdout, compressed if it ends in .gz or .zst"),
            (Report, "the HTML file to write (default: stdout)"),
            (EvalCv, "a directory to write each held-out output to, as PATH/DATA.CLASSIFIER.jsonl (id and text lines)"),
            (Train, "the model file to write (required)"),
            (Label, "where to write the labelled documents (default: stdout)"),
            (Learn, "the patterns file to write (required)"),
        ],
        default: None,
        set: |a, v| {
            a.output = Some(value(v));
            Ok(())
        },
    },
    Flag {
        long: "help",
        short: Some('h'),
        value: None,
        modes: EVERYWHERE,
        help: "this help (also: decruft help [COMMAND])",
        help_in: &[],
        default: None,
        set: |_, _| Ok(()),
    },
    Flag {
        long: "version",
        short: Some('V'),
        value: None,
        modes: EVERYWHERE,
        help: "the version",
        help_in: &[],
        default: None,
        set: |_, _| Ok(()),
    },
];

/// The checked arguments of a run.
pub struct Args {
    pub mode: Mode,
    pub files: Vec<String>,
    pub jsonl: JsonlOptions,
    pub on_error: OnError,
    pub threads: Option<NonZeroUsize>,
    /// `--max-record-bytes`.
    pub max_record_bytes: usize,
    pub keep: Option<LabelSet>,
    pub language: Option<String>,
    pub threshold: f32,
    pub model: Option<String>,
    pub heuristics: bool,
    /// `--stable`.
    pub stable: bool,
    /// `None`: colour a terminal unless `NO_COLOR` is set.
    pub color: Option<bool>,
    pub cv: Option<usize>,
    pub train: TrainOptions,
    pub worst: usize,
    pub output: Option<String>,
    /// `--warc`: every input is WARC.
    pub warc: bool,
    pub rules: DocRules,
    pub rejected: Option<String>,
    pub max_pages: usize,
    /// `--patterns FILE`.
    pub patterns: Option<String>,
    /// `--learn`: learn the inputs' patterns first.
    pub learn: bool,
    /// `learn --merge`.
    pub merge: bool,
    pub site_cap: usize,
    pub budget: usize,
    pub min_site_pages: Option<u32>,
    /// `--url`, `--site`: hints for plain text.
    pub url: Option<String>,
    pub site: Option<String>,
}

/// What the command line asks for.
pub enum Parsed {
    Run(Box<Args>),
    /// Print this help page and stop.
    Help(String),
    /// Print the version and stop.
    Version,
}

/// The commands, by name.
const COMMANDS: [(&str, Mode); 6] = [
    ("learn", Learn),
    ("annotate", Annotate),
    ("eval", Eval),
    ("train", Train),
    ("label", Label),
    ("report", Report),
];

/// Parses the process's arguments.
pub fn parse() -> Result<Parsed, Failure> {
    parse_from(lexopt::Parser::from_env())
}

fn parse_from(mut parser: lexopt::Parser) -> Result<Parsed, Failure> {
    use lexopt::prelude::*;
    let mut command = Plain;
    let mut help_command = false;
    let mut files = Vec::new();
    let mut seen: Vec<(&'static Flag, Option<String>)> = Vec::new();
    let mut first = true;
    while let Some(arg) = parser.next()? {
        let was_first = std::mem::replace(&mut first, false);
        let flag = match arg {
            Value(v) if was_first && v == "help" => {
                help_command = true;
                continue;
            }
            Value(v) if was_first && COMMANDS.iter().any(|(name, _)| v == *name) => {
                let name = v.string()?;
                command = COMMANDS
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|c| c.1)
                    .unwrap_or(Plain);
                continue;
            }
            Value(v) => {
                files.push(v.string()?);
                continue;
            }
            Long(name) => FLAGS.iter().find(|f| f.long == name),
            Short(c) => FLAGS.iter().find(|f| f.short == Some(c)),
        };
        let Some(flag) = flag else {
            return Err(arg.unexpected().into());
        };
        let value = match flag.value {
            Some(_) => Some(parser.value()?.string()?),
            None => None,
        };
        seen.push((flag, value));
    }
    if help_command {
        let page = match files.as_slice() {
            [] => Plain,
            [name] => COMMANDS
                .iter()
                .find(|(n, _)| n == name)
                .map(|c| c.1)
                .ok_or_else(|| {
                    Failure::new(format!("help: no command '{name}' (see decruft help)"))
                })?,
            _ => return Err(Failure::new("help takes one command at most")),
        };
        return Ok(Parsed::Help(help(page)));
    }
    let has = |long: &str| seen.iter().any(|(f, _)| f.long == long);
    if has("help") {
        return Ok(Parsed::Help(help(command)));
    }
    if has("version") {
        return Ok(Parsed::Version);
    }
    let mode = match command {
        Plain if has("jsonl") || has("warc") => Jsonl,
        Eval if has("cv") => EvalCv,
        c => c,
    };
    let mut args = Args {
        mode,
        files,
        jsonl: JsonlOptions::default(),
        on_error: OnError::Fail,
        threads: None,
        max_record_bytes: decruft::MAX_RECORD_BYTES,
        keep: None,
        language: None,
        threshold: 0.0,
        model: None,
        heuristics: false,
        stable: false,
        color: None,
        cv: None,
        train: TrainOptions::default(),
        worst: 0,
        output: None,
        warc: false,
        rules: DocRules::default(),
        rejected: None,
        max_pages: 200,
        patterns: None,
        learn: false,
        merge: false,
        site_cap: decruft::DEFAULT_SITE_CAP,
        budget: decruft::DEFAULT_BUDGET,
        min_site_pages: None,
        url: None,
        site: None,
    };
    for (flag, value) in seen {
        if !flag.modes.contains(&mode) {
            let modes: Vec<&str> = flag.modes.iter().map(|m| m.name()).collect();
            return Err(Failure::new(format!(
                "--{} does not apply to {} (only to {})",
                flag.long,
                mode.name(),
                modes.join(", ")
            )));
        }
        (flag.set)(&mut args, value)?;
    }
    check(&args)?;
    Ok(Parsed::Run(Box::new(args)))
}

/// What no single flag can check.
fn check(args: &Args) -> Result<(), Failure> {
    if args.model.is_some() && args.heuristics {
        return Err(Failure::new("--model and --heuristics exclude each other"));
    }
    match args.mode {
        Annotate if args.files.len() > 1 => Err(Failure::new("annotate takes one file at most")),
        Eval | EvalCv | Train | Label if args.files.is_empty() => {
            Err(Failure::new("no data files given (see --help)"))
        }
        Train if args.output.is_none() => Err(Failure::new("train needs -o MODEL.json")),
        Learn if args.output.is_none() => Err(Failure::new("learn needs -o PATTERNS")),
        Learn if args.merge && args.files.is_empty() => {
            Err(Failure::new("learn --merge needs patterns files to merge"))
        }
        Jsonl if args.learn && args.patterns.is_some() => {
            Err(Failure::new("--learn and --patterns exclude each other"))
        }
        Jsonl if args.learn && (args.files.is_empty() || args.files.iter().any(|f| f == "-")) => {
            Err(Failure::new(
                "--learn reads its files twice: give files, not stdin (or run decruft learn, then --patterns)",
            ))
        }
        Jsonl if args.learn && args.warc => Err(Failure::new(
            "--learn reads JSON Lines: turn WARC into JSON Lines with --warc first",
        )),
        _ if args.min_site_pages.is_some() && args.patterns.is_none() && !args.learn => {
            Err(Failure::new("--min-site-pages needs --patterns or --learn"))
        }
        Jsonl if args.rejected.is_some() && args.rules.is_off() => Err(Failure::new(
            "--rejected needs a rule: --drop-empty, --min-kept-chars or --min-kept-share",
        )),
        Jsonl if args.rejected.is_some() && args.rejected == args.output => {
            Err(Failure::new("--rejected and --output name the same file"))
        }
        _ => Ok(()),
    }
}

/// The value of a flag that takes one.
fn value(v: Option<String>) -> String {
    v.expect("the parser reads a value for every flag that takes one")
}

fn number<T: std::str::FromStr>(flag: &str, v: Option<String>) -> Result<T, Failure> {
    let v = value(v);
    v.parse()
        .map_err(|_| Failure::new(format!("{flag} takes a number, not '{v}'")))
}

fn one_of(flag: &str, choices: &str, got: &str) -> Failure {
    Failure::new(format!("{flag} takes {choices}, not '{got}'"))
}

const MAIN_HEADER: &str = "\
decruft: strip boilerplate from scraped article text

Usage:
  decruft [OPTIONS] [FILE...]          the cleaned text of each FILE (or stdin)
  decruft --jsonl [OPTIONS] [FILE...]  strip the text field of JSON Lines
  decruft --warc [OPTIONS] [FILE...]   strip WARC/WET text records to JSONL
  decruft report [OPTIONS] [FILE...]   a review page (HTML) of a JSONL sample
  decruft annotate [OPTIONS] [FILE]    every line, its label, score and reason
  decruft eval [OPTIONS] DATA...       scores against gold JSONL
  decruft train [OPTIONS] DATA... -o MODEL.json    train a line model
  decruft label GOLD... [-o FILE]      line labels derived from gold JSONL
  decruft learn [OPTIONS] [FILE...] -o PATTERNS    site patterns of JSONL pages
  decruft learn --merge PATTERNS... -o PATTERNS    add patterns files up
  decruft help [COMMAND]               this help, or a command's";

const ANNOTATE_HEADER: &str = "\
decruft annotate: show every line with its label, score and reason

Usage:
  decruft annotate [OPTIONS] [FILE]

Each line of FILE (or stdin) is printed as
  MARK LABEL SCORE REASON | line
where MARK is + (kept) or - (dropped) and SCORE the probability that the
line is content as the decoder reads it (the heuristics' score, or the
model's after its second stage, which weighs the neighbours' scores),
before the decoder makes the article one piece. Model decisions show the
inputs that weighed most. Coloured on a terminal (not with NO_COLOR set).";

const EVAL_HEADER: &str = "\
decruft eval: score decruft against gold data

Usage:
  decruft eval [OPTIONS] DATA.jsonl...
  decruft eval --cv K [OPTIONS] DATA.jsonl...

Each DATA file holds gold documents, one JSON object a line: id, text and
either with/without snippets or a body. Scores use the benchmarks' metrics
(as ../shared/bench/score.py): snippets are matched after collapsing white
space; bodies are compared as 4-token shingles, averaged per document.";

const TRAIN_HEADER: &str = "\
decruft train: train the line model

Usage:
  decruft train [OPTIONS] DATA.jsonl... -o MODEL.json

DATA files hold gold documents (id, url, text and with/without or body, as in
../shared/data) or labelled documents (id, group, text, labels, as written by
decruft label). Each file is a dataset. The first stage is a logistic
regression over the line features, their neighbours' and hashed word and
character n-grams; the second, gradient-boosted trees over the first stage's
out-of-fold scores around each line, its shape and the head evidence; the
decoder's transition costs are tuned on out-of-fold scores for the mean F1
over datasets with each one's recall held. Deterministic for a seed.";

const LABEL_HEADER: &str = "\
decruft label: derive line labels from gold documents

Usage:
  decruft label GOLD.jsonl... [-o FILE]

Writes one labelled document per line (id, group, text, labels: one of
\"keep\", \"drop\" or null per line of text) to FILE or stdout. decruft train
reads them back.";

const REPORT_HEADER: &str = "\
decruft report: a review page of what decruft removes

Usage:
  decruft report [OPTIONS] [FILE...] [-o report.html]

Reads JSON Lines records (a sample of a corpus, .gz and .zst too, or WARC
files) and writes one self-contained HTML file: lines and characters per
label, a histogram of the share of each page kept, the pages that lost
most, and each page line by line, dropped lines struck through and coloured
by label, the reason on hover. A record's text is stripped with the settings
below; a record written by decruft --jsonl --labels (text already stripped)
is shown from its labels, without the dropped lines' text.";

const LEARN_HEADER: &str = "\
decruft learn: learn the lines each site repeats on its pages

Usage:
  decruft learn [OPTIONS] [FILE...] -o PATTERNS
  decruft learn --merge PATTERNS... -o PATTERNS

Reads JSON Lines pages (FILEs, .gz and .zst too, or stdin) in one pass and
writes a patterns file: per site (the host of the URL field without www., or
--site-field), the pages seen and, per normalised line (white space
collapsed, case folded, digit runs masked), on how many pages it occurs.
Twin pages (the same article twice: AMP, re-crawls) count once. Files of
shards merge (--merge): counts add, in any order. Then strip with
decruft --jsonl --patterns PATTERNS, or do both with decruft --jsonl --learn.";

/// The help page of a command (`Plain`: the main page), its options listed
/// from [`FLAGS`].
pub fn help(command: Mode) -> String {
    // A page covers a mode and, for the main page and eval, the variant a
    // flag switches to: flags of only one of the two say so.
    let (header, base, variant) = match command {
        Plain | Jsonl => (MAIN_HEADER, Plain, Some((Jsonl, "--jsonl"))),
        Annotate => (ANNOTATE_HEADER, Annotate, None),
        Eval | EvalCv => (EVAL_HEADER, Eval, Some((EvalCv, "--cv"))),
        Train => (TRAIN_HEADER, Train, None),
        Label => (LABEL_HEADER, Label, None),
        Report => (REPORT_HEADER, Report, None),
        Learn => (LEARN_HEADER, Learn, None),
    };
    let mut out = format!("{header}\n\nOptions:\n");
    for flag in FLAGS {
        let in_base = flag.modes.contains(&base);
        let in_variant = variant.is_some_and(|(m, _)| flag.modes.contains(&m));
        let note = match variant {
            _ if !in_base && !in_variant => continue,
            Some((_, switch)) if !in_base => format!("with {switch}: "),
            Some((_, switch)) if !in_variant && flag.long != "jsonl" => {
                format!("without {switch}: ")
            }
            _ => String::new(),
        };
        let own = flag
            .help_in
            .iter()
            .find(|(m, _)| *m == base || Some(*m) == variant.map(|v| v.0));
        let mut text = format!("{note}{}", own.map_or(flag.help, |h| h.1));
        if let Some(default) = flag.default {
            let _ = write!(text, " (default: {})", default());
        }
        let short = flag.short.map_or("    ".to_string(), |c| format!("-{c}, "));
        let value = flag.value.map_or(String::new(), |v| format!(" {v}"));
        let names = format!("  {short}--{}{value}", flag.long);
        out.push_str(&wrap(&names, &text, 27));
    }
    if command == Plain {
        let labels: Vec<&str> = Label::ALL.iter().map(|l| l.as_str()).collect();
        out.push('\n');
        out.push_str(&wrap("Labels:", &labels.join(" "), 8));
        out.push_str(
            "\nExit status: 0 on success, 2 on error (one line on stderr), 130 on SIGINT.\n",
        );
    }
    out
}

/// `names` and `text` as help rows: the text wrapped in a column of its
/// own, starting at `column`.
fn wrap(names: &str, text: &str, column: usize) -> String {
    const WIDTH: usize = 79;
    let mut out = String::new();
    let mut line = format!("{names:column$}");
    if names.len() >= column {
        out.push_str(names);
        out.push('\n');
        line = " ".repeat(column);
    }
    let mut empty = true;
    for word in text.split(' ') {
        if !empty && line.len() + 1 + word.len() > WIDTH {
            out.push_str(line.trim_end());
            out.push('\n');
            line = " ".repeat(column);
            empty = true;
        }
        if !empty {
            line.push(' ');
        }
        line.push_str(word);
        empty = false;
    }
    out.push_str(line.trim_end());
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Parsed, String> {
        parse_from(lexopt::Parser::from_args(args.iter().copied())).map_err(|f| format!("{f:?}"))
    }

    fn mode(args: &[&str]) -> Mode {
        match parse(args) {
            Ok(Parsed::Run(a)) => a.mode,
            _ => panic!("{args:?} did not parse"),
        }
    }

    #[test]
    fn names_are_unique() {
        for (i, f) in FLAGS.iter().enumerate() {
            for g in &FLAGS[i + 1..] {
                assert_ne!(f.long, g.long);
                assert!(f.short.is_none() || f.short != g.short, "-{:?}", f.short);
            }
        }
    }

    #[test]
    fn modes() {
        assert_eq!(mode(&["page.txt"]), Plain);
        assert_eq!(mode(&["--labels", "--jsonl"]), Jsonl);
        assert_eq!(mode(&["annotate"]), Annotate);
        assert_eq!(mode(&["eval", "x.jsonl"]), Eval);
        assert_eq!(mode(&["eval", "--cv", "5", "x.jsonl"]), EvalCv);
        assert_eq!(mode(&["train", "x.jsonl", "-o", "m.json"]), Train);
        assert_eq!(mode(&["label", "x.jsonl"]), Label);
        assert_eq!(mode(&["--warc", "x.warc.wet.gz"]), Jsonl);
        assert_eq!(mode(&["report", "x.jsonl"]), Report);
        assert_eq!(mode(&["learn", "x.jsonl", "-o", "p"]), Learn);
        // A command name anywhere but first is a file.
        assert_eq!(mode(&["--keep", "body", "train"]), Plain);
    }

    #[test]
    fn flags_that_do_not_apply_are_errors() {
        for (args, want) in [
            (
                &["--labels", "page.txt"][..],
                "--labels does not apply to decruft [FILE...]",
            ),
            (
                &["--field", "body"],
                "--field does not apply to decruft [FILE...]",
            ),
            (&["--threads", "2"], "--threads does not apply"),
            (&["--on-error", "skip"], "--on-error does not apply"),
            (
                &["annotate", "--jsonl"],
                "--jsonl does not apply to decruft annotate",
            ),
            (
                &["eval", "--cv", "5", "--model", "m.json", "x"],
                "--model does not apply to decruft eval --cv",
            ),
            (
                &["eval", "--seed", "3", "x"],
                "--seed does not apply to decruft eval",
            ),
            (
                &["train", "x", "-o", "m", "--heuristics"],
                "--heuristics does not apply to decruft train",
            ),
            (
                &["train", "x", "-o", "m", "--keep", "body"],
                "--keep does not apply",
            ),
            (
                &["train", "x", "-o", "m", "--threshold", "3"],
                "--threshold does not apply",
            ),
            (&["label", "x", "--worst", "3"], "--worst does not apply"),
            (&["--color", "never"], "--color does not apply"),
            (&["annotate", "-o", "out"], "--output does not apply"),
            (&["--drop-empty"], "--drop-empty does not apply"),
            (
                &["--jsonl", "--rejected", "r.jsonl"],
                "--rejected needs a rule",
            ),
            (
                &["--jsonl", "--min-kept-share", "1.5"],
                "--min-kept-share takes a share from 0 to 1, not 1.5",
            ),
            (
                &["report", "--labels"],
                "--labels does not apply to decruft report",
            ),
            (&["--max-pages", "3"], "--max-pages does not apply"),
            (
                &["--jsonl", "--threads", "0"],
                "--threads takes a number from 1 to 1024, not '0'",
            ),
            (
                &["eval", "--cv", "1", "x"],
                "--cv takes from 2 to 100 folds",
            ),
            (
                &["eval", "--cv", "10000", "x"],
                "--cv takes from 2 to 100 folds",
            ),
            (
                &["--keep", ""],
                "--keep takes one or more labels: with none, every document is emptied",
            ),
            (
                &["--jsonl", "--threads", "20000"],
                "--threads takes a number from 1 to 1024, not '20000'",
            ),
            (
                &["train", "--epochs", "100000000", "x"],
                "--epochs takes a number from 1 to 10000",
            ),
            (
                &["--jsonl", "--max-record-bytes", "0"],
                "--max-record-bytes takes a number of at least 1",
            ),
            (&["--model", "m", "--heuristics"], "exclude each other"),
            (&["learn", "x.jsonl"], "learn needs -o PATTERNS"),
            (&["learn", "--merge", "-o", "p"], "needs patterns files"),
            (&["--jsonl", "--learn"], "give files, not stdin"),
            (
                &["--jsonl", "--learn", "-", "-o", "x"],
                "give files, not stdin",
            ),
            (
                &["--jsonl", "--learn", "--patterns", "p", "x"],
                "--learn and --patterns exclude each other",
            ),
            (
                &["--learn", "x"],
                "--learn does not apply to decruft [FILE...]",
            ),
            (&["--min-site-pages", "4"], "needs --patterns or --learn"),
            (
                &["--jsonl", "--patterns", "p", "--min-site-pages", "1"],
                "--min-site-pages takes 2 or more",
            ),
            (&["--merge", "x"], "--merge does not apply"),
            (&["learn", "--labels", "-o", "p"], "--labels does not apply"),
        ] {
            let err = parse(args)
                .err()
                .unwrap_or_else(|| panic!("{args:?} parsed"));
            assert!(err.contains(want), "{args:?}: {err}");
            assert!(!err.contains('\n'), "{args:?}: {err}");
        }
    }

    #[test]
    fn help_pages() {
        let main = help(Plain);
        assert!(main.contains("--field NAME"));
        assert!(main.contains("with --jsonl: the field to strip (default: text)"));
        assert!(!main.contains("--cv"));
        let eval = help(Eval);
        assert!(eval.contains("with --cv: passes over the data"));
        assert!(eval.contains("without --cv: use the model in FILE"));
        let train = help(Train);
        let epochs = format!(
            "passes over the data (default: {})",
            TrainOptions::default().epochs
        );
        assert!(train.contains(&epochs), "{train}");
        assert!(!train.contains("--keep"));
        let learn = help(Learn);
        assert!(learn.contains("--merge"), "{learn}");
        assert!(learn.contains("threads hashing pages"), "{learn}");
        for page in [
            main,
            eval,
            train,
            help(Annotate),
            help(Label),
            help(Report),
            learn,
        ] {
            assert!(page.lines().all(|l| l.chars().count() <= 79), "{page}");
        }
        assert!(matches!(parse(&["help"]), Ok(Parsed::Help(p)) if p == help(Plain)));
        assert!(matches!(parse(&["help", "train"]), Ok(Parsed::Help(p)) if p == help(Train)));
        assert!(
            matches!(parse(&["eval", "--cv", "5", "-h"]), Ok(Parsed::Help(p)) if p == help(Eval))
        );
        assert!(parse(&["help", "nope"]).is_err());
    }
}
