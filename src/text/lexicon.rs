//! The boilerplate phrase lexicon, compiled: the phrases
//! (`data/lexicon/<category>.txt`, see `data.rs`) become tries that
//! find them in a document's lines, case-insensitively and on
//! word boundaries. The lexicon also holds the stoplists' table
//! (`stopwords.rs`).

use std::collections::HashMap;
use std::sync::{Arc, LazyLock};

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

/// Phrases folded (see [`fold::fold_into`]) into one trie, with the
/// three- and four-byte windows that can open one of them.
#[derive(Clone, Debug)]
struct Automaton {
    /// The root's child by byte (0: none; the root is state 0).
    root: Box<[u32; 256]>,
    /// Per state, breadth first: where its edges begin in `labels` and
    /// `targets` (those of state `s` end where state `s + 1`'s begin;
    /// sorted by byte), and the phrase whose folded text ends there, or
    /// [`NO_PHRASE`].
    states: Vec<[u32; 2]>,
    labels: Vec<u8>,
    targets: Vec<u32>,
    /// One bit per hashed four-byte window (see [`window_slot`]): set if a
    /// pattern of four bytes or more may begin with those four bytes…
    starts4: Box<[u64; START_WORDS]>,
    /// … and per three-byte window, for the patterns of one to three
    /// bytes. A position whose windows' bits are clear opens no match, and
    /// most positions of prose are such.
    starts3: Box<[u64; START_WORDS]>,
}

/// No phrase ends at a trie state.
const NO_PHRASE: u32 = u32::MAX;

/// Bits of the tables of [`Automaton::starts4`]: 2^17 (16 KB).
const START_BITS: u32 = 17;
/// Words of such a table.
const START_WORDS: usize = (1 << START_BITS) / 64;

/// The bit of a window of up to four bytes `w` (the first in the low byte)
/// in a table of [`Automaton::starts4`].
#[inline]
fn window_slot(w: u32) -> usize {
    (w.wrapping_mul(0x9E37_79B1) >> (32 - START_BITS)) as usize
}

/// Whether the bit of window `w` is set in `table`.
#[inline]
fn has_window(table: &[u64; START_WORDS], w: u32) -> bool {
    let k = window_slot(w);
    table[k / 64] & (1 << (k % 64)) != 0
}

impl Automaton {
    fn build(patterns: &[(u32, Vec<u8>)]) -> Result<Automaton, Error> {
        // The trie with each state's edges in a vector, then laid out flat.
        // Of two phrases that fold alike, the first ends at their state.
        let mut edges: Vec<Vec<(u8, u32)>> = vec![Vec::new()];
        let mut phrase = vec![NO_PHRASE];
        for (id, p) in patterns {
            let mut at = 0usize;
            for &b in p {
                at = match edges[at].iter().find(|&&(l, _)| l == b) {
                    Some(&(_, next)) => next as usize,
                    None => {
                        let next = edges.len();
                        let next32 = u32::try_from(next)
                            .map_err(|_| Error::setting("the phrase lexicon is too large"))?;
                        edges[at].push((b, next32));
                        edges.push(Vec::new());
                        phrase.push(NO_PHRASE);
                        next
                    }
                };
            }
            if at != 0 && phrase[at] == NO_PHRASE {
                phrase[at] = *id;
            }
        }
        // Laid out breadth first, so that the shallow states most walks
        // stop in sit together in cache; each state's phrase beside its
        // edges' start.
        let mut order = vec![0usize];
        let mut new_id = vec![0u32; edges.len()];
        let mut k = 0;
        while k < order.len() {
            let at = order[k];
            edges[at].sort_unstable();
            for &(_, next) in &edges[at] {
                new_id[next as usize] = order.len() as u32;
                order.push(next as usize);
            }
            k += 1;
        }
        let (mut states, mut labels, mut targets) = (Vec::new(), Vec::new(), Vec::new());
        for &at in &order {
            states.push([labels.len() as u32, phrase[at]]);
            labels.extend(edges[at].iter().map(|&(l, _)| l));
            targets.extend(edges[at].iter().map(|&(_, t)| new_id[t as usize]));
        }
        states.push([labels.len() as u32, NO_PHRASE]);
        let mut root = Box::new([0u32; 256]);
        for &(b, next) in &edges[0] {
            root[b as usize] = new_id[next as usize];
        }
        let mut starts4 = Box::new([0u64; START_WORDS]);
        let mut starts3 = Box::new([0u64; START_WORDS]);
        let set = |table: &mut [u64; START_WORDS], w: u32| {
            let k = window_slot(w);
            table[k / 64] |= 1 << (k % 64);
        };
        for (_, p) in patterns {
            let first = |n: usize| {
                p.iter()
                    .take(n)
                    .enumerate()
                    .fold(0u32, |w, (i, &b)| w | u32::from(b) << (8 * i))
            };
            match p.len() {
                0 => {}
                // A short pattern: any three-byte window that begins with it.
                1 => (0..1 << 16).for_each(|rest| set(&mut starts3, first(1) | rest << 8)),
                2 => (0..1 << 8).for_each(|rest| set(&mut starts3, first(2) | rest << 16)),
                3 => set(&mut starts3, first(3)),
                _ => set(&mut starts4, first(4)),
            }
        }
        Ok(Automaton {
            root,
            states,
            labels,
            targets,
            starts4,
            starts3,
        })
    }

    /// Whether a pattern may begin at `s` of `hay`: the bit of its four- or
    /// three-byte window is set, or fewer than three bytes are left.
    #[inline]
    fn may_start(&self, hay: &[u8], s: usize) -> bool {
        match hay.get(s..) {
            Some(&[a, b, c, d, ..]) => {
                let w = u32::from_le_bytes([a, b, c, d]);
                has_window(&self.starts4, w) || has_window(&self.starts3, w & 0xFF_FFFF)
            }
            Some(&[a, b, c]) => has_window(&self.starts3, u32::from_le_bytes([a, b, c, 0])),
            _ => true,
        }
    }

    /// The longest phrase whose folded text begins at `s` of `hay`, as
    /// (its end, the phrase): the trie walked from its root.
    #[inline]
    fn longest_at(&self, hay: &[u8], s: usize) -> Option<(usize, u32)> {
        let mut state = self.root[hay[s] as usize] as usize;
        let mut found = None;
        let mut k = s + 1;
        while state != 0 {
            let [from, phrase] = self.states[state];
            if phrase != NO_PHRASE {
                found = Some((k, phrase));
            }
            let Some(&b) = hay.get(k) else { break };
            let (from, to) = (from as usize, self.states[state + 1][0] as usize);
            state = match self.labels[from..to].iter().position(|&l| l == b) {
                Some(j) => self.targets[from + j] as usize,
                None => 0,
            };
            k += 1;
        }
        found
    }
}

/// The compiled phrase lexicon and stopword table.
///
/// The phrases live in two tries. Folding turns Latin letters into ASCII, so
/// most phrases are ASCII once folded, and the other phrases (other
/// scripts, symbols such as "→") can only match in lines that still hold
/// non-ASCII bytes after folding: only those lines are searched with both
/// tries, their matches merged exactly as one leftmost-longest search over
/// all phrases would give them.
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
    /// Folded lines that are all ASCII.
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
        // Plain tries, walked anchored: no failure transitions to compute
        // at every start (an Aho-Corasick automaton's took a quarter of
        // start-up), nor a DFA's tables (7.9 MB for the ASCII phrases, 130
        // ms to build). The two build at once.
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
    /// are folded (see [`fold::fold_into`]) into `bufs`, one after another.
    ///
    /// The matches are those of one leftmost-longest search through each
    /// piece (the earliest start, the longest phrase there, then on from its
    /// end), found without running the automaton over every byte: a
    /// position whose first three bytes open no phrase (a table lookup) is
    /// passed over, and only at the others is the trie walked, anchored,
    /// for the longest phrase beginning there. Most positions of prose are
    /// passed over; the test `scan_equals_the_full_search` checks the
    /// result against a search through every byte.
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
                ascii_at.push((k as u32, at as u32, buf.len() as u32));
            } else {
                let wat = wbuf.len();
                wbuf.extend_from_slice(&buf[at..]);
                buf.truncate(at);
                wide_at.push((k as u32, wat as u32, wbuf.len() as u32));
            }
        }
        // ASCII lines: only ASCII phrases can match.
        for &(k, at, end) in ascii_at.iter() {
            let piece = &buf[at as usize..end as usize];
            let mut s = 0;
            while s < piece.len() {
                let m = if self.ascii.may_start(piece, s) {
                    self.ascii.longest_at(piece, s)
                } else {
                    None
                };
                let Some((end, pattern)) = m else {
                    s += 1;
                    continue;
                };
                let phrase = pattern;
                if let Some(hit) = self.hit(piece, s, end, phrase) {
                    f(k as usize, hit);
                }
                s = end;
            }
        }
        // Other lines: both automata; at each position the longer match.
        for &(k, at, end) in wide_at.iter() {
            let piece = &wbuf[at as usize..end as usize];
            let mut s = 0;
            while s < piece.len() {
                let longest = |auto: &Automaton| {
                    if auto.may_start(piece, s) {
                        auto.longest_at(piece, s)
                    } else {
                        None
                    }
                };
                let m = match (longest(&self.ascii), longest(&self.wide)) {
                    (None, None) => None,
                    (Some(m), None) | (None, Some(m)) => Some(m),
                    // Two matches at one start: the longer (they cannot be
                    // as long, one being ASCII and the other not).
                    (Some(a), Some(w)) => Some(if a.0 >= w.0 { a } else { w }),
                };
                let Some((end, phrase)) = m else {
                    s += 1;
                    continue;
                };
                if let Some(hit) = self.hit(piece, s, end, phrase) {
                    f(k as usize, hit);
                }
                s = end;
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
        // Folded text of a `str` is UTF-8: its characters are decoded
        // without validating it again.
        let mut i = 0;
        while i < piece.len() {
            let b = piece[i];
            let (len, lead) = match b {
                0..0x80 => {
                    i += 1;
                    continue;
                }
                0xC0..0xE0 => (2, b & 0x1F),
                0xE0..0xF0 => (3, b & 0x0F),
                _ => (4, b & 0x07),
            };
            let c = piece
                .get(i + 1..i + len)
                .unwrap_or_default()
                .iter()
                .fold(u32::from(lead), |c, &t| c << 6 | u32::from(t & 0x3F));
            let c = (c as usize).min(char::MAX as usize);
            if self.wide_chars[c / 64] & (1 << (c % 64)) != 0 {
                return true;
            }
            i += len;
        }
        false
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
    use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

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

    /// The search as it was before positions were passed over: each
    /// automaton run over every byte of the folded lines (the ASCII lines
    /// in one buffer), the two automata's matches merged into one
    /// leftmost-longest sequence on the other lines.
    fn full_scan(lex: &Lexicon, text: &str, pieces: &[(u32, u32)]) -> Vec<(usize, Hit)> {
        let build = |ascii: bool| {
            let (mut patterns, mut ids) = (Vec::new(), Vec::new());
            for (id, p) in lex.phrases.iter().enumerate() {
                let f = folded(&p.text);
                if f.is_ascii() == ascii {
                    patterns.push(f);
                    ids.push(id as u32);
                }
            }
            let ac = AhoCorasickBuilder::new()
                .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
                .match_kind(MatchKind::LeftmostLongest)
                .build(&patterns)
                .unwrap();
            (ac, ids)
        };
        let ((ascii, a_ids), (wide, w_ids)) = (build(true), build(false));
        let find = |ac: &AhoCorasick, hay: &[u8], from: usize| {
            ac.find(aho_corasick::Input::new(hay).range(from..hay.len()))
        };
        let (mut buf, mut ascii_at, mut out) = (Vec::new(), Vec::new(), Vec::new());
        let mut wide_out = Vec::new();
        for (k, &(a, b)) in pieces.iter().enumerate() {
            let mut piece = Vec::new();
            fold::fold_into(&text[a as usize..b as usize], &mut piece);
            if !lex.needs_wide(&piece) {
                let at = buf.len();
                buf.extend_from_slice(&piece);
                buf.push(b'\n');
                ascii_at.push((k, at, buf.len() - 1));
                continue;
            }
            let (mut next_a, mut next_w) = (None, None);
            let (mut done_a, mut done_w) = (false, false);
            let mut pos = 0;
            loop {
                let stale = |m: &Option<aho_corasick::Match>| m.is_none_or(|m| m.start() < pos);
                if !done_a && stale(&next_a) {
                    next_a = find(&ascii, &piece, pos);
                    done_a = next_a.is_none();
                }
                if !done_w && stale(&next_w) {
                    next_w = find(&wide, &piece, pos);
                    done_w = next_w.is_none();
                }
                let (m, ids) = match (next_a, next_w) {
                    (None, None) => break,
                    (Some(a), None) => (a, &a_ids),
                    (None, Some(w)) => (w, &w_ids),
                    (Some(a), Some(w)) => {
                        if (a.start(), std::cmp::Reverse(a.end()))
                            <= (w.start(), std::cmp::Reverse(w.end()))
                        {
                            (a, &a_ids)
                        } else {
                            (w, &w_ids)
                        }
                    }
                };
                pos = m.end();
                let phrase = ids[m.pattern().as_usize()];
                if let Some(hit) = lex.hit(&piece, m.start(), m.end(), phrase) {
                    wide_out.push((k, hit));
                }
            }
        }
        let mut j = 0;
        for m in ascii.find_iter(buf.as_slice()) {
            while ascii_at[j].2 < m.end() {
                j += 1;
            }
            let (k, at, end) = ascii_at[j];
            let phrase = a_ids[m.pattern().as_usize()];
            if let Some(hit) = lex.hit(&buf[at..end], m.start() - at, m.end() - at, phrase) {
                out.push((k, hit));
            }
        }
        out.extend(wide_out);
        out
    }

    /// Passing over positions finds what a search through every byte
    /// finds: on the seeds, on lines of phrases glued to each other and to
    /// words, cut anywhere, in other cases, with accents and other scripts.
    #[test]
    fn scan_equals_the_full_search() {
        let lex = &*DEFAULT;
        let mut seed = 0x2545_F491_4F6C_DD1Du64;
        let mut next = move |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        let mut text = String::new();
        for seed_file in [
            include_str!("../../seeds/000_02118dcf92a12854.txt"),
            include_str!("../../seeds/001_bcd2ba30f1d75fa3.txt"),
            include_str!("../../seeds/002_787920350f074447.txt"),
            include_str!("../../seeds/003_1f7848a26ced4f19.txt"),
            include_str!("../../seeds/004_49e0b9f3c81a6a48.txt"),
        ] {
            text.push_str(seed_file);
        }
        let phrases: Vec<&str> = lex.phrases.iter().map(|p| &*p.text).collect();
        let words = [
            "share", "holder", "the", "é", "É", "x", "2024", "→", "»", "©", "’", "ад", "分享", "a",
            "by", "ad", "\u{1}", "-", "LIRE",
        ];
        let seps = ["", " ", "  ", "：", "’", " — ", ", ", "\u{a0}", "|"];
        for _ in 0..20_000 {
            let mut line = String::new();
            for _ in 0..1 + next(5) {
                let part: String = match next(3) {
                    0 => words[next(words.len())].to_string(),
                    _ => {
                        // A phrase, whole or cut at a character boundary.
                        let p = phrases[next(phrases.len())];
                        let cuts: Vec<usize> = p.char_indices().map(|(i, _)| i).collect();
                        let from = if next(4) == 0 {
                            cuts[next(cuts.len())]
                        } else {
                            0
                        };
                        p[from..].to_string()
                    }
                };
                let part = match next(4) {
                    0 => part.to_uppercase(),
                    1 => part.replace('e', "é").replace('a', "À"),
                    _ => part,
                };
                line.push_str(&part);
                line.push_str(seps[next(seps.len())]);
            }
            text.push('\n');
            text.push_str(&line);
        }
        let mut pieces = Vec::new();
        let mut at = 0u32;
        for line in text.split('\n') {
            pieces.push((at, at + line.len() as u32));
            at += line.len() as u32 + 1;
        }
        let mut got = Vec::new();
        lex.scan(&text, &pieces, &mut ScanBufs::default(), |k, h| {
            got.push((k, h.start, h.end, h.phrase))
        });
        let want: Vec<_> = full_scan(lex, &text, &pieces)
            .into_iter()
            .map(|(k, h)| (k, h.start, h.end, h.phrase))
            .collect();
        assert!(want.len() > 10_000, "{} hits", want.len());
        for (g, w) in got.iter().zip(&want) {
            let (a, b) = pieces[w.0];
            assert_eq!(g, w, "{:?}", &text[a as usize..b as usize]);
        }
        assert_eq!(got.len(), want.len());
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
