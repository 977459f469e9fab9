//! Regexes for the shapes of metadata lines: dates, times, bylines, reading
//! times and counters ("12 comments", "3,4 k partages").
//!
//! Built once; the feature extractor runs them only on short lines (see
//! [`MAX_LEN`]), which is where metadata lives, so long paragraphs never pay.

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::{Regex, RegexSet};

/// Lines longer than this (in bytes, after trimming) are not tested.
pub(crate) const MAX_LEN: usize = 160;

const MONTHS: &str = concat!(
    // en, fr, de, es, it, pt, nl (full names and common abbreviations)
    "jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|",
    "august|september|october|november|december|janv|févr|fevr|avr|mai|juin|juil|juillet|août|aout|",
    "déc|janvier|février|fevrier|mars|avril|septembre|octobre|novembre|décembre|decembre|januar|",
    "februar|märz|maerz|juni|juli|oktober|dezember|okt|dez|enero|febrero|marzo|abril|mayo|junio|",
    "julio|agosto|septiembre|setiembre|octubre|noviembre|diciembre|ene|abr|ago|dic|gennaio|",
    "febbraio|aprile|maggio|giugno|luglio|settembre|ottobre|dicembre|gen|mag|giu|lug|set|ott|",
    "janeiro|fevereiro|março|marco|maio|junho|julho|setembro|outubro|novembro|dezembro|fev|out|",
    "januari|februari|maart|mei|augustus|juni|juli|okt|",
    // pl, cs, sv, da (genitive forms where dates use them)
    "stycznia|lutego|marca|kwietnia|maja|czerwca|lipca|sierpnia|września|października|listopada|",
    "grudnia|ledna|února|března|dubna|května|června|července|srpna|září|října|listopadu|prosince|",
    "augusti|maj"
);

/// A calendar date: numeric (12.05.2019, 2019-05-12, 05/12/19) or with a month name.
static DATE: LazyLock<String> = LazyLock::new(|| {
    format!(
        r"(?i)(?-u:\b)(?:[0-9]{{1,2}}[./-][0-9]{{1,2}}[./-](?:[0-9]{{4}}|[0-9]{{2}})|[0-9]{{4}}[./-][0-9]{{1,2}}[./-][0-9]{{1,2}}|[0-9]{{1,2}}(?:er|st|nd|rd|th|\.)?\s+(?:de\s+)?(?:{MONTHS})\.?,?\s+(?:de\s+)?[0-9]{{4}}|(?:{MONTHS})\.?\s+[0-9]{{1,2}}(?:st|nd|rd|th)?,?\s+[0-9]{{4}}|(?:{MONTHS})\.?\s+[0-9]{{4}})(?-u:\b)"
    )
});

/// A clock time: 13:17, 7h52, 5:30 pm.
const TIME: &str =
    r"(?i)(?-u:\b)(?:[01]?[0-9]|2[0-3])(?::|h)[0-5][0-9](?:\s*(?:am|pm|uhr|h))?(?-u:\b)";

/// A byline: "By Jane Doe", "Par Tom Ozimek", "Von Max Muster", "Autor: …".
pub(crate) static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^[\W[0-9]]{0,3}(?i:by|par|von|por|di|door|av|af|przez|od|written by|posted by|publié par|",
        r"rédigé par|geschrieben von|escrito por|scritto da|autor|autorin|author|auteur|autore|",
        r"autora|reporter|text|texte|redakcja|redaktion|rédaction|redacción|redazione|redação)",
        r"\s*:?\s+\p{Lu}"
    ))
    .expect("valid byline regex")
});

/// A reading time: "7 min de lecture", "Lesezeit: 3 Minuten", "5 min read".
const READING_TIME: &str = concat!(
    r"(?i)(?-u:\b)[0-9]+\s*(?:min|mins|minutes?|minuten?|minutos?|minuti|minuut|minuter)\.?\s*",
    r"(?:de\s+|di\s+|of\s+)?(?:read|lecture|lesen|lesezeit|lectura|lettura|leitura|leestijd|läsning|läsetid)(?-u:\b)|",
    r"(?i)(?-u:\b)(?:reading time|read time|temps de lecture|durée de lecture|lesezeit|lesedauer|",
    r"tiempo de lectura|tempo di lettura|tempo de leitura|leestijd|lästid|czas czytania)(?-u:\b)"
);

/// A counter: "12 comments", "3,4 k partages", "1.2K shares", "Kommentare (5)".
const COUNTER: &str = concat!(
    r"(?i)(?:(?-u:\b)[0-9][[0-9]\s.,]*\s*[km]?\s*(?:comments?|commentaires?|kommentare?|comentarios?|commenti|",
    r"comentários|reacties|komentarze?|shares?|partages?|likes?|j'aime|views?|vues|aufrufe|",
    r"reactions?|réactions?|replies|réponses|antworten|respuestas|risposte|respostas|",
    r"mal gelesen|lectures|visites|besuche|votes?|stimmen|bewertungen|reviews?|avis)(?-u:\b))|",
    r"(?i:comments?|commentaires?|kommentare?|comentarios?|commenti|reacties|réactions?)\s*[(\[]\s*[0-9]+\s*[)\]]"
);

/// The shapes that need a digit, in one automaton: a line is read once
/// instead of four times.
static DIGIT_SHAPES: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new([DATE.as_str(), TIME, COUNTER, READING_TIME]).expect("valid shape regexes")
});

/// Compiles the regexes now rather than on first use.
pub(crate) fn warm() {
    LazyLock::force(&DIGIT_SHAPES);
    LazyLock::force(&BYLINE);
    LazyLock::force(&CREDIT_AC);
}

/// Which of the shapes date, time, counter and reading time match
/// `line`, in that order.
pub(crate) fn digit_shapes(line: &str) -> [bool; 4] {
    let m = DIGIT_SHAPES.matches(line);
    [m.matched(0), m.matched(1), m.matched(2), m.matched(3)]
}

/// Bytes at the end of a line searched for a credit.
pub(super) const CREDIT_TAIL: usize = 80;

/// Markers that introduce a photo credit or source at the end of a caption
/// ("© Noah Addis", "Foto: dpa", "Source : AFP"). Matched ASCII
/// case-insensitively in the last [`CREDIT_TAIL`] bytes of a line.
const CREDIT_MARKERS: &[&str] = &[
    "©",
    "(c)",
    "copyright",
    "foto:",
    "fotos:",
    "photo:",
    "photos:",
    "bild:",
    "bildquelle:",
    "quelle:",
    "source:",
    "sources:",
    "credit:",
    "credits:",
    "crédit:",
    "crédits:",
    "crédit photo:",
    "image:",
    "imagen:",
    "immagine:",
    "imagem:",
    "afbeelding:",
    "źródło:",
    "zdjęcie:",
    "fot.:",
    "foto :",
    "photo :",
    "source :",
    "crédit photo :",
    "bild :",
    "quelle :",
];

static CREDIT_AC: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .build(CREDIT_MARKERS)
        .expect("valid credit markers")
});

/// Whether a line ends with a photo credit or source: a credit marker
/// followed by at most 60 characters and no ! or ?, or a " / Agency" tail
/// of at most four words ("Trybunał Konstytucyjny / Shutterstock").
pub(crate) fn is_credit(line: &str) -> bool {
    let from = line.len().saturating_sub(CREDIT_TAIL);
    let from = (from..=line.len())
        .find(|&i| line.is_char_boundary(i))
        .unwrap_or(line.len());
    let tail = &line[from..];
    let rest_ok = |rest: &str| rest.chars().count() <= 60 && !rest.contains(['!', '?']);
    // Every marker holds a ':' or is "©", "(c)" or "copyright": skip the
    // automaton on the many lines that have none of them.
    let bytes = tail.as_bytes();
    let may_have_marker =
        memchr::memchr3(b':', 0xA9, b'(', bytes).is_some() || COPYRIGHT.find(bytes).is_some();
    if !may_have_marker {
        return slash_credit(tail);
    }
    if let Some(m) = CREDIT_AC.find_iter(tail).last() {
        let word_start =
            m.start() == 0 || !tail[..m.start()].ends_with(|c: char| c.is_alphanumeric());
        if word_start && rest_ok(&tail[m.end()..]) {
            return true;
        }
    }
    slash_credit(tail)
}

static COPYRIGHT: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new("opyright"));

/// "… / Shutterstock": a slash, then one to four words of a name.
fn slash_credit(tail: &str) -> bool {
    let Some(slash) = memchr::memrchr(b'/', tail.as_bytes()) else {
        return false;
    };
    if slash == 0 || tail.as_bytes()[slash - 1] != b' ' {
        return false;
    }
    let rest = tail[slash + 1..].trim().trim_end_matches(')');
    let words = rest.split_whitespace().count();
    (1..=4).contains(&words)
        && rest.starts_with(|c: char| c.is_alphanumeric())
        && rest
            .chars()
            .all(|c| c.is_alphanumeric() || " .&-_".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let [date, time, counter, reading_time, byline] =
            [DATE.as_str(), TIME, COUNTER, READING_TIME, BYLINE.as_str()]
                .map(|p| Regex::new(p).unwrap());
        let cases: &[(&Regex, &str, bool)] = &[
            (&date, "8 novembre 2024 13:17", true),
            (&date, "Mis à jour le 8 novembre 2024 à 7h52", true),
            (&date, "05/08/2019", true),
            (&date, "2019-05-08", true),
            (&date, "November 8, 2024", true),
            (&date, "am 3. März 2021", true),
            (&date, "le 12 mai", false),
            (&date, "295 grands électeurs sur les 270", false),
            (&time, "8 novembre 2024 13:17", true),
            (&time, "à 7h52", true),
            (&time, "version 2.10", false),
            (&byline, "Par Tom Ozimek", true),
            (&byline, "By Jane Doe", true),
            (&byline, "Von Max Muster und Erika Muster", true),
            (&byline, "par conséquent, il faut", false),
            (&byline, "By the way, this is prose.", false),
            (&reading_time, "Temps de lecture : 7 min de lecture", true),
            (&reading_time, "5 min read", true),
            (&reading_time, "Lesezeit: 3 Minuten", true),
            (&reading_time, "il a attendu 5 minutes", false),
            (&counter, "12 comments", true),
            (&counter, "3,4 k partages", true),
            (&counter, "Kommentare (5)", true),
            (&counter, "Il y a 12 ans", false),
        ];
        for (re, text, want) in cases {
            assert_eq!(
                re.is_match(text),
                *want,
                "{:?} on {text:?}",
                re.as_str().get(..30)
            );
            let each = [&date, &time, &counter, &reading_time].map(|r| r.is_match(text));
            assert_eq!(digit_shapes(text), each, "{text:?}");
        }
    }

    #[test]
    fn credits() {
        let cases = [
            (
                "Eine Fracking-Anlage im US-Bundesstaat Pennsylvania © Noah Addis",
                true,
            ),
            (
                "Die lachende Menge wird zum Mob. Bild: Gregory Batardon/Theater St . Gallen",
                true,
            ),
            ("Trybunał Konstytucyjny / Shutterstock", true),
            (
                "Das Hermelin ist im Winter gut getarnt. (mlharing / iStock.com)",
                true,
            ),
            ("Le président a déclaré qu'il était prêt.", false),
            (
                "Les revenus ont augmenté de 3 % par an / selon l'Insee",
                false,
            ),
            ("Un grupo de pingüinos, en la Antártida. Source : EFE", true),
            ("He said the source of the problem was clear!", false),
        ];
        for (text, want) in cases {
            assert_eq!(is_credit(text), want, "{text:?}");
        }
    }
}
