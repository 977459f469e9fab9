//! The boilerplate phrase lexicon, compiled: the phrases
//! (`data/lexicon/<category>.txt`, see `data.rs`) become Aho-Corasick
//! automata that scan a whole document in one pass, case-insensitively and
//! on word boundaries. The lexicon also holds the stoplists' table
//! (`stopwords.rs`).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::error::Error;
use crate::label::Label;
use crate::text::data::{default_files, entries, STOPLISTS};
use crate::text::fold;
use crate::text::stopwords::StopTable;
use crate::text::tokens;

/// One phrase of the lexicon.
#[derive(Clone, Debug)]
pub(crate) struct Phrase {
    pub(crate) text: Arc<str>,
    pub(crate) category: u8,
    /// Whether its first / last character must sit at a word boundary.
    bounds: (bool, bool),
}

/// Phrases folded (see [`fold::fold_into`]) into one automaton, with the
/// phrase of each of its patterns.
#[derive(Clone, Debug)]
struct Automaton {
    dfa: AhoCorasick,
    phrase: Vec<u32>,
}

impl Automaton {
    fn build(patterns: &[(u32, Vec<u8>)]) -> Result<Automaton, Error> {
        let dfa = AhoCorasickBuilder::new()
            .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns.iter().map(|(_, p)| p))
            .map_err(|e| Error::setting(format!("cannot build the phrase automaton: {e}")))?;
        Ok(Automaton {
            dfa,
            phrase: patterns.iter().map(|&(id, _)| id).collect(),
        })
    }

    /// The leftmost-longest match in `hay[from..to]`.
    #[inline]
    fn find(&self, hay: &[u8], from: usize, to: usize) -> Option<aho_corasick::Match> {
        self.dfa.find(aho_corasick::Input::new(hay).range(from..to))
    }
}

/// The compiled phrase lexicon and stopword table.
///
/// The phrases live in two automata. Folding turns Latin letters into ASCII, so
/// most phrases are ASCII once folded: their automaton tells few byte
/// classes apart and builds in a third of the time of one automaton for all
/// (start-up counts when a pipeline runs one process per shard). The other
/// phrases (other scripts, symbols such as "→") can only match in lines that
/// still hold non-ASCII bytes after folding, and only those are searched
/// with both automata, their matches merged exactly as one leftmost-longest
/// automaton over all phrases would give them.
#[derive(Clone, Debug)]
pub(crate) struct Lexicon {
    /// Phrases that are ASCII once folded.
    ascii: Automaton,
    /// Every other phrase.
    wide: Automaton,
    /// The non-ASCII characters of those phrases (once folded), one bit per
    /// code point: a line with none of them needs no search for them.
    wide_chars: Vec<u64>,
    pub(crate) phrases: Vec<Phrase>,
    stop: StopTable,
    pub(crate) langs: Vec<&'static str>,
}

/// Whether the character of folded text `s` that ends at `i` continues a
/// word. [`fold::FILLER`] stands for a folded Latin letter.
fn folded_joins_before(s: &[u8], i: usize) -> bool {
    if i == 0 {
        return false;
    }
    if s[i - 1] == fold::FILLER {
        return true;
    }
    // Back up over continuation bytes to the character's first byte.
    let from = (i.saturating_sub(4)..i)
        .rev()
        .find(|&j| s[j] & 0xC0 != 0x80)
        .unwrap_or(i - 1);
    folded_char_at(s, from).is_some_and(tokens::joins_word)
}

/// The character of folded text `s` that starts at `i`, if any.
fn folded_char_at(s: &[u8], i: usize) -> Option<char> {
    let rest = s.get(i..)?;
    let len = match *rest.first()? {
        b if b < 0x80 => 1,
        b if b >= 0xF0 => 4,
        b if b >= 0xE0 => 3,
        _ => 2,
    };
    std::str::from_utf8(rest.get(..len)?).ok()?.chars().next()
}

/// Scratch space for [`Lexicon::scan`].
#[derive(Debug, Default)]
pub(crate) struct ScanBufs {
    /// Folded lines that are all ASCII, each followed by a line break.
    ascii: Vec<u8>,
    /// Folded lines with other bytes.
    wide: Vec<u8>,
    /// (piece, start, end) of each line in `ascii`…
    ascii_at: Vec<(u32, u32, u32)>,
    /// … and in `wide`.
    wide_at: Vec<(u32, u32, u32)>,
}

/// A lexicon match in a document.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) phrase: u32,
}

/// The embedded default lexicon, built on first use.
pub(crate) static DEFAULT: LazyLock<Arc<Lexicon>> = LazyLock::new(|| {
    Arc::new(Lexicon::build(&default_files()).expect("the embedded lexicon is valid"))
});

/// The longest phrase a lexicon takes, in bytes (the shipped ones reach
/// 120).
const MAX_PHRASE_BYTES: usize = 500;

impl Lexicon {
    /// Builds a lexicon from phrase files, each given with its category.
    pub(crate) fn build(files: &[(Label, &str)]) -> Result<Lexicon, Error> {
        let mut phrases = Vec::new();
        let (mut ascii, mut wide) = (Vec::new(), Vec::new());
        let mut seen = HashMap::new();
        for &(label, file) in files {
            let category = label
                .category()
                .ok_or_else(|| Error::setting(format!("'{label}' is not a boilerplate label")))?;
            for phrase in entries(file) {
                // A phrase is part of a line; a very long one would only
                // make the automaton slow to build (and never match).
                if phrase.len() > MAX_PHRASE_BYTES {
                    return Err(Error::setting(format!(
                        "a {label} phrase of {} bytes is longer than the limit of \
                         {MAX_PHRASE_BYTES}: {:?}…",
                        phrase.len(),
                        phrase.chars().take(40).collect::<String>()
                    )));
                }
                let key = phrase.to_lowercase();
                if seen.insert(key, category).is_some() {
                    continue; // first category wins; keeps reasons deterministic
                }
                let id = phrases.len() as u32;
                let first = phrase.chars().next().is_some_and(tokens::joins_word);
                let last = phrase.chars().last().is_some_and(tokens::joins_word);
                phrases.push(Phrase {
                    text: phrase.into(),
                    category: category as u8,
                    bounds: (first, last),
                });
                let mut folded = Vec::new();
                fold::fold_into(phrase, &mut folded);
                if folded.is_ascii() {
                    ascii.push((id, folded));
                } else {
                    wide.push((id, folded));
                }
            }
        }
        let mut wide_chars = vec![0u64; (char::MAX as usize + 1) / 64];
        for (_, folded) in &wide {
            let folded = std::str::from_utf8(folded).expect("folding keeps UTF-8");
            for c in folded.chars().filter(|c| !c.is_ascii()) {
                wide_chars[c as usize / 64] |= 1 << (c as usize % 64);
            }
        }
        // Contiguous NFAs, not DFAs: the DFA of the ASCII phrases (7.9 MB,
        // four times L2) took 130 ms of CPU and 60 MB to build at every
        // start, and a whole run over a third of the dev corpus took more
        // CPU with it (1.74 s against 1.52 s, one thread). The two build at
        // once.
        let (ascii, (wide, stop)) = std::thread::scope(|scope| {
            let rest = scope.spawn(|| (Automaton::build(&wide), StopTable::build()));
            let ascii = Automaton::build(&ascii);
            let rest = rest.join().expect("building an automaton does not panic");
            (ascii, rest)
        });
        Ok(Lexicon {
            ascii: ascii?,
            wide: wide?,
            wide_chars,
            phrases,
            stop,
            langs: STOPLISTS.iter().map(|(lang, _)| *lang).collect(),
        })
    }

    /// Calls `f(k, hit)` with every phrase match in the pieces of `text`
    /// whose byte ranges are `pieces` (in order, not overlapping), keeping
    /// only matches on word boundaries (so "share" does not match in
    /// "shareholder"); hit offsets are relative to piece `k`, and each
    /// piece's hits come in order. Matching is case-insensitive: the pieces
    /// are folded (see [`fold::fold_into`]) into `bufs`, one after another
    /// with a line break between them, and the automaton reads them in one
    /// go: one search per document rather than one per line keeps its hot
    /// states in cache.
    pub(crate) fn scan(
        &self,
        text: &str,
        pieces: &[(u32, u32)],
        bufs: &mut ScanBufs,
        mut f: impl FnMut(usize, Hit),
    ) {
        let ScanBufs {
            ascii: buf,
            wide: wbuf,
            ascii_at,
            wide_at,
        } = bufs;
        buf.clear();
        wbuf.clear();
        ascii_at.clear();
        wide_at.clear();
        for (k, &(a, b)) in pieces.iter().enumerate() {
            let at = buf.len();
            fold::fold_into(&text[a as usize..b as usize], buf);
            if !self.needs_wide(&buf[at..]) {
                buf.push(b'\n');
                ascii_at.push((k as u32, at as u32, buf.len() as u32 - 1));
            } else {
                let wat = wbuf.len();
                wbuf.extend_from_slice(&buf[at..]);
                buf.truncate(at);
                wide_at.push((k as u32, wat as u32, wbuf.len() as u32));
            }
        }
        // ASCII lines: only ASCII phrases can match, in one search.
        let mut j = 0;
        for m in self.ascii.dfa.find_iter(buf.as_slice()) {
            while ascii_at[j].2 < m.end() as u32 {
                j += 1;
            }
            let (k, at, end) = ascii_at[j];
            let phrase = self.ascii.phrase[m.pattern().as_usize()];
            let piece = &buf[at as usize..end as usize];
            if let Some(hit) = self.hit(
                piece,
                m.start() - at as usize,
                m.end() - at as usize,
                phrase,
            ) {
                f(k as usize, hit);
            }
        }
        // Other lines: both automata, merged into one leftmost-longest
        // sequence (the earliest start, then the longest).
        for &(k, at, end) in wide_at.iter() {
            let (at, end) = (at as usize, end as usize);
            let piece = &wbuf[at..end];
            let (mut next_a, mut next_w) = (None, None);
            let (mut done_a, mut done_w) = (false, false);
            let mut pos = 0;
            loop {
                let stale = |m: &Option<aho_corasick::Match>| m.is_none_or(|m| m.start() < pos);
                if !done_a && stale(&next_a) {
                    next_a = self.ascii.find(piece, pos, piece.len());
                    done_a = next_a.is_none();
                }
                if !done_w && stale(&next_w) {
                    next_w = self.wide.find(piece, pos, piece.len());
                    done_w = next_w.is_none();
                }
                let (m, auto) = match (next_a, next_w) {
                    (None, None) => break,
                    (Some(a), None) => (a, &self.ascii),
                    (None, Some(w)) => (w, &self.wide),
                    (Some(a), Some(w)) => {
                        if (a.start(), std::cmp::Reverse(a.end()))
                            <= (w.start(), std::cmp::Reverse(w.end()))
                        {
                            (a, &self.ascii)
                        } else {
                            (w, &self.wide)
                        }
                    }
                };
                pos = m.end();
                let phrase = auto.phrase[m.pattern().as_usize()];
                if let Some(hit) = self.hit(piece, m.start(), m.end(), phrase) {
                    f(k as usize, hit);
                }
            }
        }
    }

    /// Whether the folded line `piece` holds a character of a non-ASCII
    /// phrase (if not, none of them can match in it).
    #[inline]
    fn needs_wide(&self, piece: &[u8]) -> bool {
        if piece.is_ascii() {
            return false;
        }
        let Ok(piece) = std::str::from_utf8(piece) else {
            return true;
        };
        piece
            .chars()
            .any(|c| self.wide_chars[c as usize / 64] & (1 << (c as usize % 64)) != 0)
    }

    /// A match of `phrase` at `start..end` of the folded line `piece`, if it
    /// sits on word boundaries.
    #[inline]
    fn hit(&self, piece: &[u8], start: usize, end: usize, phrase: u32) -> Option<Hit> {
        // A match may end inside a folded letter ("cafe" in "café"): that
        // is not a match of the phrase.
        if piece.get(end) == Some(&fold::FILLER) {
            return None;
        }
        let (first, last) = self.phrases[phrase as usize].bounds;
        if first && folded_joins_before(piece, start) {
            return None;
        }
        if last && folded_char_at(piece, end).is_some_and(tokens::joins_word) {
            return None;
        }
        Some(Hit { start, end, phrase })
    }

    /// The bit mask of languages whose stoplist holds the word with this hash.
    #[inline]
    pub(crate) fn stop_mask(&self, hash: u64) -> u64 {
        self.stop.get(hash)
    }

    /// Number of phrases.
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.phrases.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(phrase: &str) -> Vec<u8> {
        let mut out = Vec::new();
        fold::fold_into(phrase, &mut out);
        out
    }

    fn hits(text: &str) -> Vec<(&str, Label)> {
        let lex = &*DEFAULT;
        let mut out = Vec::new();
        lex.scan(
            text,
            &[(0, text.len() as u32)],
            &mut ScanBufs::default(),
            |_, h| {
                out.push((
                    &text[h.start..h.end],
                    Label::BOILERPLATE[lex.phrases[h.phrase as usize].category as usize],
                ))
            },
        );
        out
    }

    #[test]
    fn default_lexicon_is_large_and_multilingual() {
        assert!(DEFAULT.len() >= 500, "only {} phrases", DEFAULT.len());
        assert_eq!(DEFAULT.langs.len(), STOPLISTS.len());
        assert!(DEFAULT.langs.len() <= 64);
    }

    #[test]
    fn matches_case_insensitively_on_word_boundaries() {
        assert_eq!(
            hits("LIRE LA SUITE →"),
            [("LIRE LA SUITE", Label::ReadMore)]
        );
        assert!(hits("Weiterlesenden").is_empty());
        assert!(hits("").is_empty());
    }

    #[test]
    fn pieces_scan_like_separate_texts() {
        let lex = &*DEFAULT;
        let text = "Lire la suite →\nshareholder news\nPartager sur Facebook\nÀ LIRE AUSSI\n\x01share\ncafé Newsletter\n\
                    Newsletter: ПОДПИСАТЬСЯ НА РАССЫЛКУ, Читать далее\nLire l’article complet\nl’article";
        let mut pieces = Vec::new();
        let mut at = 0u32;
        for line in text.split('\n') {
            pieces.push((at, at + line.len() as u32));
            at += line.len() as u32 + 1;
        }
        let mut together = Vec::new();
        lex.scan(text, &pieces, &mut ScanBufs::default(), |k, h| {
            together.push((k, h.start, h.end, h.phrase))
        });
        let mut apart = Vec::new();
        for (k, &(a, b)) in pieces.iter().enumerate() {
            let piece = &text[a as usize..b as usize];
            lex.scan(
                piece,
                &[(0, piece.len() as u32)],
                &mut ScanBufs::default(),
                |_, h| apart.push((k, h.start, h.end, h.phrase)),
            );
        }
        together.sort_unstable();
        assert_eq!(together, apart);
        let lines: Vec<usize> = together.iter().map(|t| t.0).collect();
        assert!(lines.contains(&0) && lines.contains(&2) && lines.contains(&3));
        assert!(!lines.contains(&1), "no phrase inside 'shareholder'");
        assert!(lines.contains(&4), "a control byte is a word boundary");
        let line6: Vec<_> = together.iter().filter(|t| t.0 == 6).collect();
        assert_eq!(line6.len(), 3, "ASCII and Cyrillic phrases in one line");
        assert!(lines.contains(&7), "a phrase with a typographic apostrophe");
    }

    /// The two automata give what one leftmost-longest automaton over all
    /// phrases gives.
    #[test]
    fn split_automata_match_one_automaton() {
        let lex = &*DEFAULT;
        let one = AhoCorasickBuilder::new()
            .match_kind(MatchKind::LeftmostLongest)
            .build(lex.phrases.iter().map(|p| folded(&p.text)))
            .unwrap();
        let mut lines: Vec<String> = [
            include_str!("../../seeds/000_02118dcf92a12854.txt"),
            include_str!("../../seeds/001_bcd2ba30f1d75fa3.txt"),
            include_str!("../../seeds/004_49e0b9f3c81a6a48.txt"),
        ]
        .iter()
        .flat_map(|t| t.lines().map(String::from))
        .collect();
        // Phrases glued to each other and to other scripts, so that
        // matches of the two automata overlap.
        let phrases: Vec<&str> = lex.phrases.iter().map(|p| &*p.text).collect();
        for (i, w) in phrases.windows(3).enumerate().step_by(7) {
            let sep = ["", " ", "：", "’", " — "][i % 5];
            lines.push(format!("{}{sep}{}{sep}{}", w[0], w[1], w[2]));
        }
        for line in &lines {
            let mut got = Vec::new();
            lex.scan(
                line,
                &[(0, line.len() as u32)],
                &mut ScanBufs::default(),
                |_, h| got.push((h.start, h.end, h.phrase)),
            );
            let mut folded = Vec::new();
            fold::fold_into(line, &mut folded);
            let want: Vec<_> = one
                .find_iter(folded.as_slice())
                .filter_map(|m| lex.hit(&folded, m.start(), m.end(), m.pattern().as_u32()))
                .map(|h| (h.start, h.end, h.phrase))
                .collect();
            assert_eq!(got, want, "{line:?}");
        }
    }

    #[test]
    fn non_ascii_capitals_match() {
        let lower = hits("à lire aussi");
        let upper = hits("À LIRE AUSSI");
        assert_eq!(lower.len(), 1);
        assert_eq!(upper.len(), 1);
    }

    #[test]
    fn stopwords_know_their_languages() {
        let lex = &*DEFAULT;
        let fr = 1u64 << lex.langs.iter().position(|l| *l == "fr").unwrap();
        let de = 1u64 << lex.langs.iter().position(|l| *l == "de").unwrap();
        let les = tokens::word_hash("Les").unwrap();
        let und = tokens::word_hash("und").unwrap();
        assert_ne!(lex.stop_mask(les) & fr, 0);
        assert_ne!(lex.stop_mask(und) & de, 0);
        assert_eq!(lex.stop_mask(tokens::word_hash("ordinateur").unwrap()), 0);
    }
}
