//! Throughput of each stage of the pipeline, in bytes of input text per
//! second, over the development corpus (`../shared/data/*.jsonl`, the `text`
//! fields), the seeds, and two synthetic inputs made here (no dev data):
//! menu-heavy pages (hundreds of one- to four-word lines around a short
//! article) and Common-Crawl-like pages (2–4 KB: a menu, a title, a few
//! paragraphs, a footer). The bare Aho-Corasick scan of the same text with
//! the same lexicon is the reference: decruft cannot be faster than reading
//! its input once with its phrase automaton.
//!
//! Run with `cargo bench --features bench --bench throughput` (the stages'
//! entry points are behind the `bench` feature).

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// Words for the synthetic pages.
const WORDS: &str = "the council said on tuesday that new rules for river water would take \
    effect next year after a long debate among farmers and city officials who had asked about \
    costs of the plan while residents of small towns along the valley welcomed it as overdue \
    a study found levels rising since the report published in may";

/// Menu items and footer lines for the synthetic pages.
const MENU: &str = "Home|News|World|Politics|Business|Sport|Culture|Opinion|Weather|Contact us|\
    About|Subscribe|Log in|Search|Video|Podcasts|More ›|Share on Facebook|Tweet|Privacy policy|\
    Cookie settings|© 2024 The Daily";

/// A deterministic generator of synthetic pages.
struct Pages {
    state: u64,
    words: Vec<&'static str>,
    menu: Vec<&'static str>,
}

impl Pages {
    fn new(seed: u64) -> Pages {
        Pages {
            state: seed,
            words: WORDS.split_whitespace().collect(),
            menu: MENU.split('|').map(str::trim).collect(),
        }
    }

    fn next(&mut self) -> usize {
        self.state ^= self.state << 13;
        self.state ^= self.state >> 7;
        self.state ^= self.state << 17;
        (self.state >> 11) as usize
    }

    fn sentence(&mut self, out: &mut String) {
        let n = 8 + self.next() % 18;
        for i in 0..n {
            let r = self.next();
            let w = self.words[r % self.words.len()];
            if i == 0 {
                let mut c = w.chars();
                out.extend(c.next().map(|c| c.to_ascii_uppercase()));
                out.push_str(c.as_str());
            } else {
                out.push(' ');
                out.push_str(w);
            }
        }
        out.push_str(". ");
    }

    fn menu(&mut self, lines: usize, out: &mut String) {
        for _ in 0..lines {
            let r = self.next();
            let item = self.menu[r % self.menu.len()];
            out.push_str(item);
            out.push('\n');
        }
    }

    /// A page of `menu` menu lines, then an article of `paragraphs`
    /// paragraphs, then a footer.
    fn page(&mut self, menu: usize, paragraphs: usize) -> String {
        let mut out = String::new();
        self.menu(menu, &mut out);
        out.push('\n');
        self.sentence(&mut out);
        out.push_str("\n\n");
        for _ in 0..paragraphs {
            for _ in 0..2 + self.next() % 4 {
                self.sentence(&mut out);
            }
            out.push_str("\n\n");
        }
        self.menu(menu / 4 + 3, &mut out);
        out
    }
}

/// Synthetic menu-heavy pages (300 short lines and two paragraphs each)
/// and Common-Crawl-like pages (2–4 KB each).
fn synthetic() -> Vec<(String, Vec<String>)> {
    let mut g = Pages::new(0x2545_F491_4F6C_DD1D);
    let menus = (0..200).map(|_| g.page(240, 2)).collect();
    // Pages outside 2–4 KB are drawn again.
    let mut cc = Vec::new();
    while cc.len() < 2000 {
        let menu = 10 + g.next() % 30;
        let paragraphs = 3 + g.next() % 8;
        let page = g.page(menu, paragraphs);
        if (2000..=4000).contains(&page.len()) {
            cc.push(page);
        }
    }
    vec![
        ("menu-pages".to_string(), menus),
        ("cc-like".to_string(), cc),
    ]
}

/// The corpus: every text of the dev data (if ../shared is there), the
/// seeds and the synthetic pages.
fn corpus() -> Vec<(String, Vec<String>)> {
    let mut sets = Vec::new();
    let seeds: Vec<String> = std::fs::read_dir("seeds")
        .map(|dir| {
            let mut paths: Vec<_> = dir.filter_map(|e| e.ok()).map(|e| e.path()).collect();
            paths.sort();
            paths
                .iter()
                .filter_map(|p| std::fs::read_to_string(p).ok())
                .collect()
        })
        .unwrap_or_default();
    sets.push(("seeds".to_string(), seeds));
    sets.extend(synthetic());
    let data = Path::new("../shared/data");
    let mut texts = Vec::new();
    for name in ["trafilatura-dev", "scrapinghub-dev", "readability-dev"] {
        for style in ["inscriptis", "html_text"] {
            let Ok(file) = std::fs::read_to_string(data.join(format!("{name}.{style}.jsonl")))
            else {
                continue;
            };
            for line in file.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).expect("dev data is JSON");
                texts.push(v["text"].as_str().unwrap_or("").to_string());
            }
        }
    }
    if !texts.is_empty() {
        sets.push(("dev-corpus".to_string(), texts));
    }
    sets
}

/// One stage of the pipeline over one text, giving a count to sum.
type Stage<'a> = dyn Fn(&str) -> u64 + 'a;

fn stages(c: &mut Criterion) {
    let stripper = decruft::Stripper::new();
    let heuristics = decruft::Stripper::builder()
        .heuristics_only()
        .build()
        .unwrap();
    for (name, texts) in corpus() {
        let bytes: usize = texts.iter().map(String::len).sum();
        let mut g = c.benchmark_group(format!("throughput/{name}"));
        g.throughput(Throughput::Bytes(bytes as u64));
        g.sample_size(10);
        // Each stage over every text; the sums keep the work from being
        // optimised away.
        let stages: [(&str, &Stage); 6] = [
            ("aho-corasick-bare-scan", &|t| {
                decruft::bench::bare_scan(t) as u64
            }),
            ("split-lines", &|t| decruft::bench::split_lines(t) as u64),
            ("lexicon-scan", &|t| decruft::bench::lexicon_scan(t) as u64),
            ("features", &|t| decruft::bench::features(t)),
            ("strip-heuristics", &|t| {
                heuristics.strip(t).kept_bytes() as u64
            }),
            ("strip-model", &|t| stripper.strip(t).kept_bytes() as u64),
        ];
        for (stage, run) in stages {
            g.bench_function(BenchmarkId::from_parameter(stage), |b| {
                b.iter(|| texts.iter().map(|t| run(t)).sum::<u64>())
            });
        }
        g.finish();
    }
}

criterion_group!(benches, stages);
criterion_main!(benches);
