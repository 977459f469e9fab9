//! Plain text through the command: it prints what the library keeps, one
//! annotated row per line, files and stdin alike; pipe manners.

use std::process::{Command, Stdio};

use crate::inputs::{
    article, bad_utf8_at_line_ends, latin1_article, menu_lines, mixed_line_endings, one_huge_line,
    prose, right_to_left_and_cjk, with_nuls, BLANK_ONLY,
};
use crate::invariants::{reference_lines, stripper};
use crate::run::{decruft, first_line_then_close, BIN};

/// Checks that `decruft` prints the library's cleaned bytes for `input`
/// (exit 0, nothing on stderr but the loss warning when the library flags
/// the document); returns them.
fn strip_both(input: &[u8]) -> Vec<u8> {
    let stripped = stripper().strip_bytes(input);
    let mut want = stripped.bytes().to_vec();
    // Every file's output ends with a line end (issue 20).
    if want.last().is_some_and(|&b| b != b'\n' && b != b'\r') {
        want.push(b'\n');
    }
    // Binary input is skipped unless --text says otherwise (issue 20).
    let got = decruft(&["--text"], input);
    let err = String::from_utf8_lossy(&got.stderr);
    if stripped.loss_flagged() {
        assert!(
            err.starts_with("decruft: warning: <stdin>: stripping removed")
                && err.lines().count() == 1,
            "{err}"
        );
    } else {
        assert_eq!(err, "", "decruft wrote to stderr");
    }
    assert!(got.status.success(), "decruft failed: {:?}", got.status);
    assert!(got.stdout == want, "the command and the library disagree");
    want
}

/// `decruft annotate` prints the library's review view: the page's kind,
/// a row per input line, and for a line cut into pieces a row for the line and one per
/// piece (the command explains the model's scores, so reasons differ).
fn annotate_matches_library(input: &[u8]) {
    let got = decruft(&["annotate", "--color", "never", "--text"], input);
    assert!(
        got.status.success(),
        "decruft annotate failed: {}",
        String::from_utf8_lossy(&got.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&got.stderr), "");
    let mut want = Vec::new();
    let out = stripper().strip_bytes(input);
    out.write_annotated(&mut want, false).unwrap();
    let rows = |v: &[u8]| v.iter().filter(|&&b| b == b'\n').count();
    assert_eq!(
        rows(&got.stdout),
        rows(&want),
        "annotate and the library disagree on {:?}",
        String::from_utf8_lossy(input)
    );
    let pieces = out.lines().iter().filter(|v| v.continues).count();
    let cut = (0..out.lines().len())
        .filter(|&i| {
            !out.lines()[i].continues && out.lines().get(i + 1).is_some_and(|n| n.continues)
        })
        .count();
    assert_eq!(
        rows(&want),
        // The page's kind, then the rows of lines and pieces.
        usize::from(!input.is_empty()) + reference_lines(input).len() + pieces + cut,
        "{:?}",
        String::from_utf8_lossy(input)
    );
}

/// The library's edge cases (tests/edge_cases.rs), small enough to run
/// the command on each.
fn edge_documents() -> Vec<Vec<u8>> {
    let mut docs: Vec<Vec<u8>> = vec![Vec::new()];
    docs.extend(BLANK_ONLY.iter().map(|s| s.as_bytes().to_vec()));
    for nl in ["\n", "\r\n", "\r", " "] {
        docs.push(article(nl).into_bytes());
    }
    docs.push(mixed_line_endings().into_bytes());
    for bom in ["\u{feff}", "\u{feff}\n", "\u{feff}\r\n\r\n"] {
        docs.push(bom.as_bytes().to_vec());
    }
    docs.push(format!("\u{feff}{}", article("\n")).into_bytes());
    docs.push(latin1_article());
    docs.extend(bad_utf8_at_line_ends());
    docs.extend(with_nuls());
    docs.extend(right_to_left_and_cjk().into_iter().map(String::into_bytes));
    docs.extend(["x", "Accueil", " "].map(|s| s.as_bytes().to_vec()));
    // Found by fuzzing: a bullet followed by a no-break space.
    docs.push(
        "o\u{a0}Premier point de la liste\n•\u{a0}Deuxième point\n-\u{a0}x\n►\u{a0}"
            .as_bytes()
            .to_vec(),
    );
    docs
}

#[test]
fn prints_what_the_library_keeps_on_edge_cases() {
    for input in edge_documents() {
        strip_both(&input);
        annotate_matches_library(&input);
    }
}

// The library's outsized cases (a 100 MB line, a million lines, a line
// repeated 100,000 times: tests/edge_cases.rs) are not run again through
// the command. What the command adds is reading: input arrives in chunks
// of 4 MiB and is stripped a part at a time (16,384 lines). These check
// that path at the smallest sizes that exercise it.

/// A line longer than two read chunks is read whole and stripped as the
/// library strips it: cut into pieces judged one by one.
#[test]
fn a_line_longer_than_a_read_chunk() {
    let line = one_huge_line(9 << 20);
    strip_both(&line);
    assert!(stripper().strip_bytes(&line).lines().len() > 1);
}

/// More lines than a part: stripped part by part, as the library strips
/// the whole.
#[test]
fn more_lines_than_a_part() {
    strip_both(&menu_lines(3 * (1 << 14) + 100));
}

#[test]
fn files_on_the_command_line_and_stdin_agree() {
    let dir = std::env::temp_dir().join(format!("decruft-edge-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("article.txt");
    let input = article("\r\n");
    std::fs::write(&path, &input).unwrap();
    let from_file = Command::new(BIN).arg(&path).output().unwrap();
    let from_both = Command::new(BIN)
        .arg(&path)
        .arg("-")
        .arg(&path)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(from_file.status.success());
    let want = strip_both(input.as_bytes());
    assert!(from_file.stdout == want);
    assert!(from_both.stdout == [&want[..], &want[..]].concat());
}

/// `decruft < big | head -1`: the reader goes away after one line; decruft
/// exits 0 and says nothing.
#[test]
fn plain_mode_stdout_closed_early() {
    // Keep every label so the output is large whatever the classifier thinks.
    let all = "title,standfirst,heading,body,navigation,metadata,teaser,read-more,newsletter,donation,share,comments,legal,ad";
    let input = prose(
        if cfg!(debug_assertions) {
            3_000
        } else {
            20_000
        },
        11,
    );
    assert!(input.len() > 1 << 20);
    let first = first_line_then_close(&["--keep", all], input.into_bytes());
    assert!(
        first.len() > 100,
        "first line {:?}",
        String::from_utf8_lossy(&first)
    );
}
