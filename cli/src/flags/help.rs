//! The help pages: a header per command, then its options listed from
//! the flag table.

use std::fmt::Write as _;

use decruft::Label;

use crate::flags::defs::FLAGS;
use crate::flags::Mode;

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
        Mode::Plain | Mode::Jsonl => (MAIN_HEADER, Mode::Plain, Some((Mode::Jsonl, "--jsonl"))),
        Mode::Annotate => (ANNOTATE_HEADER, Mode::Annotate, None),
        Mode::Eval | Mode::EvalCv => (EVAL_HEADER, Mode::Eval, Some((Mode::EvalCv, "--cv"))),
        Mode::Train => (TRAIN_HEADER, Mode::Train, None),
        Mode::Label => (LABEL_HEADER, Mode::Label, None),
        Mode::Report => (REPORT_HEADER, Mode::Report, None),
        Mode::Learn => (LEARN_HEADER, Mode::Learn, None),
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
    if command == Mode::Plain {
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
