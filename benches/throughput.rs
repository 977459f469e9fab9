//! Throughput of each stage of the pipeline, in bytes of input text per
//! second, over the development corpus (`../shared/data/*.jsonl`, the `text`
//! fields) and the seeds. The bare Aho-Corasick scan of the same text with
//! the same lexicon is the reference: decruft cannot be faster than reading
//! its input once with its phrase automaton.
//!
//! Run with `cargo bench --bench throughput`.

use std::path::Path;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// The corpus: every text of the dev data (if ../shared is there) and the seeds.
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
