//! The command line: help, flags that do not apply, exit codes, colour,
//! thread-count invariance.

use crate::run::decruft;

/// A stream of several thousand records (more than one batch), built from
/// the seeds with variations, so that batches and threads interleave.
fn stream() -> Vec<u8> {
    let mut seeds: Vec<String> = std::fs::read_dir("../seeds")
        .unwrap()
        .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    let mut out = Vec::new();
    for i in 0..5000 {
        let seed = &seeds[i % seeds.len()];
        let cut = (i * 37) % seed.len().max(1);
        let cut = (0..=cut)
            .rev()
            .find(|&c| seed.is_char_boundary(c))
            .unwrap_or(0);
        let text = format!("Menu {i}\n{}\n\nPartager sur Facebook\n", &seed[cut..]);
        serde_json::to_writer(
            &mut out,
            &serde_json::json!({"id": i, "text": text, "n": [i, i * 2]}),
        )
        .unwrap();
        out.push(b'\n');
    }
    out
}

#[test]
fn output_is_identical_whatever_the_thread_count() {
    let input = stream();
    let one = decruft(&["--jsonl", "--labels", "--threads", "1"], &input);
    assert!(
        one.status.success(),
        "{}",
        String::from_utf8_lossy(&one.stderr)
    );
    assert_eq!(one.stdout.iter().filter(|&&b| b == b'\n').count(), 5000);
    let many = decruft(&["--jsonl", "--labels", "--threads", "3"], &input);
    assert!(many.status.success());
    assert!(one.stdout == many.stdout, "--threads 3 changed the output");
}

#[test]
fn every_command_has_help() {
    for args in [
        &["--help"][..],
        &["annotate", "--help"],
        &["eval", "--help"],
        &["train", "--help"],
        &["label", "--help"],
        &["help"],
        &["help", "annotate"],
        &["report", "--help"],
        &["help", "report"],
    ] {
        let out = decruft(args, b"");
        assert!(out.status.success(), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage"),
            "{args:?}"
        );
    }
}

#[test]
fn errors_exit_2_with_one_line() {
    for args in [
        &["--nope"][..],
        &["--keep", "bogus"],
        &["--threshold", "x"],
        &["missing-file.txt"],
        &["train", "x.jsonl"],
        &["help", "nope"],
        // Flags that do not apply to the mode.
        &["--labels", "page.txt"],
        &["--field", "body"],
        &["--threads", "2"],
        &["--on-error", "skip"],
        &["--jsonl", "--threads", "0"],
        &["eval", "--cv", "5", "--model", "m.json", "x.jsonl"],
        &["train", "x.jsonl", "-o", "m.json", "--heuristics"],
        &[
            "train",
            "x.jsonl",
            "-o",
            "m.json",
            "--keep",
            "body",
            "--threshold",
            "3",
        ],
        &["annotate", "--jsonl"],
    ] {
        let out = decruft(args, b"");
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.starts_with("decruft: ") && err.trim_end().lines().count() == 1,
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_bad_model_file_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("decruft-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("model.json");
    std::fs::write(&path, "{\"format\":\"decruft-model\",\"version\":1}").unwrap();
    let out = decruft(&["--model", path.to_str().unwrap()], b"text\n");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad model"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn strips_a_seed_like_the_library() {
    let text = std::fs::read("../seeds/003_1f7848a26ced4f19.txt").unwrap();
    let out = decruft(&[], &text);
    assert!(out.status.success());
    let stripper = ::decruft::Stripper::new();
    assert_eq!(out.stdout, stripper.strip_bytes(&text).bytes());
}

#[test]
fn help_command_prints_the_help() {
    let help = decruft(&["help"], b"");
    assert_eq!(help.stdout, decruft(&["--help"], b"").stdout);
    let train = decruft(&["help", "train"], b"");
    assert_eq!(train.stdout, decruft(&["train", "--help"], b"").stdout);
}

#[test]
fn annotate_colours_only_when_asked_or_on_a_terminal() {
    let page = b"Accueil\n\nLe pr\xc3\xa9sident a d\xc3\xa9clar\xc3\xa9 jeudi qu'il \xc3\xa9tait pr\xc3\xaat \xc3\xa0 reprendre le dialogue avec son homologue.\n";
    let always = decruft(&["annotate", "--color", "always"], page);
    assert!(always.stdout.contains(&0x1b));
    // Not a terminal: no colour (on one, NO_COLOR turns it off too).
    for args in [&["annotate"][..], &["annotate", "--color", "never"]] {
        let out = decruft(args, page);
        assert!(!out.stdout.contains(&0x1b), "{args:?}");
    }
}

#[test]
fn json_files_read_as_plain_text_get_a_warning() {
    let dir = std::env::temp_dir().join(format!("decruft-warn-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("pages.jsonl");
    std::fs::write(&path, "{\"text\":\"Accueil\"}\n").unwrap();
    let path = path.to_str().unwrap();
    let plain = decruft(&[path], b"");
    let jsonl = decruft(&["--jsonl", path], b"");
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(plain.status.success());
    let err = String::from_utf8_lossy(&plain.stderr);
    assert!(
        err.starts_with(&format!("decruft: warning: {path} is read as plain text")),
        "{err}"
    );
    assert!(jsonl.status.success() && jsonl.stderr.is_empty());
}

/// Issue 13: the loss guard was only in --jsonl: `decruft FILE` emptied a
/// page with no word on stderr.
#[test]
fn plain_mode_warns_when_a_page_loses_nearly_everything() {
    let menu = "Accueil\nActualités\nSport\nContact\n".repeat(20);
    let out = decruft(&[], menu.as_bytes());
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.starts_with("decruft: warning: <stdin>: stripping removed 100% of its words"),
        "{err}"
    );
    let page = std::fs::read("../seeds/003_1f7848a26ced4f19.txt").unwrap();
    assert!(decruft(&[], &page).stderr.is_empty());
}

/// Issue 13: `decruft --help | head -c 10` panicked (exit 101) and
/// `decruft label … | head` printed an error and exited 2. A closed stdout
/// ends them quietly.
#[test]
fn help_and_label_end_quietly_on_a_closed_stdout() {
    use std::io::Read;
    for args in [&["--help"][..], &["--version"]] {
        let mut child = crate::run::spawn(args);
        drop(child.stdout.take());
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        let status = child.wait().unwrap();
        assert_eq!(status.code(), Some(0), "{args:?}: {err}");
        assert_eq!(err, "", "{args:?}");
    }
    let dir = std::env::temp_dir().join(format!("decruft-label-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gold = dir.join("gold.jsonl");
    let mut data = String::new();
    for i in 0..3000 {
        let doc = serde_json::json!({
            "id": i.to_string(), "text": "Titre\nUn paragraphe.\n",
            "body": "Un paragraphe.",
        });
        data.push_str(&doc.to_string());
        data.push('\n');
    }
    std::fs::write(&gold, data).unwrap();
    let first = crate::run::first_line_then_close(&["label", gold.to_str().unwrap()], Vec::new());
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(first.ends_with(b"\n"));
}

/// Issue 13: `train` on an empty or label-free file wrote a model that
/// deleted everything. It is refused.
#[test]
fn train_refuses_data_without_labels() {
    let dir = std::env::temp_dir().join(format!("decruft-train-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let empty = dir.join("empty.jsonl");
    std::fs::write(&empty, "").unwrap();
    let unlabelled = dir.join("unlabelled.jsonl");
    std::fs::write(
        &unlabelled,
        "{\"id\":\"1\",\"group\":\"g\",\"text\":\"a\\nb\\n\",\"labels\":[null,null]}\n",
    )
    .unwrap();
    let model = dir.join("model.json");
    for data in [&empty, &unlabelled] {
        let out = decruft(
            &[
                "train",
                data.to_str().unwrap(),
                "-o",
                model.to_str().unwrap(),
            ],
            b"",
        );
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{data:?}: {err}");
        assert!(err.contains("nothing to learn from"), "{err}");
        assert!(!model.exists());
    }
    std::fs::remove_dir_all(&dir).unwrap();
}
