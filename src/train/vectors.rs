//! Training data as the model reads it: every labelled document
//! vectorised by the classifier's own stages, with its site's patterns.

use crate::classify::evidence::Evidence;
use crate::classify::features::LineFeatures;
use crate::classify::{vetoed, Scratch};
use crate::error::Error;
use crate::hints::Hints;
use crate::io::batch::{default_threads, map_batch};
use crate::model::inputs::{Kind, CROSSES, DENSE};
use crate::site::lookup::SiteLines;
use crate::site::{Patterns, DEFAULT_MIN_PAGES};
use crate::strip::Stripper;
use crate::train::dataset::{LabelledDoc, LineLabel};
use crate::train::options::TrainOptions;
use crate::util::hash::{fnv1a, FNV_OFFSET};

/// One document, vectorised: every non-blank line's inputs and label.
pub(crate) struct DocVectors {
    pub(crate) group: String,
    /// Dense inputs, one row of [`DENSE`] per non-blank line.
    pub(super) x: Vec<f32>,
    pub(super) sparse: Vec<u32>,
    pub(super) sparse_start: Vec<u32>,
    /// [`CROSSES`] hashed crosses per row.
    pub(super) crosses: Vec<u32>,
    pub(super) labels: Vec<Option<LineLabel>>,
    /// Characters of each non-blank line (weights of the tuning objective).
    pub(super) chars: Vec<f32>,
    pub(super) new_block: Vec<bool>,
    pub(super) barrier: Vec<f32>,
    /// Whether the heuristics veto each row (see [`rules::vetoes`]).
    pub(super) vetoed: Vec<bool>,
    /// The line features, the head evidence and whether the language is
    /// known (the second stage's inputs).
    pub(super) lines: Vec<LineFeatures>,
    pub(super) evidence: Evidence,
    pub(super) knows_language: bool,
    /// What the site's patterns say of each line (second-stage inputs).
    pub(super) site: SiteLines,
    /// The dataset the document comes from (the decoder's tuning holds
    /// every dataset's recall).
    pub(super) set: u32,
}

impl DocVectors {
    pub(super) fn rows(&self) -> usize {
        self.labels.len()
    }

    pub(super) fn crosses_row(&self, r: usize) -> &[u32] {
        &self.crosses[r * CROSSES..(r + 1) * CROSSES]
    }

    pub(super) fn sparse_row(&self, r: usize) -> &[u32] {
        &self.sparse[self.sparse_start[r] as usize..self.sparse_start[r + 1] as usize]
    }
}

/// The key of a document's site in the patterns of training data: sites of
/// different data files apart (the same pages scraped two ways would be
/// twins of each other). `None` for a page without a site (an empty site
/// field: its group lumps unrelated pages together).
pub(super) fn site_key(doc: &LabelledDoc) -> Option<String> {
    (!doc.group.is_empty()).then(|| format!("{}\t{}", doc.set, doc.group))
}

/// The site patterns of training documents: learned from their texts, per
/// data file and site.
pub(super) fn learn_sites(docs: &[LabelledDoc]) -> Patterns {
    let mut patterns = Patterns::new();
    for doc in docs {
        if let Some(key) = site_key(doc) {
            patterns.add_page(&key, &doc.text);
        }
    }
    patterns
}

/// Whether the training pages of a site get no patterns (see
/// [`TrainOptions::site_dropout`]): a seeded hash of the site decides.
pub(super) fn dropped_site(doc: &LabelledDoc, opts: &TrainOptions) -> bool {
    let h = fnv1a(FNV_OFFSET ^ opts.seed ^ 0x517e, doc.group.as_bytes());
    ((h >> 11) as f64 / (1u64 << 53) as f64) < opts.site_dropout
}

/// Vectorises labelled documents (in parallel; the result is in input
/// order), with their site's patterns if `opts` say so.
pub(crate) fn vectorise(
    docs: &[LabelledDoc],
    opts: &TrainOptions,
) -> Result<Vec<DocVectors>, Error> {
    let heuristics = Stripper::builder().heuristics_only().build()?;
    let heuristics = &heuristics.classifier;
    let patterns = opts.site_patterns.then(|| learn_sites(docs));
    map_batch(docs, default_threads(), |doc| {
        let labels = doc.line_labels()?;
        let mut site = SiteLines::default();
        if let Some(p) = patterns.as_ref().filter(|_| !dropped_site(doc, opts)) {
            let mut spans = Vec::new();
            crate::text::segment::split(&doc.text, &mut spans);
            site.fill(
                Some(p),
                site_key(doc).as_deref(),
                DEFAULT_MIN_PAGES,
                &doc.text,
                &spans,
            );
        }
        let mut v = DocVectors {
            group: doc.group.clone(),
            x: Vec::new(),
            sparse: Vec::new(),
            sparse_start: vec![0],
            crosses: Vec::new(),
            labels: Vec::new(),
            chars: Vec::new(),
            new_block: Vec::new(),
            barrier: Vec::new(),
            vetoed: Vec::new(),
            lines: Vec::new(),
            evidence: Evidence::default(),
            knows_language: false,
            site,
            set: doc.set,
        };
        let hints = Hints::new().url(doc.url.as_deref());
        // The heuristics' run, then the first-stage inputs of every
        // non-blank line as a combined model reads them.
        let mut s = Scratch::default();
        heuristics.run(&doc.text, &hints, &mut s);
        s.vectorizer.prepare(&s.doc, &s.emissions, &s.evidence);
        s.x.resize(DENSE, 0.0);
        let mut new_block = true;
        for (i, &label) in labels.iter().enumerate() {
            if s.doc.lines[i].blank {
                new_block = true;
                continue;
            }
            s.line_inputs(&doc.text, Kind::Combined, i);
            v.x.extend_from_slice(&s.x);
            v.sparse.extend_from_slice(&s.sparse);
            v.sparse_start.push(v.sparse.len() as u32);
            v.crosses.extend_from_slice(&s.crosses);
            v.labels.push(label);
            v.chars.push(s.doc.lines[i].chars.max(1) as f32);
            v.new_block.push(new_block);
            v.barrier.push(s.emissions[i].barrier);
            v.vetoed.push(vetoed(&s.emissions, &s.evidence, i));
            new_block = false;
        }
        v.knows_language = s.doc.knows_language();
        v.lines = std::mem::take(&mut s.doc.lines);
        v.evidence = std::mem::take(&mut s.evidence);
        Ok(v)
    })
    .into_iter()
    .collect()
}
