//! Inputs shared by the library's tests (tests/) and the command's
//! (cli/tests/): an article page, deterministic prose, huge lines.

#![allow(dead_code)] // each includer uses its part

/// A short article page: navigation, title, byline, date, three paragraphs,
/// share widgets; lines joined with `nl`.
pub fn article(nl: &str) -> String {
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
pub const PARAGRAPH: &str = "Le président a déclaré jeudi qu'il était prêt à reprendre le dialogue";

/// Deterministic prose: `n` paragraphs of French-like sentences (no two
/// paragraphs alike), separated by blank lines.
pub fn prose(n: usize, seed: u64) -> String {
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

/// Size of the "100 MB" tests: 100 MB in release, 10 MB in debug builds
/// (where the library is not optimised).
pub const HUGE: usize = if cfg!(debug_assertions) {
    10 << 20
} else {
    100 << 20
};

/// `len` bytes of prose without a line break.
pub fn one_huge_line(len: usize) -> Vec<u8> {
    let unit = prose(40, 7).replace("\n\n", " ");
    let mut line = Vec::with_capacity(len);
    while line.len() < len {
        let take = (len - line.len()).min(unit.len());
        line.extend_from_slice(&unit.as_bytes()[..take]);
    }
    line
}

/// Inputs with nothing but blank lines.
pub const BLANK_ONLY: [&str; 7] = [
    "\n",
    "\n\n\n",
    "\r\n\r\n",
    " \n\t\n  \r\n",
    "\n\n\n\n\n\n\n\n\n\n",
    "   ",
    " \t \u{a0}\n\u{3000}\n",
];

/// The article with `\r\n` and `\n` endings in turn.
pub fn mixed_line_endings() -> String {
    let mut input = String::new();
    for (i, l) in article("\n").lines().enumerate() {
        input.push_str(l);
        input.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
    }
    input
}

/// The article in Latin-1: every accented letter is an invalid byte.
pub fn latin1_article() -> Vec<u8> {
    article("\n")
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
        .collect()
}

/// Truncated sequences, overlongs, surrogates, bytes that are never UTF-8,
/// right before a line break.
pub fn bad_utf8_at_line_ends() -> Vec<Vec<u8>> {
    let nasty: &[&[u8]] = &[
        b"\xc3",
        b"\xe2\x82",
        b"\xf0\x9f\x98",
        b"\xc0\xaf",
        b"\xed\xa0\x80",
        b"\xff\xfe",
        b"\x80",
    ];
    nasty
        .iter()
        .map(|bad| {
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
            input
        })
        .collect()
}

/// NUL bytes: in the article (first), alone, a page of them.
pub fn with_nuls() -> Vec<Vec<u8>> {
    let mut article = article("\n")
        .replace("Accueil", "Accu\0eil")
        .replace(" jeudi ", " jeudi\0 ");
    article.push_str("\0\0\0\n\0\n");
    vec![
        article.into_bytes(),
        b"\0".to_vec(),
        b"\0\n\0".to_vec(),
        vec![0u8; 4096],
        b"\0\r\n\0\r\n".to_vec(),
    ]
}

/// A million short menu-like lines (100,000 in debug builds), and their number.
pub fn short_lines() -> (Vec<u8>, usize) {
    let n = if cfg!(debug_assertions) {
        100_000
    } else {
        1_000_000
    };
    (menu_lines(n), n)
}

/// `n` short menu-like lines.
pub fn menu_lines(n: usize) -> Vec<u8> {
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
    input
}

/// One line of prose 100,000 times (20,000 in debug builds): the text, the
/// line and the count.
pub fn repeated_line() -> (String, &'static str, usize) {
    let line: &str = "Le président a déclaré jeudi qu'il était prêt à reprendre le dialogue avec son homologue, une première depuis des années.\n";
    let n = if cfg!(debug_assertions) {
        20_000
    } else {
        100_000
    };
    let input = line.repeat(n);
    (input, line, n)
}

/// Arabic, Hebrew, Chinese and Japanese pages, bidi controls, all of them
/// run together.
pub fn right_to_left_and_cjk() -> Vec<String> {
    let arabic = "الرئيسية\nأخبار\n\nالرئيس مستعد لاستئناف الحوار\n\nقال الرئيس يوم الخميس إنه مستعد لاستئناف الحوار مع نظيره، وهي المرة الأولى منذ سنوات، وذلك خلال خطاب أمام خبراء من جميع أنحاء العالم.\n\nوبحسب المتحدث باسمه، قد يتحدث الزعيمان في الأيام المقبلة، رغم أنه لم يتم تحديد أي موعد حتى الآن.\n\nشارك على فيسبوك\n";
    let hebrew = "דף הבית\nחדשות\n\nהנשיא אמר ביום חמישי כי הוא מוכן לחדש את הדיאלוג עם עמיתו, לראשונה מזה שנים, בנאום שנשא בפני מומחים מכל העולם.\n\nלדברי דוברו, שני המנהיגים עשויים לשוחח בימים הקרובים, אף שלא נקבע מועד.\n\nשתף בפייסבוק\n";
    let chinese = "首页\n新闻\n\n总统表示准备恢复对话\n\n总统周四表示，他准备与对方恢复对话，这是多年来的第一次。他在对来自世界各地的专家发表讲话时作出上述表示。\n\n据他的发言人说，两位领导人可能在未来几天内通话，但具体日期尚未确定。\n\n分享到微博\n";
    let japanese = "ホーム\nニュース\n\n大統領は木曜日、相手国との対話を再開する用意があると述べた。これは数年ぶりのことで、世界中から集まった専門家を前にした演説で語った。\n\n報道官によると、両首脳は数日中に電話会談を行う可能性があるが、日程は決まっていない。\n\n続きを読む\n";
    let bidi = "\u{202e}Le président a déclaré\u{202c} jeudi \u{200f}قال\u{200e} 总统\r\n\u{2067}שלום\u{2069}\n";
    [
        arabic,
        hebrew,
        chinese,
        japanese,
        bidi,
        &format!("{arabic}{chinese}{hebrew}{japanese}"),
    ]
    .map(str::to_string)
    .to_vec()
}

// JSON Lines.

/// A good record: a small page with navigation, an article and share lines.
pub fn good(id: usize) -> Vec<u8> {
    let text = format!(
        "Accueil\nActualités\n\nLe conseil municipal a voté mardi soir le budget numéro {id}, après un long débat sur les investissements prévus dans les écoles et les transports de la ville.\n\nLe maire a salué un budget « responsable », tandis que l'opposition a dénoncé une hausse des impôts locaux qu'elle juge injustifiée pour les familles.\n\nPartager sur Facebook\n"
    );
    serde_json::to_vec(&serde_json::json!({ "id": id, "text": text, "lang": "fr" })).unwrap()
}

/// What a JSONL stream writes for a good record (without the newline).
pub fn stripped(line: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    decruft::strip_record(
        crate::invariants::stripper(),
        &decruft::JsonlOptions::default(),
        line,
        &mut out,
    )
    .expect("a good record");
    out
}

/// Bad records, one per kind of fault.
pub fn bad_records() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        (
            "malformed JSON",
            br#"{"id":2,"text":"unterminated"#.to_vec(),
        ),
        ("not JSON at all", b"Accueil > Actualit\xc3\xa9s".to_vec()),
        ("trailing garbage", br#"{"id":2,"text":"a"} x"#.to_vec()),
        ("an array", br#"[1,"text"]"#.to_vec()),
        (
            "missing text field",
            br#"{"id":2,"body":"Le texte."}"#.to_vec(),
        ),
        ("null text field", br#"{"id":2,"text":null}"#.to_vec()),
        ("number text field", br#"{"id":2,"text":42}"#.to_vec()),
        (
            "huge number text field",
            br#"{"id":2,"text":1e400}"#.to_vec(),
        ),
        ("boolean text field", br#"{"id":2,"text":true}"#.to_vec()),
        ("array text field", br#"{"id":2,"text":["a","b"]}"#.to_vec()),
        (
            "object text field",
            br#"{"id":2,"text":{"a":"b"}}"#.to_vec(),
        ),
        (
            "invalid UTF-8 in the text",
            b"{\"id\":2,\"text\":\"Le pr\xe9sident a d\xe9clar\xe9 jeudi.\"}".to_vec(),
        ),
        (
            "invalid UTF-8 in another field",
            b"{\"id\":\"\xff\",\"text\":\"Le texte.\"}".to_vec(),
        ),
        // A lone surrogate escape in the text is no longer bad (issue 20):
        // it is stripped as U+FFFD, as Python's `json` reads it.
    ]
}

/// Joins records into a JSONL stream, each line ended by `\n`.
pub fn stream(lines: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(l);
        out.push(b'\n');
    }
    out
}

/// Expected output for good records `lines`, one output record each.
pub fn expected(lines: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for l in lines {
        out.extend_from_slice(&stripped(l));
        out.push(b'\n');
    }
    out
}

/// A line of a mixed stream: a record and whether it is good, or a blank line.
pub type Line = Option<(Vec<u8>, bool)>;

/// Good records 1, 3, 5, … with every kind of bad record between them, and
/// blank lines; returns the stream and its lines in order.
pub fn mixed() -> (Vec<u8>, Vec<Line>) {
    let mut lines: Vec<Line> = Vec::new();
    for (i, (_, bad)) in bad_records().into_iter().enumerate() {
        lines.push(Some((good(2 * i + 1), true)));
        if i % 4 == 1 {
            lines.push(None);
        }
        lines.push(Some((bad, false)));
    }
    lines.push(Some((good(1000), true)));
    let mut input = Vec::new();
    for l in &lines {
        if let Some((bytes, _)) = l {
            input.extend_from_slice(bytes);
        }
        input.push(b'\n');
    }
    (input, lines)
}
