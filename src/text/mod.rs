//! Stage 1 of the pipeline: the text itself. Line spans, words and their
//! hashes, the boilerplate phrase lexicon and stoplists, and the regex
//! shapes of metadata lines.

pub(crate) mod data;
pub(crate) mod fold;
pub(crate) mod lexicon;
pub(crate) mod lines;
pub(crate) mod parts;
pub(crate) mod segment;
pub(crate) mod shapes;
pub(crate) mod stopwords;
pub(crate) mod tokens;
