//! The flag table, parsing and the help pages.

use decruft::TrainOptions;

use crate::flags::defs::FLAGS;
use crate::flags::help::help;
use crate::flags::parse::parse_from;
use crate::flags::{Mode, Parsed};

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
    assert_eq!(mode(&["page.txt"]), Mode::Plain);
    assert_eq!(mode(&["--labels", "--jsonl"]), Mode::Jsonl);
    assert_eq!(mode(&["annotate"]), Mode::Annotate);
    assert_eq!(mode(&["eval", "x.jsonl"]), Mode::Eval);
    assert_eq!(mode(&["eval", "--cv", "5", "x.jsonl"]), Mode::EvalCv);
    assert_eq!(mode(&["train", "x.jsonl", "-o", "m.json"]), Mode::Train);
    assert_eq!(mode(&["label", "x.jsonl"]), Mode::Label);
    assert_eq!(mode(&["--warc", "x.warc.wet.gz"]), Mode::Jsonl);
    assert_eq!(mode(&["report", "x.jsonl"]), Mode::Report);
    assert_eq!(mode(&["learn", "x.jsonl", "-o", "p"]), Mode::Learn);
    // A command name anywhere but first is a file.
    assert_eq!(mode(&["--keep", "body", "train"]), Mode::Plain);
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
        // (annotate -o writes a file since issue 20.)
        (&["annotate", "--drop-empty"], "--drop-empty does not apply"),
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
    let main = help(Mode::Plain);
    assert!(main.contains("--field NAME"));
    assert!(main.contains("with --jsonl: the field to strip (default: text)"));
    assert!(!main.contains("--cv"));
    let eval = help(Mode::Eval);
    assert!(eval.contains("with --cv: passes over the data"));
    assert!(eval.contains("without --cv: use the model in FILE"));
    let train = help(Mode::Train);
    let epochs = format!(
        "passes over the data (default: {})",
        TrainOptions::default().epochs
    );
    assert!(train.contains(&epochs), "{train}");
    assert!(!train.contains("--keep"));
    let learn = help(Mode::Learn);
    assert!(learn.contains("--merge"), "{learn}");
    assert!(learn.contains("threads hashing pages"), "{learn}");
    for page in [
        main,
        eval,
        train,
        help(Mode::Annotate),
        help(Mode::Label),
        help(Mode::Report),
        learn,
    ] {
        assert!(page.lines().all(|l| l.chars().count() <= 79), "{page}");
    }
    assert!(matches!(parse(&["help"]), Ok(Parsed::Help(p)) if p == help(Mode::Plain)));
    assert!(matches!(parse(&["help", "train"]), Ok(Parsed::Help(p)) if p == help(Mode::Train)));
    assert!(
        matches!(parse(&["eval", "--cv", "5", "-h"]), Ok(Parsed::Help(p)) if p == help(Mode::Eval))
    );
    assert!(parse(&["help", "nope"]).is_err());
}
