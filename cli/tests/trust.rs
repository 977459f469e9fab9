//! Issue 20, as a user and as an attacker would try it: no input
//! destroyed, no output left half-written, memory bounded on hostile
//! input. Every input is built here.

use std::fs::File;
use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use crate::run::{decruft, run, scratch, stderr, BIN};

fn p(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// A paragraph decruft keeps, numbered.
fn paragraph(i: usize) -> String {
    format!(
        "Le président du conseil régional a déclaré jeudi qu'il était prêt à reprendre le \
         dialogue avec les syndicats, une première depuis le début du conflit numéro {i}."
    )
}

/// `n` JSON Lines records with URLs.
fn records(n: usize) -> Vec<u8> {
    let mut out = Vec::new();
    for i in 0..n {
        let text = format!("Accueil\n\n{}\n\nPartager sur Facebook\n", paragraph(i));
        let rec = serde_json::json!({
            "id": i,
            "url": format!("https://www.example.fr/{}/article/{i}", i % 7),
            "text": text,
        });
        serde_json::to_writer(&mut out, &rec).unwrap();
        out.push(b'\n');
    }
    out
}

/// Every regular file of `dir` and its bytes, sorted by name.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| std::fs::symlink_metadata(p).unwrap().is_file())
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&p).unwrap())
        })
        .collect();
    files.sort();
    files
}

/// Item 1: `decruft --jsonl x.jsonl -o x.jsonl` emptied its input with exit
/// status 0, and so did `./x.jsonl`, a symbolic link, `.gz`, plain-text
/// mode, `--jsonl --learn` and `learn -o`. Every such run is refused with
/// exit status 2 before any output is opened: every file stays as it was.
#[test]
fn an_output_that_is_an_input_is_refused_before_anything_is_written() {
    let dir = scratch("trust", "same");
    let x = dir.join("x.jsonl");
    std::fs::write(&x, records(3)).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&records(3)).unwrap();
    let xgz = dir.join("x.jsonl.gz");
    std::fs::write(&xgz, gz.finish().unwrap()).unwrap();
    let txt = dir.join("x.txt");
    std::fs::write(&txt, format!("{}\n", paragraph(1))).unwrap();
    let link = dir.join("link.jsonl");
    std::os::unix::fs::symlink(&x, &link).unwrap();
    let hard = dir.join("hard.jsonl");
    std::fs::hard_link(&x, &hard).unwrap();
    let dotted = dir.join(".").join("x.jsonl");
    let other = dir.join("other.jsonl");
    let before = snapshot(&dir);
    let cases: Vec<Vec<&str>> = vec![
        vec!["--jsonl", p(&x), "-o", p(&x)],
        vec!["--jsonl", p(&x), "-o", p(&dotted)],
        vec!["--jsonl", p(&link), "-o", p(&x)],
        vec!["--jsonl", p(&x), "-o", p(&link)],
        vec!["--jsonl", p(&x), "-o", p(&hard)],
        vec!["--jsonl", p(&xgz), "-o", p(&xgz)],
        vec![p(&txt), "-o", p(&txt)],
        vec!["--jsonl", "--learn", p(&x), "-o", p(&x)],
        vec!["learn", p(&x), "-o", p(&x)],
        vec![
            "--jsonl",
            "--drop-empty",
            p(&x),
            "-o",
            p(&other),
            "--rejected",
            p(&x),
        ],
        vec!["report", p(&x), "-o", p(&x)],
    ];
    for args in cases {
        let out = run(&args);
        let msg = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {msg}");
        assert!(msg.contains("refusing to write over it"), "{args:?}: {msg}");
        assert!(snapshot(&dir) == before, "{args:?} changed a file");
        assert!(!other.exists());
    }
    // Stdout appended to an input: `decruft --jsonl x.jsonl >> x.jsonl`.
    let out = Command::new(BIN)
        .args(["--jsonl", p(&x)])
        .stdout(File::options().append(true).open(&x).unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(snapshot(&dir) == before);
    let _ = std::fs::remove_dir_all(dir);
}

/// Item 1: `decruft --jsonl no-such.jsonl -o prev.jsonl` emptied
/// `prev.jsonl` before failing, and `--rejected r.jsonl -o ./r.jsonl`
/// interleaved two streams into one corrupt file. Inputs are opened before
/// any output, and two outputs naming one file are refused.
#[test]
fn a_missing_input_or_two_outputs_in_one_file_leave_every_file_alone() {
    let dir = scratch("trust", "missing");
    let x = dir.join("x.jsonl");
    std::fs::write(&x, records(3)).unwrap();
    let prev = dir.join("prev.jsonl");
    std::fs::write(&prev, "previous\n").unwrap();
    let r = dir.join("r.jsonl");
    std::fs::write(&r, "rejected before\n").unwrap();
    let r_dotted = dir.join(".").join("r.jsonl");
    let r_link = dir.join("r-link.jsonl");
    std::os::unix::fs::symlink(&r, &r_link).unwrap();
    let missing = dir.join("no-such.jsonl");
    let before = snapshot(&dir);
    for (args, says) in [
        (vec!["--jsonl", p(&missing), "-o", p(&prev)], "No such file"),
        (
            vec!["--jsonl", p(&x), p(&missing), "-o", p(&prev)],
            "No such file",
        ),
        (vec![p(&missing), "-o", p(&prev)], "No such file"),
        (
            vec![
                "--jsonl",
                "--drop-empty",
                p(&x),
                "-o",
                p(&r),
                "--rejected",
                p(&r_dotted),
            ],
            "name the same file",
        ),
        (
            vec![
                "--jsonl",
                "--drop-empty",
                p(&x),
                "-o",
                p(&r_link),
                "--rejected",
                p(&r),
            ],
            "name the same file",
        ),
    ] {
        let out = run(&args);
        let msg = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {msg}");
        assert!(msg.contains(says), "{args:?}: {msg}");
        assert!(snapshot(&dir) == before, "{args:?} changed a file");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Runs decruft with writes limited to `limit` bytes a file (`ulimit -f`).
fn run_with_file_limit(args: &[&str], limit: u64) -> Output {
    let mut cmd = Command::new(BIN);
    cmd.args(args);
    limit_files(&mut cmd, limit);
    cmd.output().unwrap()
}

/// Limits the files `cmd` writes to `limit` bytes (`ulimit -f`).
fn limit_files(cmd: &mut Command, limit: u64) {
    // SAFETY: setrlimit is async-signal-safe; nothing else runs here.
    unsafe {
        cmd.pre_exec(move || {
            let lim = libc::rlimit {
                rlim_cur: limit,
                rlim_max: limit,
            };
            if libc::setrlimit(libc::RLIMIT_FSIZE, &lim) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Item 2: on a full disk or past `ulimit -f` the last record was cut, a
/// `.gz` output had no trailer, a `report` page was truncated, the message
/// did not name the file, and SIGXFSZ killed the process without a word.
/// Now the message names the file, the exit status is 2, and the output
/// file is as it was before the run (its previous contents, or absent):
/// what was written went to a temporary file beside it, removed.
#[test]
fn a_write_error_names_the_file_and_leaves_no_half_output() {
    let dir = scratch("trust", "full");
    let x = dir.join("x.jsonl");
    let input = records(2000);
    std::fs::write(&x, &input).unwrap();
    for name in [
        "out.jsonl",
        "out.jsonl.gz",
        "out.jsonl.zst",
        "new.jsonl",
        "report.html",
    ] {
        let out_path = dir.join(name);
        if !name.starts_with("new") {
            std::fs::write(&out_path, "previous\n").unwrap();
        }
        let before = snapshot(&dir);
        let args = if name.ends_with(".html") {
            vec!["report", p(&x), "-o", p(&out_path)]
        } else {
            vec!["--jsonl", p(&x), "-o", p(&out_path)]
        };
        let out = run_with_file_limit(&args, 2000);
        let msg = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {:?} {msg}", out.status);
        assert!(
            msg.contains(&format!("cannot write {}", p(&out_path)))
                && msg.contains("File too large"),
            "{name}: {msg}"
        );
        assert_eq!(msg.lines().count(), 1, "{name}: {msg}");
        assert!(snapshot(&dir) == before, "{name}: the files changed");
        assert_eq!(out_path.exists(), !name.starts_with("new"));
    }
    // Stdout redirected to a file (`> out`, `>> out`) is cut back to its
    // last whole record: every line is JSON, the earlier contents kept.
    for previous in ["", "previous\n"] {
        let file = dir.join("stdout.jsonl");
        std::fs::write(&file, previous).unwrap();
        let stdout = File::options().append(true).open(&file).unwrap();
        let mut cmd = Command::new(BIN);
        cmd.args(["--jsonl", p(&x)]).stdout(stdout);
        limit_files(&mut cmd, 20_000);
        let out = cmd.output().unwrap();
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("cannot write <stdout>: File too large"));
        let got = std::fs::read_to_string(&file).unwrap();
        let records = got.strip_prefix(previous).unwrap();
        assert!(
            records.len() > 10_000 && records.ends_with('\n'),
            "{}",
            records.len()
        );
        for line in records.lines() {
            serde_json::from_str::<serde_json::Value>(line).unwrap();
        }
        std::fs::remove_file(&file).unwrap();
    }
    // A device is written in place: the message names it.
    let out = run(&["--jsonl", p(&x), "-o", "/dev/full"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).starts_with("decruft: cannot write /dev/full: "),
        "{}",
        stderr(&out)
    );
    // Stdout to a full device: named as stdout.
    let out = Command::new(BIN)
        .args(["--jsonl", p(&x)])
        .stdout(File::options().write(true).open("/dev/full").unwrap())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("cannot write <stdout>"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Item 3: `decruft a.txt b.txt` glued the last line of `a.txt` to the
/// first of `b.txt` when `a.txt` had no final newline. Every file is a
/// document of its own, its output ended by a newline.
#[test]
fn plain_files_are_documents_of_their_own() {
    let dir = scratch("trust", "glued");
    let a = dir.join("a.txt");
    let b = dir.join("b.txt");
    std::fs::write(&a, format!("{}\n\n{}", paragraph(1), paragraph(2))).unwrap();
    std::fs::write(&b, format!("{}\n", paragraph(3))).unwrap();
    let both = run(&[p(&a), p(&b)]);
    assert!(both.status.success(), "{}", stderr(&both));
    let (one, two) = (run(&[p(&a)]), run(&[p(&b)]));
    assert!(
        one.stdout.ends_with(b".\n"),
        "{:?}",
        String::from_utf8_lossy(&one.stdout)
    );
    assert!(both.stdout == [one.stdout, two.stdout].concat());
    let text = String::from_utf8(both.stdout).unwrap();
    assert!(
        text.contains(&format!("{}\n{}\n", paragraph(2), paragraph(3))),
        "{text}"
    );
    let _ = std::fs::remove_dir_all(dir);
}

/// Item 4: binary input (NUL bytes, an ELF file) came out labelled `body`,
/// exit 0. A NUL byte in the first 64 KiB skips the file with a message,
/// and the run ends with exit status 2; `--text` strips it anyway.
#[test]
fn binary_files_are_skipped_with_a_message() {
    let dir = scratch("trust", "binary");
    let elf = dir.join("prog");
    let mut bytes = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0".to_vec();
    bytes.extend(format!("{}\n", paragraph(9)).as_bytes());
    std::fs::write(&elf, &bytes).unwrap();
    let txt = dir.join("a.txt");
    std::fs::write(&txt, format!("{}\n", paragraph(1))).unwrap();
    let alone = run(&[p(&txt)]);
    for mode in [&[][..], &["annotate", "--color", "never"][..]] {
        // (annotate takes one file.)
        let files = if mode.is_empty() {
            &[p(&elf), p(&txt)][..]
        } else {
            &[p(&elf)][..]
        };
        let args = [mode, files].concat();
        let out = run(&args);
        let msg = stderr(&out);
        assert_eq!(out.status.code(), Some(2), "{mode:?}: {msg}");
        assert!(msg.contains(&format!("{}: binary file", p(&elf))), "{msg}");
        if mode.is_empty() {
            assert!(out.stdout == alone.stdout);
        }
        assert!(!String::from_utf8_lossy(&out.stdout).contains("ELF"));
    }
    let text = run(&["--text", p(&elf)]);
    assert!(text.status.success());
    // From stdin too.
    let out = decruft(&[], &bytes);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("<stdin>: binary file"),
        "{}",
        stderr(&out)
    );
    let _ = std::fs::remove_dir_all(dir);
}

// ---------------------------------------------------------------------------
// Memory and silent loss on hostile input.

/// Runs decruft with `stdin` from a file and stdout discarded; its exit
/// code, stderr and peak resident memory in MB, as GNU time (/usr/bin/time,
/// which .ci/memory.sh uses too) reports it. Not wait4 on a child of this
/// process: a child spawned from it carries this process's own peak (the
/// test binary holds other tests' inputs) into its own until it execs.
fn peak(args: &[&str], stdin: &Path) -> (Option<i32>, String, u64) {
    let report = std::env::temp_dir().join(format!(
        "decruft-trust-{}-{:?}.time",
        std::process::id(),
        std::thread::current().id()
    ));
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%M", "-o", p(&report), BIN])
        .args(args)
        .stdin(File::open(stdin).unwrap())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .expect("GNU time at /usr/bin/time");
    let kb: u64 = std::fs::read_to_string(&report)
        .unwrap()
        .lines()
        .last()
        .and_then(|l| l.trim().parse().ok())
        .expect("a peak in KB");
    let _ = std::fs::remove_file(report);
    (out.status.code(), stderr(&out), kb >> 10)
}

/// A WARC record of `kind` for page `n`, with `extra` header lines.
fn warc(kind: &str, n: usize, extra: &str, block: &[u8]) -> Vec<u8> {
    let mut out = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: https://www.example.fr/article/{n}\r\n\
         WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-{n:012}>\r\n{extra}\
         Content-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    out.extend_from_slice(block);
    out.extend_from_slice(b"\r\n\r\n");
    out
}

fn page_block(n: usize) -> Vec<u8> {
    format!("Accueil\n\n{}\n", paragraph(n)).into_bytes()
}

fn urls(out: &[u8]) -> Vec<String> {
    String::from_utf8_lossy(out)
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["url"]
                .as_str()
                .unwrap()
                .rsplit('/')
                .next()
                .unwrap()
                .to_string()
        })
        .collect()
}

/// Item 5: WARC headers were collected without a limit: 60 million header
/// lines took 3.7 GB. Past 256 lines or 64 KiB the record is bad, its
/// headers read past, and the records after it are read.
#[test]
fn a_warc_header_flood_is_a_bad_record_read_in_bounded_memory() {
    let dir = scratch("trust", "flood");
    let file = dir.join("flood.warc");
    let mut f = std::io::BufWriter::new(File::create(&file).unwrap());
    f.write_all(&warc("conversion", 1, "", &page_block(1)))
        .unwrap();
    f.write_all(b"WARC/1.0\r\nWARC-Type: conversion\r\n")
        .unwrap();
    // 4 million header lines, 64 MB.
    let line = b"X-Flood: aaaaaaaa\r\n".repeat(1 << 16);
    for _ in 0..64 {
        f.write_all(&line).unwrap();
    }
    f.write_all(b"Content-Length: 5\r\n\r\nflood\r\n\r\n")
        .unwrap();
    f.write_all(&warc("conversion", 3, "", &page_block(3)))
        .unwrap();
    drop(f);
    let (code, msg, mb) = peak(&["--warc", "--on-error", "skip"], &file);
    assert_eq!(code, Some(0), "{msg}");
    assert!(
        msg.contains("skipped 1 truncated or corrupt WARC record"),
        "{msg}"
    );
    assert!(mb < 150, "{mb} MB");
    let out = run(&["--warc", "--on-error", "skip", p(&file)]);
    assert_eq!(urls(&out.stdout), ["1", "3"]);
    let fail = run(&["--warc", p(&file)]);
    assert_eq!(fail.status.code(), Some(2));
    assert!(stderr(&fail).contains("header lines"), "{}", stderr(&fail));
    let _ = std::fs::remove_dir_all(dir);
}

/// Item 6: WARC blocks were read whole (a 10 GB conversion record took
/// 4.2 GB), and under `--on-error skip` such a record lost every later
/// one. A block over `--max-record-bytes` is read past, never held, and
/// counted; the records after it are read.
#[test]
fn a_warc_block_over_the_limit_is_read_past_never_held() {
    let dir = scratch("trust", "block");
    let file = dir.join("big.warc");
    let mut f = std::io::BufWriter::new(File::create(&file).unwrap());
    f.write_all(&warc("conversion", 1, "", &page_block(1)))
        .unwrap();
    let big = format!("{}\n", paragraph(2)).repeat(400_000); // 64 MB
    f.write_all(&warc("conversion", 2, "", big.as_bytes()))
        .unwrap();
    f.write_all(&warc("conversion", 3, "", &page_block(3)))
        .unwrap();
    drop(f);
    drop(big);
    for mode in ["skip", "keep"] {
        let args = [
            "--warc",
            "--on-error",
            mode,
            "--max-record-bytes",
            "1000000",
        ];
        let (code, msg, mb) = peak(&args, &file);
        assert_eq!(code, Some(0), "{msg}");
        assert!(
            msg.contains("skipped 1 WARC conversion record whose block is over"),
            "{msg}"
        );
        assert!(mb < 150, "{mb} MB");
        let out = run(&[&args[..], &[p(&file)]].concat());
        assert_eq!(urls(&out.stdout), ["1", "3"]);
    }
    let out = run(&["--warc", "--max-record-bytes", "1000000", p(&file)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("over --max-record-bytes"),
        "{}",
        stderr(&out)
    );
    assert_eq!(urls(&out.stdout), ["1"]);
    let _ = std::fs::remove_dir_all(dir);
}

/// Item 7: a Content-Length past the end of the file swallowed every later
/// record, and under `keep` their raw WARC headers came out inside a
/// `text`. Reading resumes at the next `WARC/1.` line.
#[test]
fn a_content_length_past_the_end_costs_that_record_only() {
    let mut data = warc("conversion", 1, "", &page_block(1));
    let bad = String::from_utf8(warc("conversion", 2, "", &page_block(2))).unwrap();
    let len = page_block(2).len();
    data.extend(
        bad.replace(
            &format!("Content-Length: {len}"),
            "Content-Length: 99999999",
        )
        .bytes(),
    );
    data.extend(warc("conversion", 3, "", &page_block(3)));
    data.extend(warc("conversion", 4, "", &page_block(4)));
    let skip = decruft(&["--warc", "--on-error", "skip"], &data);
    assert!(skip.status.success(), "{}", stderr(&skip));
    assert_eq!(urls(&skip.stdout), ["1", "3", "4"]);
    let keep = decruft(&["--warc", "--on-error", "keep"], &data);
    assert!(keep.status.success(), "{}", stderr(&keep));
    assert_eq!(urls(&keep.stdout), ["1", "2", "3", "4"]);
    let text = String::from_utf8(keep.stdout).unwrap();
    assert!(
        !text.contains("WARC/1.0") && !text.contains("WARC-Type"),
        "{text}"
    );
    assert!(text.contains("warc_error"));
}

/// Item 9: one huge line outside `--jsonl` (plain text, `annotate`,
/// `learn`, `report`, `--learn`) was read whole: 4 GiB aborted. A line over
/// `--max-record-bytes` is read past with a message, in bounded memory.
#[test]
fn a_line_over_the_limit_is_read_past_in_every_mode() {
    let dir = scratch("trust", "line");
    let txt = dir.join("huge.txt");
    let mut f = std::io::BufWriter::new(File::create(&txt).unwrap());
    writeln!(f, "{}\n", paragraph(1)).unwrap();
    for _ in 0..64 {
        f.write_all(&[b'x'; 1 << 20]).unwrap(); // one line of 64 MiB
    }
    writeln!(f, "\n\n{}", paragraph(2)).unwrap();
    drop(f);
    let limit = ["--max-record-bytes", "1000000"];
    let (code, msg, mb) = peak(&limit, &txt);
    assert_eq!(code, Some(2), "{msg}");
    assert!(
        msg.contains("line 3 is 67108865 bytes long, over --max-record-bytes"),
        "{msg}"
    );
    assert!(mb < 150, "{mb} MB");
    let out = run(&[&limit[..], &[p(&txt)]].concat());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains(&paragraph(1)) && text.contains(&paragraph(2)),
        "{text}"
    );
    let (code, msg, _) = peak(&[&["annotate"][..], &limit[..]].concat(), &txt);
    assert_eq!(code, Some(2), "{msg}");

    // JSON Lines with one huge record: learn, --learn and report.
    let jsonl = dir.join("huge.jsonl");
    let mut f = std::io::BufWriter::new(File::create(&jsonl).unwrap());
    f.write_all(&records(3)).unwrap();
    f.write_all(b"{\"url\":\"https://www.example.fr/x\",\"text\":\"")
        .unwrap();
    for _ in 0..64 {
        f.write_all(&[b'x'; 1 << 20]).unwrap();
    }
    f.write_all(b"\"}\n").unwrap();
    f.write_all(&records(3)).unwrap();
    drop(f);
    let pat = dir.join("p.patterns");
    for (args, code, says) in [
        (vec!["learn", "-o", p(&pat)], 2, "over --max-record-bytes"),
        (
            vec!["learn", "--on-error", "skip", "-o", p(&pat)],
            0,
            "1 bad records skipped",
        ),
        (
            vec!["--jsonl", "--learn", "--on-error", "skip"],
            0,
            "1 bad records skipped",
        ),
        (vec!["report"], 0, "longer than --max-record-bytes"),
    ] {
        let (got, msg, mb) = peak(&[&args[..], &limit[..], &[p(&jsonl)]].concat(), &jsonl);
        assert_eq!(got, Some(code), "{args:?}: {msg}");
        assert!(msg.contains(says), "{args:?}: {msg}");
        assert!(mb < 150, "{args:?}: {mb} MB");
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A word of lowercase letters for `i`, distinct for every `i`, no digits
/// (digit runs are one line to site memory).
fn word(mut i: usize) -> String {
    let mut w = String::new();
    loop {
        w.push((b'a' + (i % 26) as u8) as char);
        i /= 26;
        if i == 0 {
            return w;
        }
    }
}

/// Item 10: `learn` memory grew with the number of sites (5 million
/// one-page sites took 1.31 GB, sites were never dropped), and one page of
/// 10 million distinct lines took 960 MB before `--site-cap` applied.
/// Both are bounded now (docs/GUIDE.md, "Site memory").
#[test]
fn learn_memory_is_bounded_in_sites_and_within_a_page() {
    let dir = scratch("trust", "learn");
    // One page of 4 million distinct lines (47 MB of JSON): 390 MB before.
    let one = dir.join("one.jsonl");
    let mut text = String::new();
    for i in 0..4_000_000 {
        text.push_str("line ");
        text.push_str(&word(i));
        text.push('\n');
    }
    let rec = serde_json::json!({"url": "https://a.example/1", "text": text});
    drop(text);
    std::fs::write(&one, serde_json::to_vec(&rec).unwrap()).unwrap();
    drop(rec);
    let pat = dir.join("p.pat");
    let (code, msg, mb) = peak(&["learn", "-o", p(&pat), p(&one)], &one);
    assert_eq!(code, Some(0), "{msg}");
    assert!(
        mb < 250,
        "one page of 4 million lines: {mb} MB (390 MB before)"
    );
    // 300,000 one-page sites, 16,384 sites held at most.
    let many = dir.join("many.jsonl");
    let mut f = std::io::BufWriter::new(File::create(&many).unwrap());
    for i in 0..300_000 {
        let (a, b) = (word(i), word(i + 7));
        writeln!(
            f,
            r#"{{"url":"https://{a}.example/1","text":"Accueil\nline {a}\nautre {b}\n"}}"#
        )
        .unwrap();
    }
    drop(f);
    let args = ["learn", "--max-lines", "262144", "-o", p(&pat), p(&many)];
    let (code, msg, mb) = peak(&args, &many);
    assert_eq!(code, Some(0), "{msg}");
    assert!(mb < 40, "300,000 sites: {mb} MB (68 MB before)");
    let loaded = decruft::Patterns::from_bytes(&std::fs::read(&pat).unwrap()).unwrap();
    assert!(loaded.sites() <= 262_144 / 16, "{}", loaded.sites());
    let _ = std::fs::remove_dir_all(dir);
}

// ---------------------------------------------------------------------------
// Item 17: smaller points.

/// The `--flags` a help text names outside its own option list, leaving
/// out other commands quoted whole (`decruft --jsonl --labels`).
fn foreign_flags(help: &str) -> Vec<String> {
    let flag = |s: &str| -> Option<String> {
        let name: String = s
            .strip_prefix("--")?
            .chars()
            .take_while(|c| c.is_ascii_lowercase() || *c == '-')
            .collect();
        (!name.is_empty()).then_some(name)
    };
    let mut own = Vec::new();
    let mut named = Vec::new();
    for line in help.lines() {
        let t = line.trim_start();
        // A short form first (`-o, --output`).
        let t = match t.as_bytes() {
            [b'-', c, b',', b' ', ..] if c.is_ascii_alphabetic() => &t[4..],
            _ => t,
        };
        if line.starts_with("  ") && t.starts_with("--") {
            own.extend(flag(t));
        }
        let mut rest = line;
        while let Some(at) = rest.find("--") {
            let quoted = rest[..at].ends_with("decruft ");
            let tail = &rest[at..];
            if quoted {
                // Another command, quoted to its end.
                let end = tail.find([',', '.', ')']).unwrap_or(tail.len());
                rest = &tail[end..];
                continue;
            }
            named.extend(flag(tail));
            rest = &tail[2..];
        }
    }
    named.retain(|n| !own.contains(n));
    named.sort();
    named.dedup();
    named
}

/// `report` help named `--url-field`, which report refuses; `annotate` and
/// `report` help named `--learn`, which neither has. Each command's help
/// names only the flags it takes.
#[test]
fn help_names_only_the_flags_its_command_takes() {
    for cmd in ["annotate", "report", "learn", "eval", "train", "label"] {
        let out = run(&["help", cmd]);
        let help = String::from_utf8(out.stdout).unwrap();
        assert_eq!(
            foreign_flags(&help),
            Vec::<String>::new(),
            "decruft help {cmd}"
        );
    }
}

/// `annotate -o` was refused; `-o out.xz` wrote plain text under an xz
/// name; messages said "1 record lost over 95% of their words".
#[test]
fn outputs_and_messages_say_what_they_are() {
    let dir = scratch("trust", "small");
    let txt = dir.join("a.txt");
    std::fs::write(&txt, format!("Accueil\n\n{}\n", paragraph(1))).unwrap();
    let ann = dir.join("a.ann");
    let out = run(&["annotate", p(&txt), "-o", p(&ann)]);
    assert!(out.status.success(), "{}", stderr(&out));
    let shown = std::fs::read_to_string(&ann).unwrap();
    // The page's kind, then its three lines.
    assert_eq!(shown.lines().count(), 4, "{shown}");
    assert!(!shown.contains('\x1b'), "no colour in a file");
    for name in ["out.xz", "out.jsonl.bz2", "out.zip"] {
        let o = dir.join(name);
        let out = run(&["--jsonl", p(&txt), "-o", p(&o)]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        assert!(
            stderr(&out).contains("decruft does not write"),
            "{}",
            stderr(&out)
        );
        assert!(!o.exists());
    }
    let xz = dir.join("in.txt.xz");
    std::fs::write(&xz, b"\xfd7zXZ\0rest").unwrap();
    let out = run(&[p(&xz)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("xz-compressed"), "{}", stderr(&out));
    // One record of a menu only: "its words".
    let menu = "Accueil\nActualités\nSport\nContact\nPartager sur Facebook\n".repeat(12);
    let rec = serde_json::json!({"id": 1, "text": menu});
    let out = decruft(&["--jsonl"], format!("{rec}\n").as_bytes());
    assert!(out.status.success());
    let msg = stderr(&out);
    assert!(msg.contains("1 record lost over 95% of its words"), "{msg}");
    let _ = std::fs::remove_dir_all(dir);
}

/// The lines and lines kept of a label in a report's "Per label" table.
fn label_row(html: &str, label: &str) -> (u64, u64) {
    let row = &html[html.find(&format!("<tr data-label=\"{label}\"")).unwrap()..];
    let row = &row[..row.find("</tr>").unwrap()];
    let cells: Vec<u64> = row
        .split("<td>")
        .skip(2)
        .take(2)
        .map(|c| c[..c.find('<').unwrap()].parse().unwrap())
        .collect();
    (cells[0], cells[1])
}

/// A report built from `--labels` output showed kept = 0 for every label.
/// It counts the lines of the labels kept, as a report of the same pages
/// unstripped does.
#[test]
fn a_report_of_labelled_output_counts_the_lines_kept() {
    let raw = records(40);
    let labelled = decruft(&["--jsonl", "--labels"], &raw);
    assert!(labelled.status.success());
    let direct = decruft(&["report"], &raw);
    let from_labels = decruft(&["report"], &labelled.stdout);
    assert!(direct.status.success() && from_labels.status.success());
    let (a, b) = (
        String::from_utf8(direct.stdout).unwrap(),
        String::from_utf8(from_labels.stdout).unwrap(),
    );
    for label in ["body", "navigation", "share"] {
        assert_eq!(label_row(&a, label), label_row(&b, label), "{label}");
    }
    assert!(label_row(&b, "body").1 > 0);
}

/// Item 16: the README's examples as written. Its first example, `cat
/// page.txt` then `decruft page.txt`, is what decruft prints on that page.
/// (Its Rust example is a doctest: `ReadmeDoctests` in src/lib.rs.)
#[test]
fn the_readme_example_is_what_decruft_prints() {
    let readme = std::fs::read_to_string("../README.md").unwrap();
    let block = &readme[readme.find("```text\n").unwrap() + 8..];
    let block = &block[..block.find("```").unwrap()];
    let (input, output) = block
        .strip_prefix("$ cat page.txt\n")
        .and_then(|b| b.split_once("$ decruft page.txt\n"))
        .expect("the README's example: cat page.txt, then decruft page.txt");
    let got = decruft(&[], input.as_bytes());
    assert!(got.status.success(), "{}", stderr(&got));
    assert_eq!(String::from_utf8(got.stdout).unwrap(), output);
}

/// Inputs are checked before any output is opened, but a named pipe is
/// not opened for the check: its writer would get SIGPIPE when the check
/// closed it. `decruft FIFO` reads what is written to it.
#[test]
fn a_named_pipe_is_read_once() {
    let dir = scratch("trust", "fifo");
    let fifo = dir.join("pages.fifo");
    let c = std::ffi::CString::new(p(&fifo)).unwrap();
    // SAFETY: a NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let text = format!("Accueil\n\n{}\n", paragraph(5));
    let writer = {
        let (fifo, text) = (fifo.clone(), text.clone());
        std::thread::spawn(move || {
            let mut f = File::options().write(true).open(&fifo).unwrap();
            f.write_all(text.as_bytes()).unwrap();
        })
    };
    // (Before, the check's open and close lost the pipe's contents, and
    // decruft then waited for a writer for ever: a deadline.)
    let mut child = Command::new(BIN)
        .arg(&fifo)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > std::time::Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("decruft still waits for the pipe after 30 s");
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    writer.join().expect("the writer was not cut off");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        format!("{}\n", paragraph(5))
    );
    let _ = std::fs::remove_dir_all(dir);
}
