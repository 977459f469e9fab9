//! Stage 5 of the pipeline, the model's second stage: each line re-scored in the light of its neighbours'
//! first-stage scores.
//!
//! The first stage judges a line from its own features and its immediate
//! neighbours'. The second stage sees the pattern of first-stage scores
//! around it: how much of the window reads as content, how long the run of
//! content it sits in is, whether that run is the document's largest (the
//! article) or an isolated strong line amid menu items (a teaser). It is a
//! small linear model over these inputs; its scores feed the decoder.

use crate::classify::evidence::{Evidence, PAGE_TITLE, SLUG_MATCH, TITLE_MATCH};
use crate::classify::features::{Ending, LineFeatures};
use crate::classify::kinds::{self, STAGE2_MARKERS, STAGE2_PROSE};
use crate::model::inputs::Stage2Input;
use crate::site::lookup::SiteLines;
use crate::util::math::{ln_1p, sigmoid, window, window_share};

/// Per-document context of the second stage.
#[derive(Default, Debug)]
pub(crate) struct Rescorer {
    /// Non-blank line indices, in order.
    rows: Vec<u32>,
    /// First-stage log-odds per non-blank line (by row).
    z: Vec<f32>,
    /// Prefix sums by row of σ(z)·chars, chars and σ(z).
    p_chars: Vec<f32>,
    chars: Vec<f32>,
    p: Vec<f32>,
    /// Run id per row (u32::MAX: not in a run).
    run: Vec<u32>,
    /// Per run: (first row, last row, content chars).
    runs: Vec<(u32, u32, f32)>,
    best: Option<u32>,
    second: Option<u32>,
    /// Prefix sums by row of predicted content chars.
    content: Vec<f32>,
    /// Prefix counts by row of metadata-shaped, headline-shaped, truncated
    /// (ellipsis), short and prose-like lines.
    shapes: Vec<[u16; 6]>,
    /// Per row: the row has a teaser snippet's shape (see [`Rescorer::prepare`]).
    snippet: Vec<bool>,
    /// Head evidence per line, and the headline's row.
    head: Vec<u8>,
    headline_row: Option<u32>,
    /// Per row: rows since the last end-of-article marker above, and until
    /// the next one below (u32::MAX: none).
    marker_up: Vec<u32>,
    marker_down: Vec<u32>,
    /// Whether the document's language is unknown (no stopword signal).
    lang_unknown: bool,
    /// Per row: the share of the site's pages holding the line, and their
    /// effective count (all 0 without site patterns); prefix sums of the
    /// shares; the site's pages; the share of the document's characters on
    /// lines that most of the site's pages hold.
    site_share: Vec<f32>,
    site_count: Vec<u32>,
    site_prefix: Vec<f32>,
    site_pages: u32,
    site_doc: f32,
}

const NO_RUN: u32 = u32::MAX;

/// The rows in a window of 3 either side of row `r` of `n`.
fn rows3(r: usize, n: usize) -> f32 {
    ((r + 4).min(n) - r.saturating_sub(3)) as f32
}

impl Rescorer {
    /// Prepares the context from the first-stage log-odds of every line
    /// (`z[i]` for line `i`; blank lines are ignored).
    pub(crate) fn prepare(
        &mut self,
        lines: &[LineFeatures],
        knows_language: bool,
        z: &[f32],
        evidence: &Evidence,
        site: &SiteLines,
    ) {
        self.lang_unknown = !knows_language;
        self.rows.clear();
        self.z.clear();
        for (i, f) in lines.iter().enumerate() {
            if !f.blank {
                self.rows.push(i as u32);
                self.z.push(z[i]);
            }
        }
        let n = self.rows.len();
        self.p_chars.clear();
        self.chars.clear();
        self.p.clear();
        self.content.clear();
        let (mut a, mut b, mut c, mut d) = (0.0f32, 0.0f32, 0.0f32, 0.0f32);
        self.p_chars.push(0.0);
        self.chars.push(0.0);
        self.p.push(0.0);
        self.content.push(0.0);
        for r in 0..n {
            let chars = lines[self.rows[r] as usize].chars as f32;
            let p = sigmoid(self.z[r]);
            a += p * chars;
            b += chars;
            c += p;
            if self.z[r] > 0.0 {
                d += chars;
            }
            self.p_chars.push(a);
            self.chars.push(b);
            self.p.push(c);
            self.content.push(d);
        }
        // Runs of content: broken by a dropped line of more than four words
        // or by three dropped lines in a row.
        self.run.clear();
        self.run.resize(n, NO_RUN);
        self.runs.clear();
        let mut r = 0;
        while r < n {
            if self.z[r] <= 0.0 {
                r += 1;
                continue;
            }
            let id = self.runs.len() as u32;
            let start = r;
            let mut last_kept = r;
            let mut chars = 0.0;
            let mut misses = 0;
            while r < n {
                let f = &lines[self.rows[r] as usize];
                if self.z[r] > 0.0 {
                    chars += f.chars as f32;
                    last_kept = r;
                    misses = 0;
                } else {
                    misses += 1;
                    if f.words > 4 || misses >= 3 {
                        break;
                    }
                }
                r += 1;
            }
            for k in start..=last_kept {
                self.run[k] = id;
            }
            self.runs.push((start as u32, last_kept as u32, chars));
            r = last_kept + 1;
        }
        let mut order: Vec<u32> = (0..self.runs.len() as u32).collect();
        order.sort_by(|a, b| {
            self.runs[*b as usize]
                .2
                .total_cmp(&self.runs[*a as usize].2)
                .then(a.cmp(b))
        });
        self.best = order.first().copied();
        self.second = order.get(1).copied();
        // A teaser snippet: a line of prose between a headline (or a bulleted
        // line) above and a date, a headline or a bulleted line below, as
        // in "headline / excerpt / date" rails of other articles.
        self.snippet.clear();
        for r in 0..n {
            let f = &lines[self.rows[r] as usize];
            let head = |g: &LineFeatures| kinds::heading_like(g) || (g.bullet && g.words <= 20);
            let tail = |g: &LineFeatures| head(g) || g.date || g.time || g.counter;
            let prose = kinds::snippet_prose(f);
            let above = r > 0 && head(&lines[self.rows[r - 1] as usize]);
            let below = r + 1 < n && tail(&lines[self.rows[r + 1] as usize]);
            self.snippet.push(prose && above && below);
        }
        self.shapes.clear();
        let mut acc = [0u16; 6];
        self.shapes.push(acc);
        for (r, &i) in self.rows.iter().enumerate() {
            let f = &lines[i as usize];
            let shape = [
                kinds::metadata_shaped(f) || f.time,
                kinds::heading_like(f),
                f.ending == Ending::Ellipsis,
                f.words <= 3,
                STAGE2_PROSE.holds(f, !self.lang_unknown),
                self.snippet[r],
            ];
            for (a, s) in acc.iter_mut().zip(shape) {
                *a = a.saturating_add(s as u16);
            }
            self.shapes.push(acc);
        }
        let is_marker = |f: &LineFeatures| kinds::marker(f, &STAGE2_MARKERS).is_some();
        self.marker_up.clear();
        let mut last = None;
        for (r, &i) in self.rows.iter().enumerate() {
            self.marker_up
                .push(last.map_or(u32::MAX, |l| (r - l) as u32));
            if is_marker(&lines[i as usize]) {
                last = Some(r);
            }
        }
        self.marker_down.clear();
        self.marker_down.resize(n, u32::MAX);
        let mut next = None;
        for r in (0..n).rev() {
            self.marker_down[r] = next.map_or(u32::MAX, |x: usize| (x - r) as u32);
            if is_marker(&lines[self.rows[r] as usize]) {
                next = Some(r);
            }
        }
        self.site_share.clear();
        self.site_count.clear();
        self.site_prefix.clear();
        self.site_prefix.push(0.0);
        self.site_pages = site.pages;
        let (mut acc, mut template, mut all) = (0.0f32, 0.0f32, 0.0f32);
        for &i in &self.rows {
            let share = site.share(i as usize);
            let chars = lines[i as usize].chars as f32;
            self.site_share.push(share);
            self.site_count
                .push(site.counts.get(i as usize).copied().unwrap_or(0));
            acc += share;
            self.site_prefix.push(acc);
            all += chars;
            if share >= 0.5 {
                template += chars;
            }
        }
        self.site_doc = if site.pages > 0 && all > 0.0 {
            template / all
        } else {
            0.0
        };
        self.head.clear();
        self.head.extend_from_slice(&evidence.flags);
        self.headline_row = evidence
            .headline
            .and_then(|h| self.rows.binary_search(&h).ok())
            .map(|r| r as u32);
    }

    /// Fills the second-stage inputs of non-blank line `i` into `x`
    /// (length [`STAGE2`](crate::model::inputs::STAGE2), zeroed by the caller).
    pub(crate) fn line(&self, lines: &[LineFeatures], i: usize, x: &mut [f32]) {
        let Ok(r) = self.rows.binary_search(&(i as u32)) else {
            return;
        };
        let n = self.rows.len();
        let clip = |z: f32| (z / 4.0).clamp(-3.0, 3.0);
        let mut set = |k: Stage2Input, v: f32| x[k as usize] = v;
        set(Stage2Input::line_score, clip(self.z[r]));
        set(Stage2Input::line_kept, (self.z[r] > 0.0) as u8 as f32);
        for (d, prev, next) in [
            (1, Stage2Input::prev1_score, Stage2Input::next1_score),
            (2, Stage2Input::prev2_score, Stage2Input::next2_score),
            (3, Stage2Input::prev3_score, Stage2Input::next3_score),
        ] {
            if r >= d {
                set(prev, clip(self.z[r - d]));
            }
            if r + d < n {
                set(next, clip(self.z[r + d]));
            }
        }
        for (k, feat) in [
            (2, Stage2Input::window2),
            (5, Stage2Input::window5),
            (10, Stage2Input::window10),
        ] {
            set(feat, window_share(&self.p_chars, &self.chars, r, k));
        }
        let rows = (r + 6).min(n) - r.saturating_sub(5);
        set(
            Stage2Input::window5_lines,
            window(&self.p, r, 5) / rows as f32,
        );
        let total = *self.content.last().unwrap_or(&0.0);
        if total > 0.0 {
            set(Stage2Input::content_above, self.content[r] / total);
            set(
                Stage2Input::content_below,
                (total - self.content[r + 1]) / total,
            );
        }
        let run = self.run[r];
        if run != NO_RUN {
            let (a, b, chars) = self.runs[run as usize];
            set(Stage2Input::in_run, 1.0);
            set(Stage2Input::run_chars, (1.0 + chars).ln() / 8.0);
            set(Stage2Input::run_lines, ln_1p(b - a + 1) / 4.0);
            if total > 0.0 {
                set(Stage2Input::run_share, chars / total);
            }
            set(Stage2Input::run_best, (Some(run) == self.best) as u8 as f32);
            set(
                Stage2Input::run_second,
                (Some(run) == self.second) as u8 as f32,
            );
        }
        if let Some(best) = self.best {
            let (a, b, _) = self.runs[best as usize];
            let (a, b) = (a as usize, b as usize);
            if r < a {
                set(Stage2Input::before_best, 1.0);
                set(Stage2Input::best_distance, ln_1p((a - r) as u32) / 4.0);
            } else if r > b {
                set(Stage2Input::after_best, 1.0);
                set(Stage2Input::best_distance, ln_1p((r - b) as u32) / 4.0);
            }
        }
        let f = &lines[i];
        set(
            match f.words {
                0..=3 => Stage2Input::short,
                4..=10 => Stage2Input::medium,
                _ => Stage2Input::long,
            },
            1.0,
        );
        set(
            Stage2Input::heading_like,
            kinds::heading_like(f) as u8 as f32,
        );
        set(
            Stage2Input::sentence,
            (f.ending == Ending::Sentence) as u8 as f32,
        );
        set(
            Stage2Input::starts_block,
            (i == 0 || lines[i - 1].blank) as u8 as f32,
        );
        set(
            Stage2Input::ends_block,
            (i + 1 >= lines.len() || lines[i + 1].blank) as u8 as f32,
        );
        set(Stage2Input::bullet, f.bullet as u8 as f32);

        set(Stage2Input::log_chars, ln_1p(f.chars) / 5.0);
        set(Stage2Input::log_words, ln_1p(f.words) / 4.0);
        set(Stage2Input::density, f.stop_density());
        set(Stage2Input::lang_unknown, self.lang_unknown as u8 as f32);
        set(Stage2Input::ending, f.ending as u8 as f32);
        set(Stage2Input::indent, (f.indent.min(32) as f32) / 8.0);
        set(Stage2Input::url, f.url as u8 as f32);
        set(Stage2Input::separators, f.separators.min(8) as f32);
        let (wf, cf) = (f.words.max(1) as f32, f.chars.max(1) as f32);
        set(Stage2Input::upper_ratio, f.upper_words as f32 / wf);
        set(Stage2Input::digit_ratio, f.digits as f32 / cf);
        set(Stage2Input::punct_ratio, f.punct as f32 / cf);
        if let Some((c, share)) = f.lex_top() {
            set(Stage2Input::lex_share, share);
            set(Stage2Input::lex_category, 1.0 + c as f32);
        }
        set(Stage2Input::lex_lead, (f.lex_lead != 0) as u8 as f32);
        set(Stage2Input::date, f.date as u8 as f32);
        set(Stage2Input::time, f.time as u8 as f32);
        set(Stage2Input::byline, f.byline as u8 as f32);
        set(Stage2Input::reading_time, f.reading_time as u8 as f32);
        set(Stage2Input::counter, f.counter as u8 as f32);
        set(Stage2Input::credit, f.credit as u8 as f32);
        set(Stage2Input::repeats, ln_1p(f.repeats as u32));
        set(Stage2Input::position, r as f32 / n.max(1) as f32);
        let head = self.head.get(i).copied().unwrap_or(0);
        set(
            Stage2Input::head_title,
            (head & TITLE_MATCH != 0) as u8 as f32,
        );
        set(
            Stage2Input::head_slug,
            (head & SLUG_MATCH != 0) as u8 as f32,
        );
        set(
            Stage2Input::page_title,
            (head & PAGE_TITLE != 0) as u8 as f32,
        );
        if let Some(h) = self.headline_row {
            set(
                Stage2Input::head_distance,
                (r as f32 - h as f32).clamp(-50.0, 50.0) / 10.0,
            );
        } else {
            set(Stage2Input::head_distance, -6.0);
        }
        let (lo, hi) = (r.saturating_sub(5), (r + 6).min(n));
        let span = (hi - lo) as f32;
        for (k, feat) in [
            Stage2Input::meta_window,
            Stage2Input::heading_window,
            Stage2Input::ellipsis_window,
            Stage2Input::short_window,
            Stage2Input::prose_window,
            Stage2Input::snippet_window,
        ]
        .into_iter()
        .enumerate()
        {
            set(
                feat,
                (self.shapes[hi][k] - self.shapes[lo][k]) as f32 / span,
            );
        }
        let dist = |d: u32| {
            if d == u32::MAX {
                0.0
            } else {
                1.0 / (1.0 + d as f32).sqrt()
            }
        };
        set(Stage2Input::snippet, self.snippet[r] as u8 as f32);
        set(Stage2Input::marker_above, dist(self.marker_up[r]));
        set(Stage2Input::marker_below, dist(self.marker_down[r]));
        if self.site_pages > 0 {
            set(Stage2Input::site_share, self.site_share[r]);
            set(Stage2Input::site_count, ln_1p(self.site_count[r]) / 8.0);
            set(Stage2Input::site_pages, ln_1p(self.site_pages) / 8.0);
            set(
                Stage2Input::site_window,
                window(&self.site_prefix, r, 3) / rows3(r, n),
            );
            set(Stage2Input::site_doc, self.site_doc);
        }
    }
}
