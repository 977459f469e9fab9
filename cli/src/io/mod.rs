//! Inputs, outputs and signals: files or the standard streams, plain or
//! compressed; WARC records as JSON Lines; SIGINT and SIGTERM noted.

pub mod input;
pub mod signals;
pub mod warc;
