//! Outputs that would destroy inputs, refused before anything is opened
//! for writing.
//!
//! `decruft --jsonl x.jsonl -o x.jsonl` would read a file it is replacing.
//! As `sort -o` and zstd do, every output is compared with every input by
//! device and inode (so `./x.jsonl`, a symbolic or hard link and `.gz`
//! names are caught alike), and two outputs with each other (`-o r.jsonl
//! --rejected ./r.jsonl` would interleave into one corrupt file); stdout
//! too when it is a file (`decruft x.jsonl >> x.jsonl` would read its own
//! output for ever). Then every input is opened once, so that a missing
//! one stops the run before any output exists.

use std::fs::{File, Metadata};
use std::io;
use std::path::{Path, PathBuf};

use crate::Failure;

/// What names a file: its device and inode when it exists, else the path
/// it would be created at (its directory resolved).
#[derive(Debug, PartialEq, Eq)]
enum Identity {
    Inode(u64, u64),
    Path(PathBuf),
}

#[cfg(unix)]
fn inode(meta: &Metadata, _path: &Path) -> Option<Identity> {
    use std::os::unix::fs::MetadataExt;
    Some(Identity::Inode(meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn inode(_meta: &Metadata, path: &Path) -> Option<Identity> {
    std::fs::canonicalize(path).ok().map(Identity::Path)
}

/// The identity of an existing regular file (through links); `None` for
/// anything else (a device, a pipe: writing one cannot destroy a file).
fn of_existing(path: &Path) -> Option<Identity> {
    let meta = std::fs::metadata(path).ok()?;
    meta.is_file().then(|| inode(&meta, path)).flatten()
}

/// The identity of an output: the file it replaces, or where it will be.
fn of_output(path: &str) -> Option<Identity> {
    let p = Path::new(path);
    match std::fs::metadata(p) {
        Ok(meta) if meta.is_file() => inode(&meta, p),
        Ok(_) => None,
        Err(_) => {
            let dir = match p.parent() {
                Some(d) if !d.as_os_str().is_empty() => d,
                _ => Path::new("."),
            };
            let dir = std::fs::canonicalize(dir).ok()?;
            Some(Identity::Path(dir.join(p.file_name()?)))
        }
    }
}

/// The identity of stdin or stdout when it is a regular file.
#[cfg(unix)]
fn of_stream(fd: std::os::fd::BorrowedFd<'_>) -> Option<Identity> {
    let meta = File::from(fd.try_clone_to_owned().ok()?).metadata().ok()?;
    meta.is_file()
        .then(|| inode(&meta, Path::new("")))
        .flatten()
}

fn of_stdin() -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        of_stream(io::stdin().as_fd())
    }
    #[cfg(not(unix))]
    None
}

fn of_stdout() -> Option<Identity> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        of_stream(io::stdout().as_fd())
    }
    #[cfg(not(unix))]
    None
}

/// What a run reads and writes.
pub struct Files<'a> {
    /// Input files; `-` is stdin.
    pub inputs: Vec<&'a str>,
    /// Output files, each with the flag that names it (`-o`, `--rejected`).
    pub outputs: Vec<(&'static str, &'a str)>,
    /// Whether the run writes its records to stdout.
    pub stdout: bool,
}

/// Refuses a run that would write over one of its inputs, or write two
/// outputs into one file; then opens every input once (and closes it), so
/// that an input that cannot be read stops the run before any output is
/// created.
pub fn check(files: &Files<'_>) -> Result<(), Failure> {
    let inputs: Vec<(&str, Option<Identity>)> = files
        .inputs
        .iter()
        .map(|&name| {
            let id = if name == "-" {
                of_stdin()
            } else {
                of_existing(Path::new(name))
            };
            (name, id)
        })
        .collect();
    let shown = |name: &str| {
        if name == "-" {
            "stdin".to_string()
        } else {
            name.to_string()
        }
    };
    let mut seen: Vec<(&str, &str, Identity)> = Vec::new();
    for &(flag, path) in &files.outputs {
        if path == "-" {
            continue;
        }
        let Some(id) = of_output(path) else { continue };
        if let Some((name, _)) = inputs.iter().find(|(_, i)| i.as_ref() == Some(&id)) {
            return Err(Failure::new(format!(
                "{flag} {path} is also an input ({}): refusing to write over it",
                shown(name)
            )));
        }
        if let Some((other_flag, other, _)) = seen.iter().find(|(_, _, i)| *i == id) {
            return Err(Failure::new(format!(
                "{other_flag} {other} and {flag} {path} name the same file"
            )));
        }
        seen.push((flag, path, id));
    }
    if files.stdout {
        if let Some(id) = of_stdout() {
            if let Some((name, _)) = inputs.iter().find(|(_, i)| i.as_ref() == Some(&id)) {
                return Err(Failure::new(format!(
                    "stdout is also an input ({}): refusing to write over it (use -o FILE)",
                    shown(name)
                )));
            }
        }
    }
    for &(name, _) in &inputs {
        if name == "-" {
            continue;
        }
        let fail = |e: io::Error| Failure::new(format!("{name}: {e}"));
        // A regular file is opened (it exists and may be read); a named
        // pipe or a device only looked at: opening and closing a pipe's
        // read end would let its writer fail with SIGPIPE before decruft
        // opens it again to read.
        if std::fs::metadata(name).map_err(fail)?.is_file() {
            File::open(name).map_err(fail)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_one_file_are_one_identity() {
        let dir = std::env::temp_dir().join(format!("decruft-paths-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("x.jsonl");
        std::fs::write(&file, "{}\n").unwrap();
        let dotted = dir.join(".").join("x.jsonl");
        assert_eq!(of_existing(&file), of_existing(&dotted));
        assert_eq!(of_output(file.to_str().unwrap()), of_existing(&file));
        let new = dir.join("new.jsonl");
        let new_dotted = dir.join(".").join("new.jsonl");
        assert_eq!(
            of_output(new.to_str().unwrap()),
            of_output(new_dotted.to_str().unwrap())
        );
        assert_ne!(
            of_output(new.to_str().unwrap()),
            of_output(file.to_str().unwrap())
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
