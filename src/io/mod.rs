//! Many documents, or one large one: JSON Lines records and streams, the
//! batch engine, the rules that reject whole documents, and a document
//! read from a stream a part at a time.

pub(crate) mod batch;
pub(crate) mod doc_rules;
pub(crate) mod jsonl;
pub(crate) mod reader;
pub(crate) mod stream;
