//! Plain-text edge cases (issue 5, part 3) and regressions found by fuzzing
//! (part 2), through the library.
//!
//! Every test checks the structural invariants of `invariants::check_invariants`
//! (one verdict per line, verdicts tiling the input, kept lines byte for
//! byte). The command's side (it prints what the library keeps, and its pipe
//! manners) is in cli/tests/plain.rs, over the inputs of `inputs.rs`.

use decruft::{strip_record, JsonlOptions, Label, Stripper};

use crate::inputs::{
    article, bad_utf8_at_line_ends, latin1_article, mixed_line_endings, one_huge_line, prose,
    repeated_line, right_to_left_and_cjk, short_lines, with_nuls, BLANK_ONLY, HUGE, PARAGRAPH,
};
use crate::invariants::{check_invariants, fingerprint, reference_lines, stripper};

/// Strips `input` with the library and checks the invariants; returns the
/// cleaned bytes. (cli/tests checks that the command prints the same.)
fn strip_checked(input: &[u8]) -> Vec<u8> {
    let out = stripper().strip_bytes(input);
    check_invariants(input, &out);
    out.bytes()
}

/// The rows of the review view (what `decruft annotate` prints).
fn annotate_rows(input: &[u8]) -> usize {
    let mut view = Vec::new();
    stripper()
        .strip_bytes(input)
        .write_annotated(&mut view, false)
        .unwrap();
    // Rows after the page's kind row (none for an empty input).
    let rows = view.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(
        view.starts_with(b"  page "),
        rows > 0,
        "the page's kind comes first"
    );
    rows.saturating_sub(1)
}

fn kept_pattern(input: &[u8]) -> Vec<(Label, bool)> {
    stripper()
        .strip_bytes(input)
        .lines()
        .iter()
        .map(|v| (v.label, v.kept))
        .collect()
}

// ---------------------------------------------------------------------------
// Part 3: edge cases.

#[test]
fn empty_input() {
    let out = stripper().strip("");
    assert!(out.lines().is_empty());
    assert!(out.bytes().is_empty());
    assert_eq!(out.text(), "");
    assert!(stripper().strip_bytes(b"").lines().is_empty());
    assert!(strip_checked(b"").is_empty());
    assert_eq!(annotate_rows(b""), 0);
}

#[test]
fn only_blank_lines() {
    for input in BLANK_ONLY {
        let out = stripper().strip(input);
        check_invariants(input.as_bytes(), &out);
        assert!(
            out.lines().iter().all(|v| !v.kept),
            "{input:?}: a blank line was kept"
        );
        assert!(out.bytes().is_empty(), "{input:?}");
        for v in out.lines() {
            assert_eq!(
                v.label,
                Label::Blank,
                "{input:?}: line {:?}",
                &input[v.range.clone()]
            );
        }
        assert!(strip_checked(input.as_bytes()).is_empty());
        assert_eq!(
            annotate_rows(input.as_bytes()),
            reference_lines(input.as_bytes()).len()
        );
    }
}

#[test]
fn crlf_line_endings_are_kept() {
    let lf = article("\n");
    let crlf = article("\r\n");
    let out = strip_checked(crlf.as_bytes());
    assert!(
        String::from_utf8_lossy(&out).contains(PARAGRAPH),
        "the article was dropped"
    );
    // Every kept line keeps its \r\n.
    let verdicts = stripper().strip(&crlf);
    for v in verdicts.lines().iter().filter(|v| v.kept) {
        assert_eq!(&crlf.as_bytes()[v.range.end..v.end], b"\r\n");
    }
    assert!(out.ends_with(b"\r\n"));
    for (i, &b) in out.iter().enumerate() {
        if b == b'\n' {
            assert!(
                i > 0 && out[i - 1] == b'\r',
                "a bare \\n at byte {i} of the output"
            );
        }
    }
    // Line endings do not change any verdict.
    assert_eq!(kept_pattern(crlf.as_bytes()), kept_pattern(lf.as_bytes()));
    // With CRLF gone, the output is the LF output.
    assert_eq!(
        String::from_utf8(out).unwrap().replace("\r\n", "\n"),
        stripper().strip(&lf).text()
    );
}

#[test]
fn mixed_line_endings_each_line_keeps_its_own() {
    let input = mixed_line_endings();
    let out = stripper().strip(&input);
    check_invariants(input.as_bytes(), &out);
    for (i, v) in out.lines().iter().enumerate() {
        let terminator = &input.as_bytes()[v.range.end..v.end];
        assert_eq!(
            terminator,
            if i % 2 == 0 { &b"\r\n"[..] } else { &b"\n"[..] }
        );
    }
    strip_checked(input.as_bytes());
}

#[test]
fn utf8_bom() {
    let plain = article("\n");
    let with_bom = format!("\u{feff}{plain}");
    let out = stripper().strip(&with_bom);
    check_invariants(with_bom.as_bytes(), &out);
    assert_eq!(
        out.lines()[0].range,
        0..3 + "Accueil".len(),
        "the BOM belongs to the first line"
    );
    // The BOM changes no verdict.
    assert_eq!(
        kept_pattern(with_bom.as_bytes()),
        kept_pattern(plain.as_bytes())
    );
    let bytes = strip_checked(with_bom.as_bytes());
    assert!(String::from_utf8(bytes).unwrap().contains(PARAGRAPH));
    // A BOM alone, or before a blank line.
    for input in ["\u{feff}", "\u{feff}\n", "\u{feff}\r\n\r\n"] {
        let out = stripper().strip(input);
        check_invariants(input.as_bytes(), &out);
        strip_checked(input.as_bytes());
    }
}

#[test]
fn invalid_utf8_keeps_original_bytes() {
    let latin1 = latin1_article();
    assert!(std::str::from_utf8(&latin1).is_err());
    let out = stripper().strip_bytes(&latin1);
    check_invariants(&latin1, &out);
    let kept = strip_checked(&latin1);
    let paragraph: Vec<u8> = b"Le pr\xe9sident a d\xe9clar\xe9 jeudi".to_vec();
    assert!(
        kept.windows(paragraph.len()).any(|w| w == paragraph),
        "the article's original bytes are not in the output"
    );
    // The lossy view decides as the UTF-8 text would (U+FFFD for each é).
    let lossy = String::from_utf8_lossy(&latin1).into_owned();
    assert_eq!(kept_pattern(&latin1), kept_pattern(lossy.as_bytes()));
    assert_eq!(annotate_rows(&latin1), reference_lines(&latin1).len());

    for input in bad_utf8_at_line_ends() {
        let out = stripper().strip_bytes(&input);
        check_invariants(&input, &out);
        strip_checked(&input);
    }
}

#[test]
fn nul_bytes() {
    let inputs = with_nuls();
    for input in &inputs {
        strip_checked(input);
        assert_eq!(annotate_rows(input), reference_lines(input).len());
    }
    let kept = strip_checked(&inputs[0]);
    assert!(
        String::from_utf8_lossy(&kept).contains("jeudi\0 qu'il"),
        "the NUL byte of a kept line was lost"
    );
}

#[test]
fn huge_single_line() {
    let line = one_huge_line(HUGE);
    let start = std::time::Instant::now();
    let out = stripper().strip_bytes(&line);
    let took = start.elapsed();
    // One line, cut into pieces judged one by one (text/segment/).
    let units = out.lines();
    assert!(units.len() > 1, "a {} MB line was not cut", HUGE >> 20);
    assert!(!units[0].continues && units[1..].iter().all(|v| v.continues));
    assert_eq!(
        (units[0].range.start, units[units.len() - 1].end),
        (0, line.len())
    );
    check_invariants(&line, &out);
    let kept = out.bytes();
    eprintln!(
        "huge_single_line: {} MB in {took:.1?}, {} pieces, {} bytes kept",
        HUGE >> 20,
        units.len(),
        kept.len()
    );
}

#[test]
fn million_short_lines() {
    let (input, n) = short_lines();
    let out = stripper().strip_bytes(&input);
    assert_eq!(out.lines().len(), n);
    check_invariants(&input, &out);
}

#[test]
fn same_line_repeated_100_000_times() {
    let (input, line, n) = repeated_line();
    let out = stripper().strip(&input);
    assert_eq!(out.lines().len(), n);
    check_invariants(input.as_bytes(), &out);
    // Every line is the same, so every kept one is that line.
    assert!(out.bytes().chunks(line.len()).all(|c| c == line.as_bytes()));
}

#[test]
fn right_to_left_and_cjk_text() {
    for input in &right_to_left_and_cjk() {
        let input = input.as_str();
        let out = stripper().strip(input);
        check_invariants(input.as_bytes(), &out);
        for v in out.lines() {
            assert!(input.is_char_boundary(v.range.start) && input.is_char_boundary(v.range.end));
        }
        let kept = strip_checked(input.as_bytes());
        assert!(std::str::from_utf8(&kept).is_ok());
        assert_eq!(
            annotate_rows(input.as_bytes()),
            reference_lines(input.as_bytes()).len()
        );
        // JSONL labels count characters, not bytes.
        let mut opts = JsonlOptions::default();
        opts.labels = true;
        let line = serde_json::to_vec(&serde_json::json!({ "text": input })).unwrap();
        let mut rec = Vec::new();
        strip_record(stripper(), &opts, &line, &mut rec).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&rec).unwrap();
        let labels = v["decruft"].as_array().unwrap();
        assert_eq!(
            labels.last().unwrap()[1].as_u64().unwrap(),
            input.chars().count() as u64
        );
    }
}

#[test]
fn text_without_line_breaks() {
    // The article's three paragraphs, run together.
    let paragraphs: String = article("\n")
        .lines()
        .filter(|l| l.len() > 150)
        .collect::<Vec<_>>()
        .join(" ");
    let article_one_line = article(" ");
    let old_mac = article("\r");
    for input in [
        paragraphs.as_str(),
        article_one_line.as_str(),
        old_mac.as_str(),
        "x",
        "Accueil",
        " ",
    ] {
        // One line: judged whole, or cut into pieces that tile it.
        let out = stripper().strip(input);
        let units = out.lines();
        assert!(
            !units[0].continues && units[1..].iter().all(|v| v.continues),
            "{input:?}"
        );
        assert_eq!(
            (units[0].range.start, units[units.len() - 1].end),
            (0, input.len())
        );
        check_invariants(input.as_bytes(), &out);
        strip_checked(input.as_bytes());
    }
    // A long paragraph on its own is article text.
    assert_eq!(stripper().strip(&paragraphs).bytes(), paragraphs.as_bytes());
}

#[test]
fn results_do_not_depend_on_earlier_documents() {
    let a = article("\n");
    let before = fingerprint(&stripper().strip(&a));
    // Documents of very different sizes in between.
    let _ = stripper().strip(&prose(300, 1));
    let _ = stripper().strip("x");
    let _ = stripper().strip_bytes(b"\xff\n\n\n");
    assert_eq!(fingerprint(&stripper().strip(&a)), before);
}

// ---------------------------------------------------------------------------
// Part 2: regressions found by fuzzing.

/// Found by `cargo fuzz run strip` (fuzz/artifacts, 2026-11-22): a list
/// bullet followed by a no-break space ("o\u{a0}", "•\u{a0}") was measured
/// as one byte of space, and slicing the line after it panicked inside the
/// two-byte character.
#[test]
fn bullet_followed_by_no_break_space() {
    let crash: &[u8] = &[
        0x0a, 0x6f, 0xc2, 0xa0, 0x18, 0x18, 0x20, 0x20, 0x18, 0xae, 0x18, 0x18, 0x01, 0x00, 0xe2,
        0x80, 0xaf, 0x00, 0x33, 0x00, 0x0a,
    ];
    for input in [
        crash,
        "o\u{a0}".as_bytes(),
        "o\u{a0}Premier point de la liste\n•\u{a0}Deuxième point\n-\u{a0}x\n►\u{a0}".as_bytes(),
    ] {
        let out = stripper().strip_bytes(input);
        check_invariants(input, &out);
        strip_checked(input);
        assert_eq!(annotate_rows(input), reference_lines(input).len());
    }
}

/// The cascade is off by default (every line through the trees) and, when
/// asked, lets lines skip them without changing what the seed keeps of its
/// reviewed article lines (tests/seeds.rs checks every label without it).
#[test]
fn the_cascade_is_opt_in() {
    let text = std::fs::read_to_string("seeds/003_1f7848a26ced4f19.txt").unwrap();
    let exact = Stripper::new();
    let _ = exact.strip(&text);
    let (lines, skipped) = exact.cascade_counts();
    assert!(lines > 0 && skipped == 0, "{lines} {skipped}");
    let fast = Stripper::builder().cascade(true).build().unwrap();
    let out = fast.strip(&text);
    let (lines, skipped) = fast.cascade_counts();
    assert!(skipped > 0 && skipped <= lines, "{lines} {skipped}");
    check_invariants(text.as_bytes(), &out);
    let kept = |s: &Stripper| {
        let out = s.strip(&text);
        out.lines().iter().filter(|v| v.kept).count()
    };
    assert!(kept(&fast).abs_diff(kept(&exact)) <= 2);
}
