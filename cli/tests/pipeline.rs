//! A web-corpus pipeline's inputs and outputs (issue 15): compressed JSON
//! Lines in and out, WARC/WET files, document decisions with a rejected
//! file, the review page. Every fixture is built here.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;

use crate::inputs::good;
use crate::run::{decruft, run, scratch, stderr};

fn ok(out: &Output) {
    assert!(out.status.success(), "{:?}: {}", out.status, stderr(out));
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

fn gunzip(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(data)
        .read_to_end(&mut out)
        .unwrap();
    out
}

fn unzstd(data: &[u8]) -> Vec<u8> {
    zstd::decode_all(data).unwrap()
}

fn path(p: &Path) -> &str {
    p.to_str().unwrap()
}

/// Twenty records of the seeds and small pages: a few batches' worth
/// would be slow in debug builds; twenty show every path.
fn records() -> Vec<u8> {
    let mut out = Vec::new();
    let mut seeds: Vec<PathBuf> = std::fs::read_dir("../seeds")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    for (i, seed) in seeds.iter().take(10).enumerate() {
        let text = std::fs::read_to_string(seed).unwrap();
        serde_json::to_writer(&mut out, &serde_json::json!({"id": i, "text": text})).unwrap();
        out.push(b'\n');
        out.extend(good(100 + i));
        out.push(b'\n');
    }
    out
}

#[test]
fn gzip_in_zstd_out_is_the_plain_run() {
    let dir = scratch("pipeline", "compressed");
    let plain = records();
    let want = decruft(&["--jsonl", "--labels"], &plain);
    ok(&want);
    let gz = dir.join("pages.jsonl.gz");
    // Two gzip members, as parallel compressors write.
    let half = plain.len() / 2;
    let cut = half + plain[half..].iter().position(|&b| b == b'\n').unwrap() + 1;
    let mut data = gzip(&plain[..cut]);
    data.extend(gzip(&plain[cut..]));
    std::fs::write(&gz, &data).unwrap();
    let zst = dir.join("out.jsonl.zst");
    ok(&run(&["--jsonl", "--labels", path(&gz), "-o", path(&zst)]));
    assert!(
        unzstd(&std::fs::read(&zst).unwrap()) == want.stdout,
        ".zst output differs"
    );
    // And the other way round, through stdin (compression seen from the
    // magic bytes) into a .gz file; zstd input by name.
    let zst_in = dir.join("pages.jsonl.zst");
    std::fs::write(&zst_in, zstd::encode_all(&plain[..], 3).unwrap()).unwrap();
    let gz_out = dir.join("out.jsonl.gz");
    ok(&run(&[
        "--jsonl",
        "--labels",
        path(&zst_in),
        "-o",
        path(&gz_out),
    ]));
    assert!(gunzip(&std::fs::read(&gz_out).unwrap()) == want.stdout);
    let from_stdin = decruft(&["--jsonl", "--labels"], &data);
    ok(&from_stdin);
    assert!(from_stdin.stdout == want.stdout, "gzip on stdin differs");
    // A plain output file is plain.
    let out = dir.join("out.jsonl");
    ok(&run(&["--jsonl", "--labels", path(&gz), "-o", path(&out)]));
    assert!(std::fs::read(&out).unwrap() == want.stdout);
    // Plain text mode reads compressed files too.
    let page = dir.join("page.txt.gz");
    let seed = std::fs::read("../seeds/003_1f7848a26ced4f19.txt").unwrap();
    std::fs::write(&page, gzip(&seed)).unwrap();
    let want = decruft(&[], &seed);
    let got = run(&[path(&page)]);
    ok(&got);
    assert!(got.stdout == want.stdout);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_file_named_gz_that_is_not_gzip_is_an_error() {
    let dir = scratch("pipeline", "misnamed");
    let gz = dir.join("pages.jsonl.gz");
    std::fs::write(&gz, records()).unwrap();
    let out = run(&["--jsonl", path(&gz)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("not gzip data"), "{}", stderr(&out));
    // A truncated gzip stream: the records before the cut are written,
    // then exit 2 naming the file.
    let data = gzip(&records());
    std::fs::write(&gz, &data[..data.len() / 2]).unwrap();
    let out = run(&["--jsonl", path(&gz)]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("pages.jsonl.gz"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(dir);
}

/// A WARC record as Common Crawl writes them.
fn warc_record(kind: &str, n: usize, block: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    write!(
        out,
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: https://www.example.fr/article/{n}\r\n\
         WARC-Date: 2024-11-08T13:17:{:02}Z\r\nWARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012}>\r\n\
         WARC-Refers-To: <urn:uuid:10000000-0000-0000-0000-{n:012}>\r\n\
         Content-Type: text/plain\r\nContent-Length: {}\r\n\r\n",
        n % 60,
        block.len()
    )
    .unwrap();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

/// A WET file: a warcinfo record, conversion records of the seeds, a
/// response record, a conversion record in Latin-1 and one of UTF-8 with a
/// bad byte, and, if `truncated`, a last record cut short. Each record its
/// own gzip member, as in Common Crawl's files.
fn wet(truncated: bool) -> (Vec<u8>, Vec<String>) {
    let mut members = vec![warc_record(
        "warcinfo",
        0,
        b"software: decruft tests\r\nformat: WARC File Format 1.0\r\n",
    )];
    let mut texts = Vec::new();
    let mut seeds: Vec<PathBuf> = std::fs::read_dir("../seeds")
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    seeds.sort();
    for (i, seed) in seeds.iter().take(4).enumerate() {
        let text = std::fs::read_to_string(seed).unwrap();
        members.push(warc_record("conversion", i + 1, text.as_bytes()));
        texts.push(text);
    }
    members.push(warc_record(
        "response",
        5,
        b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<html><body>Bonjour</body></html>",
    ));
    let latin1 = "Accueil\nLe caf\u{e9} est servi chaud dans cette brasserie depuis des ann\u{e9}es, dit le patron, qui a vu passer trois g\u{e9}n\u{e9}rations de clients.\n";
    let bytes: Vec<u8> = latin1.chars().map(|c| c as u32 as u8).collect();
    members.push(warc_record("conversion", 6, &bytes));
    texts.push(latin1.to_string());
    let mut bad_utf8 = "Le caf\u{e9} ".as_bytes().to_vec();
    bad_utf8.extend(b"\xff et la suite.\n");
    members.push(warc_record("conversion", 7, &bad_utf8));
    texts.push("Le caf\u{e9} \u{fffd} et la suite.\n".to_string());
    let mut out: Vec<u8> = members.iter().flat_map(|m| gzip(m)).collect();
    if truncated {
        // The record is cut, its gzip member whole: a bad record (a cut
        // gzip stream is a read error: a_broken_gzip_member_is_a_read_error).
        let last = warc_record("conversion", 8, texts[0].as_bytes());
        out.extend(gzip(&last[..last.len() / 2]));
    }
    (out, texts)
}

fn json_lines(data: &[u8]) -> Vec<serde_json::Value> {
    String::from_utf8(data.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn wet_files_become_records() {
    let dir = scratch("pipeline", "wet");
    let (data, texts) = wet(false);
    let file = dir.join("sample.warc.wet.gz");
    std::fs::write(&file, &data).unwrap();
    let out = run(&["--warc", path(&file)]);
    ok(&out);
    let recs = json_lines(&out.stdout);
    assert_eq!(recs.len(), 6, "one record per conversion record");
    let raw: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    for (i, (r, text)) in recs.iter().zip(&texts).enumerate() {
        let n = if i < 4 { i + 1 } else { i + 2 };
        // The fields, in this order.
        let at = |k: &str| raw[i].find(&format!("\"{k}\":")).unwrap();
        assert!(raw[i].starts_with("{\"url\":"));
        assert!(at("url") < at("warc_record_id") && at("warc_record_id") < at("date"));
        assert!(at("date") < at("text") && r.as_object().unwrap().len() == 4);
        assert_eq!(r["url"], format!("https://www.example.fr/article/{n}"));
        assert_eq!(
            r["warc_record_id"],
            format!("<urn:uuid:00000000-0000-0000-0000-{n:012}>")
        );
        assert_eq!(r["date"], format!("2024-11-08T13:17:{:02}Z", n % 60));
        // The text is the page's stripped as decruft strips it anywhere.
        // (The command ends a file's output with a line end.)
        let plain = decruft(&[], text.as_bytes());
        let mut want = r["text"].as_str().unwrap().to_string();
        if !want.is_empty() && !want.ends_with('\n') {
            want.push('\n');
        }
        assert_eq!(want, String::from_utf8(plain.stdout).unwrap(), "record {n}");
    }
    // The Latin-1 page was read as such.
    assert!(recs[4]["text"]
        .as_str()
        .unwrap()
        .contains("Le café est servi"));
    let msg = stderr(&out);
    assert!(
        msg.contains(
            "skipped 2 WARC records that are not conversion records (1 response, 1 warcinfo)"
        ),
        "{msg}"
    );
    assert!(msg.contains("1 WARC record not UTF-8"), "{msg}");
    assert!(
        msg.contains("1 WARC record of UTF-8 with bad bytes"),
        "{msg}"
    );

    // --jsonl sees the WARC/1. line (here on stdin, gzip seen from the
    // magic bytes); --labels as for any record.
    let auto = decruft(&["--jsonl"], &data);
    ok(&auto);
    assert!(auto.stdout == out.stdout);
    let labelled = decruft(&["--jsonl", "--labels"], &data);
    ok(&labelled);
    for r in json_lines(&labelled.stdout) {
        assert!(r["decruft"].as_array().is_some_and(|a| !a.is_empty()));
    }
    // --warc on something else is an error.
    let jsonl = dir.join("pages.jsonl");
    std::fs::write(&jsonl, records()).unwrap();
    let not = run(&["--warc", path(&jsonl)]);
    assert_eq!(not.status.code(), Some(2));
    assert!(stderr(&not).contains("not a WARC file"), "{}", stderr(&not));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn a_truncated_last_wet_record_follows_on_error() {
    let (data, _) = wet(true);
    let whole = decruft(&["--warc"], &wet(false).0);
    ok(&whole);
    // fail: every whole record written, exit 2, the record named.
    let fail = decruft(&["--warc"], &data);
    assert_eq!(fail.status.code(), Some(2), "{}", stderr(&fail));
    assert!(fail.stdout == whole.stdout);
    let msg = stderr(&fail);
    assert_eq!(msg.lines().count(), 1, "an error is one line: {msg}");
    let last = msg.lines().last().unwrap();
    assert!(
        last.starts_with("decruft: <stdin>: WARC record 9 (")
            && last.contains("<urn:uuid:00000000-0000-0000-0000-000000000008>")
            && last.contains("truncated"),
        "{msg}"
    );
    // skip: the same records, exit 0, counted.
    let skip = decruft(&["--warc", "--on-error", "skip"], &data);
    ok(&skip);
    assert!(skip.stdout == whole.stdout);
    assert!(stderr(&skip).contains("skipped 1 truncated or corrupt WARC record"));
    // keep: one more record, what could be read of it, with the error.
    let keep = decruft(&["--warc", "--on-error", "keep"], &data);
    ok(&keep);
    let recs = json_lines(&keep.stdout);
    assert_eq!(recs.len(), 7);
    assert!(keep.stdout.starts_with(&whole.stdout));
    let last = &recs[6];
    assert_eq!(last["url"], "https://www.example.fr/article/8");
    assert!(last["warc_error"].as_str().unwrap().contains("truncated"));
    assert!(last["text"].is_string());
}

/// Issue 20: a corrupt gzip member in a WET file was "skipped 1" under
/// `--on-error skip` or `keep`, exit 0, and every record after it was lost
/// silently. A broken compressed stream is a read error in every mode, as
/// in --jsonl: the records before it written, exit 2, the byte named.
#[test]
fn a_broken_gzip_member_is_a_read_error() {
    let (data, _) = wet(false);
    let whole = decruft(&["--warc"], &data);
    ok(&whole);
    let members: Vec<usize> = (0..data.len() - 1)
        .filter(|&i| data[i..].starts_with(&[0x1f, 0x8b, 8]))
        .collect();
    // The third member (the second conversion record) corrupted in the
    // middle of its deflate data, and a file cut inside its last member.
    let (a, b) = (members[2], members[3]);
    let mut corrupt = data.clone();
    for byte in &mut corrupt[a + 12..b - 8] {
        *byte = 0xff;
    }
    let cut = &data[..data.len() - 20];
    for (what, input) in [("corrupt", &corrupt[..]), ("cut short", cut)] {
        for mode in ["fail", "skip", "keep"] {
            let out = decruft(&["--warc", "--on-error", mode], input);
            let msg = stderr(&out);
            assert_eq!(out.status.code(), Some(2), "{what} {mode}: {msg}");
            assert_eq!(msg.lines().count(), 1, "{what} {mode}: {msg}");
            assert!(
                msg.contains(&format!("gzip stream {what}")) && msg.contains("bytes of the file"),
                "{what} {mode}: {msg}"
            );
            // Whole records only, those before the break.
            assert!(whole.stdout.starts_with(&out.stdout), "{what} {mode}");
            assert!(out.stdout.is_empty() || out.stdout.ends_with(b"\n"));
        }
    }
}

#[test]
fn a_corrupt_record_in_the_middle_costs_that_record_only() {
    // A Content-Length that lies: the reader resumes at the next record.
    let mut data = warc_record("conversion", 1, "Premier texte.\n".as_bytes());
    let bad = String::from_utf8(warc_record("conversion", 2, b"Second.\n"))
        .unwrap()
        .replace("Content-Length: 8", "Content-Length: 11");
    data.extend(bad.as_bytes());
    data.extend(warc_record(
        "conversion",
        3,
        "Troisième texte.\n".as_bytes(),
    ));
    let skip = decruft(&["--warc", "--on-error", "skip"], &data);
    ok(&skip);
    let urls: Vec<String> = json_lines(&skip.stdout)
        .iter()
        .map(|r| r["url"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        urls,
        [
            "https://www.example.fr/article/1",
            "https://www.example.fr/article/3"
        ]
    );
    let fail = decruft(&["--warc"], &data);
    assert_eq!(fail.status.code(), Some(2));
    assert!(
        stderr(&fail).contains("WARC record 2 (byte "),
        "{}",
        stderr(&fail)
    );
}

#[test]
fn document_rules_send_rejected_records_aside_and_lose_none() {
    let dir = scratch("pipeline", "rules");
    let mut input = records();
    let menu =
        serde_json::json!({"id": "menu", "text": "Accueil\nActualités\nContact\n", "n": 1.50});
    let empty = serde_json::json!({"id": "empty", "text": ""});
    for r in [&menu, &empty] {
        serde_json::to_writer(&mut input, r).unwrap();
        input.push(b'\n');
    }
    let file = dir.join("in.jsonl");
    std::fs::write(&file, &input).unwrap();
    let rejected = dir.join("rejected.jsonl.gz");
    let out = run(&[
        "--jsonl",
        "--drop-empty",
        "--min-kept-chars",
        "400",
        "--min-kept-share",
        "0.2",
        "--rejected",
        path(&rejected),
        path(&file),
    ]);
    ok(&out);
    let kept = json_lines(&out.stdout);
    let aside = json_lines(&gunzip(&std::fs::read(&rejected).unwrap()));
    let input_lines: Vec<&str> = std::str::from_utf8(&input).unwrap().lines().collect();
    assert_eq!(
        kept.len() + aside.len(),
        input_lines.len(),
        "a record went missing"
    );
    assert!(aside.len() >= 2 && !kept.is_empty());
    // Each output record went through the rules; each rejected one is the
    // input record, byte for byte, with the reason added.
    for r in &kept {
        let text = r["text"].as_str().unwrap();
        assert!(text.chars().count() >= 400, "{r}");
    }
    let rejected_text = String::from_utf8(gunzip(&std::fs::read(&rejected).unwrap())).unwrap();
    let mut per_reason = std::collections::BTreeMap::<String, usize>::new();
    for line in rejected_text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let why = v["decruft_rejected"].as_str().unwrap().to_string();
        let original = input_lines
            .iter()
            .find(|l| {
                let o: serde_json::Value = serde_json::from_str(l).unwrap();
                o["id"] == v["id"]
            })
            .unwrap();
        let tail = format!(",\"decruft_rejected\":\"{why}\"}}");
        assert_eq!(format!("{}{tail}", &original[..original.len() - 1]), line);
        *per_reason.entry(why).or_default() += 1;
    }
    assert_eq!(per_reason.get("empty"), Some(&2), "{per_reason:?}");
    let msg = stderr(&out);
    let parts: Vec<String> = per_reason.iter().map(|(k, n)| format!("{n} {k}")).collect();
    // The reasons print in rule order: empty, too_short, low_kept_share.
    for p in &parts {
        assert!(msg.contains(p.as_str()), "{msg}");
    }
    assert!(
        msg.contains(&format!("decruft: rejected {} documents (", aside.len())),
        "{msg}"
    );
    assert!(
        msg.contains(&format!("written to {}", path(&rejected))),
        "{msg}"
    );

    // The same whatever the thread count.
    let rejected1 = dir.join("rejected1.jsonl");
    let out1 = run(&[
        "--jsonl",
        "--threads",
        "1",
        "--drop-empty",
        "--min-kept-chars",
        "400",
        "--min-kept-share",
        "0.2",
        "--rejected",
        path(&rejected1),
        path(&file),
    ]);
    ok(&out1);
    assert!(out1.stdout == out.stdout);
    assert_eq!(std::fs::read_to_string(&rejected1).unwrap(), rejected_text);

    // Without --rejected they are dropped, and counted all the same.
    let out2 = run(&[
        "--jsonl",
        "--drop-empty",
        "--min-kept-chars",
        "400",
        "--min-kept-share",
        "0.2",
        path(&file),
    ]);
    ok(&out2);
    assert!(out2.stdout == out.stdout);
    assert!(stderr(&out2).contains(&format!("decruft: rejected {} documents (", aside.len())));
    // With --labels, a rejected record carries its labels, over its own
    // (unstripped) text.
    let out3 = decruft(
        &[
            "--jsonl",
            "--labels",
            "--drop-empty",
            "--rejected",
            path(&rejected),
        ],
        &input,
    );
    ok(&out3);
    let aside = json_lines(&gunzip(&std::fs::read(&rejected).unwrap()));
    let menu_out = aside.iter().find(|r| r["id"] == "menu").unwrap();
    let labels = menu_out["decruft"].as_array().unwrap();
    assert_eq!(
        labels.last().unwrap()[1],
        menu["text"].as_str().unwrap().chars().count()
    );
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn the_report_is_one_self_contained_page_with_the_counts() {
    let dir = scratch("pipeline", "report");
    let input = records();
    let file = dir.join("sample.jsonl.gz");
    std::fs::write(&file, gzip(&input)).unwrap();
    let html_path = dir.join("report.html");
    ok(&run(&["report", path(&file), "-o", path(&html_path)]));
    let html = std::fs::read_to_string(&html_path).unwrap();
    // What annotate says, page by page.
    let mut dropped = 0;
    let mut pages = 0;
    for line in std::str::from_utf8(&input).unwrap().lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let ann = decruft(&["annotate"], v["text"].as_str().unwrap().as_bytes());
        ok(&ann);
        dropped += String::from_utf8(ann.stdout)
            .unwrap()
            .lines()
            .filter(|l| l.starts_with("- ") && !l.starts_with("- blank"))
            .count();
        pages += 1;
    }
    assert_eq!(html.matches("<article class=\"page\"").count(), pages);
    assert_eq!(html.matches("<del class=\"ln\"").count(), dropped);
    assert!(html.contains(&format!("data-pages=\"{pages}\"")));
    let bins: u64 = html
        .match_indices("class=\"bin\" data-count=\"")
        .map(|(i, m)| {
            let rest = &html[i + m.len()..];
            rest[..rest.find('"').unwrap()].parse::<u64>().unwrap()
        })
        .sum();
    assert_eq!(
        bins, pages as u64,
        "every page with text is in the histogram"
    );
    // Self-contained: nothing fetched from anywhere.
    for needle in ["src=", "<link", "@import", "url(", "href=\"http"] {
        assert!(!html.contains(needle), "{needle}");
    }
    // Text is escaped: a page's "<script>" is text.
    let evil =
        serde_json::json!({"id": "<b>x</b>", "text": "<script>alert(1)</script>\nLe texte.\n"});
    let out = decruft(&["report"], evil.to_string().as_bytes());
    ok(&out);
    let html = String::from_utf8(out.stdout).unwrap();
    assert!(!html.contains("<script>alert"));
    assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Output of --jsonl --labels (text already stripped): shown from the labels.
    let labelled = decruft(&["--jsonl", "--labels"], &input);
    ok(&labelled);
    let out = decruft(&["report"], &labelled.stdout);
    ok(&out);
    let html2 = String::from_utf8(out.stdout).unwrap();
    assert_eq!(html2.matches("<article class=\"page\"").count(), pages);
    assert!(html2.contains("the dropped lines' text is not in this record"));
    let _ = std::fs::remove_dir_all(dir);
}
