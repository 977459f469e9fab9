//! Scoring against gold data, with the metrics of the extraction benchmarks
//! (the same as `../shared/bench/score.py`).
//!
//! Two kinds of gold documents:
//!
//! * snippet documents (trafilatura's benchmark): `with` snippets must be in
//!   the output, `without` snippets must not; after collapsing white space, a
//!   `with` found is a true positive, a `without` found a false positive.
//!   Counts are summed over documents.
//! * body documents (Zyte's article-extraction benchmark, Readability's test
//!   pages): gold `body` and output become multisets of 4-token shingles
//!   (tokens are `\w+` runs); per document, tp/fp/fn are normalised to sum to
//!   one; precision and recall are means over documents, F1 is their harmonic
//!   mean.

use std::collections::HashMap;

use serde::Deserialize;

use crate::error::Error;
use crate::train::rng::Rng;
use crate::train::words;

/// One gold document.
#[derive(Clone, Debug, Deserialize)]
#[non_exhaustive]
pub struct GoldDoc {
    /// Document id.
    pub id: String,
    /// The page's URL, if known.
    #[serde(default)]
    pub url: Option<String>,
    /// The page's site (host without `www.`), if the data gives it: it
    /// decides the cross-validation group, before the URL.
    #[serde(default)]
    pub site: Option<String>,
    /// The page's language (ISO 639-1), if the data gives it: Chinese and
    /// Japanese pages are scored with one token per character.
    #[serde(default)]
    pub lang: Option<String>,
    /// The input text.
    pub text: String,
    /// Benchmark the document comes from.
    #[serde(default)]
    pub source: Option<String>,
    /// Snippets that must survive.
    #[serde(default)]
    pub with: Option<Vec<String>>,
    /// Snippets that must not survive.
    #[serde(default)]
    pub without: Option<Vec<String>>,
    /// The article body.
    #[serde(default)]
    pub body: Option<String>,
}

impl GoldDoc {
    /// Parses one JSONL line.
    pub fn from_json(line: &str) -> Result<GoldDoc, Error> {
        let doc: GoldDoc = serde_json::from_str(line).map_err(|e| Error::record(e.to_string()))?;
        if doc.body.is_none() && doc.with.is_none() {
            return Err(Error::record(format!(
                "gold document {} has neither \"body\" nor \"with\"",
                doc.id
            )));
        }
        Ok(doc)
    }
}

/// Per-document counts.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct DocCounts {
    /// Snippets: counts; bodies: normalised shares.
    pub tp: f64,
    /// False positives.
    pub fp: f64,
    /// False negatives.
    pub fn_: f64,
    /// True negatives (snippets only).
    pub tn: f64,
    /// Bodies: whether the token sequences are equal.
    pub exact: bool,
    /// Whether this is a snippet document.
    pub snippets: bool,
}

/// Aggregate scores of a set of documents of one kind.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Scores {
    /// Number of documents.
    pub docs: usize,
    /// Precision.
    pub precision: f64,
    /// Recall.
    pub recall: f64,
    /// F1.
    pub f1: f64,
    /// Accuracy (snippets: (tp+tn)/all; bodies: share of exact matches).
    pub accuracy: f64,
}

fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// Collapses runs of white space to one space and trims (Python's
/// `re.sub(r"\s+", " ", s).strip()`).
pub(super) fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for part in s.split(is_py_space).filter(|p| !p.is_empty()) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(part);
    }
    out
}

fn shingles<'a>(toks: &'a [&'a str]) -> HashMap<&'a [&'a str], u32> {
    let mut out = HashMap::new();
    if toks.is_empty() {
        return out;
    }
    let n = toks.len().saturating_sub(3).max(1);
    for i in 0..n {
        *out.entry(&toks[i..(i + 4).min(toks.len())]).or_insert(0) += 1;
    }
    out
}

/// Scores one document's output against its gold.
pub fn doc_counts(doc: &GoldDoc, output: &str) -> DocCounts {
    if let Some(with) = &doc.with {
        let out = norm(output);
        let found = |s: &String| out.contains(&norm(s));
        let tp = with.iter().filter(|s| found(s)).count() as f64;
        let without = doc.without.as_deref().unwrap_or(&[]);
        let fp = without.iter().filter(|s| found(s)).count() as f64;
        return DocCounts {
            tp,
            fp,
            fn_: with.len() as f64 - tp,
            tn: without.len() as f64 - fp,
            exact: false,
            snippets: true,
        };
    }
    let body = doc.body.as_deref().unwrap_or("");
    let (gt, pt): (Vec<&str>, Vec<&str>) = if matches!(doc.lang.as_deref(), Some("zh" | "ja")) {
        (
            words::bench_words_cjk(body).collect(),
            words::bench_words_cjk(output).collect(),
        )
    } else {
        (
            words::bench_words(body).collect(),
            words::bench_words(output).collect(),
        )
    };
    let (gold, pred) = (shingles(&gt), shingles(&pt));
    let mut tp = 0u64;
    let mut fp = 0u64;
    for (k, &c) in &pred {
        let g = gold.get(k).copied().unwrap_or(0);
        tp += c.min(g) as u64;
        fp += c.saturating_sub(g) as u64;
    }
    let fn_: u64 = gold
        .iter()
        .map(|(k, &g)| g.saturating_sub(pred.get(k).copied().unwrap_or(0)) as u64)
        .sum();
    let s = (tp + fp + fn_) as f64;
    let exact = gt == pt;
    if s == 0.0 {
        return DocCounts {
            exact,
            ..DocCounts::default()
        };
    }
    DocCounts {
        tp: tp as f64 / s,
        fp: fp as f64 / s,
        fn_: fn_ as f64 / s,
        tn: 0.0,
        exact,
        snippets: false,
    }
}

fn doc_pr(c: &DocCounts) -> (f64, f64) {
    let perfect = c.fp == 0.0 && c.fn_ == 0.0;
    let p = if perfect {
        1.0
    } else if c.tp == 0.0 && c.fp == 0.0 {
        0.0
    } else {
        c.tp / (c.tp + c.fp)
    };
    let r = if perfect {
        1.0
    } else if c.tp == 0.0 && c.fn_ == 0.0 {
        0.0
    } else {
        c.tp / (c.tp + c.fn_)
    };
    (p, r)
}

/// Aggregates per-document counts (all of one kind) into scores.
pub fn aggregate(counts: &[DocCounts]) -> Scores {
    let div = |a: f64, b: f64| if b > 0.0 { a / b } else { 0.0 };
    let docs = counts.len();
    if counts.first().is_some_and(|c| c.snippets) {
        let sum = |f: fn(&DocCounts) -> f64| counts.iter().map(f).sum::<f64>();
        let (tp, fp, fn_, tn) = (sum(|c| c.tp), sum(|c| c.fp), sum(|c| c.fn_), sum(|c| c.tn));
        return Scores {
            docs,
            precision: div(tp, tp + fp),
            recall: div(tp, tp + fn_),
            f1: div(2.0 * tp, 2.0 * tp + fp + fn_),
            accuracy: div(tp + tn, tp + fp + fn_ + tn),
        };
    }
    let mean = |xs: Vec<f64>| {
        if xs.is_empty() {
            0.0
        } else {
            xs.iter().sum::<f64>() / xs.len() as f64
        }
    };
    let p = mean(
        counts
            .iter()
            .filter(|c| c.tp + c.fp > 0.0)
            .map(|c| doc_pr(c).0)
            .collect(),
    );
    let r = mean(
        counts
            .iter()
            .filter(|c| c.tp + c.fn_ > 0.0)
            .map(|c| doc_pr(c).1)
            .collect(),
    );
    Scores {
        docs,
        precision: p,
        recall: r,
        f1: div(2.0 * p * r, p + r),
        accuracy: mean(counts.iter().map(|c| c.exact as u8 as f64).collect()),
    }
}

/// Whether the output keeps the first line of the gold body (the title on
/// most news pages), after collapsing white space; `None` when the document
/// has no body or that line is not in its text at all.
pub fn first_line_kept(doc: &GoldDoc, output: &str) -> Option<bool> {
    let first = norm(
        doc.body
            .as_deref()?
            .lines()
            .find(|l| !l.trim().is_empty())?,
    );
    norm(&doc.text)
        .contains(&first)
        .then(|| norm(output).contains(&first))
}

/// The bootstrap standard deviation of the precision, recall and F1 of
/// `counts` (documents resampled with replacement `resamples` times, with a
/// fixed seed: the spread a different sample of pages of the same kind
/// would show).
pub fn bootstrap_std(counts: &[DocCounts], resamples: usize, seed: u64) -> (f64, f64, f64) {
    if counts.is_empty() || resamples == 0 {
        return (0.0, 0.0, 0.0);
    }
    let mut rng = Rng::seeded(seed);
    let mut sample = Vec::with_capacity(counts.len());
    let mut sums = [[0.0f64; 2]; 3];
    for _ in 0..resamples {
        sample.clear();
        for _ in 0..counts.len() {
            sample.push(counts[(rng.next() % counts.len() as u64) as usize]);
        }
        let s = aggregate(&sample);
        for (acc, v) in sums.iter_mut().zip([s.precision, s.recall, s.f1]) {
            acc[0] += v;
            acc[1] += v * v;
        }
    }
    let n = resamples as f64;
    let std = |a: [f64; 2]| (a[1] / n - (a[0] / n).powi(2)).max(0.0).sqrt();
    (std(sums[0]), std(sums[1]), std(sums[2]))
}

/// A per-document quality score used to list the worst documents: accuracy
/// for snippet documents, shingle F1 for body documents.
pub fn doc_score(c: &DocCounts) -> f64 {
    if c.snippets {
        let all = c.tp + c.fp + c.fn_ + c.tn;
        return if all > 0.0 { (c.tp + c.tn) / all } else { 1.0 };
    }
    let (p, r) = doc_pr(c);
    if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn snippet_doc(with: &[&str], without: &[&str]) -> GoldDoc {
        GoldDoc {
            id: "d".into(),
            url: None,
            site: None,
            lang: None,
            text: String::new(),
            source: None,
            with: Some(with.iter().map(|s| s.to_string()).collect()),
            without: Some(without.iter().map(|s| s.to_string()).collect()),
            body: None,
        }
    }

    #[test]
    fn snippets_match_across_lines_after_collapsing_space() {
        let doc = snippet_doc(&["a  b", "zz"], &["c"]);
        let c = doc_counts(&doc, "x a\n b\u{a0}c");
        assert_eq!((c.tp, c.fp, c.fn_, c.tn), (1.0, 1.0, 1.0, 0.0));
        let s = aggregate(&[c]);
        assert_eq!(s.precision, 0.5);
        assert_eq!(s.recall, 0.5);
    }

    #[test]
    fn body_shingles() {
        let doc = GoldDoc {
            body: Some("one two three four five".into()),
            with: None,
            ..snippet_doc(&[], &[])
        };
        let c = doc_counts(&doc, "one two three four five");
        assert_eq!((c.tp, c.fp, c.fn_), (1.0, 0.0, 0.0));
        assert!(c.exact);
        let c = doc_counts(&doc, "one two three four");
        // gold shingles {1234, 2345}; pred {1234}
        assert!((c.tp - 0.5).abs() < 1e-9 && (c.fn_ - 0.5).abs() < 1e-9);
        let c = doc_counts(&doc, "");
        assert_eq!(doc_pr(&c), (0.0, 0.0));
        let s = aggregate(&[c]);
        assert_eq!(s.recall, 0.0);
        assert_eq!(
            s.precision, 0.0,
            "an empty output does not count for precision"
        );
    }

    #[test]
    fn short_texts_make_one_short_shingle() {
        let doc = GoldDoc {
            body: Some("a b".into()),
            with: None,
            ..snippet_doc(&[], &[])
        };
        assert_eq!(doc_counts(&doc, "a b").tp, 1.0);
    }
}
