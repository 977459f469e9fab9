//! The library's one error type.
//!
//! Classifying a line never fails; what can fail is building a stripper from
//! bad settings or a bad model file, reading a JSONL record or stream, or
//! training.

use std::fmt;

/// An error from building a [`Stripper`](crate::Stripper), loading a model,
/// reading a JSONL record, or running a [`JsonlStream`](crate::JsonlStream).
///
/// The kind is private on purpose (as in `aho-corasick` and `regex`): match on
/// the message, not on variants, so new failure modes are not breaking changes.
#[derive(Debug)]
pub struct Error {
    kind: ErrorKind,
}

#[derive(Debug)]
enum ErrorKind {
    Setting(String),
    Model(String),
    Record(String),
    /// A bad record that stopped a stream: where, and why.
    Stream(String),
    /// Reading the named input failed.
    Read(String, std::io::Error),
    /// Writing the output failed.
    Write(std::io::Error),
}

impl Error {
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

    pub(crate) fn stream(msg: String) -> Error {
        Error {
            kind: ErrorKind::Stream(msg),
        }
    }

    pub(crate) fn read(name: &str, e: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Read(name.to_string(), e),
        }
    }

    pub(crate) fn write(e: std::io::Error) -> Error {
        Error {
            kind: ErrorKind::Write(e),
        }
    }

    /// The I/O error of a stream's reader or writer, if this is one (as
    /// opposed to bad input or bad settings). A filter treats a closed
    /// output pipe (`ErrorKind::BrokenPipe`, `decruft … | head`) as a normal
    /// end.
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match &self.kind {
            ErrorKind::Read(_, e) | ErrorKind::Write(e) => Some(e),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Setting(msg) | ErrorKind::Stream(msg) => f.write_str(msg),
            ErrorKind::Model(msg) => write!(f, "bad model: {msg}"),
            ErrorKind::Record(msg) => write!(f, "bad record: {msg}"),
            ErrorKind::Read(name, e) => write!(f, "{name}: {e}"),
            ErrorKind::Write(e) => write!(f, "cannot write output: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.io_error().map(|e| e as _)
    }
}
