/*!
decruft strips boilerplate from scraped article text. It reads the plain text
a scraper dumped from a web page and keeps the article (title, standfirst,
headings, body) byte for byte, dropping menus, bylines and dates, teaser
blocks, newsletter, donation, share and comment widgets, cookie and legal
notices, each with a label and a reason.

# Overview

The data flow follows the module names:

```text
bytes ─► lines ─► features ─► rules ──────────────► decode ─► verdict (labels, reasons, cleaned text)
                     │            ╲                   ▲
                     ▼             ► model (stage 1) ─► context (stage 2)
          lexicon (Aho-Corasick), stopwords, patterns (regex), tokens
```

* `lines` splits the input into spans (no copies);
* `features` measures each line: shape, stopword density against the
  document's language, boilerplate phrases (one Aho-Corasick scan over the
  document, lexicon in `data/lexicon`), metadata regexes, repetition;
* `rules` turns the features into a log-odds per line and a cause;
* `vectorize` and `model` score each line with the learned model, `context`
  re-scores it from the scores around it;
* `decode` reads the scores as a sequence (before the article, inside it,
  in a hole of it, after it) so context decides what a line cannot decide
  alone;
* `verdict` gives each line its [`Verdict`]: label, reason, kept or not.

[`Stripper`] runs them over a document; [`strip_record`] and
[`JsonlStream`] over JSON Lines; [`map_batch`] over many documents at once.
Training and evaluation (`decruft train`, `decruft eval`) are behind the
`train` feature.

# Example

```
use decruft::{Label, Stripper};

let page = "\
Accueil
Actualités

Le président a déclaré jeudi qu'il était prêt à reprendre le dialogue avec son homologue, une première depuis des années.

Selon son porte-parole, les deux dirigeants pourraient se parler dans les prochains jours, même si aucune date n'a été fixée.

Partager sur Facebook
";
let stripper = Stripper::new();
let out = stripper.strip(page);
assert!(out.text().starts_with("Le président a déclaré jeudi"));
assert!(!out.text().contains("Partager"));
for v in out.lines() {
    println!("{} {:<10} {:.2} {}", if v.kept { '+' } else { '-' }, v.label, v.score, v.reason);
}
assert_eq!(out.lines()[0].label, Label::Navigation);
```
*/

#![deny(missing_docs)]

mod classify;
mod error;
mod hints;
mod io;
mod label;
mod model;
mod site;
mod strip;
mod stripped;
mod text;
#[cfg(feature = "train")]
mod train;
mod util;

pub use crate::error::Error;
pub use crate::hints::Hints;
pub use crate::io::batch::{default_threads, map_batch};
pub use crate::io::doc_rules::{DocRules, Rejection};
pub use crate::io::jsonl::options::JsonlOptions;
pub use crate::io::jsonl::{strip_record, strip_record_flagged};
pub use crate::io::stream::{JsonlStream, OnError, StreamStats, MAX_RECORD_BYTES};
pub use crate::label::{Label, LabelSet};
pub use crate::site::url::site_of_url;
pub use crate::site::wire::PATTERNS_VERSION;
pub use crate::site::{Page, Patterns, DEFAULT_BUDGET, DEFAULT_MIN_PAGES, DEFAULT_SITE_CAP};
pub use crate::strip::{Stripper, StripperBuilder};
pub use crate::stripped::{Reason, Stripped, Verdict};

#[cfg(feature = "train")]
pub use crate::train::{
    cv::{cross_validate, CvDoc, CvRow},
    dataset::LabelledDoc,
    eval::{
        aggregate, bootstrap_std, doc_counts, doc_score, first_line_kept, DocCounts, GoldDoc,
        Scores,
    },
    options::TrainOptions,
    train, TrainedModel,
};

/// Entry points into the pipeline's stages, for the benchmarks in
/// `benches/`. Not a stable API.
#[doc(hidden)]
pub mod bench {
    use std::sync::LazyLock;

    use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

    use crate::classify::features::DocFeatures;
    use crate::text::lexicon::{ScanBufs, DEFAULT};
    use crate::text::lines::{self, Span};

    /// Splits `text` into line spans; returns the number of lines.
    pub fn split_lines(text: &str) -> usize {
        let mut spans: Vec<Span> = Vec::new();
        lines::split(text.as_bytes(), &mut spans);
        spans.len()
    }

    /// Runs the bare Aho-Corasick automaton of the default lexicon over
    /// `text` (no word-boundary checks); returns the number of matches.
    pub fn bare_scan(text: &str) -> usize {
        // One DFA of all the phrases: the fastest single pass there is.
        static ALL: LazyLock<AhoCorasick> = LazyLock::new(|| {
            AhoCorasick::builder()
                .kind(Some(AhoCorasickKind::DFA))
                .match_kind(MatchKind::LeftmostLongest)
                .build(DEFAULT.folded_phrases())
                .expect("the lexicon builds")
        });
        ALL.find_iter(text).count()
    }

    /// Runs the lexicon scan as the features use it (every line a piece);
    /// returns the number of hits.
    pub fn lexicon_scan(text: &str) -> usize {
        let mut spans: Vec<Span> = Vec::new();
        lines::split(text.as_bytes(), &mut spans);
        let pieces: Vec<(u32, u32)> = spans
            .iter()
            .map(|s| (s.content().start as u32, s.content().end as u32))
            .collect();
        let mut n = 0;
        DEFAULT.scan(text, &pieces, &mut ScanBufs::default(), |_, _| n += 1);
        n
    }

    /// Extracts the line features of `text`; returns the number of words.
    pub fn features(text: &str) -> u64 {
        let mut spans: Vec<Span> = Vec::new();
        lines::split(text.as_bytes(), &mut spans);
        let mut doc = DocFeatures::default();
        doc.extract(&DEFAULT, text, &spans, None);
        doc.lines.iter().map(|f| f.words as u64).sum()
    }
}
