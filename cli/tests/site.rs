//! Site memory (issue 16): `decruft learn`, `learn --merge`, `--patterns`
//! and `--learn`. Every corpus is built here: sites whose pages share a
//! template around their own article.

use std::process::Output;

use crate::run::{decruft, run, scratch};

fn ok(out: &Output) -> &Output {
    assert!(
        out.status.success(),
        "{:?}: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

const WORDS: &[&str] = &[
    "council", "river", "budget", "school", "harbour", "festival", "railway", "library", "market",
    "hospital", "election", "museum", "bridge", "factory", "garden", "stadium",
];

/// Page `i` of `site`: the site's template (menu, a bio and a footer that
/// read like prose) around an article of its own.
fn page(site: &str, i: usize) -> String {
    let w = |k: usize| WORDS[(i * 7 + k * 3) % WORDS.len()];
    format!(
        "Home\nNews\nSport\nContact us\n\n\
         The {a} plan for {i} new homes was approved on Tuesday\n\n\
         The {a} committee of {site} approved the plan after a long debate about the {b} and the {c}, officials said on Tuesday evening.\n\n\
         Residents had asked for changes to the {c} and the {d} before work starts next spring, and the developer agreed to most of them.\n\n\
         The next meeting about the {b} is planned for {n} March, when the {d} will also be discussed by the members.\n\n\
         Jane Smith has written about the town and its people for this paper since 2004, and lives by the river with her two dogs.\n\n\
         {n} comments\n\
         Copyright {site} 2024. All rights reserved.\n",
        a = w(0),
        b = w(1),
        c = w(2),
        d = w(3),
        n = i + 2,
    )
}

fn record(site: &str, i: usize, text: &str) -> String {
    serde_json::json!({"id": format!("{site}-{i}"), "url": format!("https://www.{site}/news/{i}"), "text": text})
        .to_string()
        + "\n"
}

/// Three sites of 12, 6 and 2 pages, interleaved.
fn corpus() -> Vec<String> {
    let mut lines = Vec::new();
    for i in 0..12 {
        for (site, n) in [
            ("alpha.example", 12),
            ("beta.example", 6),
            ("gamma.example", 2),
        ] {
            if i < n {
                lines.push(record(site, i, &page(site, i)));
            }
        }
    }
    lines
}

#[test]
fn learning_in_shards_then_merging_gives_the_same_file() {
    let dir = scratch("site", "shards");
    let lines = corpus();
    let whole = dir.join("all.jsonl");
    std::fs::write(&whole, lines.concat()).unwrap();
    let all = dir.join("all.pat");
    ok(&run(&[
        "learn",
        whole.to_str().unwrap(),
        "-o",
        all.to_str().unwrap(),
    ]));
    let mut shards = Vec::new();
    for k in 0..4 {
        let shard = dir.join(format!("s{k}.jsonl"));
        let part: String = lines.iter().skip(k).step_by(4).cloned().collect();
        std::fs::write(&shard, part).unwrap();
        let pat = dir.join(format!("s{k}.pat"));
        ok(&run(&[
            "learn",
            shard.to_str().unwrap(),
            "-o",
            pat.to_str().unwrap(),
        ]));
        shards.push(pat.to_str().unwrap().to_string());
    }
    let want = std::fs::read(&all).unwrap();
    for order in [[0, 1, 2, 3], [3, 1, 0, 2]] {
        let merged = dir.join("merged.pat");
        let mut args = vec!["learn", "--merge"];
        args.extend(order.iter().map(|&k| shards[k].as_str()));
        args.extend(["-o", merged.to_str().unwrap()]);
        ok(&run(&args));
        assert_eq!(std::fs::read(&merged).unwrap(), want, "order {order:?}");
    }
    // Merging merged files: associative.
    let ab = dir.join("ab.pat");
    let cd = dir.join("cd.pat");
    ok(&run(&[
        "learn",
        "--merge",
        &shards[0],
        &shards[1],
        "-o",
        ab.to_str().unwrap(),
    ]));
    ok(&run(&[
        "learn",
        "--merge",
        &shards[2],
        &shards[3],
        "-o",
        cd.to_str().unwrap(),
    ]));
    let abcd = dir.join("abcd.pat");
    ok(&run(&[
        "learn",
        "--merge",
        cd.to_str().unwrap(),
        ab.to_str().unwrap(),
        "-o",
        abcd.to_str().unwrap(),
    ]));
    assert_eq!(std::fs::read(&abcd).unwrap(), want);
    // The same from stdin, on one thread.
    let piped = dir.join("piped.pat");
    let out = decruft(
        &["learn", "--threads", "1", "-o", piped.to_str().unwrap()],
        lines.concat().as_bytes(),
    );
    ok(&out);
    assert!(String::from_utf8_lossy(&out.stderr).contains("learned 20 pages of 3 sites"));
    assert_eq!(std::fs::read(&piped).unwrap(), want);
}

#[test]
fn bad_patterns_files_are_refused_clearly() {
    let dir = scratch("site", "bad");
    let corpus_file = dir.join("c.jsonl");
    std::fs::write(&corpus_file, corpus().concat()).unwrap();
    let pat = dir.join("p.pat");
    ok(&run(&[
        "learn",
        corpus_file.to_str().unwrap(),
        "-o",
        pat.to_str().unwrap(),
    ]));
    let good = std::fs::read(&pat).unwrap();
    let mut future = good.clone();
    future[8] = 9;
    let truncated = good[..good.len() / 2].to_vec();
    for (bytes, want) in [
        (future, "format version 9, this decruft reads version 1"),
        (truncated, "truncated or corrupt"),
        (b"{}\n".to_vec(), "not a decruft patterns file"),
    ] {
        let bad = dir.join("bad.pat");
        std::fs::write(&bad, bytes).unwrap();
        for args in [
            vec!["--jsonl", "--patterns", bad.to_str().unwrap()],
            vec![
                "learn",
                "--merge",
                pat.to_str().unwrap(),
                bad.to_str().unwrap(),
                "-o",
                "x",
            ],
        ] {
            let out = decruft(&args, b"");
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let err = String::from_utf8_lossy(&out.stderr);
            assert!(err.contains(want) && err.contains("bad.pat"), "{err}");
        }
    }
    let out = decruft(
        &["learn", "-o", dir.join("x").to_str().unwrap()],
        b"{\"text\": 3}\n",
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 1: bad record"));
}

#[test]
fn small_sites_and_no_patterns_change_nothing() {
    let dir = scratch("site", "small");
    let lines = corpus();
    let file = dir.join("c.jsonl");
    std::fs::write(&file, lines.concat()).unwrap();
    let pat = dir.join("p.pat");
    ok(&run(&[
        "learn",
        file.to_str().unwrap(),
        "-o",
        pat.to_str().unwrap(),
    ]));
    let plain = ok(&decruft(
        &["--jsonl", "--labels"],
        lines.concat().as_bytes(),
    ))
    .stdout
    .clone();
    let with = ok(&decruft(
        &["--jsonl", "--labels", "--patterns", pat.to_str().unwrap()],
        lines.concat().as_bytes(),
    ))
    .stdout
    .clone();
    let (plain, with) = (
        String::from_utf8(plain).unwrap(),
        String::from_utf8(with).unwrap(),
    );
    let mut changed = 0;
    for (a, b) in plain.lines().zip(with.lines()) {
        if a.contains("gamma.example") {
            assert_eq!(a, b, "a site of 2 pages (< 3) changes nothing");
        }
        changed += (a != b) as usize;
    }
    assert!(
        changed > 0,
        "the sites of 12 and 6 pages read their patterns"
    );
    // --min-site-pages above every site: nothing changes at all.
    let none = ok(&decruft(
        &[
            "--jsonl",
            "--labels",
            "--patterns",
            pat.to_str().unwrap(),
            "--min-site-pages",
            "13",
        ],
        lines.concat().as_bytes(),
    ))
    .stdout
    .clone();
    assert_eq!(String::from_utf8(none).unwrap(), plain);
    // --learn is learn, then --patterns.
    let learned = ok(&run(&[
        "--jsonl",
        "--labels",
        "--learn",
        file.to_str().unwrap(),
    ]))
    .stdout
    .clone();
    assert_eq!(String::from_utf8(learned).unwrap(), with);
}

/// The model's log-odds in the reason of an annotate line ("model +2.34: …").
fn logit(line: &str) -> f32 {
    let at = line.find("model ").unwrap() + "model ".len();
    line[at..].split(':').next().unwrap().parse().unwrap()
}

#[test]
fn the_template_weighs_and_says_so() {
    let dir = scratch("site", "template");
    let file = dir.join("c.jsonl");
    std::fs::write(&file, corpus().concat()).unwrap();
    let pat = dir.join("p.pat");
    ok(&run(&[
        "learn",
        file.to_str().unwrap(),
        "-o",
        pat.to_str().unwrap(),
    ]));
    let page = page("alpha.example", 3);
    let annotate = |patterns: bool| {
        let mut args = vec![
            "annotate",
            "--color",
            "never",
            "--url",
            "https://alpha.example/news/3",
        ];
        if patterns {
            args.extend(["--patterns", pat.to_str().unwrap()]);
        }
        String::from_utf8(ok(&decruft(&args, page.as_bytes())).stdout.clone()).unwrap()
    };
    let (with, without) = (annotate(true), annotate(false));
    // The menu goes, saying it is on every page of the site (twelve pages,
    // twelve groups in a 64-bit bitmap: 11 or 12 counted).
    let news = with.lines().find(|l| l.ends_with("| News")).unwrap();
    assert!(news.starts_with('-'), "{with}");
    assert!(
        news.contains("template: on 1") && news.contains(" of 12 pages of alpha.example"),
        "{with}"
    );
    assert!(!without.contains("template:"), "{without}");
    // The bio that reads like prose weighs less for being on every page.
    let bio = |out: &str| logit(out.lines().find(|l| l.contains("Jane Smith")).unwrap());
    assert!(bio(&with) < bio(&without) - 0.5, "{with}\n{without}");
    // The article stays.
    for out in [&with, &without] {
        for l in out
            .lines()
            .filter(|l| l.contains("approved the plan") || l.contains("next meeting"))
        {
            assert!(l.starts_with('+'), "{out}");
        }
    }
}

#[test]
fn twin_pages_keep_their_body() {
    // One article published five times on a site (AMP, re-crawls): its body
    // is on every page of the site, and still the article.
    let base = page("twins.example", 1);
    let lines: Vec<String> = (0..5)
        .map(|i| {
            let text = if i % 2 == 0 {
                format!("AMP\n{base}")
            } else {
                base.clone()
            };
            record("twins.example", i, &text)
        })
        .collect();
    let dir = scratch("site", "twins");
    let file = dir.join("c.jsonl");
    std::fs::write(&file, lines.concat()).unwrap();
    let out = ok(&run(&["--jsonl", "--learn", file.to_str().unwrap()]))
        .stdout
        .clone();
    for rec in String::from_utf8(out).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(rec).unwrap();
        let text = v["text"].as_str().unwrap();
        for want in [
            "approved the plan",
            "Residents had asked",
            "The next meeting",
        ] {
            assert!(text.contains(want), "{want}: {text}");
        }
    }
}
