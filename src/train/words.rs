//! The benchmarks' words, for scoring and for deriving training labels
//! (not the tokenizer's words: see [`bench_words`]).

/// The benchmarks' tokens: runs of `\w` (letters, digits, `_`) as
/// Python's `re` finds them, for scoring against gold data and deriving
/// training labels from it. Not the tokenizer's words (`text::tokens::scan`) on purpose: the metrics
/// must be the ones `../shared/bench/score.py` computes.
pub(super) fn bench_words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
}

/// [`bench_words`] with every Han or kana character a word of its own, as
/// `../shared/bench/score_cjk.py` counts Chinese and Japanese pages: their
/// `\w+` runs are whole clauses, too coarse to compare in shingles.
pub(super) fn bench_words_cjk(s: &str) -> impl Iterator<Item = &str> {
    let is_cjk = |c: char| matches!(c, '\u{3040}'..='\u{30ff}' | '\u{3400}'..='\u{4dbf}' | '\u{4e00}'..='\u{9fff}' | '\u{f900}'..='\u{faff}');
    bench_words(s).flat_map(move |run| {
        let mut pieces = Vec::new();
        let mut start = 0;
        for (i, c) in run.char_indices() {
            if is_cjk(c) {
                if start < i {
                    pieces.push(&run[start..i]);
                }
                pieces.push(&run[i..i + c.len_utf8()]);
                start = i + c.len_utf8();
            }
        }
        if start < run.len() {
            pieces.push(&run[start..]);
        }
        pieces
    })
}
