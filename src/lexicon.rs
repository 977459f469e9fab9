//! Language knowledge as data: the boilerplate phrase lexicon and the
//! stopword lists.
//!
//! The phrases (`data/lexicon/<category>.txt`, one a line) are compiled once
//! into a single Aho-Corasick automaton that scans a whole document in one
//! pass. The stopword lists (`data/stopwords/<lang>.txt`) become one hash
//! table from a case-folded word hash to a bit mask of the languages whose
//! list holds the word, so a document's language and each line's stopword
//! count come from one lookup per word.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::{Arc, LazyLock};

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use crate::tokens;
use crate::{Error, Label};

/// Number of boilerplate categories (and of lexicon files).
pub(crate) const CATEGORIES: usize = Label::BOILERPLATE.len();

/// The embedded phrase files, in [`Label::BOILERPLATE`] order.
const PHRASE_FILES: [&str; CATEGORIES] = [
    include_str!("../data/lexicon/navigation.txt"),
    include_str!("../data/lexicon/metadata.txt"),
    include_str!("../data/lexicon/teaser.txt"),
    include_str!("../data/lexicon/read-more.txt"),
    include_str!("../data/lexicon/newsletter.txt"),
    include_str!("../data/lexicon/donation.txt"),
    include_str!("../data/lexicon/share.txt"),
    include_str!("../data/lexicon/comments.txt"),
    include_str!("../data/lexicon/legal.txt"),
    include_str!("../data/lexicon/ad.txt"),
];

macro_rules! stoplists {
    ($($lang:literal),* $(,)?) => {
        [$(($lang, include_str!(concat!("../data/stopwords/", $lang, ".txt")))),*]
    };
}

/// The embedded stopword lists: (language code, file).
const STOPLISTS: [(&str, &str); 56] = stoplists!(
    "en", "fr", "de", "es", "it", "pt", "nl", "pl", "cs", "sk", "sv", "da", "nb", "fi", "ru", "uk",
    "tr", "ro", "hu", "el", "hr", "sr", "sl", "bg", "ca", "id", "vi", "ko", "ar", "fa", "he", "hi",
    "et", "lv", "lt", "ms", "tl", "sw", "bn", "ur", "gl", "eu", "is", "af", "cy", "ga", "sq", "mk",
    "be", "ka", "hy", "ta", "lb", "eo", "zh", "ja",
);

/// A hasher for keys that are already good hashes.
#[derive(Default)]
pub(crate) struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, _: &[u8]) {
        unreachable!("only u64 keys are hashed")
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

pub(crate) type HashedMap<V> = HashMap<u64, V, BuildHasherDefault<PassThrough>>;

/// One phrase of the lexicon.
#[derive(Clone, Debug)]
pub(crate) struct Phrase {
    pub text: Arc<str>,
    pub category: u8,
    /// Whether its first / last character must sit at a word boundary.
    bounds: (bool, bool),
}

/// One automaton and the phrase of each of its patterns.
///
/// The lexicon is split by script because a DFA's size grows with the
/// number of distinct bytes its patterns use: after folding (see
/// [`tokens::fold_into`]) Latin phrases use little more than ASCII, and their
/// automaton stays small enough to scan from cache.
#[derive(Clone, Debug)]
struct Part {
    automaton: AhoCorasick,
    phrase: Vec<u32>,
}

impl Part {
    fn build(patterns: &[String], phrase: Vec<u32>) -> Result<Part, Error> {
        let automaton = AhoCorasickBuilder::new()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .match_kind(MatchKind::LeftmostLongest)
            .build(patterns)
            .map_err(|e| Error::setting(format!("cannot build the phrase automaton: {e}")))?;
        Ok(Part { automaton, phrase })
    }
}

/// The compiled phrase lexicon and stopword table.
#[derive(Clone, Debug)]
pub(crate) struct Lexicon {
    /// Phrases in Latin script (and symbols); run on every text.
    latin: Part,
    /// Phrases in other scripts; run only on text that has such letters.
    other: Part,
    pub phrases: Vec<Phrase>,
    stop: HashedMap<u64>,
    pub langs: Vec<&'static str>,
}

/// A lexicon match in a document.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub start: usize,
    pub end: usize,
    pub phrase: u32,
}

/// The embedded default lexicon, built on first use.
pub(crate) static DEFAULT: LazyLock<Arc<Lexicon>> = LazyLock::new(|| {
    Arc::new(Lexicon::build(&default_files()).expect("the embedded lexicon is valid"))
});

/// The embedded phrase files with their categories.
pub(crate) fn default_files() -> Vec<(Label, &'static str)> {
    Label::BOILERPLATE.into_iter().zip(PHRASE_FILES).collect()
}

/// Iterates the entries of a data file: trimmed, non-empty, not comments.
fn entries(file: &str) -> impl Iterator<Item = &str> {
    file.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

impl Lexicon {
    /// Builds a lexicon from phrase files, each given with its category.
    pub(crate) fn build(files: &[(Label, &str)]) -> Result<Lexicon, Error> {
        let mut phrases = Vec::new();
        let (mut latin, mut latin_ids) = (Vec::new(), Vec::new());
        let (mut other, mut other_ids) = (Vec::new(), Vec::new());
        let mut seen = HashMap::new();
        for &(label, file) in files {
            let category = Label::BOILERPLATE
                .iter()
                .position(|l| *l == label)
                .ok_or_else(|| Error::setting(format!("'{label}' is not a boilerplate label")))?;
            for phrase in entries(file) {
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
                let is_other = tokens::fold_into(phrase, &mut folded);
                let folded = String::from_utf8(folded).expect("folding keeps UTF-8 valid");
                if is_other {
                    other.push(folded);
                    other_ids.push(id);
                } else {
                    latin.push(folded);
                    latin_ids.push(id);
                }
            }
        }
        let latin = Part::build(&latin, latin_ids)?;
        let other = Part::build(&other, other_ids)?;
        let mut stop: HashedMap<u64> = HashedMap::default();
        let mut langs = Vec::new();
        for (bit, (lang, file)) in STOPLISTS.iter().enumerate() {
            langs.push(*lang);
            for entry in entries(file) {
                tokens::for_each_word(entry, |w| *stop.entry(w.hash).or_default() |= 1 << bit);
            }
        }
        Ok(Lexicon {
            latin,
            other,
            phrases,
            stop,
            langs,
        })
    }

    /// Calls `f` with every phrase match in `text`, in order, keeping only
    /// matches on word boundaries (so "share" does not match in "shareholder").
    /// Matching is case-insensitive: `text` is folded into `buf` first
    /// (see [`tokens::fold_into`]).
    #[inline]
    pub(crate) fn scan(&self, text: &str, buf: &mut Vec<u8>, mut f: impl FnMut(Hit)) {
        buf.clear();
        let other_script = tokens::fold_into(text, buf);
        self.scan_part(&self.latin, text, buf, &mut f);
        if other_script {
            self.scan_part(&self.other, text, buf, &mut f);
        }
    }

    #[inline]
    fn scan_part(&self, part: &Part, text: &str, folded: &[u8], f: &mut impl FnMut(Hit)) {
        for m in part.automaton.find_iter(folded) {
            let id = part.phrase[m.pattern().as_usize()];
            // A match may end inside a folded letter ("cafe" in "café"):
            // that is not a match of the phrase.
            if !text.is_char_boundary(m.end()) {
                continue;
            }
            let (first, last) = self.phrases[id as usize].bounds;
            if first
                && text[..m.start()]
                    .chars()
                    .next_back()
                    .is_some_and(tokens::joins_word)
            {
                continue;
            }
            if last
                && text[m.end()..]
                    .chars()
                    .next()
                    .is_some_and(tokens::joins_word)
            {
                continue;
            }
            f(Hit {
                start: m.start(),
                end: m.end(),
                phrase: id,
            });
        }
    }

    /// The bare automata over `text`: the number of (leftmost-longest)
    /// matches, without folding or boundary checks. The benchmarks' speed
    /// reference: no use of the lexicon can read text faster.
    pub(crate) fn bare_scan(&self, text: &str) -> usize {
        self.latin.automaton.find_iter(text).count() + self.other.automaton.find_iter(text).count()
    }

    /// The bit mask of languages whose stoplist holds the word with this hash.
    #[inline]
    pub(crate) fn stop_mask(&self, hash: u64) -> u64 {
        self.stop.get(&hash).copied().unwrap_or(0)
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

    fn hits(text: &str) -> Vec<(&str, Label)> {
        let lex = &*DEFAULT;
        let mut out = Vec::new();
        lex.scan(text, &mut Vec::new(), |h| {
            out.push((
                &text[h.start..h.end],
                Label::BOILERPLATE[lex.phrases[h.phrase as usize].category as usize],
            ))
        });
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
