//! Parsing: raw flags collected, the mode settled (the command, `--jsonl`,
//! `--cv`), each flag checked against it and stored, then the checks no
//! single flag can make.

use decruft::{DocRules, JsonlOptions, OnError, TrainOptions};

use crate::flags::defs::{Flag, FLAGS};
use crate::flags::help::help;
use crate::flags::{Args, Mode, Parsed};
use crate::Failure;

/// The commands, by name.
const COMMANDS: [(&str, Mode); 6] = [
    ("learn", Mode::Learn),
    ("annotate", Mode::Annotate),
    ("eval", Mode::Eval),
    ("train", Mode::Train),
    ("label", Mode::Label),
    ("report", Mode::Report),
];

/// Parses the process's arguments.
pub fn from_env() -> Result<Parsed, Failure> {
    parse_from(lexopt::Parser::from_env())
}

pub(super) fn parse_from(mut parser: lexopt::Parser) -> Result<Parsed, Failure> {
    use lexopt::prelude::*;
    let mut command = Mode::Plain;
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
                    .unwrap_or(Mode::Plain);
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
            [] => Mode::Plain,
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
        Mode::Plain if has("jsonl") || has("warc") => Mode::Jsonl,
        Mode::Eval if has("cv") => Mode::EvalCv,
        c => c,
    };
    let mut args = Args {
        mode,
        files,
        jsonl: JsonlOptions::default(),
        on_error: OnError::Fail,
        threads: None,
        max_record_bytes: decruft::MAX_RECORD_BYTES,
        text: false,
        keep: None,
        language: None,
        threshold: 0.0,
        model: None,
        heuristics: false,
        cascade: false,
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
        Mode::Annotate if args.files.len() > 1 => Err(Failure::new("annotate takes one file at most")),
        Mode::Eval | Mode::EvalCv | Mode::Train | Mode::Label if args.files.is_empty() => {
            Err(Failure::new("no data files given (see --help)"))
        }
        Mode::Train if args.output.is_none() => Err(Failure::new("train needs -o MODEL.json")),
        Mode::Learn if args.output.is_none() => Err(Failure::new("learn needs -o PATTERNS")),
        Mode::Learn if args.merge && args.files.is_empty() => {
            Err(Failure::new("learn --merge needs patterns files to merge"))
        }
        Mode::Jsonl if args.learn && args.patterns.is_some() => {
            Err(Failure::new("--learn and --patterns exclude each other"))
        }
        Mode::Jsonl if args.learn && (args.files.is_empty() || args.files.iter().any(|f| f == "-")) => {
            Err(Failure::new(
                "--learn reads its files twice: give files, not stdin (or run decruft learn, then --patterns)",
            ))
        }
        Mode::Jsonl if args.learn && args.warc => Err(Failure::new(
            "--learn reads JSON Lines: turn WARC into JSON Lines with --warc first",
        )),
        _ if args.min_site_pages.is_some() && args.patterns.is_none() && !args.learn => {
            Err(Failure::new("--min-site-pages needs --patterns or --learn"))
        }
        Mode::Jsonl if args.rejected.is_some() && args.rules.is_off() => Err(Failure::new(
            "--rejected needs a rule: --drop-empty, --min-kept-chars or --min-kept-share",
        )),
        Mode::Jsonl if args.rejected.is_some() && args.rejected == args.output => {
            Err(Failure::new("--rejected and --output name the same file"))
        }
        _ => Ok(()),
    }
}
