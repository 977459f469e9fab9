//! Stages 2 to 7 of the pipeline (the crate's docs number them), run in
//! order over one document by [`Classifier::run`]: features, the
//! heuristics' scores and head evidence, the model's two stages, decoding;
//! then the verdicts.
//!
//! A [`Classifier`] holds what the stages read (lexicon, stoplists, model);
//! the per-thread [`Scratch`] holds what they write, reused from one
//! document to the next so that the hot path does not allocate per line.
//! [`Classifier::classify`] gives the result as a [`Classified`] view, from
//! which `verdict.rs` draws the verdicts. Training runs the same stages
//! ([`Classifier::run`], [`Scratch::line_inputs`]) for every line's inputs.

pub(crate) mod decode;
pub(crate) mod evidence;
pub(crate) mod features;
pub(crate) mod headline;
pub(crate) mod kinds;
pub(crate) mod page;
pub(crate) mod posts;
pub(crate) mod rules;
pub(crate) mod stage1;
pub(crate) mod stage2;
pub(crate) mod verdict;

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use crate::classify::decode::{Decoder, State, Step};
use crate::classify::evidence::Evidence;
use crate::classify::features::{DocFeatures, LineFeatures};
use crate::classify::posts::Series;
use crate::classify::rules::Emission;
use crate::classify::stage1::Vectorizer;
use crate::classify::stage2::Rescorer;
use crate::hints::Hints;
use crate::label::PageKind;
use crate::model::costs::Costs;
use crate::model::inputs::{Kind, DENSE, STAGE2};
use crate::model::{Model, Stage2};
use crate::site::lookup::SiteLines;
use crate::site::url::site_of_url;
use crate::site::Patterns;
use crate::text::lexicon::Lexicon;
use crate::text::lines::Span;
use crate::text::segment;

/// What classifies a document.
#[derive(Clone, Debug)]
pub(crate) struct Classifier {
    /// Boilerplate phrases and stoplists.
    pub(crate) lexicon: Arc<Lexicon>,
    /// A stoplist forced on every document (else detected per document).
    pub(crate) language: Option<usize>,
    /// Subtracted from every line's log-odds (the threshold setting).
    pub(crate) bias: f32,
    /// The learned model; `None`: the heuristics alone.
    pub(crate) model: Option<Arc<Model>>,
    /// Lines learned from the pages of each site (`site/`), if given.
    pub(crate) patterns: Option<Arc<Patterns>>,
    /// Sites with fewer pages than this are read as without patterns.
    pub(crate) min_site_pages: u32,
    /// Runs the second stage on every line, whatever the model's cascade
    /// says.
    pub(crate) exact: bool,
    /// Non-blank lines the second stage was asked about, and how many of
    /// them the cascade let skip the trees (shared by clones, for reports).
    pub(crate) cascade_counts: Arc<[AtomicU64; 2]>,
}

/// A classified document, line by line (views into the thread's scratch).
pub(crate) struct Classified<'s> {
    pub(crate) spans: &'s [Span],
    pub(crate) lines: &'s [LineFeatures],
    /// The document's features (language, stopword rate).
    pub(crate) doc: &'s DocFeatures,
    /// Which lines repeat the page title or the URL slug.
    pub(crate) evidence: &'s Evidence,
    /// What the site's patterns say of each line (nothing without them).
    pub(crate) site: &'s SiteLines,
    /// The heuristics' score and cause of each line.
    pub(crate) emissions: &'s [Emission],
    /// The log-odds the decoder read (the heuristics' or the model's, less
    /// the bias).
    pub(crate) logits: &'s [f32],
    /// The decoded state of each line (blank lines: `Before`).
    pub(crate) states: &'s [State],
    /// With explanations on, the inputs that weighed most for each line
    /// (see [`Model::explain`]); else empty.
    pub(crate) top: &'s [Vec<(&'static str, f32)>],
    /// Decoding kept almost nothing of a page with text, so the states are
    /// those of a second decoding that trusts the scores more (see
    /// [`RESCUE_SHIFTS`]).
    pub(crate) rescued: bool,
    /// The page's kind (see [`page`]).
    pub(crate) kind: PageKind,
}

/// A page of at least this many words whose decoding keeps fewer than
/// [`RESCUE_WORDS`] is decoded again with every line's log-odds raised by
/// each of [`RESCUE_SHIFTS`] in turn, until one keeps that many: the
/// article of a page is its most article-like region even when the model
/// doubts all of it (losing a whole article is the worst failure, a page
/// with no article is rarer). Decoding keeps regions, not lines, so what is
/// added is the region that scored best, not scattered menu lines.
const RESCUE_MIN_DOC_WORDS: u64 = 150;
/// See [`RESCUE_MIN_DOC_WORDS`].
const RESCUE_WORDS: u64 = 40;
/// See [`RESCUE_MIN_DOC_WORDS`].
const RESCUE_SHIFTS: [f32; 3] = [1.0, 2.0, 3.0];

/// Whether the heuristics overrule the model on line `i` (see
/// [`rules::vetoes`]), unless head evidence names the line the headline: a
/// headline above a caption and a "continue reading" link is shaped like a
/// teaser block's, and the page's own title says which it is.
pub(crate) fn vetoed(emissions: &[Emission], evidence: &Evidence, i: usize) -> bool {
    rules::vetoes(&emissions[i])
        && !evidence
            .flags
            .get(i)
            .is_some_and(|&f| evidence::names_headline(f))
}

/// Working memory of the stages, reused across documents (one per
/// thread; training vectorises with one of its own).
#[derive(Default)]
pub(crate) struct Scratch {
    spans: Vec<Span>,
    pub(crate) doc: DocFeatures,
    pub(crate) evidence: Evidence,
    site: SiteLines,
    pub(crate) emissions: Vec<Emission>,
    steps: Vec<Step>,
    step_line: Vec<u32>,
    states: Vec<State>,
    /// The heuristic decoder's state of every line (heuristics alone and
    /// combined models).
    heuristic_states: Vec<State>,
    /// The model's decoded state of every line.
    line_states: Vec<State>,
    /// A rescue's second decoding, and whether it replaced `line_states`.
    rescue_states: Vec<State>,
    rescued: bool,
    /// The document's series of posts, if any, and the page's kind.
    series: Option<Series>,
    kind: PageKind,
    /// The log-odds of every line the decoder reads (heuristic or model).
    logits: Vec<f32>,
    pub(crate) vectorizer: Vectorizer,
    rescorer: Rescorer,
    /// The log-odds the next stage writes, swapped with `logits` once
    /// written (so each stage reads the previous one's whole).
    next_logits: Vec<f32>,
    /// One line's first-stage inputs: dense, hashed n-grams, hashed
    /// crosses.
    pub(crate) x: Vec<f32>,
    pub(crate) sparse: Vec<u32>,
    pub(crate) crosses: Vec<u32>,
    /// Second-stage inputs: one row of [`STAGE2`] per non-blank line.
    stage2_inputs: Vec<f32>,
    /// The non-blank lines the second stage scores, and their
    /// second-stage log-odds.
    rows: Vec<u32>,
    stage2_logits: Vec<f32>,
    /// The first-stage log-odds of every non-blank line, whether the
    /// cascade lets it skip the second stage, how many do, and the lines
    /// that do with their derived log-odds.
    first_z: Vec<f32>,
    skip: Vec<bool>,
    pub(crate) skips: usize,
    skipped: Vec<(u32, f32)>,
    top: Vec<Vec<(&'static str, f32)>>,
    decoder: Decoder,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

/// A document of more lines than this leaves no scratch behind: the
/// thread's buffers are freed after it rather than kept at its size for
/// the documents to come (a stream's threads, a Python process).
const SCRATCH_MAX_LINES: usize = 1 << 16;

impl Classifier {
    /// Classifies `text` and gives the result to `f`. With `explain` (and a
    /// model), every line also gets the inputs that weighed most.
    pub(crate) fn classify<R>(
        &self,
        text: &str,
        hints: &Hints<'_>,
        explain: bool,
        f: impl FnOnce(&Classified<'_>) -> R,
    ) -> R {
        SCRATCH.with(|s| {
            let s = &mut *s.borrow_mut();
            self.run(text, hints, s);
            s.top.clear();
            if let (true, Some(model)) = (explain, &self.model) {
                // The second stage's inputs are still in `stage2_inputs`, one row per
                // line it scored, as the last stage read them; the lines the
                // cascade let skip it have none.
                let (mut row, mut scored, mut skipped) = (0, 0, 0);
                for i in 0..s.doc.lines.len() {
                    let top = if s.doc.lines[i].blank {
                        Vec::new()
                    } else {
                        s.line_inputs(text, model.kind, i);
                        let stage2 = if s.skip[row] {
                            skipped += 1;
                            Stage2::Skipped(s.skipped[skipped - 1].1)
                        } else {
                            scored += 1;
                            let r = scored - 1;
                            Stage2::Inputs(&s.stage2_inputs[r * STAGE2..(r + 1) * STAGE2])
                        };
                        row += 1;
                        model.explain(&s.x, &s.crosses, &s.sparse, stage2, 5)
                    };
                    s.top.push(top);
                }
            }
            let states = if self.model.is_some() {
                &s.line_states
            } else {
                &s.heuristic_states
            };
            let result = f(&Classified {
                spans: &s.spans,
                lines: &s.doc.lines,
                doc: &s.doc,
                evidence: &s.evidence,
                site: &s.site,
                emissions: &s.emissions,
                logits: &s.logits,
                states,
                top: &s.top,
                rescued: s.rescued,
                kind: s.kind,
            });
            if s.spans.capacity() > SCRATCH_MAX_LINES {
                *s = Scratch::default();
            }
            result
        })
    }

    /// Runs the stages on `text`: features, heuristic scores, the model's
    /// two stages, decoding. Leaves the log-odds the decoder read in
    /// `s.logits`, the heuristic decoder's states in `s.heuristic_states`
    /// (heuristics alone, combined models) and the model's in
    /// `s.line_states`.
    pub(crate) fn run(&self, text: &str, hints: &Hints<'_>, s: &mut Scratch) {
        segment::split(text, &mut s.spans);
        let url_site;
        let site = match (&self.patterns, hints.site) {
            (None, _) => None,
            (Some(_), Some(site)) => Some(site),
            (Some(_), None) => {
                url_site = hints.url.and_then(site_of_url);
                url_site.as_deref()
            }
        };
        s.site.fill(
            self.patterns.as_deref(),
            site,
            self.min_site_pages,
            text,
            &s.spans,
        );
        s.doc.extract(&self.lexicon, text, &s.spans, self.language);
        s.evidence.gather(text, &s.doc, hints);
        rules::score(&s.doc, &mut s.emissions);
        s.series = posts::find(&s.doc.lines);
        s.logits.clear();
        s.logits
            .extend(s.emissions.iter().map(|e| e.logit - self.bias));
        let combined = self.model.as_ref().is_none_or(|m| m.kind == Kind::Combined);
        if combined {
            let mut states = std::mem::take(&mut s.heuristic_states);
            s.decode(&Costs::default(), true, 0.0, &mut states);
            s.heuristic_states = states;
        }
        let Some(model) = &self.model else {
            s.kind = page::detect(text, &s.doc.lines, s.series.as_ref(), &s.heuristic_states);
            return;
        };
        s.next_logits.clear();
        s.next_logits.resize(s.logits.len(), 0.0);
        s.vectorizer.prepare(&s.doc, &s.emissions, &s.evidence);
        s.x.resize(DENSE, 0.0);
        for i in 0..s.doc.lines.len() {
            if s.doc.lines[i].blank {
                continue;
            }
            s.line_inputs(text, model.kind, i);
            s.logits[i] = model.logit(&s.x, &s.crosses, &s.sparse);
        }
        // The second stage, and each later forest, reads the document
        // through the previous stage's scores. The lines the cascade lets
        // skip it (see `model/cascade.rs`) take a score derived from their
        // first-stage log-odds; the others' inputs go into one matrix, so
        // that the trees see many rows at once.
        s.rows.clear();
        s.skipped.clear();
        s.first_z.clear();
        for (i, f) in s.doc.lines.iter().enumerate() {
            if !f.blank {
                s.first_z.push(s.logits[i]);
            }
        }
        let cascade = model.cascade.filter(|_| !self.exact);
        s.skips = match &cascade {
            Some(c) => c.skips(&s.first_z, &mut s.skip),
            None => {
                s.skip.clear();
                s.skip.resize(s.first_z.len(), false);
                0
            }
        };
        self.cascade_counts[0].fetch_add(s.first_z.len() as u64, Ordering::Relaxed);
        self.cascade_counts[1].fetch_add(s.skips as u64, Ordering::Relaxed);
        let mut row = 0;
        for (i, f) in s.doc.lines.iter().enumerate() {
            if f.blank {
                continue;
            }
            if s.skip[row] {
                let c = cascade.as_ref().expect("rows skip only with a cascade");
                s.skipped.push((i as u32, c.score(s.first_z[row])));
            } else {
                s.rows.push(i as u32);
            }
            row += 1;
        }
        for stage in 0..model.stages() {
            let knows = s.doc.knows_language();
            s.rescorer
                .prepare(&s.doc.lines, knows, &s.logits, &s.evidence, &s.site);
            s.stage2_inputs.clear();
            s.stage2_inputs.resize(s.rows.len() * STAGE2, 0.0);
            for (row, &i) in s.stage2_inputs.chunks_exact_mut(STAGE2).zip(&s.rows) {
                s.rescorer.line(&s.doc.lines, i as usize, row);
            }
            s.stage2_logits.clear();
            s.stage2_logits.resize(s.rows.len(), 0.0);
            model.logit2_rows(stage, &s.stage2_inputs, &mut s.stage2_logits);
            for (&z, &i) in s.stage2_logits.iter().zip(&s.rows) {
                s.next_logits[i as usize] = z;
            }
            for &(i, z) in &s.skipped {
                s.next_logits[i as usize] = z;
            }
            std::mem::swap(&mut s.logits, &mut s.next_logits);
        }
        for i in 0..s.doc.lines.len() {
            if !s.doc.lines[i].blank {
                let z = s.logits[i] + model.offset2();
                let z = if combined {
                    rules::veto(vetoed(&s.emissions, &s.evidence, i), z)
                } else {
                    z
                };
                s.next_logits[i] = z - self.bias;
            }
        }
        std::mem::swap(&mut s.logits, &mut s.next_logits);
        let mut states = std::mem::take(&mut s.line_states);
        s.decode(&model.costs, combined, 0.0, &mut states);
        s.rescued = false;
        s.kind = page::detect(text, &s.doc.lines, s.series.as_ref(), &states);
        if let (PageKind::Thread, Some(series)) = (s.kind, s.series) {
            // The posts are the content: their text is read as such and the
            // thread's own markers end nothing.
            for i in series.first..series.end {
                if posts::post_text(&s.doc.lines[i], &s.emissions[i])
                    && s.logits[i] > posts::THREAD_REJECTED
                {
                    s.logits[i] = s.logits[i].max(posts::THREAD_POST_LOGIT);
                }
                s.emissions[i].barrier = 0.0;
            }
            s.decode(&model.costs, combined, 0.0, &mut states);
        }
        let words = |lines: &[LineFeatures], states: &[State]| -> u64 {
            (lines.iter().zip(states))
                .filter(|(_, st)| st.kept())
                .map(|(f, _)| u64::from(f.words))
                .sum()
        };
        let all: u64 = s.doc.lines.iter().map(|f| u64::from(f.words)).sum();
        if all >= RESCUE_MIN_DOC_WORDS && words(&s.doc.lines, &states) < RESCUE_WORDS {
            let mut again = std::mem::take(&mut s.rescue_states);
            for shift in RESCUE_SHIFTS {
                s.decode(&model.costs, combined, shift, &mut again);
                if words(&s.doc.lines, &again) >= RESCUE_WORDS {
                    std::mem::swap(&mut states, &mut again);
                    s.rescued = true;
                    break;
                }
            }
            s.rescue_states = again;
        }
        s.line_states = states;
    }
}

impl Scratch {
    /// Fills `x`, `sparse` and `crosses` with the first-stage inputs of line
    /// `i` for a model of this kind (the vectorizer must be prepared).
    pub(crate) fn line_inputs(&mut self, text: &str, kind: Kind, i: usize) {
        self.x.fill(0.0);
        self.sparse.clear();
        self.crosses.clear();
        let heuristic = (kind == Kind::Combined).then_some(self.heuristic_states.as_slice());
        self.vectorizer.line(
            text,
            &self.doc,
            &self.emissions,
            heuristic,
            kind,
            i,
            &mut self.x,
            &mut self.sparse,
        );
        self.vectorizer
            .crosses(&self.doc, i, &self.x, &mut self.crosses);
    }

    /// Decodes `logits` over the non-blank lines (with the heuristics'
    /// end-of-article barriers if `barriers`) into a state per line in
    /// `out` (blank lines: `Before`).
    /// Every log-odds is raised by `shift` (0 but for a rescue).
    fn decode(&mut self, costs: &Costs, barriers: bool, shift: f32, out: &mut Vec<State>) {
        self.steps.clear();
        self.step_line.clear();
        let mut new_block = true;
        for (i, f) in self.doc.lines.iter().enumerate() {
            if f.blank {
                new_block = true;
                continue;
            }
            let barrier = if barriers {
                self.emissions[i].barrier
            } else {
                0.0
            };
            self.steps.push(Step {
                logit: self.logits[i] + shift,
                barrier,
                new_block,
            });
            self.step_line.push(i as u32);
            new_block = false;
        }
        self.decoder.decode(&self.steps, costs, &mut self.states);
        out.clear();
        out.resize(self.doc.lines.len(), State::Before);
        for (k, &i) in self.step_line.iter().enumerate() {
            out[i as usize] = self.states[k];
        }
    }
}
