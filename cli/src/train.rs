//! `decruft eval`, `train` and `label`: reading gold and labelled data,
//! printing scores, writing models and labels. The work is the library's
//! (its `train` feature).

use std::fs::File;
use std::io::{self, BufWriter, IsTerminal, Write};

use decruft::{
    aggregate, cross_validate, doc_counts, doc_score, GoldDoc, LabelledDoc, TrainOptions,
};

use crate::flags::Args;
use crate::{builder, write_err, Failure};

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
        println!(
            "{k}-fold cross-validation by site (seed {}), all files pooled for training:",
            args.train.seed
        );
        println!(
            "{:<34} {:<11} {:>9} {:>7} {:>7}",
            "data", "classifier", "precision", "recall", "f1"
        );
        for r in &rows {
            let s = r.scores;
            println!(
                "{:<34} {:<11} {:>9.3} {:>7.3} {:>7.3}",
                r.dataset, r.config, s.precision, s.recall, s.f1
            );
        }
        if let Some(dir) = &args.output {
            std::fs::create_dir_all(dir).map_err(|e| Failure::new(format!("{dir}: {e}")))?;
            for r in &rows {
                let path = format!("{dir}/{}.{}.jsonl", r.dataset, r.config);
                let mut out = create(&path)?;
                for (id, text) in &r.outputs {
                    serde_json::to_writer(&mut out, &serde_json::json!({"id": id, "text": text}))?;
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
    Ok(())
}

/// `decruft train`.
pub fn train(args: &Args) -> Result<(), Failure> {
    let mut docs = Vec::new();
    for path in &args.files {
        docs.extend(read_jsonl(path, LabelledDoc::from_json)?);
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
        "seed {}, {} epochs; data: {}",
        opts.seed,
        opts.epochs,
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
            serde_json::to_writer(&mut out, &LabelledDoc::from_gold(&doc))?;
            out.write_all(b"\n").map_err(write_err)?;
        }
    }
    out.flush().map_err(write_err)
}

fn create(path: &str) -> Result<BufWriter<File>, Failure> {
    File::create(path)
        .map(BufWriter::new)
        .map_err(|e| Failure::new(format!("{path}: {e}")))
}
