//! Language knowledge as data: the boilerplate phrase files
//! (`data/lexicon/<category>.txt`) and the stoplists
//! (`data/stopwords/<lang>.txt`), embedded in the binary, and their format:
//! one entry a line, `#` starts a comment.

use crate::label::Label;

/// Number of boilerplate categories (and of lexicon files).
pub(crate) const CATEGORIES: usize = Label::BOILERPLATE.len();

/// The embedded phrase files, in [`Label::BOILERPLATE`] order.
pub(super) const PHRASE_FILES: [&str; CATEGORIES] = [
    include_str!("../../data/lexicon/navigation.txt"),
    include_str!("../../data/lexicon/metadata.txt"),
    include_str!("../../data/lexicon/teaser.txt"),
    include_str!("../../data/lexicon/read-more.txt"),
    include_str!("../../data/lexicon/newsletter.txt"),
    include_str!("../../data/lexicon/donation.txt"),
    include_str!("../../data/lexicon/share.txt"),
    include_str!("../../data/lexicon/comments.txt"),
    include_str!("../../data/lexicon/legal.txt"),
    include_str!("../../data/lexicon/ad.txt"),
];

macro_rules! stoplists {
    ($($lang:literal),* $(,)?) => {
        [$(($lang, include_str!(concat!("../../data/stopwords/", $lang, ".txt")))),*]
    };
}

/// The embedded stopword lists: (language code, file).
pub(super) const STOPLISTS: [(&str, &str); 56] = stoplists!(
    "en", "fr", "de", "es", "it", "pt", "nl", "pl", "cs", "sk", "sv", "da", "nb", "fi", "ru", "uk",
    "tr", "ro", "hu", "el", "hr", "sr", "sl", "bg", "ca", "id", "vi", "ko", "ar", "fa", "he", "hi",
    "et", "lv", "lt", "ms", "tl", "sw", "bn", "ur", "gl", "eu", "is", "af", "cy", "ga", "sq", "mk",
    "be", "ka", "hy", "ta", "lb", "eo", "zh", "ja",
);

/// The embedded phrase files with their categories.
pub(crate) fn default_files() -> Vec<(Label, &'static str)> {
    Label::BOILERPLATE.into_iter().zip(PHRASE_FILES).collect()
}

/// The entries of the embedded data files, tagged with their file's label
/// or language: every phrase, then every stopword. A model's inputs are
/// measured against them (its fingerprint hashes them).
pub(crate) fn embedded_entries() -> impl Iterator<Item = (&'static str, &'static str)> {
    let phrases = default_files()
        .into_iter()
        .flat_map(|(label, file)| entries(file).map(move |e| (label.as_str(), e)));
    let stopwords = STOPLISTS
        .iter()
        .flat_map(|&(lang, file)| entries(file).map(move |e| (lang, e)));
    phrases.chain(stopwords)
}

/// Iterates the entries of a data file: trimmed, non-empty, not comments.
pub(crate) fn entries(file: &str) -> impl Iterator<Item = &str> {
    file.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_entries_hold_phrases_and_stopwords() {
        let entries: Vec<(&str, &str)> = embedded_entries().collect();
        assert!(entries.contains(&("read-more", "Lire la suite")));
        assert!(entries.contains(&("fr", "le")));
        assert!(entries
            .iter()
            .all(|(_, e)| !e.is_empty() && !e.starts_with('#')));
    }
}
