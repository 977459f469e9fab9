//! The flag table: every flag declared once (names, value, the modes it
//! applies to, help, default, and how it is stored).

use std::num::NonZeroUsize;

use decruft::{JsonlOptions, Label, LabelSet, OnError, TrainOptions};

use crate::flags::{Args, Mode};
use crate::Failure;

/// The modes that strip documents with a configurable stripper.
const STRIPPING: &[Mode] = &[
    Mode::Plain,
    Mode::Jsonl,
    Mode::Annotate,
    Mode::Eval,
    Mode::Report,
];
const EVERYWHERE: &[Mode] = &[
    Mode::Plain,
    Mode::Jsonl,
    Mode::Annotate,
    Mode::Eval,
    Mode::EvalCv,
    Mode::Train,
    Mode::Label,
    Mode::Report,
    Mode::Learn,
];
/// The modes that strip documents and can read site patterns.
const PATTERNED: &[Mode] = &[Mode::Plain, Mode::Jsonl, Mode::Annotate, Mode::Report];

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
/// (each holds a stack and scratch memory; the library's bound, which
/// Python's `threads=` shares), folds (each trains a model), passes over
/// the data.
use decruft::MAX_THREADS;
const MAX_FOLDS: usize = 100;
const MAX_EPOCHS: usize = 10_000;

/// Every flag.
pub const FLAGS: &[Flag] = &[
    Flag {
        long: "jsonl",
        short: None,
        value: None,
        modes: &[Mode::Plain, Mode::Jsonl],
        help: "read and write JSON Lines, one object per line",
        help_in: &[],
        default: None,
        set: |_, _| Ok(()), // it picks the mode
    },
    Flag {
        long: "warc",
        short: None,
        value: None,
        modes: &[Mode::Plain, Mode::Jsonl],
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
        modes: &[Mode::Jsonl, Mode::Report, Mode::Learn],
        help: "the field to strip",
        help_in: &[(Mode::Learn, "the field holding the page's text")],
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
        modes: &[Mode::Jsonl],
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
        modes: &[Mode::Jsonl, Mode::Learn],
        help: "a field holding the page's URL, whose slug is evidence of the headline \
               and whose host is the page's site for --patterns (used when present; '' \
               for none)",
        help_in: &[(
            Mode::Learn,
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
        modes: &[Mode::Jsonl, Mode::Learn, Mode::Report],
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
        // Each mode names only the flags it takes (issue 20: report's help
        // named --url-field, which report refuses).
        help_in: &[
            (
                Mode::Plain,
                "site patterns (written by decruft learn): a line most pages of its site \
                 hold is likely template; the share of the site's pages holding each line \
                 is a model input. The page's site is the host of --url, or --site",
            ),
            (
                Mode::Annotate,
                "site patterns (written by decruft learn): a line most pages of its site \
                 hold is likely template; the share of the site's pages holding each line \
                 is a model input. The page's site is the host of --url, or --site",
            ),
            (
                Mode::Report,
                "site patterns (written by decruft learn): a line most pages of its site \
                 hold is likely template; the share of the site's pages holding each line \
                 is a model input. A page's site is the host of its url field, or \
                 --site-field",
            ),
        ],
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
        modes: &[Mode::Jsonl],
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
        help: "with --patterns: sites with fewer than K pages are stripped as without \
               patterns",
        help_in: &[(
            Mode::Jsonl,
            "with --patterns or --learn: sites with fewer than K pages are stripped as \
             without patterns",
        )],
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
        modes: &[Mode::Plain, Mode::Annotate],
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
        modes: &[Mode::Plain, Mode::Annotate],
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
        modes: &[Mode::Learn],
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
        modes: &[Mode::Learn],
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
        modes: &[Mode::Learn],
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
        modes: &[Mode::EvalCv, Mode::Train],
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
        modes: &[Mode::EvalCv, Mode::Train],
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
        modes: &[Mode::Jsonl],
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
        modes: &[Mode::Jsonl, Mode::Learn],
        help: "what to do with a bad record: fail (stop, exit 2), skip (drop it, count \
               on stderr) or keep (write it through unchanged; a truncated or corrupt \
               WARC record: what could be read, with a warc_error field)",
        help_in: &[(
            Mode::Learn,
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
        modes: &[Mode::Plain, Mode::Jsonl, Mode::Annotate, Mode::Report, Mode::Learn],
        help: "the longest record read, in bytes: a longer line is read past, never held \
               whole, and is a bad record (--on-error; with keep it is dropped and counted; \
               a WARC record's block too)",
        help_in: &[
            (
                Mode::Plain,
                "the longest line read, in bytes: a longer one is read past, never held \
                 whole, and left out with a message (exit status 2)",
            ),
            (
                Mode::Annotate,
                "the longest line read, in bytes: a longer one is read past, never held \
                 whole, and shown as not read (exit status 2)",
            ),
            (
                Mode::Report,
                "the longest record read, in bytes: a longer one is read past, never held \
                 whole, and left out and counted",
            ),
            (
                Mode::Learn,
                "the longest record read, in bytes: a longer one is read past, never held \
                 whole, and is a bad record (--on-error)",
            ),
        ],
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
        long: "text",
        short: Some('a'),
        value: None,
        modes: &[Mode::Plain, Mode::Annotate],
        help: "strip binary files as text: by default a file with a NUL byte in its first \
               64 KiB is skipped with a message (exit status 2)",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.text = true;
            Ok(())
        },
    },
    Flag {
        long: "drop-empty",
        short: None,
        value: None,
        modes: &[Mode::Jsonl],
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
        modes: &[Mode::Jsonl],
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
        modes: &[Mode::Jsonl],
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
        modes: &[Mode::Jsonl],
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
        modes: &[Mode::Report],
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
        modes: &[Mode::Jsonl, Mode::Learn],
        help: "threads stripping records; the output is the same whatever N",
        help_in: &[(Mode::Learn, "threads hashing pages; the output is the same whatever N")],
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
        long: "cascade",
        short: None,
        value: None,
        modes: STRIPPING,
        help: "let lines the first stage is sure of skip the trees (about 1.3x faster; CV recall about 0.005 lower)",
        help_in: &[],
        default: None,
        set: |a, _| {
            a.cascade = true;
            Ok(())
        },
    },
    Flag {
        long: "color",
        short: None,
        value: Some("WHEN"),
        modes: &[Mode::Annotate],
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
        modes: &[Mode::Eval, Mode::EvalCv],
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
        modes: &[Mode::EvalCv, Mode::Train],
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
        modes: &[Mode::EvalCv, Mode::Train],
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
        modes: &[Mode::EvalCv, Mode::Train],
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
        long: "leaves",
        short: None,
        value: Some("N"),
        modes: &[Mode::EvalCv, Mode::Train],
        help: "leaves per tree of the second stage, at most",
        help_in: &[],
        default: Some(|| TrainOptions::default().leaves.to_string()),
        set: |a, v| {
            a.train.leaves = number("--leaves", v)?;
            if !(2..=256).contains(&a.train.leaves) {
                return Err(Failure::new("--leaves takes 2 to 256"));
            }
            Ok(())
        },
    },
    Flag {
        long: "forests",
        short: None,
        value: Some("N"),
        modes: &[Mode::EvalCv, Mode::Train],
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
        modes: &[Mode::EvalCv, Mode::Train],
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
        modes: &[Mode::Train],
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
        modes: &[Mode::Eval],
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
        modes: &[
            Mode::Plain,
            Mode::Jsonl,
            Mode::Annotate,
            Mode::EvalCv,
            Mode::Train,
            Mode::Label,
            Mode::Report,
            Mode::Learn,
        ],
        help: "where to write",
        help_in: &[
            (Mode::Plain, "write to PATH instead of stdout, compressed if it ends in .gz or .zst"),
            (Mode::Annotate, "write to PATH instead of stdout, compressed if it ends in .gz or .zst"),
            (Mode::Jsonl, "write to PATH instead of stdout, compressed if it ends in .gz or .zst"),
            (Mode::Report, "the HTML file to write (default: stdout)"),
            (Mode::EvalCv, "a directory to write each held-out output to, as PATH/DATA.CLASSIFIER.jsonl (id and text lines)"),
            (Mode::Train, "the model file to write (required)"),
            (Mode::Label, "where to write the labelled documents (default: stdout)"),
            (Mode::Learn, "the patterns file to write (required)"),
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
