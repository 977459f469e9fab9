//! The command line, declared once.
//!
//! Every flag is one entry of the table in [`defs`]: its names, its value,
//! the modes it applies to, its help and its default. Parsing ([`parse`])
//! and the help pages ([`help`]) read that table (the shape of ripgrep's
//! `flags/`): raw flags are collected first, the mode is settled
//! (`--jsonl`, `--cv` and the command pick it), and a flag that does not
//! apply to that mode is an error, never silently ignored. What comes out
//! is a checked [`Args`]. Modes are always written `Mode::…` (`Mode::Label`
//! is the `label` command, `decruft::Label` a line's label).

pub mod defs;
pub mod help;
pub mod parse;
#[cfg(test)]
mod tests;

use std::num::NonZeroUsize;

use decruft::{DocRules, JsonlOptions, LabelSet, OnError, TrainOptions};

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

/// The checked arguments of a run.
pub struct Args {
    pub mode: Mode,
    pub files: Vec<String>,
    pub jsonl: JsonlOptions,
    pub on_error: OnError,
    pub threads: Option<NonZeroUsize>,
    /// `--max-record-bytes`: the longest record (`--jsonl`, `learn`,
    /// `report`) or line (plain text) read.
    pub max_record_bytes: usize,
    /// `--text`: binary files are read as text, not skipped.
    pub text: bool,
    pub keep: Option<LabelSet>,
    pub language: Option<String>,
    pub threshold: f32,
    pub model: Option<String>,
    pub heuristics: bool,
    /// `--cascade`: the model's cascade on (see `StripperBuilder::cascade`).
    pub cascade: bool,
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
