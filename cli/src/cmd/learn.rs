//! `decruft learn`: site patterns from JSON Lines corpora (`Patterns` in
//! the library does the counting), and merging patterns files.

use std::borrow::Cow;
use std::collections::HashMap;

use decruft::{default_threads, map_batch, site_of_url, JsonlOptions, OnError, Page, Patterns};
use serde_json::value::RawValue;

use crate::flags::Args;
use crate::io::input::inputs;
use crate::io::lines::{read_line, Read};
use crate::Failure;

/// Records hashed together on the worker threads.
const BATCH_RECORDS: usize = 4096;
const BATCH_BYTES: usize = 8 << 20;

/// What a learning pass saw.
#[derive(Default)]
pub struct Counts {
    pub pages: u64,
    /// Records with no site (no URL with a host, no site field).
    pub no_site: u64,
    /// Bad records skipped (`--on-error skip`).
    pub bad: u64,
}

/// `decruft learn`: learns (or merges, with `--merge`) and writes `-o FILE`.
pub fn run(args: &Args) -> Result<(), Failure> {
    let out = args.output.as_deref().expect("checked: learn has -o");
    let patterns = if args.merge {
        merge(args)?
    } else {
        let (patterns, counts) = learn(args)?;
        eprintln!("decruft: {}", summary(&counts, &patterns));
        patterns
    };
    write(out, &patterns)
}

/// A one-line summary of a learning pass.
pub fn summary(c: &Counts, p: &Patterns) -> String {
    let mut s = format!(
        "learned {} pages of {} sites ({} lines held)",
        c.pages,
        p.sites(),
        p.lines()
    );
    if c.no_site > 0 {
        s.push_str(&format!(
            "; {} records without a site skipped (no URL host or site field)",
            c.no_site
        ));
    }
    if c.bad > 0 {
        s.push_str(&format!("; {} bad records skipped", c.bad));
    }
    s
}

/// Writes a patterns file (through a temporary file, so that a failed run
/// never leaves half a file under the name).
fn write(path: &str, p: &Patterns) -> Result<(), Failure> {
    let tmp = format!("{path}.tmp{}", std::process::id());
    std::fs::write(&tmp, p.to_bytes())
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Failure::new(format!("{path}: {e}"))
        })
}

/// Reads a patterns file.
pub fn load(path: &str) -> Result<Patterns, Failure> {
    let bytes = std::fs::read(path).map_err(|e| Failure::new(format!("{path}: {e}")))?;
    Patterns::from_bytes(&bytes).map_err(|e| Failure::new(format!("{path}: {e}")))
}

/// `--merge`: the patterns files given, counts added.
fn merge(args: &Args) -> Result<Patterns, Failure> {
    let mut all = Patterns::with_caps(args.site_cap, args.budget);
    for path in &args.files {
        all.merge(&load(path)?);
    }
    Ok(all)
}

/// One pass over the JSON Lines inputs of `args` (or stdin): every record's
/// page counted under its site.
pub fn learn(args: &Args) -> Result<(Patterns, Counts), Failure> {
    let mut patterns = Patterns::with_caps(args.site_cap, args.budget);
    let mut counts = Counts::default();
    let threads = args.threads.unwrap_or_else(default_threads);
    for input in inputs(&args.files) {
        let mut input = input?;
        if input.warc {
            return Err(Failure::new(format!(
                "{}: learn reads JSON Lines, not WARC (turn it into JSON Lines with decruft --warc first)",
                input.name
            )));
        }
        let mut batch: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut bytes = 0;
        let mut number = 0;
        let mut line = Vec::new();
        loop {
            // A line over --max-record-bytes is read past, never held: a
            // bad record (issue 20: one 4 GiB line aborted).
            let read = read_line(&mut *input.reader, &mut line, args.max_record_bytes)
                .map_err(|e| Failure::new(format!("{}: {e}", input.name)))?;
            let end = read == Read::End;
            match read {
                Read::End => {}
                Read::Line => {
                    number += 1;
                    if !line.iter().all(u8::is_ascii_whitespace) {
                        bytes += line.len();
                        batch.push((number, std::mem::take(&mut line)));
                    }
                }
                Read::TooLong(n) => {
                    number += 1;
                    if args.on_error == OnError::Fail {
                        return Err(Failure::new(format!(
                            "{}: line {number}: bad record: {n} bytes long, over \
                             --max-record-bytes ({}): not read",
                            input.name, args.max_record_bytes
                        )));
                    }
                    counts.bad += 1;
                }
            }
            if end || batch.len() >= BATCH_RECORDS || bytes >= BATCH_BYTES {
                let pages = map_batch(&batch, threads, |(_, l)| page_of(l, &args.jsonl));
                for ((number, _), page) in batch.iter().zip(pages) {
                    match page {
                        Ok(Some((site, page))) => {
                            patterns.add(&site, &page);
                            counts.pages += 1;
                        }
                        Ok(None) => counts.no_site += 1,
                        Err(e) if args.on_error == OnError::Fail => {
                            return Err(Failure::new(format!(
                                "{}: line {number}: bad record: {e}",
                                input.name
                            )));
                        }
                        Err(_) => counts.bad += 1,
                    }
                }
                batch.clear();
                bytes = 0;
            }
            if end {
                break;
            }
        }
    }
    Ok((patterns, counts))
}

/// A record's site and hashed page; `None` if it has no site.
fn page_of(line: &[u8], opts: &JsonlOptions) -> Result<Option<(String, Page)>, String> {
    let fields: HashMap<Cow<'_, str>, &RawValue> =
        serde_json::from_slice(line).map_err(|e| e.to_string())?;
    let string = |name: &str| -> Option<Cow<'_, str>> {
        serde_json::from_str::<Cow<'_, str>>(fields.get(name)?.get()).ok()
    };
    let text = match fields.get(opts.field.as_str()) {
        None => return Err(format!("no \"{}\" field", opts.field)),
        Some(raw) => serde_json::from_str::<Cow<'_, str>>(raw.get())
            .map_err(|_| format!("the \"{}\" field is not a string", opts.field))?,
    };
    let site = match (&opts.site_field, &opts.url_field) {
        (Some(f), _) => string(f).map(Cow::into_owned),
        (None, Some(f)) => string(f).and_then(|u| site_of_url(&u)),
        (None, None) => None,
    };
    let site = site.filter(|s| !s.is_empty());
    Ok(site.map(|s| (s, Page::new(&text))))
}
