//! The library's one error type.
//!
//! Classifying a line never fails; what can fail is building a stripper from
//! bad settings or a bad model file, reading a JSONL record, or training.

use std::fmt;

/// An error from building a [`Stripper`](crate::Stripper), loading a model, or
/// reading a JSONL record.
///
/// The kind is private on purpose (as in `aho-corasick` and `regex`): match on
/// the message, not on variants, so new failure modes are not breaking changes.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    UnknownLabel(String),
    Setting(String),
    Model(String),
    Record(String),
    Io(std::io::Error),
}

impl Error {
    pub(crate) fn unknown_label(name: &str) -> Error {
        let names: Vec<&str> = crate::Label::ALL.iter().map(|l| l.as_str()).collect();
        Error {
            kind: ErrorKind::UnknownLabel(format!(
                "unknown label '{name}' (expected one of: {})",
                names.join(", ")
            )),
        }
    }

    pub(crate) fn setting(msg: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Setting(msg.into()),
        }
    }

    pub(crate) fn model(msg: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Model(msg.into()),
        }
    }

    pub(crate) fn record(msg: impl Into<String>) -> Error {
        Error {
            kind: ErrorKind::Record(msg.into()),
        }
    }

    /// Whether this error is an I/O error of the underlying reader or writer
    /// (as opposed to bad input or bad settings).
    pub fn is_io(&self) -> bool {
        matches!(self.kind, ErrorKind::Io(_))
    }

    /// The underlying I/O error, if this is one.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::UnknownLabel(msg) | ErrorKind::Setting(msg) => f.write_str(msg),
            ErrorKind::Model(msg) => write!(f, "bad model: {msg}"),
            ErrorKind::Record(msg) => write!(f, "bad record: {msg}"),
            ErrorKind::Io(e) => write!(f, "i/o error: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match &self.kind {
            ErrorKind::Io(e) => Some(e),
            _ => None,
        }
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Io(e),
        }
    }
}
