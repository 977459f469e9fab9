//! Labelled lines for training: derived from gold documents, written and
//! read back as JSONL.
//!
//! A labelled document is one JSON object per line:
//!
//! ```json
//! {"id": "sh-0001", "group": "example.com", "text": "…", "labels": ["drop", null, "keep", "navigation", …]}
//! ```
//!
//! with one entry per unit of `text` (as [`Stripped::lines`](crate::Stripped::lines)
//! counts them: every line, except that a long line counts as its pieces,
//! so that the model learns pieces as it learns lines): `"keep"`, `"drop"`,
//! a [`Label`] name (content labels mean keep, boilerplate labels drop) or
//! `null` for unlabelled. `group` keeps pages of one site together in
//! cross-validation folds. A piece is labelled by the rules below as a line
//! is.
//!
//! Labels come from the gold data:
//!
//! * `body` documents: a line whose 4-token shingles are mostly in the gold
//!   body is content, one whose shingles are absent is boilerplate; a line too
//!   short for a shingle is content if its tokens occur in order in the body
//!   and a neighbour is content, boilerplate if they do not occur, else
//!   unlabelled.
//! * `with`/`without` documents: a line holding (part of) a `with` snippet is
//!   content, one holding a `without` snippet is boilerplate, the rest is
//!   unlabelled.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::error::Error;
use crate::label::Label;
use crate::text::lines::Span;
use crate::text::segment;
use crate::train::eval::{norm, GoldDoc};
use crate::train::words;

/// A training label for one line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LineLabel {
    Keep,
    Drop,
}

/// One labelled document.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LabelledDoc {
    /// Document id.
    pub id: String,
    /// Cross-validation group (the site), so one site's pages stay in one fold.
    pub group: String,
    /// The page's URL, if known (evidence of the headline).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// The document text.
    pub text: String,
    /// One entry per unit (a line, or a piece of a long line): "keep",
    /// "drop", a label name, or null.
    pub labels: Vec<Option<String>>,
    /// Which dataset the document belongs to, in training (the decoder is
    /// tuned for every dataset's recall); not stored.
    #[serde(skip)]
    pub set: u32,
}

impl LabelledDoc {
    /// The labels as keep/drop, one per unit; errors on an unknown name or a
    /// count that does not match the text's units.
    pub(crate) fn line_labels(&self) -> Result<Vec<Option<LineLabel>>, Error> {
        let mut spans = Vec::new();
        segment::split(&self.text, &mut spans);
        if spans.len() != self.labels.len() {
            return Err(Error::record(format!(
                "document {}: {} labels for {} units (lines and pieces of long lines)",
                self.id,
                self.labels.len(),
                spans.len()
            )));
        }
        self.labels
            .iter()
            .map(|l| match l.as_deref() {
                None => Ok(None),
                Some("keep") => Ok(Some(LineLabel::Keep)),
                Some("drop") => Ok(Some(LineLabel::Drop)),
                Some(name) => {
                    let label: Label = name.parse()?;
                    Ok(match label {
                        Label::Blank => None,
                        l if l.is_content() => Some(LineLabel::Keep),
                        _ => Some(LineLabel::Drop),
                    })
                }
            })
            .collect()
    }

    /// Parses one line of training data: a labelled document (one with
    /// `labels`, as `decruft label` writes them) or a gold document,
    /// labelled on the way ([`LabelledDoc::from_gold`]).
    pub fn from_json(line: &str) -> Result<LabelledDoc, Error> {
        let value: serde_json::Value =
            serde_json::from_str(line).map_err(|e| Error::record(e.to_string()))?;
        if value.get("labels").is_some() {
            serde_json::from_value(value).map_err(|e| Error::record(e.to_string()))
        } else {
            GoldDoc::from_json(line).map(|g| LabelledDoc::from_gold(&g))
        }
    }

    /// Derives unit labels from a gold document.
    pub fn from_gold(doc: &GoldDoc) -> LabelledDoc {
        let mut spans = Vec::new();
        segment::split(&doc.text, &mut spans);
        let labels = match (&doc.body, &doc.with) {
            (Some(body), _) => label_by_body(&doc.text, &spans, body),
            (None, Some(with)) => label_by_snippets(
                &doc.text,
                &spans,
                with,
                doc.without.as_deref().unwrap_or(&[]),
            ),
            (None, None) => vec![None; spans.len()],
        };
        let labels = labels
            .into_iter()
            .map(|l| {
                l.map(|l| match l {
                    LineLabel::Keep => "keep".to_string(),
                    LineLabel::Drop => "drop".to_string(),
                })
            })
            .collect();
        LabelledDoc {
            id: doc.id.clone(),
            group: match &doc.site {
                Some(site) => site.trim_start_matches("www.").to_ascii_lowercase(),
                None => group_of(&doc.id, doc.url.as_deref()),
            },
            url: doc.url.clone(),
            text: doc.text.clone(),
            labels,
            set: 0,
        }
    }
}

/// The site a document comes from, for grouping folds: the host of its URL
/// (the archived host for web.archive.org), else the id without a trailing
/// number.
pub(super) fn group_of(id: &str, url: Option<&str>) -> String {
    if let Some(url) = url {
        let rest = url.split_once("://").map(|(_, r)| r);
        if let Some(rest) = rest {
            let mut host = rest.split('/').next().unwrap_or(rest);
            if host == "web.archive.org" {
                if let Some((_, inner)) = rest.split_once("://") {
                    host = inner.split('/').next().unwrap_or(host);
                }
            }
            return host.trim_start_matches("www.").to_ascii_lowercase();
        }
        if let Some((_, name)) = url.split_once("::") {
            return name.split('-').next().unwrap_or(name).to_ascii_lowercase();
        }
        if let Some((_, name)) = url.split_once(':') {
            return name
                .trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
                .to_string();
        }
    }
    id.trim_end_matches(|c: char| c.is_ascii_digit() || c == '-')
        .to_string()
}

/// The benchmarks' tokens of `s`, lower-cased, with every Han or kana
/// character a token (a line of Chinese is one `\w+` run otherwise).
fn tokens(s: &str) -> Vec<String> {
    words::bench_words_cjk(s).map(str::to_lowercase).collect()
}

fn label_by_body(text: &str, spans: &[Span], body: &str) -> Vec<Option<LineLabel>> {
    let gold = tokens(body);
    // Shingles as a multiset, as the benchmark counts them: text the page
    // holds twice (a summary and the body, a hidden copy of the article)
    // is in the gold once, so its first copy claims it and a later one is
    // boilerplate.
    let mut shingles: HashMap<&[String], u32> = HashMap::new();
    for w in gold.windows(4) {
        *shingles.entry(w).or_default() += 1;
    }
    let short_seqs: HashSet<&[String]> = (1..4).flat_map(|n| gold.windows(n)).collect();
    let mut out: Vec<Option<LineLabel>> = Vec::with_capacity(spans.len());
    let mut short = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        let toks = tokens(&text[span.content()]);
        if toks.is_empty() {
            out.push(None);
        } else if toks.len() >= 4 {
            let total = toks.len() - 3;
            let hit = toks
                .windows(4)
                .filter(|w| match shingles.get_mut(*w) {
                    Some(n) if *n > 0 => {
                        *n -= 1;
                        true
                    }
                    _ => false,
                })
                .count();
            let share = hit as f32 / total as f32;
            out.push(if share >= 0.5 {
                Some(LineLabel::Keep)
            } else if share <= 0.1 {
                Some(LineLabel::Drop)
            } else {
                None
            });
        } else if short_seqs.contains(toks.as_slice()) {
            out.push(None);
            short.push(i);
        } else {
            out.push(Some(LineLabel::Drop));
        }
    }
    // Short lines found in the body are content next to content.
    for i in short {
        let near = |it: &mut dyn Iterator<Item = usize>| {
            it.map(|j| out[j]).find(|l| l.is_some()).flatten() == Some(LineLabel::Keep)
        };
        if near(&mut (0..i).rev()) || near(&mut (i + 1..spans.len())) {
            out[i] = Some(LineLabel::Keep);
        }
    }
    out
}

fn label_by_snippets(
    text: &str,
    spans: &[Span],
    with: &[String],
    without: &[String],
) -> Vec<Option<LineLabel>> {
    // Join the normalised lines with single spaces, remembering where each starts.
    let mut joined = String::new();
    let mut starts = Vec::with_capacity(spans.len());
    for span in spans {
        let n = norm(&text[span.content()]);
        if !joined.is_empty() && !n.is_empty() {
            joined.push(' ');
        }
        starts.push(joined.len());
        joined.push_str(&n);
    }
    let line_at = |pos: usize| starts.partition_point(|&s| s <= pos).saturating_sub(1);
    let mut out = vec![None; spans.len()];
    let mut mark = |snippets: &[String], label: LineLabel| {
        for s in snippets {
            let s = norm(s);
            if s.is_empty() {
                continue;
            }
            for (pos, _) in joined.match_indices(s.as_str()) {
                for slot in &mut out[line_at(pos)..=line_at(pos + s.len() - 1)] {
                    // A line holding both kinds counts as content: losing content is worse.
                    *slot = match *slot {
                        None => Some(label),
                        Some(l) if l == label => Some(l),
                        Some(_) => Some(LineLabel::Keep),
                    };
                }
            }
        }
    };
    mark(with, LineLabel::Keep);
    mark(without, LineLabel::Drop);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gold(text: &str, body: Option<&str>, with: &[&str], without: &[&str]) -> GoldDoc {
        GoldDoc {
            id: "x-1".into(),
            url: None,
            site: None,
            lang: None,
            text: text.into(),
            source: None,
            with: body
                .is_none()
                .then(|| with.iter().map(|s| s.to_string()).collect()),
            without: body
                .is_none()
                .then(|| without.iter().map(|s| s.to_string()).collect()),
            body: body.map(str::to_string),
        }
    }

    #[test]
    fn body_alignment() {
        let text = "Home\n\nThe quick brown fox jumps over the lazy dog.\nA heading\nIt was a sunny day in the old town square.\nShare this story on your favourite network\n";
        let body = "The quick brown fox jumps over the lazy dog. A heading. It was a sunny day in the old town square.";
        let labels = LabelledDoc::from_gold(&gold(text, Some(body), &[], &[])).labels;
        let want = [
            Some("drop"),
            None,
            Some("keep"),
            Some("keep"),
            Some("keep"),
            Some("drop"),
        ];
        assert_eq!(labels, want.map(|s| s.map(str::to_string)));
    }

    #[test]
    fn snippet_alignment() {
        let text = "Menu\nFirst line of the\narticle body here.\nCopyright 2020\nOther\n";
        let doc = gold(text, None, &["of the article body"], &["Copyright 2020"]);
        let labels = LabelledDoc::from_gold(&doc).labels;
        let want = [None, Some("keep"), Some("keep"), Some("drop"), None];
        assert_eq!(labels, want.map(|s| s.map(str::to_string)));
    }

    #[test]
    fn groups() {
        assert_eq!(
            group_of("a", Some("https://www.Example.com/x")),
            "example.com"
        );
        assert_eq!(
            group_of(
                "a",
                Some("http://web.archive.org/web/2019/https://site.de/p")
            ),
            "site.de"
        );
        assert_eq!(
            group_of("a", Some("hard::nationnews.com-schools.html")),
            "nationnews.com"
        );
        assert_eq!(
            group_of("rdb-nytimes-3", Some("readability-test-page:nytimes-3")),
            "nytimes"
        );
        assert_eq!(group_of("rdb-nytimes-3", None), "rdb-nytimes");
    }

    #[test]
    fn reading_back_checks_counts_and_names() {
        let doc = LabelledDoc {
            id: "d".into(),
            group: "g".into(),
            url: None,
            text: "a\nb".into(),
            labels: vec![Some("keep".into())],
            set: 0,
        };
        assert!(doc.line_labels().is_err());
        let doc = LabelledDoc {
            labels: vec![Some("share".into()), Some("title".into())],
            ..doc
        };
        assert_eq!(
            doc.line_labels().unwrap(),
            [Some(LineLabel::Drop), Some(LineLabel::Keep)]
        );
        let doc = LabelledDoc {
            labels: vec![Some("shar".into()), None],
            ..doc
        };
        assert!(doc.line_labels().is_err());
    }
}
