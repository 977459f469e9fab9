//! Running the command: with piped streams, to the end or until the first
//! output line.

use std::io::{BufRead, BufReader, Read, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

pub const BIN: &str = env!("CARGO_BIN_EXE_decruft");

/// A fresh directory for one test's files: `group` (the test file) and
/// `name` (the test) keep tests that run at once apart.
pub fn scratch(group: &str, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("decruft-{group}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `decruft ARGS` with no stdin.
pub fn run(args: &[&str]) -> Output {
    Command::new(BIN).args(args).output().expect("run decruft")
}

/// What the command wrote on stderr, as text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Starts `decruft ARGS` with stdin, stdout and stderr piped.
pub fn spawn(args: &[&str]) -> Child {
    Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run decruft")
}

/// Runs `decruft ARGS` with `input` on stdin.
pub fn decruft(args: &[&str], input: &[u8]) -> Output {
    let mut child = spawn(args);
    let mut stdin = child.stdin.take().unwrap();
    std::thread::scope(|scope| {
        // Write from another thread: the child may write before it has read
        // everything. It may also stop reading (an error): ignore EPIPE.
        scope.spawn(move || {
            let _ = stdin.write_all(input);
        });
        child.wait_with_output().expect("wait for decruft")
    })
}

/// Runs decruft with `args` on `input`, reads the first output line (with
/// its newline) and closes stdout, as `| head -1` does; checks that decruft
/// then exits 0 without a word on stderr.
pub fn first_line_then_close(args: &[&str], input: Vec<u8>) -> Vec<u8> {
    let mut child = spawn(args);
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let mut stdout = BufReader::new(child.stdout.take().unwrap());
    let mut first = Vec::new();
    stdout.read_until(b'\n', &mut first).unwrap();
    drop(stdout);
    let mut stderr = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    let status = child.wait().unwrap();
    writer.join().unwrap();
    assert_eq!(stderr, "", "decruft complained about the closed pipe");
    assert_eq!(status.code(), Some(0), "{status:?}");
    first
}
