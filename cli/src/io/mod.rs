//! Inputs, outputs and signals: files or the standard streams, plain or
//! compressed; outputs written whole or not at all, never over an input;
//! WARC records as JSON Lines; SIGINT and SIGTERM noted.

pub mod input;
pub mod lines;
pub mod output;
pub mod paths;
pub mod signals;
pub mod warc;
