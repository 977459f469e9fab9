//! Regexes for the shapes of metadata lines: dates, times, bylines, reading
//! times and counters ("12 comments", "3,4 k partages").
//!
//! Built once; the feature extractor runs them only on short lines (see
//! [`MAX_LEN`]), which is where metadata lives, so long paragraphs never pay.

use std::sync::LazyLock;

use regex::Regex;

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
pub(crate) static DATE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?i)\b(?:\d{{1,2}}[./-]\d{{1,2}}[./-](?:\d{{4}}|\d{{2}})|\d{{4}}[./-]\d{{1,2}}[./-]\d{{1,2}}|\d{{1,2}}(?:er|st|nd|rd|th|\.)?\s+(?:de\s+)?(?:{MONTHS})\.?,?\s+(?:de\s+)?\d{{4}}|(?:{MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}|(?:{MONTHS})\.?\s+\d{{4}})\b"
    ))
    .expect("valid date regex")
});

/// A clock time: 13:17, 7h52, 5:30 pm.
pub(crate) static TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)\b(?:[01]?\d|2[0-3])(?::|h)[0-5]\d(?:\s*(?:am|pm|uhr|h))?\b").expect("valid time regex")
});

/// A byline: "By Jane Doe", "Par Tom Ozimek", "Von Max Muster", "Autor: …".
pub(crate) static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^[\W\d]{0,3}(?i:by|par|von|por|di|door|av|af|przez|od|written by|posted by|publié par|",
        r"rédigé par|geschrieben von|escrito por|scritto da|autor|autorin|author|auteur|autore|",
        r"autora|reporter|text|texte|redakcja|redaktion|rédaction|redacción|redazione|redação)",
        r"\s*:?\s+\p{Lu}"
    ))
    .expect("valid byline regex")
});

/// A reading time: "7 min de lecture", "Lesezeit: 3 Minuten", "5 min read".
pub(crate) static READING_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)\b\d+\s*(?:min|mins|minutes?|minuten?|minutos?|minuti|minuut|minuter)\.?\s*",
        r"(?:de\s+|di\s+|of\s+)?(?:read|lecture|lesen|lesezeit|lectura|lettura|leitura|leestijd|läsning|läsetid)\b|",
        r"(?i)\b(?:reading time|read time|temps de lecture|durée de lecture|lesezeit|lesedauer|",
        r"tiempo de lectura|tempo di lettura|tempo de leitura|leestijd|lästid|czas czytania)\b"
    ))
    .expect("valid reading-time regex")
});

/// A counter: "12 comments", "3,4 k partages", "1.2K shares", "Kommentare (5)".
pub(crate) static COUNTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:\b\d[\d\s.,]*\s*[km]?\s*(?:comments?|commentaires?|kommentare?|comentarios?|commenti|",
        r"comentários|reacties|komentarze?|shares?|partages?|likes?|j'aime|views?|vues|aufrufe|",
        r"reactions?|réactions?|replies|réponses|antworten|respuestas|risposte|respostas|",
        r"mal gelesen|lectures|visites|besuche|votes?|stimmen|bewertungen|reviews?|avis)\b)|",
        r"(?i:comments?|commentaires?|kommentare?|comentarios?|commenti|reacties|réactions?)\s*[(\[]\s*\d+\s*[)\]]"
    ))
    .expect("valid counter regex")
});

/// Bytes at the end of a line searched for a credit.
pub(crate) const CREDIT_TAIL: usize = 80;

/// A photo credit or source at the end of a caption: "© Noah Addis",
/// "(Foto: dpa)", "Bild: Gregory Batardon", "Source: Reuters", "/ Shutterstock".
pub(crate) static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        // "© Noah Addis", "(c) AFP", "Copyright Reuters"
        r"(?:©|\(c\)|(?i:\bcopyright\b)",
        // "Foto: dpa", "Bild: …", "Source : AFP", "Crédit photo : …"
        r"|(?i:\b(?:fotos?|photos?|bild|bildquelle|quelle|source|credits?|crédits?(?:\sphoto)?|image|imagen|",
        r"immagine|imagem|afbeelding|źródło|zdjęcie|fot)\s*:))[^!?]{0,60}$",
        // "Trybunał Konstytucyjny / Shutterstock", "(mlharing / iStock.com)"
        r"|\s/\s*[\p{L}\d][\w.&-]*(?:\s[\w.&-]+){0,3}\s*\)?$"
    ))
    .expect("valid credit regex")
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&Regex, &str, bool)] = &[
            (&DATE, "8 novembre 2024 13:17", true),
            (&DATE, "Mis à jour le 8 novembre 2024 à 7h52", true),
            (&DATE, "05/08/2019", true),
            (&DATE, "2019-05-08", true),
            (&DATE, "November 8, 2024", true),
            (&DATE, "am 3. März 2021", true),
            (&DATE, "le 12 mai", false),
            (&DATE, "295 grands électeurs sur les 270", false),
            (&TIME, "8 novembre 2024 13:17", true),
            (&TIME, "à 7h52", true),
            (&TIME, "version 2.10", false),
            (&BYLINE, "Par Tom Ozimek", true),
            (&BYLINE, "By Jane Doe", true),
            (&BYLINE, "Von Max Muster und Erika Muster", true),
            (&BYLINE, "par conséquent, il faut", false),
            (&BYLINE, "By the way, this is prose.", false),
            (&READING_TIME, "Temps de lecture : 7 min de lecture", true),
            (&READING_TIME, "5 min read", true),
            (&READING_TIME, "Lesezeit: 3 Minuten", true),
            (&READING_TIME, "il a attendu 5 minutes", false),
            (&COUNTER, "12 comments", true),
            (&COUNTER, "3,4 k partages", true),
            (&COUNTER, "Kommentare (5)", true),
            (&COUNTER, "Il y a 12 ans", false),
            (&CREDIT, "Eine Fracking-Anlage im US-Bundesstaat Pennsylvania © Noah Addis", true),
            (&CREDIT, "Die lachende Menge wird zum Mob. Bild: Gregory Batardon/Theater St . Gallen", true),
            (&CREDIT, "Trybunał Konstytucyjny / Shutterstock", true),
            (&CREDIT, "Das Hermelin ist im Winter gut getarnt. (mlharing / iStock.com)", true),
            (&CREDIT, "Le président a déclaré qu'il était prêt.", false),
            (&CREDIT, "Les revenus ont augmenté de 3 % par an / selon l'Insee", false),
        ];
        for (re, text, want) in cases {
            assert_eq!(re.is_match(text), *want, "{:?} on {text:?}", re.as_str().get(..30));
        }
    }
}
