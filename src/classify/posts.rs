//! Series of posts: comment threads and forums, found from the text alone.
//!
//! A post opens with a short header line holding a date, a time or a
//! byline ("Tim 11.06.12 at 11:06 am", "written by lynn, October 22, 2012").
//! Three or more such headers, each a few lines after the previous one with
//! text between them, make a series. Where most of the page's prose lies
//! above the series, the page is an article and the series its reader
//! comments; where little does, the posts are the page's content.

use crate::classify::features::LineFeatures;
use crate::classify::rules::{self, Emission};

/// A series of posts needs at least this many headers…
const MIN_POSTS: usize = 3;
/// … each at most this many non-blank lines after the previous one, with a
/// line of at least [`TEXT_WORDS`] words between them.
const MAX_GAP: usize = 30;
const TEXT_WORDS: u32 = 5;
/// Lines of at least this many words count as prose.
const PROSE_WORDS: u32 = 10;

/// The document's longest series of posts.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Series {
    /// The first post's header line.
    pub first: usize,
    /// The line after the last post's text.
    pub end: usize,
    /// Headers in the series.
    pub posts: usize,
    /// The prose characters above the series, and in an average post.
    pub prose_above: f32,
    pub post_prose: f32,
}

impl Series {
    /// Whether the series is the reader comments below an article: above
    /// it, more prose than in [`ARTICLE_POSTS`] average posts, and at least
    /// [`ARTICLE_CHARS`] of it. Else the posts are the page's content (a
    /// forum thread, a question and its answers).
    pub(crate) fn below_article(&self) -> bool {
        self.prose_above >= ARTICLE_CHARS && self.prose_above >= ARTICLE_POSTS * self.post_prose
    }
}

/// See [`Series::below_article`].
const ARTICLE_CHARS: f32 = 400.0;
const ARTICLE_POSTS: f32 = 1.5;

/// A header's shape: which of byline, date and time it has, and its length.
fn signature(f: &LineFeatures) -> u8 {
    let words = match f.words {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    };
    f.byline as u8 | (f.date as u8) << 1 | (f.time as u8) << 2 | words << 3
}

/// Whether a line reads like a post's header: short, with a date, a time
/// or a byline.
pub(crate) fn header(f: &LineFeatures) -> bool {
    !f.blank && f.words <= 14 && (f.date || f.time || f.byline)
}

/// Finds the longest series of posts of a document.
pub(crate) fn find(lines: &[LineFeatures]) -> Option<Series> {
    let rows: Vec<usize> = (0..lines.len()).filter(|&i| !lines[i].blank).collect();
    let all: Vec<(usize, u8)> = (0..rows.len())
        .filter(|&r| header(&lines[rows[r]]))
        .map(|r| (r, signature(&lines[rows[r]])))
        .collect();
    // The longest chain of headers of one shape: a thread's headers are
    // alike ("name / date at time"), a page's scattered dates are not.
    let mut best: Option<Vec<usize>> = None;
    let mut sigs: Vec<u8> = all.iter().map(|&(_, sig)| sig).collect();
    sigs.sort_unstable();
    sigs.dedup();
    for sig in sigs {
        let headers: Vec<usize> = all.iter().filter(|h| h.1 == sig).map(|h| h.0).collect();
        let mut start = 0;
        for k in 1..=headers.len() {
            let linked = k < headers.len() && {
                let (a, b) = (headers[k - 1], headers[k]);
                b - a <= MAX_GAP && (a + 1..b).any(|r| lines[rows[r]].words >= TEXT_WORDS)
            };
            if !linked {
                if k - start >= MIN_POSTS && best.as_ref().is_none_or(|b| k - start > b.len()) {
                    best = Some(headers[start..k].to_vec());
                }
                start = k;
            }
        }
    }
    let headers = best?;
    let (mut s, e) = (0, headers.len());
    let last = headers[e - 1];
    let mut end = last + 1;
    while end < rows.len() && end - last <= MAX_GAP && !header(&lines[rows[end]]) {
        end += 1;
    }
    let end = rows.get(end).copied().unwrap_or(lines.len());
    let prose = |f: &LineFeatures| {
        if f.words >= PROSE_WORDS {
            f.chars as f32
        } else {
            0.0
        }
    };
    let sum = |a: usize, b: usize| lines[a..b].iter().map(prose).sum::<f32>();
    // An article whose byline or date opens the series is not its first
    // post: the series starts after it when its text outweighs the posts'.
    if e - s > MIN_POSTS {
        let (h0, h1) = (rows[headers[s]], rows[headers[s + 1]]);
        let article = sum(0, h1);
        let posts = sum(h1, end) / (e - s - 1) as f32;
        if article >= ARTICLE_CHARS && article >= ARTICLE_POSTS * posts && h0 < h1 {
            s += 1;
        }
    }
    let first = rows[headers[s]];
    Some(Series {
        first,
        end,
        posts: e - s,
        prose_above: sum(0, first),
        post_prose: sum(first, end) / (e - s) as f32,
    })
}

/// On a thread page, the log-odds a post's text gets at least…
pub(crate) const THREAD_POST_LOGIT: f32 = 1.0;
/// … unless the model rejects it outright (log-odds at or below this).
pub(crate) const THREAD_REJECTED: f32 = -3.0;

/// Whether a line of a thread is a post's text: a few words, not a header,
/// not a stock phrase ("Reply", "Quote"), not repeated in the page (a
/// signature is).
pub(crate) fn post_text(f: &LineFeatures, e: &Emission) -> bool {
    !f.blank
        && f.words >= 4
        && !header(f)
        && f.repeats <= 1
        && f.lex_total_share() < 0.3
        && !rules::vetoes(e)
}
