//! Many documents: JSON Lines records and streams, the batch engine, and
//! the rules that reject whole documents.

pub(crate) mod batch;
pub(crate) mod doc_rules;
pub(crate) mod jsonl;
pub(crate) mod stream;
