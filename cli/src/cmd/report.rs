//! `decruft report`: one self-contained HTML page to review what decruft
//! removes from a sample: lines and characters per label, a histogram of
//! the share of each page kept, the pages that lost most, and pages line by
//! line (dropped lines struck through, coloured by label, the reason on
//! hover).
//!
//! The page has no external resources (styles and the one small script are
//! inline; page URLs are text, not links), so it opens the same offline and
//! attached to a ticket. Its numbers are also data attributes, which the
//! headless-browser check in CI (`.ci/report-check.py`) compares with what
//! the script counts in the rendered page.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::{BufRead, Write};

use decruft::{map_batch, Hints, Label, OnError, Stripper};
use serde_json::Value;

use crate::flags::Args;
use crate::io::input::inputs;
use crate::io::lines::{read_line, Read as ReadLine};
use crate::io::output::Output;
use crate::io::{signals, warc};
use crate::Failure;

/// Pages listed under "lost most".
const WORST: usize = 20;
/// Records stripped together (on every core).
const BATCH: usize = 64;
/// Histogram bins over the share of a page kept.
const BINS: usize = 10;

/// One unit of a page as shown: a line, or a piece of a long line.
struct Line {
    text: String,
    label: &'static str,
    kept: bool,
    reason: String,
    /// A piece of a long line that is not its first.
    continues: bool,
    /// The white space after it when the next unit is a piece of the same
    /// line.
    gap: String,
}

/// What the report knows of one page.
struct Page {
    /// Its place in the input, from 1.
    number: usize,
    /// `id`, `url` or `warc_record_id`, whichever the record has first.
    name: String,
    url: Option<String>,
    chars_in: usize,
    chars_kept: usize,
    /// Lines, characters and lines kept per label.
    per_label: BTreeMap<&'static str, (u64, u64, u64)>,
    /// Its lines, when its text was there to strip; `None` for a record
    /// whose text decruft had already stripped (its labels only).
    lines: Option<Vec<Line>>,
    /// The kept text of such a record.
    kept_text: String,
    /// The page's kind (`article`, `thread`, …); `None` for a record
    /// stripped before (its kind is in its `<labels>_kind` field, if any).
    kind: Option<&'static str>,
}

impl Page {
    fn share_kept(&self) -> Option<f64> {
        (self.chars_in > 0).then(|| self.chars_kept as f64 / self.chars_in as f64)
    }
}

/// Totals over every page.
#[derive(Default)]
struct Totals {
    pages: usize,
    empty_pages: usize,
    bad_records: usize,
    /// Records longer than --max-record-bytes, not read.
    too_long: usize,
    chars_in: u64,
    chars_kept: u64,
    /// (lines, characters, lines kept) per label, in taxonomy order.
    per_label: BTreeMap<usize, (u64, u64, u64)>,
    /// (pages, characters in, characters kept) per page kind.
    per_kind: BTreeMap<&'static str, (u64, u64, u64)>,
    bins: [u64; BINS],
    /// (share lost, characters lost, page number, name) of the pages that
    /// lost most.
    worst: Vec<(f64, usize, usize, String)>,
}

/// `decruft report`.
pub fn run(stripper: &Stripper, args: &Args) -> Result<(), Failure> {
    let mut totals = Totals::default();
    let mut shown: Vec<Page> = Vec::new();
    let mut number = 0usize;
    let mut warc_counts = warc::Counts::default();
    for input in inputs(&args.files) {
        let input = input?;
        let name = input.name.clone();
        let mut reader: Box<dyn BufRead + Send + '_> = if input.warc {
            let records = warc::ToJsonl::new(
                input.reader,
                &args.jsonl.field,
                OnError::Skip,
                args.max_record_bytes,
                &mut warc_counts,
            );
            Box::new(std::io::BufReader::new(records))
        } else {
            input.reader
        };
        let mut batch: Vec<(usize, Vec<u8>)> = Vec::new();
        let mut line = Vec::new();
        loop {
            if let Some(signal) = signals::received() {
                return Err(Failure::Interrupted(signal));
            }
            let read = read_line(&mut *reader, &mut line, args.max_record_bytes)
                .map_err(|e| Failure::new(format!("{name}: {e}")))?;
            match read {
                ReadLine::Line if !line.iter().all(u8::is_ascii_whitespace) => {
                    number += 1;
                    batch.push((number, std::mem::take(&mut line)));
                }
                ReadLine::TooLong(_) => {
                    number += 1;
                    totals.too_long += 1;
                }
                _ => {}
            }
            let end = read == ReadLine::End;
            if batch.len() == BATCH || (end && !batch.is_empty()) {
                let pages = map_batch(
                    &batch,
                    args.threads.unwrap_or(decruft::default_threads()),
                    |(k, line)| page(stripper, args, *k, line),
                );
                for p in pages {
                    match p {
                        Some(p) => totals.add(&p, &mut shown, args.max_pages),
                        None => totals.bad_records += 1,
                    }
                }
                batch.clear();
            }
            if end {
                break;
            }
        }
    }
    crate::cmd::jsonl::report_warc(&warc_counts);
    totals
        .worst
        .sort_by(|a, b| b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
    totals.worst.truncate(WORST);
    let html = render(&totals, &shown, args);
    let mut out = Output::to(args.output.as_deref())?;
    if let Err(e) = out.write_all(html.as_bytes()) {
        return Err(out.failure(&e));
    }
    out.finish()?;
    if totals.bad_records > 0 {
        eprintln!(
            "decruft: report: {} records without a \"{}\" string left out",
            totals.bad_records, args.jsonl.field
        );
    }
    if totals.too_long > 0 {
        eprintln!(
            "decruft: report: {} records longer than --max-record-bytes ({} bytes) left out",
            totals.too_long, args.max_record_bytes
        );
    }
    if let Some(path) = &args.output {
        eprintln!(
            "decruft: report of {} pages written to {path}",
            totals.pages
        );
    }
    Ok(())
}

impl Totals {
    fn add(&mut self, p: &Page, shown: &mut Vec<Page>, max_pages: usize) {
        self.pages += 1;
        self.chars_in += p.chars_in as u64;
        self.chars_kept += p.chars_kept as u64;
        match p.share_kept() {
            Some(s) => self.bins[((s * BINS as f64) as usize).min(BINS - 1)] += 1,
            None => self.empty_pages += 1,
        }
        let kind = self
            .per_kind
            .entry(p.kind.unwrap_or("unknown"))
            .or_default();
        kind.0 += 1;
        kind.1 += p.chars_in as u64;
        kind.2 += p.chars_kept as u64;
        for (label, &(lines, chars, kept)) in &p.per_label {
            let i = label_index(label);
            let e = self.per_label.entry(i).or_default();
            e.0 += lines;
            e.1 += chars;
            e.2 += kept;
        }
        if let Some(s) = p.share_kept() {
            if p.chars_kept < p.chars_in {
                self.worst
                    .push((1.0 - s, p.chars_in - p.chars_kept, p.number, p.name.clone()));
                if self.worst.len() > 4 * WORST {
                    self.worst.sort_by(|a, b| {
                        b.0.total_cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2))
                    });
                    self.worst.truncate(WORST);
                }
            }
        }
        if shown.len() < max_pages {
            shown.push(Page {
                number: p.number,
                name: p.name.clone(),
                url: p.url.clone(),
                chars_in: p.chars_in,
                chars_kept: p.chars_kept,
                per_label: p.per_label.clone(),
                lines: p.lines.as_ref().map(|ls| {
                    ls.iter()
                        .map(|l| Line {
                            text: l.text.clone(),
                            label: l.label,
                            kept: l.kept,
                            reason: l.reason.clone(),
                            continues: l.continues,
                            gap: l.gap.clone(),
                        })
                        .collect()
                }),
                kept_text: p.kept_text.clone(),
                kind: p.kind,
            });
        }
    }
}

/// The index of a label's name in the taxonomy (names decruft does not
/// know, from another version's labels, sort last).
fn label_index(name: &str) -> usize {
    name.parse::<Label>().map_or(Label::ALL.len(), Label::index)
}

fn label_name(i: usize) -> &'static str {
    Label::ALL.get(i).map_or("other", |l| l.as_str())
}

/// A label name from a record's labels, as one of decruft's own.
fn known_label(name: &str) -> &'static str {
    Label::ALL
        .iter()
        .find(|l| l.as_str() == name)
        .map_or("other", |l| l.as_str())
}

/// The page of one record, `None` if it has no text field.
fn page(stripper: &Stripper, args: &Args, number: usize, line: &[u8]) -> Option<Page> {
    let record: serde_json::Map<String, Value> = serde_json::from_slice(line).ok()?;
    let text = record.get(&args.jsonl.field)?.as_str()?;
    let url = ["url", "WARC-Target-URI"]
        .iter()
        .find_map(|k| record.get(*k).and_then(Value::as_str))
        .map(str::to_string);
    let name = ["id", "url", "warc_record_id"]
        .iter()
        .find_map(|k| match record.get(*k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(v @ Value::Number(_)) => Some(v.to_string()),
            _ => None,
        })
        .unwrap_or_else(|| format!("record {number}"));
    let chars_in = text.chars().count();
    // A record written by `decruft --jsonl --labels`: its labels cover a
    // text that is no longer there.
    if let Some(Value::Array(spans)) = record.get(&args.jsonl.labels_field) {
        let end = spans.last().and_then(|s| s.get(1)).and_then(Value::as_u64);
        if let Some(end) = end.filter(|&e| e as usize != chars_in) {
            let mut per_label: BTreeMap<&'static str, (u64, u64, u64)> = BTreeMap::new();
            // The lines kept are those of the text left: the lines of the
            // labels kept (the stripper's --keep, as that run's, we
            // assume), and as many blank lines as are left over.
            let keep = stripper.kept_labels();
            let mut kept_lines = 0u64;
            for s in spans {
                let (Some(a), Some(b), Some(l)) = (
                    s.get(0).and_then(Value::as_u64),
                    s.get(1).and_then(Value::as_u64),
                    s.get(2).and_then(Value::as_str),
                ) else {
                    continue;
                };
                let label = known_label(l);
                let kept = label
                    .parse::<Label>()
                    .is_ok_and(|l| l != Label::Blank && keep.contains(l));
                kept_lines += kept as u64;
                let e = per_label.entry(label).or_default();
                e.0 += 1;
                e.1 += b.saturating_sub(a);
                e.2 += kept as u64;
            }
            let left = text.lines().count() as u64;
            if let Some(blank) = per_label.get_mut(Label::Blank.as_str()) {
                blank.2 = left.saturating_sub(kept_lines).min(blank.0);
            }
            return Some(Page {
                number,
                name,
                url,
                chars_in: end as usize,
                chars_kept: chars_in,
                per_label,
                lines: None,
                kept_text: text.to_string(),
                kind: record
                    .get(&format!("{}_kind", args.jsonl.labels_field))
                    .and_then(Value::as_str)
                    .and_then(|k| k.parse::<decruft::PageKind>().ok())
                    .map(|k| k.as_str()),
            });
        }
    }
    // The page's URL and site, as `decruft --jsonl` reads them: evidence of
    // the headline, and the key of its lines in --patterns.
    let site = args
        .jsonl
        .site_field
        .as_deref()
        .and_then(|k| record.get(k).and_then(Value::as_str));
    let hints = Hints::new().url(url.as_deref()).site(site);
    let out = stripper.strip_with(text, &hints);
    let mut per_label: BTreeMap<&'static str, (u64, u64, u64)> = BTreeMap::new();
    let mut lines = Vec::with_capacity(out.lines().len());
    let mut chars_kept = 0;
    for (i, v) in out.lines().iter().enumerate() {
        let whole = &text[v.range.start..v.end];
        let chars = whole.chars().count();
        if v.kept {
            chars_kept += chars;
        }
        let label = v.label.as_str();
        let e = per_label.entry(label).or_default();
        e.0 += 1;
        e.1 += chars as u64;
        e.2 += v.kept as u64;
        lines.push(Line {
            text: text[v.range.clone()].to_string(),
            label,
            kept: v.kept,
            reason: format!("{:.2} {}", v.score, v.reason),
            continues: v.continues,
            gap: match out.lines().get(i + 1) {
                Some(next) if next.continues => text[v.range.end..v.end].to_string(),
                _ => String::new(),
            },
        });
    }
    Some(Page {
        number,
        name,
        url,
        chars_in,
        chars_kept,
        per_label,
        lines: Some(lines),
        kept_text: String::new(),
        kind: Some(out.kind().as_str()),
    })
}

/// Text for HTML (element content and quoted attribute values).
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn pct(x: f64) -> String {
    format!("{:.1} %", 100.0 * x)
}

/// Colours per label: content in greys and blues, boilerplate in hues a
/// reader can tell apart.
const COLOURS: &[(&str, &str)] = &[
    ("title", "#1f3a93"),
    ("standfirst", "#2c5aa0"),
    ("heading", "#2a6f97"),
    ("body", "#333333"),
    ("navigation", "#b8860b"),
    ("metadata", "#6a5acd"),
    ("teaser", "#c2185b"),
    ("read-more", "#d35400"),
    ("newsletter", "#00838f"),
    ("donation", "#2e7d32"),
    ("share", "#1565c0"),
    ("comments", "#8e24aa"),
    ("legal", "#616161"),
    ("ad", "#c62828"),
    ("blank", "#9e9e9e"),
    ("other", "#795548"),
];

const STYLE: &str = r#"
body { font: 15px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0; color: #222; background: #fafafa; }
header, main { max-width: 1100px; margin: 0 auto; padding: 0 20px; }
header { padding-top: 18px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.muted { color: #666; font-size: 13px; }
table { border-collapse: collapse; font-size: 14px; background: #fff; }
th, td { padding: 3px 10px; border-bottom: 1px solid #eee; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.key { white-space: nowrap; margin-right: 12px; }
.swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
.grid { display: flex; gap: 32px; flex-wrap: wrap; align-items: flex-start; }
.grid > section { flex: 1 1 400px; }
svg text { font: 11px system-ui, sans-serif; fill: #444; }
.page { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; margin: 14px 0; padding: 10px 14px; }
.page h3 { font-size: 15px; margin: 0 0 6px; word-break: break-all; }
.ln { white-space: pre-wrap; word-break: break-word; padding: 1px 6px; border-left: 3px solid transparent; font-size: 14px; min-height: 1.2em; }
.ln.kept { border-left-color: var(--c); }
del.ln { display: block; text-decoration: line-through; text-decoration-color: var(--c); color: #777; background: color-mix(in srgb, var(--c) 9%, transparent); border-left-color: var(--c); }
.ln.blank { min-height: 0.6em; }
.pieces { white-space: pre-wrap; word-break: break-word; padding: 1px 6px; font-size: 14px; border-left: 3px dotted #ccc; }
.ln.piece { display: inline; padding: 0; border-left: 0; font-size: inherit; }
span.ln.piece.kept { box-shadow: inset 0 -2px 0 var(--c); }
del.ln.piece { display: inline; }
.ln[title]:hover { outline: 1px solid var(--c); }
.note { color: #666; font-style: italic; font-size: 13px; }
a { color: #1f3a93; }
"#;

/// The one script: counts what the browser rendered, for the reader (the
/// line under each page's title) and for the CI check (`#rendered`).
const SCRIPT: &str = r#"
(function () {
  var pages = document.querySelectorAll("article.page");
  var struck = 0, perLabel = {};
  pages.forEach(function (p) {
    var dels = p.querySelectorAll("del.ln");
    struck += dels.length;
    dels.forEach(function (d) { perLabel[d.dataset.label] = (perLabel[d.dataset.label] || 0) + 1; });
    var c = p.querySelector(".count");
    if (c) c.textContent = dels.length + " lines struck through";
  });
  var r = document.getElementById("rendered");
  r.dataset.pages = pages.length;
  r.dataset.struck = struck;
  r.dataset.perLabel = JSON.stringify(perLabel);
  r.textContent = pages.length + " pages shown, " + struck + " lines struck through.";
})();
"#;

fn colour(label: &str) -> &'static str {
    COLOURS
        .iter()
        .find(|(l, _)| *l == label)
        .map_or("#795548", |c| c.1)
}

fn render(t: &Totals, shown: &[Page], args: &Args) -> String {
    let mut h = String::with_capacity(1 << 16);
    let files = if args.files.is_empty() {
        "stdin".to_string()
    } else {
        args.files.join(", ")
    };
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\">\
         <title>decruft report: {}</title><style>{STYLE}</style></head><body>\n",
        esc(&files)
    );
    let kept_share = if t.chars_in > 0 {
        t.chars_kept as f64 / t.chars_in as f64
    } else {
        1.0
    };
    let _ = writeln!(
        h,
        "<header><h1>decruft report</h1><div class=\"muted\">{} · decruft {} · \
         <span id=\"summary\" data-pages=\"{}\" data-chars-in=\"{}\" data-chars-kept=\"{}\">\
         {} pages, {} characters, {} kept</span> · <span id=\"rendered\"></span></div></header><main>",
        esc(&files),
        env!("CARGO_PKG_VERSION"),
        t.pages,
        t.chars_in,
        t.chars_kept,
        t.pages,
        t.chars_in,
        pct(kept_share),
    );
    if t.bad_records > 0 {
        let _ = write!(
            h,
            "<p class=\"note\">{} records without a \"{}\" string are left out.</p>",
            t.bad_records,
            esc(&args.jsonl.field)
        );
    }

    // Totals per label.
    h.push_str("<div class=\"grid\"><section><h2>Per label</h2><table id=\"labels\"><tr><th>label</th><th>lines</th><th>kept</th><th>characters</th><th>share</th></tr>\n");
    let total_chars: u64 = t.per_label.values().map(|e| e.1).sum();
    for (&i, &(lines, chars, kept)) in &t.per_label {
        let name = label_name(i);
        let share = if total_chars > 0 {
            chars as f64 / total_chars as f64
        } else {
            0.0
        };
        let _ = writeln!(
            h,
            "<tr data-label=\"{name}\" data-lines=\"{lines}\" data-chars=\"{chars}\"><td><span class=\"swatch\" style=\"background:{}\"></span>{name}</td>\
             <td>{lines}</td><td>{kept}</td><td>{chars}</td><td>{}</td></tr>",
            colour(name),
            pct(share)
        );
    }
    h.push_str("</table><p class=\"muted\">Characters count line ends. \"kept\": lines kept (of a page already stripped with --labels, the lines of the labels kept).</p></section>\n");

    // Totals per page kind.
    h.push_str("<section><h2>Per page kind</h2><table id=\"kinds\"><tr><th>kind</th><th>pages</th><th>characters</th><th>kept</th></tr>\n");
    for (kind, &(pages, chars_in, chars_kept)) in &t.per_kind {
        let kept = if chars_in > 0 {
            chars_kept as f64 / chars_in as f64
        } else {
            1.0
        };
        let _ = writeln!(
            h,
            "<tr data-kind=\"{kind}\" data-pages=\"{pages}\"><td>{kind}</td><td>{pages}</td><td>{chars_in}</td><td>{}</td></tr>",
            pct(kept)
        );
    }
    h.push_str("</table><p class=\"muted\">The kind decruft read from each page's text: an article keeps its body, a thread its posts, a listing as little as it holds of its own.</p></section>\n");

    // Histogram of the share kept per page.
    h.push_str("<section><h2>Share of each page kept</h2>");
    let max = t.bins.iter().copied().max().unwrap_or(0).max(1);
    let (w, bar, top, hgt) = (440.0, 40.0, 18.0, 150.0);
    let _ = write!(
        h,
        "<svg id=\"histogram\" width=\"{w}\" height=\"{}\" viewBox=\"0 0 {w} {}\" role=\"img\" aria-label=\"histogram of the share of each page kept\">",
        top + hgt + 36.0,
        top + hgt + 36.0
    );
    for (i, &n) in t.bins.iter().enumerate() {
        let x = 20.0 + i as f64 * bar;
        let bh = hgt * n as f64 / max as f64;
        let y = top + hgt - bh;
        let _ = write!(
            h,
            "<rect class=\"bin\" data-count=\"{n}\" x=\"{x}\" y=\"{y:.1}\" width=\"{}\" height=\"{bh:.1}\" fill=\"#2a6f97\"><title>{}–{} % kept: {n} pages</title></rect>\
             <text x=\"{}\" y=\"{:.1}\" text-anchor=\"middle\">{n}</text>",
            bar - 4.0,
            i * 10,
            (i + 1) * 10,
            x + (bar - 4.0) / 2.0,
            y - 4.0
        );
    }
    for i in (0..=BINS).step_by(2) {
        let x = 20.0 + i as f64 * bar - 2.0;
        let _ = write!(
            h,
            "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\">{}%</text>",
            top + hgt + 16.0,
            i * 10
        );
    }
    let _ = write!(
        h,
        "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">share of the page's characters kept</text></svg>",
        w / 2.0,
        top + hgt + 32.0
    );
    if t.empty_pages > 0 {
        let _ = write!(
            h,
            "<p class=\"muted\">{} pages with no text are not counted.</p>",
            t.empty_pages
        );
    }
    h.push_str("</section></div>\n");

    // The pages that lost most.
    let shown_numbers: std::collections::HashSet<usize> = shown.iter().map(|p| p.number).collect();
    h.push_str("<h2>Pages that lost most</h2>");
    if t.worst.is_empty() {
        h.push_str("<p class=\"muted\">No page lost anything.</p>");
    } else {
        h.push_str(
            "<table id=\"worst\"><tr><th>page</th><th>lost</th><th>characters lost</th></tr>\n",
        );
        for (share, chars, number, name) in &t.worst {
            let name = if shown_numbers.contains(number) {
                format!("<a href=\"#page-{number}\">{}</a>", esc(name))
            } else {
                esc(name)
            };
            let _ = writeln!(
                h,
                "<tr><td>{name}</td><td>{}</td><td>{chars}</td></tr>",
                pct(*share)
            );
        }
        h.push_str("</table>\n");
    }

    // Legend and pages.
    let _ = write!(
        h,
        "<h2>Pages</h2><p class=\"muted\">The first {} of {} pages. Kept lines are plain; dropped lines are struck \
         through; the colour is the label; hover a line for its label, score and reason.</p><p>",
        shown.len(),
        t.pages
    );
    for (l, c) in COLOURS.iter().filter(|(l, _)| *l != "other") {
        let _ = write!(
            h,
            "<span class=\"key\"><span class=\"swatch\" style=\"background:{c}\"></span>{l}</span> "
        );
    }
    h.push_str("</p>\n");
    for p in shown {
        let lost = p
            .share_kept()
            .map_or("no text".to_string(), |s| format!("{} kept", pct(s)));
        let _ = write!(
            h,
            "<article class=\"page\" id=\"page-{}\" data-chars-in=\"{}\" data-chars-kept=\"{}\"><h3>{}</h3><div class=\"muted\">",
            p.number,
            p.chars_in,
            p.chars_kept,
            esc(&p.name)
        );
        if let Some(url) = &p.url {
            let _ = write!(h, "{} · ", esc(url));
        }
        if let Some(kind) = p.kind {
            let _ = write!(h, "<span class=\"kind\">{kind}</span> · ");
        }
        let _ = writeln!(
            h,
            "{} of {} characters · <span class=\"count\"></span></div>",
            lost, p.chars_in
        );
        match &p.lines {
            Some(lines) => {
                for (k, l) in lines.iter().enumerate() {
                    let c = colour(l.label);
                    let title = esc(&format!("{} · {}", l.label, l.reason));
                    let text = esc(&l.text);
                    // A line cut into pieces is one block, its pieces
                    // inline: the dropped ones struck through in place.
                    let cut = l.continues || lines.get(k + 1).is_some_and(|n| n.continues);
                    if cut {
                        if !l.continues {
                            h.push_str("<div class=\"pieces\">");
                        }
                        let (open, close) = if l.kept {
                            ("span class=\"ln piece kept\"", "span")
                        } else {
                            ("del class=\"ln piece\"", "del")
                        };
                        let _ = write!(
                            h,
                            "<{open} data-label=\"{}\" style=\"--c:{c}\" title=\"{title}\">{text}</{close}>{}",
                            l.label,
                            esc(&l.gap)
                        );
                        if !lines.get(k + 1).is_some_and(|n| n.continues) {
                            h.push_str("</div>\n");
                        }
                    } else if l.label == "blank" {
                        let _ = writeln!(h, "<div class=\"ln blank\" style=\"--c:{c}\"></div>");
                    } else if l.kept {
                        let _ = writeln!(
                            h,
                            "<div class=\"ln kept\" data-label=\"{}\" style=\"--c:{c}\" title=\"{title}\">{text}</div>",
                            l.label
                        );
                    } else {
                        let _ = writeln!(
                            h,
                            "<del class=\"ln\" data-label=\"{}\" style=\"--c:{c}\" title=\"{title}\">{text}</del>",
                            l.label
                        );
                    }
                }
            }
            None => {
                let dropped: Vec<String> = p
                    .per_label
                    .iter()
                    .filter(|(l, _)| {
                        !matches!(**l, "title" | "standfirst" | "heading" | "body" | "blank")
                    })
                    .map(|(l, (n, chars, _))| format!("{l}: {n} lines, {chars} characters"))
                    .collect();
                let _ = write!(
                    h,
                    "<p class=\"note\">Stripped before (decruft --jsonl --labels): the dropped lines' text is not in this \
                     record. Dropped: {}.</p>",
                    if dropped.is_empty() { "nothing".to_string() } else { esc(&dropped.join("; ")) }
                );
                for line in p.kept_text.lines() {
                    let _ = writeln!(
                        h,
                        "<div class=\"ln kept\" style=\"--c:#333\">{}</div>",
                        esc(line)
                    );
                }
            }
        }
        h.push_str("</article>\n");
    }
    let _ = writeln!(h, "</main><script>{SCRIPT}</script></body></html>");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping() {
        assert_eq!(
            esc("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn every_label_has_a_colour() {
        for l in Label::ALL {
            assert!(COLOURS.iter().any(|(n, _)| *n == l.as_str()), "{l}");
        }
    }
}
