//! `decruft eval`, `train` and `label`: reading gold and labelled data,
//! printing scores, writing models and labels. The work is the library's
//! (its `train` feature).

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

use decruft::{
    aggregate, bootstrap_std, cross_validate, doc_counts, doc_score, CvDoc, CvRow, DocCounts,
    GoldDoc, LabelledDoc, TrainOptions,
};

use crate::cmd::builder;
use crate::flags::Args;
use crate::{write_err, Failure};

/// Reads a JSONL file, one `parse`d value per non-blank line; errors name
/// the file and the line.
fn read_jsonl<T>(
    path: &str,
    parse: impl Fn(&str) -> Result<T, decruft::Error>,
) -> Result<Vec<T>, Failure> {
    let text = std::fs::read_to_string(path).map_err(|e| Failure::new(format!("{path}: {e}")))?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| parse(l).map_err(|e| Failure::new(format!("{path}: line {}: {e}", i + 1))))
        .collect()
}

/// A data file's name without its directory and `.jsonl`.
fn dataset_name(path: &str) -> String {
    let file = path.rsplit('/').next().unwrap_or(path);
    file.strip_suffix(".jsonl").unwrap_or(file).to_string()
}

/// Progress lines on stderr: rewritten in place on a terminal, silent
/// otherwise. Call the second closure to clear the line at the end.
fn progress_printer() -> (impl FnMut(&str), impl Fn()) {
    let terminal = io::stderr().is_terminal();
    let start = std::time::Instant::now();
    let print = move |msg: &str| {
        if terminal {
            eprint!("\r\x1b[K[{:>5.1}s] {msg}", start.elapsed().as_secs_f32());
        }
    };
    let clear = move || {
        if terminal {
            eprint!("\r\x1b[K");
        }
    };
    (print, clear)
}

/// `decruft eval`: scores per data file, or cross-validation.
pub fn eval(args: &Args) -> Result<(), Failure> {
    let mut datasets = Vec::new();
    for path in &args.files {
        datasets.push((dataset_name(path), read_jsonl(path, GoldDoc::from_json)?));
    }
    if let Some(k) = args.cv {
        let (mut progress, clear) = progress_printer();
        let rows = cross_validate(&datasets, k, &args.train, &mut progress)?;
        clear();
        print_cv_table(k, args.train.seed, &rows);
        if let Some(dir) = &args.output {
            std::fs::create_dir_all(dir).map_err(|e| Failure::new(format!("{dir}: {e}")))?;
            for r in &rows {
                let path = format!("{dir}/{}.{}.jsonl", r.dataset, r.config);
                let mut out = create(&path)?;
                for d in &r.docs {
                    let record = serde_json::json!({"id": d.id, "text": d.output});
                    serde_json::to_writer(&mut out, &record)?;
                    out.write_all(b"\n").map_err(write_err)?;
                }
                out.flush().map_err(write_err)?;
            }
        }
        return Ok(());
    }
    let stripper = builder(args)?.build()?;
    for (name, docs) in &datasets {
        let counts: Vec<_> = docs
            .iter()
            .map(|d| doc_counts(d, &stripper.strip(&d.text).text()))
            .collect();
        let s = aggregate(&counts);
        println!(
            "{name:<34} docs {:>4}  precision {:.3}  recall {:.3}  f1 {:.3}  accuracy {:.3}",
            s.docs, s.precision, s.recall, s.f1, s.accuracy
        );
        let mut worst: Vec<(f64, &str)> = counts
            .iter()
            .zip(docs)
            .map(|(c, d)| (doc_score(c), d.id.as_str()))
            .collect();
        worst.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(b.1)));
        for (score, id) in worst.iter().take(args.worst) {
            println!("    {score:.3}  {id}");
        }
    }
    let (lines, skipped) = stripper.cascade_counts();
    if lines > 0 {
        println!(
            "second stage: {skipped} of {lines} non-blank lines ({:.1}%) skipped the trees (the cascade)",
            100.0 * skipped as f64 / lines as f64
        );
    }
    Ok(())
}

/// Resamples of the bootstrap spread in the cross-validation table.
const RESAMPLES: usize = 200;

/// Prints the cross-validation table (Markdown): one row per data file (and
/// per language where the data names more than one), one column per
/// classifier, precision / recall / F1 with the bootstrap standard deviation
/// of F1; then the means over files and the share of pages whose gold first
/// line (the title on most news pages) survives.
fn print_cv_table(k: usize, seed: u64, rows: &[CvRow]) {
    let mut configs: Vec<&str> = rows.iter().map(|r| r.config).collect();
    configs.dedup();
    configs.sort_by_key(|c| rows.iter().position(|r| r.config == *c));
    configs.dedup();
    let mut files: Vec<&str> = rows.iter().map(|r| r.dataset.as_str()).collect();
    files.dedup();
    let docs: usize = rows
        .iter()
        .filter(|r| r.config == configs[0])
        .map(|r| r.docs.len())
        .sum();
    println!(
        "{k}-fold cross-validation by site (seed {seed}), {docs} documents in {} files, every \
         model trained on the other folds. Cells: precision / recall / F1 ± bootstrap standard \
         deviation of F1 ({RESAMPLES} resamples of the documents).",
        files.len()
    );
    println!();
    println!("| data | {} |", configs.join(" | "));
    println!("|---|{}", "---|".repeat(configs.len()));
    let cell = |docs: &[&CvDoc]| {
        let counts: Vec<DocCounts> = docs.iter().map(|d| d.counts).collect();
        let s = aggregate(&counts);
        let (_, _, sd) = bootstrap_std(&counts, RESAMPLES, seed);
        (
            s,
            format!(
                "{:.3} / {:.3} / {:.3} ±{:.3}",
                s.precision, s.recall, s.f1, sd
            ),
        )
    };
    let mut means = vec![[0.0f64; 3]; configs.len()];
    let mut min_recall = vec![1.0f64; configs.len()];
    for file in &files {
        let of = |c: &str| rows.iter().find(|r| r.dataset == *file && r.config == c);
        let mut line = format!("| {file} ({})", of(configs[0]).map_or(0, |r| r.docs.len()));
        for (c, config) in configs.iter().enumerate() {
            let docs: Vec<&CvDoc> = of(config)
                .map(|r| r.docs.iter().collect())
                .unwrap_or_default();
            let (s, text) = cell(&docs);
            means[c][0] += s.precision;
            means[c][1] += s.recall;
            means[c][2] += s.f1;
            min_recall[c] = min_recall[c].min(s.recall);
            line += &format!(" | {text}");
        }
        println!("{line} |");
        // Languages apart where the file holds several with enough pages to
        // measure (a handful of pages gives no figure worth printing).
        let mut langs: Vec<&str> = of(configs[0])
            .map(|r| r.docs.iter().filter_map(|d| d.lang.as_deref()).collect())
            .unwrap_or_default();
        langs.sort_unstable();
        let count = |l: &str| langs.iter().filter(|&&x| x == l).count();
        let mut langs: Vec<&str> = langs.iter().copied().filter(|l| count(l) >= 20).collect();
        langs.dedup();
        if langs.len() > 1 {
            for lang in langs {
                let mut line = String::new();
                let mut n = 0;
                for config in &configs {
                    let docs: Vec<&CvDoc> = of(config)
                        .map(|r| {
                            r.docs
                                .iter()
                                .filter(|d| d.lang.as_deref() == Some(lang))
                                .collect()
                        })
                        .unwrap_or_default();
                    n = docs.len();
                    line += &format!(" | {}", cell(&docs).1);
                }
                println!("| {file} [{lang}] ({n}){line} |");
            }
        }
    }
    let n = files.len().max(1) as f64;
    let mut line = String::from("| mean over files");
    for m in &means {
        line += &format!(" | {:.3} / {:.3} / {:.3}", m[0] / n, m[1] / n, m[2] / n);
    }
    println!("{line} |");
    let mut line = String::from("| lowest recall");
    for r in &min_recall {
        line += &format!(" | {r:.3}");
    }
    println!("{line} |");
    // The head: how often the gold's first line (the title on most news
    // pages) survives, where the gold has one that is in the page's text.
    let kept = |r: &CvRow| {
        let seen: Vec<bool> = r.docs.iter().filter_map(|d| d.first_line).collect();
        (seen.iter().filter(|&&k| k).count(), seen.len())
    };
    if rows.iter().any(|r| kept(r).1 > 0) {
        println!();
        println!("Gold first line (the title on most news pages) kept, where it is in the text:");
        println!();
        println!("| data | {} |", configs.join(" | "));
        println!("|---|{}", "---|".repeat(configs.len()));
        for file in &files {
            let mut line = format!("| {file}");
            for config in &configs {
                let Some(r) = rows
                    .iter()
                    .find(|r| r.dataset == *file && r.config == *config)
                else {
                    continue;
                };
                let (k, n) = kept(r);
                if n == 0 {
                    break;
                }
                line += &format!(" | {k}/{n} ({:.3})", k as f64 / n as f64);
            }
            if line.contains(" | ") {
                println!("{line} |");
            }
        }
    }
}

/// `decruft train`.
pub fn train(args: &Args) -> Result<(), Failure> {
    let mut docs = Vec::new();
    for (set, path) in args.files.iter().enumerate() {
        // Each file is a dataset: the decoder is tuned for every one's recall.
        for mut doc in read_jsonl(path, LabelledDoc::from_json)? {
            doc.set = set as u32;
            docs.push(doc);
        }
    }
    let opts: &TrainOptions = &args.train;
    let (mut progress, _) = progress_printer();
    let trained = decruft::train(&docs, opts, &mut progress)?;
    if io::stderr().is_terminal() {
        eprintln!();
    }
    let output = args.output.as_deref().unwrap_or("model.json");
    let files: Vec<&str> = args
        .files
        .iter()
        .map(|f| f.rsplit('/').next().unwrap_or(f))
        .collect();
    let note = format!(
        "seed {}, {} epochs, {} trees of {} leaves in {} forest(s), recall held at {}; data: {}",
        opts.seed,
        opts.epochs,
        opts.trees,
        opts.leaves,
        opts.forests,
        opts.min_recall,
        files.join(", ")
    );
    std::fs::write(output, trained.to_json(&note))
        .map_err(|e| Failure::new(format!("{output}: {e}")))?;
    eprintln!(
        "decruft: trained on {} documents, model written to {output}",
        docs.len()
    );
    Ok(())
}

/// `decruft label`.
pub fn label(args: &Args) -> Result<(), Failure> {
    let mut out: Box<dyn Write> = match &args.output {
        Some(path) => Box::new(create(path)?),
        None => Box::new(BufWriter::new(io::stdout().lock())),
    };
    for path in &args.files {
        for doc in read_jsonl(path, GoldDoc::from_json)? {
            // Encoded first, so that a closed stdout (`| head`) is a write
            // error like any other: a quiet end.
            let mut line = serde_json::to_vec(&LabelledDoc::from_gold(&doc))?;
            line.push(b'\n');
            out.write_all(&line).map_err(write_err)?;
        }
    }
    out.flush().map_err(write_err)
}

fn create(path: &str) -> Result<BufWriter<File>, Failure> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| Failure::new(format!("{path}: {e}")))
}
