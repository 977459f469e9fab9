use super::*;

/// The units of `text` as strings: a line whole, or its pieces with a
/// `+` before every piece that continues a line.
fn units(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    split(text, &mut out);
    out.iter()
        .map(|s| {
            let piece = &text[s.content()];
            if s.cont {
                format!("+{piece}")
            } else {
                piece.to_string()
            }
        })
        .collect()
}

/// The pieces of `line`, cut whatever its length, as [`units`] shows them.
fn cut(line: &str) -> Vec<String> {
    let mut spans = Vec::new();
    lines::split(line.as_bytes(), &mut spans);
    assert_eq!(spans.len(), 1);
    let mut out = Vec::new();
    Cutter::default().cut(line, spans[0], &mut out);
    out.iter()
        .map(|s| {
            let piece = &line[s.content()];
            if s.cont {
                format!("+{piece}")
            } else {
                piece.to_string()
            }
        })
        .collect()
}

/// Checks that the units of `text` tile it, each line by its pieces.
fn check_cover(text: &str) {
    let mut out = Vec::new();
    split(text, &mut out);
    let mut lines = Vec::new();
    lines::split(text.as_bytes(), &mut lines);
    let mut k = 0;
    for line in &lines {
        let first = out[k];
        assert!(!first.cont);
        assert_eq!(first.start, line.start);
        let mut at = line.start;
        loop {
            let u = out[k];
            assert_eq!(u.start, at, "pieces leave no gap");
            assert!(u.start <= u.end && u.end <= u.next);
            at = u.next;
            k += 1;
            if k == out.len() || !out[k].cont {
                assert_eq!((u.end, u.next), (line.end, line.next));
                break;
            }
            assert!(text[u.end as usize..u.next as usize]
                .chars()
                .all(char::is_whitespace));
        }
    }
    assert_eq!(k, out.len());
}

const PROSE: &str = "Le président a déclaré jeudi qu'il était prêt à reprendre le dialogue avec son homologue, une première depuis des années.";

#[test]
fn short_lines_are_units_as_they_are() {
    let text = format!("Accueil | Actualités | Sport\n\n{PROSE}\n");
    assert_eq!(units(&text), ["Accueil | Actualités | Sport", "", PROSE]);
}

/// A paragraph longer than a long line is cut, but its sentences join
/// again into pieces of prose: it comes out in few pieces, never in
/// sentences.
#[test]
fn a_long_paragraph_is_not_shredded() {
    let para = [PROSE; 12].join(" ");
    let text = format!("Menu\n{para}\n");
    let u = units(&text);
    assert!(u.len() <= 1 + para.len().div_ceil(MAX_PROSE) + 1, "{u:?}");
    assert!(u[1..].iter().all(|p| p.len() <= MAX_PROSE + 1), "{u:?}");
    check_cover(&text);
}

/// Where each boundary cuts: a table of one-line documents and the
/// pieces they come out in.
#[test]
fn boundaries() {
    let cases: &[(&str, &[&str])] = &[
        // Separators: a breadcrumb comes apart item by item.
        (
            "Accueil › Politique › Élections › Le gouvernement présente son budget pour l'année prochaine devant les députés réunis en séance.",
            &["Accueil ›", "+Politique ›", "+Élections ›", "+Le gouvernement présente son budget pour l'année prochaine devant les députés réunis en séance."],
        ),
        // A share row.
        (
            "Il a été élu au premier tour avec une large avance sur ses adversaires, selon les résultats. Partager | Tweeter | Imprimer | Envoyer",
            &["Il a été élu au premier tour avec une large avance sur ses adversaires, selon les résultats.", "+Partager |", "+Tweeter |", "+Imprimer |", "+Envoyer"],
        ),
        // A menu turning into prose, with no sentence end between.
        (
            "Startseite Wein Sekt Spirituosen Präsente Kontakt Warenkorb Der Artikel wurde erfolgreich hinzugefügt. Im Glas erscheint der Wein in einem zart glänzenden Rosa.",
            &["Startseite Wein Sekt Spirituosen Präsente Kontakt Warenkorb", "+Der Artikel wurde erfolgreich hinzugefügt. Im Glas erscheint der Wein in einem zart glänzenden Rosa."],
        ),
        // Prose turning into a menu without a sentence end.
        (
            "The council voted on the new budget for the city schools and the parks this week Home News Sport Weather Contact About Jobs",
            &["The council voted on the new budget for the city schools and the parks this week", "+Home News Sport Weather Contact About Jobs"],
        ),
        // A colon before a capital.
        (
            "The minister said the talks would resume next week in the capital. Tags: Politics Economy Europe",
            &["The minister said the talks would resume next week in the capital.", "+Tags:", "+Politics Economy Europe"],
        ),
        // A stock phrase written as a header starts a piece; written
        // inside a sentence, it does not.
        (
            "The new laptop ships next month in three colours and two sizes, readers said in the comments Related articles Apple plans a cheaper laptop for schools",
            &["The new laptop ships next month in three colours and two sizes, readers said in the comments", "+Related articles Apple plans a cheaper laptop for schools"],
        ),
        // Initials, titles and ordinals are no sentence ends.
        (
            "Mr. Smith met J. R. Doe in the U.S. on 9. Oktober to talk about the plans for the new bridge over the river.",
            &["Mr. Smith met J. R. Doe in the U.S. on 9. Oktober to talk about the plans for the new bridge over the river."],
        ),
        // CJK sentence ends need no space.
        (
            "首页 新闻 体育 总统周四表示他准备与对方恢复对话。这是多年来的第一次。分享",
            &["首页 新闻 体育 总统周四表示他准备与对方恢复对话。这是多年来的第一次。", "+分享"],
        ),
        // A French quotation's closing » is no separator.
        (
            "Il a déclaré « nous sommes prêts » devant les journalistes réunis dans la salle de presse du ministère.",
            &["Il a déclaré « nous sommes prêts » devant les journalistes réunis dans la salle de presse du ministère."],
        ),
        // Sentences of a paragraph join again…
        (
            "The match went on despite the rain in the second half. Fans stayed in the stands until the very end of the game.",
            &["The match went on despite the rain in the second half. Fans stayed in the stands until the very end of the game."],
        ),
        // …but a sentence too short to read as prose stays apart.
        (
            "It rained. Fans stayed in the stands until the very end of the game.",
            &["It rained.", "+Fans stayed in the stands until the very end of the game."],
        ),
    ];
    for (text, want) in cases {
        assert_eq!(cut(text), *want, "{text:?}");
    }
}

#[test]
fn a_piece_never_exceeds_the_cap() {
    let text = "x".repeat(3 * MAX_PIECE + 7);
    let mut out = Vec::new();
    split(&text, &mut out);
    assert_eq!(out.len(), 4);
    assert!(out.iter().all(|s| (s.end - s.start) as usize <= MAX_PIECE));
    check_cover(&text);
    let words = "word ".repeat(3000);
    split(&words, &mut out);
    assert!(out.iter().all(|s| (s.end - s.start) as usize <= MAX_PIECE));
    check_cover(&words);
}

#[test]
fn covers_odd_inputs() {
    for text in [
        "",
        "\n",
        " ",
        "a\r\n",
        &format!("  {}  \r\n{}\n\n", "Menu | ".repeat(300), PROSE.repeat(20)),
        &"。".repeat(500),
        &"\u{a0}x. Y".repeat(400),
        &"«»".repeat(700),
        &format!("{}\n", "| ".repeat(1000)),
    ] {
        check_cover(text);
    }
}

#[test]
fn lengths() {
    assert!(!long(b"short", 10));
    assert!(long(&[b'a'; 11], 10));
    // Padding is not length.
    let padded = format!("a{}b", " ".repeat(2000));
    assert!(!long(padded.as_bytes(), 10));
}

/// `for_each_unit` walks the units `split` gives, without holding them.
#[test]
fn walking_units_matches_split() {
    let long = "Accueil | Sport | Culture | ".repeat(30)
        + &"Le conseil a voté la loi jeudi soir après un long débat. ".repeat(30);
    for text in [
        String::new(),
        "a\n\nb\r\nc".to_string(),
        long.clone(),
        format!("Titre\n\n{long}\nfin\n"),
        format!("{long}\r\n  \n"),
    ] {
        let mut spans = Vec::new();
        split(&text, &mut spans);
        let want: Vec<String> = spans
            .iter()
            .map(|s| text[s.content()].to_string())
            .collect();
        let mut got = Vec::new();
        for_each_unit(&text, |u| got.push(u.to_string()));
        assert_eq!(got, want, "{text:?}");
    }
}
