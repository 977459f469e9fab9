/*!
decruft strips boilerplate from scraped article text. It reads the plain text
a scraper dumped from a web page and keeps the article (title, standfirst,
headings, body) byte for byte, dropping menus, bylines and dates, teaser
blocks, newsletter, donation, share and comment widgets, cookie and legal
notices, each with a label and a reason.

# Overview

A document goes through seven stages, in this order; the folders of `src/`
follow them:

```text
 text ─► 1 lines ─► 2 features ─► 3 rules ─► 4 stage 1 ─► 5 stage 2 ─► 6 decode ─► 7 verdicts ─► Stripped
           text/      classify/     classify/   classify/     classify/     classify/    classify/
                      features      rules,      stage1        stage2        decode       headline,
                                    evidence                                             verdict
             ▲            ▲                        ▲            ▲     ▲
        text/lexicon, stopwords, shapes        model/      model/trees site/
```

1. **lines** (`text/`): the input cut into line spans (no copies), a long
   line (a page that arrived as one line, a menu glued to the article) cut
   further into pieces at sentence ends, item separators and where a menu
   turns into prose (`text/segment`): every later stage judges these units,
   a piece as a line; words and their hashes; the boilerplate phrase lexicon (one Aho-Corasick scan
   per document, phrases in `data/lexicon`), the stoplists
   (`data/stopwords`) and the regex shapes of metadata lines.
2. **features** (`classify/features`): each line measured: its shape,
   stopword density against the document's language, phrases by category,
   dates and bylines, repetition.
3. **rules** (`classify/rules`, `classify/evidence`): the heuristics' log-odds
   and cause per line, end-of-article markers; the lines that repeat the
   page's title or its URL's slug.
4. **stage 1** (`classify/stage1`, `model/`): the learned model scores each
   line from its own features, its neighbours' and hashed n-grams.
5. **stage 2** (`classify/stage2`, `model/trees`, `site/`): each line scored
   again from the first stage's scores around it (gradient-boosted trees),
   and from the share of its site's pages that hold it (site [`Patterns`]).
6. **decode** (`classify/decode`): a Viterbi pass reads the scores as one
   article (before it, inside it, in a hole of it, after it), so context
   decides what a line cannot decide alone.
7. **verdicts** (`classify/headline`, `classify/verdict`): the title and
   standfirst picked, each line given its [`Verdict`] (label, score,
   [`Reason`], kept or not) in a [`Stripped`].

[`Stripper`] runs them over a document; `io/` runs a stripper over many:
[`strip_record`] and [`JsonlStream`] over JSON Lines, [`map_batch`] over
any batch, [`DocRules`] on what is left of each. Training and evaluation
(`decruft train`, `decruft eval`) live in `train/`, behind the `train`
feature; they fit the model with the same stages.

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
#![forbid(unsafe_code)]

#[cfg(feature = "stages")]
#[doc(hidden)]
pub mod bench;
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
pub use crate::io::batch::{default_threads, map_batch, MAX_THREADS};
pub use crate::io::doc_rules::{DocRules, Rejection};
pub use crate::io::jsonl::options::JsonlOptions;
pub use crate::io::jsonl::{strip_record, strip_record_flagged};
pub use crate::io::reader::Piece;
pub use crate::io::stream::{JsonlStream, OnError, StreamStats, MAX_RECORD_BYTES};
pub use crate::label::PageKind;
pub use crate::label::{Label, LabelSet};
pub use crate::site::url::site_of_url;
pub use crate::site::wire::PATTERNS_VERSION;
pub use crate::site::{
    Page, Patterns, DEFAULT_BUDGET, DEFAULT_MIN_PAGES, DEFAULT_SITE_CAP, LEAST_MIN_PAGES,
};
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

/// The README's Rust examples, compiled and run as doctests (issue 20: the
/// README's examples as written must work).
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
