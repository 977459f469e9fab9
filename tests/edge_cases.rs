//! Plain-text edge cases (issue 5, part 3), through the library and the
//! CLI; the plain-mode pipe manners (part 5); regressions found by fuzzing
//! (part 2).
//!
//! Every test checks the structural invariants of `invariants::check_invariants`
//! (one verdict per line, verdicts tiling the input, kept lines byte for
//! byte) and, through the CLI, that `decruft` prints what the library keeps.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Output, Stdio};
use std::time::Instant;

use decruft::{strip_record, JsonlOptions, Label};

use crate::invariants::{check_invariants, fingerprint, reference_lines, stripper};

const BIN: &str = env!("CARGO_BIN_EXE_decruft");

/// Starts `decruft ARGS` with stdin, stdout and stderr piped.
fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run decruft")
}

/// Runs `decruft ARGS` with `input` on stdin.
pub(crate) fn cli(args: &[&str], input: &[u8]) -> Output {
    let mut child = spawn(args);
    let mut stdin = child.stdin.take().unwrap();
    let output = std::thread::scope(|scope| {
        // Write from another thread: the child may write before it has read
        // everything. It may also stop reading (an error): ignore EPIPE.
        scope.spawn(move || {
            let _ = stdin.write_all(input);
        });
        child.wait_with_output().expect("wait for decruft")
    });
    output
}

/// Strips `input` with the library, checks the invariants, and checks the
/// CLI prints the same bytes (exit 0, nothing on stderr). Returns the
/// library's cleaned bytes.
fn strip_both(input: &[u8]) -> Vec<u8> {
    let out = stripper().strip_bytes(input);
    check_invariants(input, &out);
    let want = out.bytes();
    let got = cli(&[], input);
    assert_eq!(
        String::from_utf8_lossy(&got.stderr),
        "",
        "decruft wrote to stderr"
    );
    assert!(got.status.success(), "decruft failed: {:?}", got.status);
    assert!(got.stdout == want, "the CLI and the library disagree");
    want
}

/// `decruft annotate` prints one row per input line.
fn annotate_rows(input: &[u8]) -> usize {
    let got = cli(&["annotate", "--color", "never"], input);
    assert!(
        got.status.success(),
        "decruft annotate failed: {}",
        String::from_utf8_lossy(&got.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&got.stderr), "");
    got.stdout.iter().filter(|&&b| b == b'\n').count()
}

/// A short article page: navigation, title, byline, date, three paragraphs,
/// share widgets; lines joined with `nl`.
fn article(nl: &str) -> String {
    [
        "Accueil",
        "Actualités",
        "International",
        "",
        "Le président se dit prêt à reprendre le dialogue avec son homologue",
        "",
        "Par Marie Dupont",
        "8 novembre 2024 13:17",
        "",
        "Le président a déclaré jeudi qu'il était prêt à reprendre le dialogue avec son homologue, une première depuis des années, lors d'un discours prononcé devant des experts venus du monde entier.",
        "",
        "Selon son porte-parole, les deux dirigeants pourraient se parler dans les prochains jours, même si aucune date n'a été fixée et que les sujets de discussion restent à définir entre les deux capitales.",
        "",
        "Les observateurs notent que cette ouverture intervient après des mois de tensions, et qu'elle pourrait changer la donne dans les négociations en cours sur le commerce et la sécurité de la région.",
        "",
        "Partager sur Facebook",
        "Partager sur Twitter",
        "Lire la suite →",
        "",
    ]
    .join(nl)
}

/// The same article with the prose paragraphs and title, and nothing else
/// worth keeping: what any sane verdict keeps at least part of.
const PARAGRAPH: &str = "Le président a déclaré jeudi qu'il était prêt à reprendre le dialogue";

/// Deterministic prose: `n` paragraphs of French-like sentences (no two
/// paragraphs alike), separated by blank lines.
fn prose(n: usize, seed: u64) -> String {
    #[rustfmt::skip]
    const WORDS: &[&str] = &[
        "le", "la", "les", "de", "des", "et", "à", "un", "une", "est", "dans", "pour", "qui", "que",
        "sur", "avec", "président", "gouvernement", "déclaré", "dialogue", "ministre", "réforme",
        "pays", "année", "semaine", "projet", "loi", "économie", "entreprises", "habitants", "ville",
        "région", "accord", "négociations", "prochains", "jours", "selon", "porte-parole", "experts",
        "plusieurs", "nouvelle", "politique",
    ];
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |m: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as usize) % m
    };
    let mut out = String::new();
    for _ in 0..n {
        let sentences = 2 + next(3);
        for s in 0..sentences {
            let words = 12 + next(14);
            for w in 0..words {
                let word = WORDS[next(WORDS.len())];
                if w == 0 {
                    let mut c = word.chars();
                    let first = c.next().unwrap();
                    out.extend(first.to_uppercase());
                    out.push_str(c.as_str());
                } else {
                    out.push(' ');
                    out.push_str(word);
                }
            }
            out.push_str(if s + 1 == sentences { "." } else { ". " });
        }
        out.push_str("\n\n");
    }
    out
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
    assert!(strip_both(b"").is_empty());
    assert_eq!(annotate_rows(b""), 0);
}

#[test]
fn only_blank_lines() {
    for input in [
        "\n",
        "\n\n\n",
        "\r\n\r\n",
        " \n\t\n  \r\n",
        "\n\n\n\n\n\n\n\n\n\n",
        "   ",
        " \t \u{a0}\n\u{3000}\n",
    ] {
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
        assert!(strip_both(input.as_bytes()).is_empty());
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
    let out = strip_both(crlf.as_bytes());
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
    let lf = article("\n");
    let lines: Vec<&str> = lf.lines().collect();
    let mut input = String::new();
    for (i, l) in lines.iter().enumerate() {
        input.push_str(l);
        input.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
    }
    let out = stripper().strip(&input);
    check_invariants(input.as_bytes(), &out);
    for (i, v) in out.lines().iter().enumerate() {
        let terminator = &input.as_bytes()[v.range.end..v.end];
        assert_eq!(
            terminator,
            if i % 2 == 0 { &b"\r\n"[..] } else { &b"\n"[..] }
        );
    }
    strip_both(input.as_bytes());
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
    let bytes = strip_both(with_bom.as_bytes());
    assert!(String::from_utf8(bytes).unwrap().contains(PARAGRAPH));
    // A BOM alone, or before a blank line.
    for input in ["\u{feff}", "\u{feff}\n", "\u{feff}\r\n\r\n"] {
        let out = stripper().strip(input);
        check_invariants(input.as_bytes(), &out);
        strip_both(input.as_bytes());
    }
}

#[test]
fn invalid_utf8_keeps_original_bytes() {
    // The article in Latin-1: every accented letter is an invalid byte.
    let latin1: Vec<u8> = article("\n")
        .chars()
        .map(|c| match c {
            'é' => 0xe9,
            'è' => 0xe8,
            'ê' => 0xea,
            'à' => 0xe0,
            'ç' => 0xe7,
            '→' => b'>',
            c if c.is_ascii() => c as u8,
            c => panic!("no Latin-1 for {c:?}"),
        })
        .collect();
    assert!(std::str::from_utf8(&latin1).is_err());
    let out = stripper().strip_bytes(&latin1);
    check_invariants(&latin1, &out);
    let kept = strip_both(&latin1);
    let paragraph: Vec<u8> = b"Le pr\xe9sident a d\xe9clar\xe9 jeudi".to_vec();
    assert!(
        kept.windows(paragraph.len()).any(|w| w == paragraph),
        "the article's original bytes are not in the output"
    );
    // The lossy view decides as the UTF-8 text would (U+FFFD for each é).
    let lossy = String::from_utf8_lossy(&latin1).into_owned();
    assert_eq!(kept_pattern(&latin1), kept_pattern(lossy.as_bytes()));
    assert_eq!(annotate_rows(&latin1), reference_lines(&latin1).len());

    // Truncated sequences, overlongs, surrogates, bytes that are never UTF-8,
    // right before a line break.
    let nasty: &[&[u8]] = &[
        b"\xc3",
        b"\xe2\x82",
        b"\xf0\x9f\x98",
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"\xff\xfe",
        b"\x80",
    ];
    for bad in nasty {
        let mut input = Vec::new();
        for end in [&b"\n"[..], b"\r\n", b""] {
            input.extend_from_slice(PARAGRAPH.as_bytes());
            input.extend_from_slice(bad);
            input.extend_from_slice(end);
            input.extend_from_slice(bad);
            input.extend_from_slice(b"\r");
            input.extend_from_slice(bad);
            input.extend_from_slice(end);
        }
        let out = stripper().strip_bytes(&input);
        check_invariants(&input, &out);
        strip_both(&input);
    }
}

#[test]
fn nul_bytes() {
    let mut with_nuls = article("\n")
        .replace("Accueil", "Accu\0eil")
        .replace(" jeudi ", " jeudi\0 ");
    with_nuls.push_str("\0\0\0\n\0\n");
    for input in [
        with_nuls.as_bytes(),
        b"\0",
        b"\0\n\0",
        &[0u8; 4096][..],
        b"\0\r\n\0\r\n",
    ] {
        let out = stripper().strip_bytes(input);
        check_invariants(input, &out);
        strip_both(input);
        assert_eq!(annotate_rows(input), reference_lines(input).len());
    }
    let kept = strip_both(with_nuls.as_bytes());
    assert!(
        String::from_utf8_lossy(&kept).contains("jeudi\0 qu'il"),
        "the NUL byte of a kept line was lost"
    );
}

/// Size of the "100 MB" tests: 100 MB in release, 10 MB in debug builds
/// (where the library is not optimised).
pub(crate) const HUGE: usize = if cfg!(debug_assertions) {
    10 << 20
} else {
    100 << 20
};

/// `len` bytes of prose without a line break.
pub(crate) fn one_huge_line(len: usize) -> Vec<u8> {
    let unit = prose(40, 7).replace("\n\n", " ");
    let mut line = Vec::with_capacity(len);
    while line.len() < len {
        let take = (len - line.len()).min(unit.len());
        line.extend_from_slice(&unit.as_bytes()[..take]);
    }
    line
}

#[test]
fn huge_single_line() {
    let line = one_huge_line(HUGE);
    let start = Instant::now();
    let out = stripper().strip_bytes(&line);
    let took = start.elapsed();
    assert_eq!(out.lines().len(), 1);
    check_invariants(&line, &out);
    let kept = out.bytes();
    assert!(
        kept.is_empty() || kept == line,
        "kept neither the line nor nothing"
    );
    eprintln!(
        "huge_single_line: {} MB in {took:.1?}, kept: {}",
        HUGE >> 20,
        !kept.is_empty()
    );
    // Through the CLI.
    let got = cli(&[], &line);
    assert!(
        got.status.success(),
        "{}",
        String::from_utf8_lossy(&got.stderr)
    );
    assert!(
        got.stdout.is_empty() || got.stdout == line,
        "the CLI kept neither the line nor nothing"
    );
    assert!(got.stdout == kept, "the CLI and the library disagree");
}

#[test]
fn million_short_lines() {
    let n = if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    };
    let mut input = Vec::with_capacity(n * 12);
    let items = [
        "Accueil",
        "Menu",
        "item",
        "Voir plus",
        "•",
        "12",
        "Partager",
        "a b c",
    ];
    for i in 0..n {
        input.extend_from_slice(items[i % items.len()].as_bytes());
        if i % 3 == 0 {
            input.extend_from_slice(format!(" {i}").as_bytes());
        }
        input.push(b'\n');
    }
    let out = stripper().strip_bytes(&input);
    assert_eq!(out.lines().len(), n);
    check_invariants(&input, &out);
    let kept = out.bytes();
    let got = cli(&[], &input);
    assert!(got.status.success());
    assert!(got.stdout == kept);
}

#[test]
fn same_line_repeated_100_000_times() {
    let line = "Le président a déclaré jeudi qu'il était prêt à reprendre le dialogue avec son homologue, une première depuis des années.\n";
    let n = if cfg!(debug_assertions) {
        20_000
    } else {
        100_000
    };
    let input = line.repeat(n);
    let out = stripper().strip(&input);
    assert_eq!(out.lines().len(), n);
    check_invariants(input.as_bytes(), &out);
    // Every line is the same, so every kept one is that line.
    assert!(out.bytes().chunks(line.len()).all(|c| c == line.as_bytes()));
    let got = cli(&[], input.as_bytes());
    assert!(got.status.success());
    assert!(got.stdout == out.bytes());
}

#[test]
fn right_to_left_and_cjk_text() {
    let arabic = "الرئيسية\nأخبار\n\nالرئيس مستعد لاستئناف الحوار\n\nقال الرئيس يوم الخميس إنه مستعد لاستئناف الحوار مع نظيره، وهي المرة الأولى منذ سنوات، وذلك خلال خطاب أمام خبراء من جميع أنحاء العالم.\n\nوبحسب المتحدث باسمه، قد يتحدث الزعيمان في الأيام المقبلة، رغم أنه لم يتم تحديد أي موعد حتى الآن.\n\nشارك على فيسبوك\n";
    let hebrew = "דף הבית\nחדשות\n\nהנשיא אמר ביום חמישי כי הוא מוכן לחדש את הדיאלוג עם עמיתו, לראשונה מזה שנים, בנאום שנשא בפני מומחים מכל העולם.\n\nלדברי דוברו, שני המנהיגים עשויים לשוחח בימים הקרובים, אף שלא נקבע מועד.\n\nשתף בפייסבוק\n";
    let chinese = "首页\n新闻\n\n总统表示准备恢复对话\n\n总统周四表示，他准备与对方恢复对话，这是多年来的第一次。他在对来自世界各地的专家发表讲话时作出上述表示。\n\n据他的发言人说，两位领导人可能在未来几天内通话，但具体日期尚未确定。\n\n分享到微博\n";
    let japanese = "ホーム\nニュース\n\n大統領は木曜日、相手国との対話を再開する用意があると述べた。これは数年ぶりのことで、世界中から集まった専門家を前にした演説で語った。\n\n報道官によると、両首脳は数日中に電話会談を行う可能性があるが、日程は決まっていない。\n\n続きを読む\n";
    let bidi = "\u{202e}Le président a déclaré\u{202c} jeudi \u{200f}قال\u{200e} 总统\r\n\u{2067}שלום\u{2069}\n";
    for input in [
        arabic,
        hebrew,
        chinese,
        japanese,
        bidi,
        &format!("{arabic}{chinese}{hebrew}{japanese}"),
    ] {
        let out = stripper().strip(input);
        check_invariants(input.as_bytes(), &out);
        for v in out.lines() {
            assert!(input.is_char_boundary(v.range.start) && input.is_char_boundary(v.range.end));
        }
        let kept = strip_both(input.as_bytes());
        assert!(std::str::from_utf8(&kept).is_ok());
        assert_eq!(
            annotate_rows(input.as_bytes()),
            reference_lines(input.as_bytes()).len()
        );
        // JSONL labels count characters, not bytes.
        let opts = JsonlOptions {
            labels: true,
            ..JsonlOptions::default()
        };
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
        let out = stripper().strip(input);
        assert_eq!(out.lines().len(), 1, "{input:?}");
        assert_eq!(out.lines()[0].range, 0..input.len());
        assert_eq!(out.lines()[0].end, input.len());
        check_invariants(input.as_bytes(), &out);
        let kept = strip_both(input.as_bytes());
        assert!(kept.is_empty() || kept == input.as_bytes());
    }
    // A long paragraph on its own is article text.
    assert_eq!(stripper().strip(&paragraphs).bytes(), paragraphs.as_bytes());
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
// Part 5: pipe manners, plain mode.

/// `decruft < big | head -1`: the reader goes away after one line; decruft
/// exits 0 and says nothing.
#[test]
fn plain_mode_stdout_closed_early() {
    // Keep every label so the output is large whatever the classifier thinks.
    let all = "title,heading,body,navigation,metadata,teaser,read-more,newsletter,donation,share,comments,legal,ad";
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

/// Runs decruft with `args` on `input`, reads the first output line (with
/// its newline) and closes stdout, as `| head -1` does; checks that decruft
/// then exits 0 without a word on stderr.
pub(crate) fn first_line_then_close(args: &[&str], input: Vec<u8>) -> Vec<u8> {
    let mut child = spawn(args);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = Vec::new();
    stdout.read_until(b'\n', &mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    writer.join().unwrap();
    assert_eq!(stderr, "", "decruft complained about the closed pipe");
    assert_eq!(status.code(), Some(0), "{status:?}");
    first
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
        strip_both(input);
        assert_eq!(annotate_rows(input), reference_lines(input).len());
    }
}
