//! Stage 7 of the pipeline: from decoded states to verdicts. Each line's
//! label (title, standfirst, heading, body, or the kind of boilerplate),
//! its reason and whether it is kept, drawn into a [`Stripped`].

use std::sync::Arc;

use crate::classify::decode::State;
use crate::classify::evidence::PAGE_TITLE;
use crate::classify::features::{Ending, LineFeatures};
use crate::classify::headline;
use crate::classify::kinds;
use crate::classify::rules::{Cause, Emission};
use crate::classify::Classified;
use crate::label::{Label, LabelSet};
use crate::stripped::{Reason, Stripped, Verdict};
use crate::text::lexicon::Lexicon;
use crate::util::math::sigmoid;

/// How verdicts are drawn from a classified document.
pub(crate) struct Labelling<'a> {
    /// The labels kept in the cleaned text.
    pub(crate) keep: LabelSet,
    /// The lexicon whose phrases the reasons quote.
    pub(crate) lexicon: &'a Lexicon,
    /// Whether the learned model scored the lines (else the heuristics did).
    pub(crate) model: bool,
}

impl Labelling<'_> {
    /// The verdicts on every line of `c`, the classified `text` (whose
    /// bytes are `input`).
    pub(crate) fn verdicts<'a>(
        &self,
        input: &'a [u8],
        text: &str,
        c: &Classified<'_>,
    ) -> Stripped<'a> {
        let n = c.spans.len();
        // With explanations on, dropped lines also say which inputs made
        // the model drop them.
        let explained = !c.top.is_empty();
        let model_reason = |i: usize| Reason::Model {
            logit: c.logits[i],
            top: c.top.get(i).cloned().unwrap_or_default(),
        };
        let mut lines = Vec::with_capacity(n);
        let first = main_region_start(c.lines, c.states);
        let head = headline::pick(
            text,
            c.doc,
            c.emissions,
            c.logits,
            c.evidence,
            c.states,
            first,
        );
        let title = head.title;
        // The kind of the last end-of-article marker seen (a comment header,
        // a newsletter box…): what follows it and is dropped is of that kind.
        let mut marker: Option<Label> = None;
        let mut site_name: Option<Arc<str>> = None;
        for i in 0..n {
            let (span, f, e) = (c.spans[i], &c.lines[i], c.emissions[i]);
            let logit = c.logits[i];
            let state = c.states[i];
            let (label, reason) = if f.blank {
                (Label::Blank, Reason::Blank { kept: false })
            } else if Some(i) == title {
                (Label::Title, Reason::Context("title above the article"))
            } else if head.standfirst.contains(&i) {
                (
                    Label::Standfirst,
                    Reason::Context("standfirst below the title"),
                )
            } else if title.is_some()
                && c.evidence.flags.get(i).is_some_and(|f| f & PAGE_TITLE != 0)
            {
                // The page's <title> ("Headline | Site"), repeated below by
                // the headline itself.
                (
                    Label::Metadata,
                    Reason::Context("the page title, repeated by the headline"),
                )
            } else if head.above.contains(&i) {
                (Label::Navigation, Reason::Context("above the title"))
            } else if head.lead.contains(&i) {
                (
                    Label::Body,
                    Reason::Context("the article right below its title"),
                )
            } else if state.kept() {
                let label = if is_heading(f, text) {
                    Label::Heading
                } else {
                    Label::Body
                };
                let reason = if logit <= 0.0 && c.rescued {
                    Reason::Context("the page's most article-like region")
                } else if logit <= 0.0 {
                    Reason::Context("inside the article")
                } else if self.model {
                    model_reason(i)
                } else {
                    Reason::Prose
                };
                (label, reason)
            } else {
                let (label, reason) = self.drop_label(&e, logit, state, marker);
                // A line most of the site's pages hold, that no phrase or
                // shape rule explains, goes as the site's template (also
                // under review: the share is what a reviewer wants to see).
                let reason = if matches!(reason, Reason::Context(_)) && c.site.share(i) >= 0.5 {
                    let site = site_name.get_or_insert_with(|| Arc::from(c.site.name.as_str()));
                    Reason::Template {
                        pages: c.site.counts[i],
                        of: c.site.pages,
                        site: Arc::clone(site),
                    }
                } else if explained {
                    model_reason(i)
                } else {
                    reason
                };
                (label, reason)
            };
            if let (Cause::Phrase(label, _), true) = (e.cause, e.barrier > 0.0) {
                marker = Some(label);
            }
            let kept = label != Label::Blank && self.keep.contains(label);
            let score = sigmoid(logit);
            lines.push(Verdict {
                range: span.content(),
                end: span.next as usize,
                label,
                score,
                kept,
                reason,
                continues: span.cont,
            });
        }
        keep_separating_blanks(&mut lines);
        let all: u64 = c.lines.iter().map(|f| f.words as u64).sum();
        let kept = c
            .lines
            .iter()
            .zip(&lines)
            .filter(|(_, v)| v.kept)
            .map(|(f, _)| f.words as u64)
            .sum();
        Stripped {
            input,
            lines,
            words: (all, kept),
            judged: true,
            kind: c.kind,
        }
    }

    fn drop_label(
        &self,
        e: &Emission,
        logit: f32,
        state: State,
        marker: Option<Label>,
    ) -> (Label, Reason) {
        let cause = match e.cause {
            Cause::Prose | Cause::Short if logit > 0.0 => Cause::Prose,
            Cause::Prose | Cause::Short => Cause::Short,
            c => c,
        };
        match cause {
            Cause::Phrase(label, phrase) => (
                label,
                Reason::Phrase {
                    label,
                    phrase: Arc::clone(&self.lexicon.phrases[phrase as usize].text),
                },
            ),
            Cause::Shape(label, why) => (label, Reason::Rule(why)),
            _ if matches!(state, State::After | State::Closed) && marker.is_some() => {
                let label = marker.unwrap_or(Label::Teaser);
                let why = match label {
                    Label::Comments => "in the comment section",
                    Label::Newsletter => "in a newsletter box",
                    Label::Donation => "in a donation appeal",
                    Label::Legal => "in the legal footer",
                    _ => "in a block of teasers",
                };
                (label, Reason::Context(why))
            }
            Cause::Prose => match state {
                State::After => (
                    Label::Teaser,
                    Reason::Context("prose away from the article"),
                ),
                State::Closed => (
                    Label::Teaser,
                    Reason::Context("prose below an end-of-article marker"),
                ),
                State::Before => (
                    Label::Teaser,
                    Reason::Context("prose before the article starts"),
                ),
                _ => (
                    Label::Teaser,
                    Reason::Context("prose cut off from the article"),
                ),
            },
            Cause::Short => match state {
                State::Gap => (
                    Label::Navigation,
                    Reason::Context("short line in a hole of the article"),
                ),
                State::After | State::Closed => (
                    Label::Navigation,
                    Reason::Context("short line after the article"),
                ),
                _ => (
                    Label::Navigation,
                    Reason::Context("short line before the article"),
                ),
            },
        }
    }
}

/// Whether a kept line reads as a heading rather than a paragraph.
fn is_heading(f: &LineFeatures, text: &str) -> bool {
    if !kinds::heading_like(f) || f.words > 15 {
        return false;
    }
    match f.ending {
        Ending::Other => true,
        Ending::Sentence => {
            let content = &text[f.trim_start as usize..f.trim_end as usize];
            content.ends_with('?') || content.ends_with('!')
        }
        _ => false,
    }
}

/// The first line of the main region: the run of kept lines and holes
/// holding the most kept characters.
fn main_region_start(lines: &[LineFeatures], state_of: &[State]) -> Option<usize> {
    // (kept characters, first line) of the best region and of the current one;
    // the first of equally large regions wins.
    let mut best: Option<(u32, usize)> = None;
    let mut cur: Option<(u32, usize)> = None;
    let mut close = |cur: &mut Option<(u32, usize)>| {
        if let Some(c) = cur.take() {
            if best.is_none_or(|b| c.0 > b.0) {
                best = Some(c);
            }
        }
    };
    for (i, (f, s)) in lines.iter().zip(state_of).enumerate() {
        match s {
            _ if f.blank => {}
            State::Keep => cur.get_or_insert((0, i)).0 += f.chars,
            State::Gap => {}
            _ => close(&mut cur),
        }
    }
    close(&mut cur);
    best.map(|(_, start)| start)
}

/// Keeps the blank lines that separate two kept paragraphs: the first run of
/// blank lines after a kept line, when another kept line follows.
fn keep_separating_blanks(lines: &mut [Verdict]) {
    let mut last_kept: Option<usize> = None;
    for i in 0..lines.len() {
        if lines[i].label == Label::Blank || !lines[i].kept {
            continue;
        }
        if let Some(p) = last_kept {
            let mut j = p + 1;
            while j < i && lines[j].label != Label::Blank {
                j += 1;
            }
            while j < i && lines[j].label == Label::Blank {
                lines[j].kept = true;
                lines[j].reason = Reason::Blank { kept: true };
                j += 1;
            }
        }
        last_kept = Some(i);
    }
}
