//! Stage 4 of the pipeline, the model's first stage: from a document's
//! features to each line's inputs.
//!
//! The inputs are named in [`crate::model::inputs`] (the dense ones through
//! its `dense_features!` macro, which the second stage's names use too);
//! crosses of coarse features and hashed word and character n-grams share
//! one hashed weight table. [`Vectorizer`] fills a line's inputs; training
//! and inference use this same code, so the two cannot drift apart. A
//! change here that changes what an input means must bump
//! `FEATURES_VERSION` (`model/file.rs`).

use crate::classify::decode::State;
use crate::classify::evidence::{self, Evidence};
use crate::classify::features::{DocFeatures, Ending, LineFeatures};
use crate::classify::kinds::{self, END_MARKERS, STAGE1_PROSE};
use crate::classify::rules::Emission;
use crate::model::inputs::{bucket, Kind, Stage1Input, BIGRAM_WORDS, CROSSES, TRIGRAM_CHARS};
use crate::text::data::CATEGORIES;
use crate::text::tokens;
use crate::util::math::{ln_1p, window, window_share};

/// Per-document context shared by all lines' vectors.
#[derive(Default, Debug)]
pub(crate) struct Vectorizer {
    prev: Vec<u32>,
    next: Vec<u32>,
    /// Prefix sums over lines of prose-like characters.
    prose_prefix: Vec<f32>,
    /// Prefix sums over lines of all characters.
    chars_prefix: Vec<f32>,
    /// Prefix sums of heuristic logits over non-blank lines (by line).
    rule_prefix: Vec<f32>,
    nonblank_prefix: Vec<f32>,
    /// Prefix counts of end-of-article markers above, per group.
    marks: Vec<[u16; 4]>,
    block_len: Vec<u16>,
    /// Per line: [`PROSE`] and [`HEADING`], computed once for the line and
    /// its neighbours' inputs.
    flags: Vec<u8>,
    /// Per line: the head evidence bits (see [`crate::classify::head`]).
    head: Vec<u8>,
    /// The headline's rank among non-blank lines, if the evidence found one.
    headline_rank: Option<f32>,
    n_nonblank: usize,
}

const PROSE: u8 = 1;
const HEADING: u8 = 2;

const NONE: u32 = u32::MAX;

impl Vectorizer {
    /// Prepares the per-document context.
    pub(crate) fn prepare(&mut self, doc: &DocFeatures, rules: &[Emission], evidence: &Evidence) {
        let n = doc.lines.len();
        let know = doc.knows_language();
        self.prev.clear();
        self.next.clear();
        self.prose_prefix.clear();
        self.chars_prefix.clear();
        self.rule_prefix.clear();
        self.nonblank_prefix.clear();
        self.marks.clear();
        self.block_len.clear();
        self.flags.clear();
        self.flags.extend(doc.lines.iter().map(|f| {
            if f.blank {
                0
            } else {
                (STAGE1_PROSE.holds(f, know) as u8 * PROSE)
                    | (kinds::heading_like(f) as u8 * HEADING)
            }
        }));
        let mut last = NONE;
        let (mut prose, mut chars, mut rule, mut nb) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        let mut marks = [0u16; 4];
        self.prose_prefix.push(0.0);
        self.chars_prefix.push(0.0);
        self.rule_prefix.push(0.0);
        self.nonblank_prefix.push(0.0);
        for (i, f) in doc.lines.iter().enumerate() {
            self.prev.push(last);
            self.marks.push(marks);
            if !f.blank {
                last = i as u32;
                chars += f.chars as f32;
                if self.flags[i] & PROSE != 0 {
                    prose += f.chars as f32;
                }
                rule += rules[i].logit;
                nb += 1.0;
                let group = kinds::marker(f, &END_MARKERS).and_then(kinds::stage1_marker_group);
                if let Some(g) = group {
                    marks[g] = marks[g].saturating_add(1);
                }
            }
            self.prose_prefix.push(prose);
            self.chars_prefix.push(chars);
            self.rule_prefix.push(rule);
            self.nonblank_prefix.push(nb);
        }
        self.n_nonblank = nb as usize;
        self.head.clear();
        self.head.extend_from_slice(&evidence.flags);
        self.headline_rank = evidence.headline.map(|h| self.nonblank_prefix[h as usize]);
        self.next.resize(n, NONE);
        let mut last = NONE;
        for i in (0..n).rev() {
            self.next[i] = last;
            if !doc.lines[i].blank {
                last = i as u32;
            }
        }
        self.block_len.resize(n, 0);
        let mut i = 0;
        while i < n {
            if doc.lines[i].blank {
                i += 1;
                continue;
            }
            let start = i;
            while i < n && !doc.lines[i].blank {
                i += 1;
            }
            let len = (i - start).min(u16::MAX as usize) as u16;
            self.block_len[start..i].fill(len);
        }
    }

    /// Whether line `j` (or [`NONE`]) has a flag.
    #[inline]
    fn has(&self, j: u32, flag: u8) -> bool {
        j != NONE && self.flags[j as usize] & flag != 0
    }

    /// Fills the inputs of line `i` (non-blank): dense values into `x`
    /// (length [`DENSE`](crate::model::inputs::DENSE), zeroed by the caller) and hashed n-gram buckets
    /// into `sparse` (cleared by the caller).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn line(
        &self,
        text: &str,
        doc: &DocFeatures,
        rules: &[Emission],
        heuristic: Option<&[State]>,
        kind: Kind,
        i: usize,
        x: &mut [f32],
        sparse: &mut Vec<u32>,
    ) {
        let lines = &doc.lines;
        let f = &lines[i];
        let know = doc.knows_language();
        let mut set = |k: Stage1Input, v: f32| x[k as usize] = v;
        let w = f.words;
        set(
            match w {
                0 => Stage1Input::words_0,
                1 => Stage1Input::words_1,
                2 => Stage1Input::words_2,
                3 => Stage1Input::words_3,
                4..=6 => Stage1Input::words_4_6,
                7..=10 => Stage1Input::words_7_10,
                11..=15 => Stage1Input::words_11_15,
                16..=25 => Stage1Input::words_16_25,
                26..=50 => Stage1Input::words_26_50,
                _ => Stage1Input::words_51_,
            },
            1.0,
        );
        set(Stage1Input::log_chars, ln_1p(f.chars) / 5.0);
        set(Stage1Input::log_words, ln_1p(w) / 4.0);
        let d = f.stop_density();
        let _dbin = if !know {
            set(Stage1Input::lang_unknown, 1.0);
            6
        } else {
            set(Stage1Input::density, d);
            let (k, b) = match d {
                0.0 => (Stage1Input::density_0, 0),
                d if d < 0.1 => (Stage1Input::density_lt10, 1),
                d if d < 0.2 => (Stage1Input::density_lt20, 2),
                d if d < 0.3 => (Stage1Input::density_lt30, 3),
                d if d < 0.4 => (Stage1Input::density_lt40, 4),
                _ => (Stage1Input::density_ge40, 5),
            };
            set(k, 1.0);
            b
        };
        set(
            match f.ending {
                Ending::Other => Stage1Input::end_other,
                Ending::Sentence => Stage1Input::end_sentence,
                Ending::Colon => Stage1Input::end_colon,
                Ending::Ellipsis => Stage1Input::end_ellipsis,
                Ending::Arrow => Stage1Input::end_arrow,
                Ending::Punct => Stage1Input::end_punct,
            },
            1.0,
        );
        set(Stage1Input::bullet, f.bullet as u8 as f32);
        set(
            match f.indent {
                0 => Stage1Input::indent_0,
                1..=4 => Stage1Input::indent_1_4,
                5..=8 => Stage1Input::indent_5_8,
                9..=16 => Stage1Input::indent_9_16,
                _ => Stage1Input::indent_17_,
            },
            1.0,
        );
        set(Stage1Input::url, f.url as u8 as f32);
        set(Stage1Input::separators, (f.separators.min(8) as f32) / 4.0);
        let wf = w.max(1) as f32;
        let cf = f.chars.max(1) as f32;
        set(Stage1Input::upper_ratio, f.upper_words as f32 / wf);
        set(Stage1Input::digit_ratio, f.digits as f32 / cf);
        set(Stage1Input::punct_ratio, f.punct as f32 / cf);
        set(Stage1Input::numeric_ratio, f.numeric_words as f32 / wf);
        for c in 0..CATEGORIES {
            x[Stage1Input::lex_navigation as usize + c] = f.lex_share(c);
            x[Stage1Input::lead_navigation as usize + c] = ((f.lex_lead >> c) & 1) as f32;
            x[Stage1Input::hits_navigation as usize + c] = f.lex_hits[c].min(3) as f32 / 3.0;
        }
        let mut set = |k: Stage1Input, v: f32| x[k as usize] = v;
        set(Stage1Input::date, f.date as u8 as f32);
        set(Stage1Input::time, f.time as u8 as f32);
        set(Stage1Input::byline, f.byline as u8 as f32);
        set(Stage1Input::reading_time, f.reading_time as u8 as f32);
        set(Stage1Input::counter, f.counter as u8 as f32);
        set(Stage1Input::credit, f.credit as u8 as f32);
        set(Stage1Input::glued, (f.glued.min(3) as f32) / 3.0);
        set(
            Stage1Input::lead_upper,
            f.lead_upper as f32 / (w.clamp(1, 8) as f32),
        );
        if f.repeats == 2 {
            set(Stage1Input::repeats_2, 1.0);
        } else if f.repeats > 2 {
            set(Stage1Input::repeats_3_, 1.0);
        }
        set(Stage1Input::echo, f.echo as f32 / 100.0);
        set(Stage1Input::echo_most, (f.echo >= 50) as u8 as f32);
        set(
            Stage1Input::heading_like,
            self.has(i as u32, HEADING) as u8 as f32,
        );
        let head = self.head.get(i).copied().unwrap_or(0);
        set(
            Stage1Input::head_title,
            (head & evidence::TITLE_MATCH != 0) as u8 as f32,
        );
        set(
            Stage1Input::head_slug,
            (head & evidence::SLUG_MATCH != 0) as u8 as f32,
        );
        set(
            Stage1Input::page_title,
            (head & evidence::PAGE_TITLE != 0) as u8 as f32,
        );
        if let Some(h) = self.headline_rank {
            let d = self.nonblank_prefix[i] - h;
            set(
                match d {
                    d if d < 0.0 => Stage1Input::before_head,
                    0.0 => Stage1Input::is_headline,
                    d if d <= 3.0 => Stage1Input::after_head_1_3,
                    d if d <= 15.0 => Stage1Input::after_head_4_15,
                    _ => Stage1Input::after_head_16_,
                },
                1.0,
            );
        }

        // Position and block.
        let n = lines.len().max(1) as f32;
        let rel = i as f32 / n;
        set(
            match rel {
                r if r < 0.1 => Stage1Input::pos_0_10,
                r if r < 0.3 => Stage1Input::pos_10_30,
                r if r < 0.7 => Stage1Input::pos_30_70,
                r if r < 0.9 => Stage1Input::pos_70_90,
                _ => Stage1Input::pos_90_100,
            },
            1.0,
        );
        let nb_rank = self.nonblank_prefix[i];
        set(Stage1Input::first_lines, (nb_rank < 5.0) as u8 as f32);
        set(
            Stage1Input::last_lines,
            (self.n_nonblank as f32 - nb_rank <= 5.0) as u8 as f32,
        );
        let starts_block = i == 0 || lines[i - 1].blank;
        let ends_block = i + 1 >= lines.len() || lines[i + 1].blank;
        set(Stage1Input::new_block, starts_block as u8 as f32);
        set(Stage1Input::blank_after, ends_block as u8 as f32);
        set(
            match self.block_len[i] {
                0 | 1 => Stage1Input::block_1,
                2 | 3 => Stage1Input::block_2_3,
                _ => Stage1Input::block_4_,
            },
            1.0,
        );
        if f.cont || f.continued {
            set(Stage1Input::piece, 1.0);
            if !f.cont {
                set(Stage1Input::piece_first, 1.0);
            } else if !f.continued {
                set(Stage1Input::piece_last, 1.0);
            }
        }

        // Neighbours.
        let mut neighbour = |j: u32,
                             short: Stage1Input,
                             long: Stage1Input,
                             prose: Stage1Input,
                             sentence: Stage1Input,
                             heading: Stage1Input,
                             lex: Stage1Input,
                             read_more: Stage1Input| {
            if j == NONE {
                return;
            }
            let g = &lines[j as usize];
            if g.words <= 3 {
                x[short as usize] = 1.0;
            } else if g.words > 10 {
                x[long as usize] = 1.0;
            }
            x[prose as usize] = self.has(j, PROSE) as u8 as f32;
            x[sentence as usize] = (g.ending == Ending::Sentence) as u8 as f32;
            x[heading as usize] = self.has(j, HEADING) as u8 as f32;
            x[lex as usize] = g.lex_total_share();
            x[read_more as usize] = kinds::read_more_shaped(g) as u8 as f32;
        };
        let (p, nx) = (self.prev[i], self.next[i]);
        use Stage1Input::*;
        neighbour(
            p,
            prev_short,
            prev_long,
            prev_prose,
            prev_sentence,
            prev_heading,
            prev_lex,
            prev_read_more,
        );
        neighbour(
            nx,
            next_short,
            next_long,
            next_prose,
            next_sentence,
            next_heading,
            next_lex,
            next_read_more,
        );
        let mut set = |k: Stage1Input, v: f32| x[k as usize] = v;
        if p != NONE && self.prev[p as usize] != NONE {
            set(
                prev2_prose,
                self.has(self.prev[p as usize], PROSE) as u8 as f32,
            );
        }
        if nx != NONE && self.next[nx as usize] != NONE {
            set(
                next2_prose,
                self.has(self.next[nx as usize], PROSE) as u8 as f32,
            );
        }

        // Windows and mass.
        for (k, feat) in [
            (5, window5_prose),
            (15, window15_prose),
            (40, window40_prose),
        ] {
            set(
                feat,
                window_share(&self.prose_prefix, &self.chars_prefix, i, k),
            );
        }
        let total = *self.prose_prefix.last().unwrap_or(&0.0);
        let above = if total > 0.0 {
            self.prose_prefix[i] / total
        } else {
            0.0
        };
        set(
            match above {
                0.0 => mass_above_0,
                a if a < 0.1 => mass_above_lt10,
                a if a < 0.5 => mass_above_lt50,
                a if a < 0.9 => mass_above_lt90,
                a if a < 1.0 => mass_above_lt100,
                _ => mass_above_1,
            },
            1.0,
        );
        let m = self.marks[i];
        set(comments_above, ln_1p(m[0] as u32));
        set(newsletter_above, ln_1p(m[1] as u32));
        set(teaser_above, ln_1p(m[2] as u32));
        set(legal_above, ln_1p(m[3] as u32));
        set(doc_stop_rate, doc.stop_rate);
        set(doc_log_lines, ln_1p(self.n_nonblank as u32) / 8.0);

        if kind == Kind::Combined {
            let r = rules[i].logit;
            set(rule_logit, (r / 5.0).clamp(-2.0, 2.0));
            set(rule_pos, (r > 0.0) as u8 as f32);
            set(rule_neg_strong, (r < -3.0) as u8 as f32);
            for (k, feat) in [(3, rule_window3), (10, rule_window10)] {
                let nb = window(&self.nonblank_prefix, i, k).max(1.0);
                set(
                    feat,
                    (window(&self.rule_prefix, i, k) / nb / 5.0).clamp(-2.0, 2.0),
                );
            }
            if p != NONE {
                set(rule_prev, (rules[p as usize].logit / 5.0).clamp(-2.0, 2.0));
            }
            if nx != NONE {
                set(rule_next, (rules[nx as usize].logit / 5.0).clamp(-2.0, 2.0));
            }
            if let Some(states) = heuristic {
                set(
                    match states[i] {
                        State::Keep => rule_keep,
                        State::Gap => rule_gap,
                        State::Before => rule_before,
                        State::After => rule_after,
                        State::Closed => rule_closed,
                    },
                    1.0,
                );
            }
        }

        // Hashed n-grams of the line itself.
        let content = &text[f.trim_start as usize..f.trim_end as usize];
        let words = doc.words(i);
        let mut prev_word = 0u64;
        let mut whole = tokens::HASH_SEED;
        for (k, &hash) in words.iter().enumerate() {
            sparse.push(bucket(tokens::combine(1, hash)));
            if k == 0 {
                sparse.push(bucket(tokens::combine(2, hash)));
            } else if k < BIGRAM_WORDS {
                sparse.push(bucket(tokens::combine(3, tokens::combine(prev_word, hash))));
            }
            whole = tokens::combine(whole, hash);
            prev_word = hash;
        }
        if (1..=5).contains(&w) {
            sparse.push(bucket(tokens::combine(4, whole)));
        }
        let lower = |c: char| {
            if c.is_ascii() {
                c.to_ascii_lowercase() as u64
            } else {
                tokens::CharInfo::of(c).folded as u64
            }
        };
        let mut chars = content.chars().take(TRIGRAM_CHARS).map(lower);
        if let (Some(mut a), Some(mut b)) = (chars.next(), chars.next()) {
            for c in chars {
                sparse.push(bucket(tokens::combine(5, (a << 42) ^ (b << 21) ^ c)));
                (a, b) = (b, c);
            }
        }
    }

    /// Fills the crosses of line `i` into `out` (cleared by the caller): one
    /// hashed bucket per combination of coarse features, so that the linear
    /// model can weigh interactions ("a short bulleted line between two short
    /// lines", "a long line without stopwords ending in an ellipsis").
    pub(crate) fn crosses(&self, doc: &DocFeatures, i: usize, x: &[f32], out: &mut Vec<u32>) {
        let lines = &doc.lines;
        let f = &lines[i];
        let know = doc.knows_language();
        let bin = |range: std::ops::RangeInclusive<usize>| {
            x[range].iter().position(|&v| v > 0.0).unwrap_or(15) as u64
        };
        let wbin = bin(Stage1Input::words_0 as usize..=Stage1Input::words_51_ as usize);
        let dbin = if know {
            bin(Stage1Input::density_0 as usize..=Stage1Input::density_ge40 as usize)
        } else {
            7
        };
        let coarse = |g: &LineFeatures| match g.words {
            0..=3 => 0u64,
            4..=10 => 1,
            _ => 2,
        };
        let (p, n) = (self.prev[i], self.next[i]);
        let pc = if p == NONE {
            3
        } else {
            coarse(&lines[p as usize])
        };
        let nc = if n == NONE {
            3
        } else {
            coarse(&lines[n as usize])
        };
        let own = coarse(f);
        let end = f.ending as u64;
        let prev_end = if p == NONE {
            7
        } else {
            lines[p as usize].ending as u64
        };
        let lex = f
            .lex_top()
            .map_or(15, |(c, share)| c as u64 * 2 + (share >= 0.5) as u64);
        let indent = bin(Stage1Input::indent_0 as usize..=Stage1Input::indent_17_ as usize);
        let pos = bin(Stage1Input::pos_0_10 as usize..=Stage1Input::pos_90_100 as usize);
        let mass = bin(Stage1Input::mass_above_0 as usize..=Stage1Input::mass_above_1 as usize);
        let prose = |j: u32| self.has(j, PROSE);
        let combos: [u64; CROSSES] = [
            (wbin * 8 + dbin) * 8 + end,
            (wbin * 4 + pc) * 4 + nc,
            (lex * 4 + own) * 2 + (f.lex_lead != 0) as u64,
            end * 8 + prev_end,
            (f.bullet as u64 * 8 + indent) * 4 + own,
            (self.has(i as u32, HEADING) as u64 * 2 + prose(p) as u64) * 2 + prose(n) as u64,
            (pos * 8 + own) * 8 + dbin,
            mass * 4 + own,
        ];
        for (k, c) in combos.into_iter().enumerate() {
            out.push(bucket(tokens::combine(100 + k as u64, c)));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::classify::Scratch;
    use crate::hints::Hints;
    use crate::model::inputs::{Kind, DENSE};
    use crate::strip::Stripper;

    /// The hashed n-gram and cross buckets of a known line, as the shipped
    /// model's weights are filed (`text/tokens.rs` pins the word hash;
    /// this pins the n-grams built from it: their tags, the seed of the
    /// whole-line n-gram, the character trigrams, the bucket mask). If it
    /// fails, the model reads other n-grams' weights: retrain it and bump
    /// `FEATURES_VERSION`, or undo the change.
    #[test]
    fn ngram_buckets_are_pinned() {
        let text = "Lire la suite de l'article\n";
        let stripper = Stripper::builder().heuristics_only().build().unwrap();
        let mut s = Scratch::default();
        stripper.classifier.run(text, &Hints::new(), &mut s);
        s.vectorizer.prepare(&s.doc, &s.emissions, &s.evidence);
        s.x.resize(DENSE, 0.0);
        s.line_inputs(text, Kind::Combined, 0);
        assert_eq!(s.sparse, SPARSE);
        assert_eq!(s.crosses, CROSSES);
    }

    /// Unigrams (and the first word), bigrams, the whole line's n-gram
    /// (five words or fewer: none here), character trigrams.
    const SPARSE: &[u32] = &[
        19178, 15668, 57740, 13073, 13195, 11069, 53195, 6954, 51802, 15775, 56782, 12487, 57581,
        20050, 14913, 47741, 36960, 4731, 46814, 25048, 926, 26699,
    ];
    const CROSSES: &[u32] = &[14945, 53865, 25971, 41721, 28708, 36601, 2623, 30265];
}
