//! Inputs as a corpus pipeline has them: plain, gzip or zstandard, files or
//! stdin.
//!
//! An input is decompressed when it starts with the gzip or zstandard magic
//! bytes, whatever its name (stdin too); a file named `.gz` or `.zst` that
//! does not is an error rather than text read as it is, and so is one
//! compressed in a way decruft does not read (xz, bzip2, lz4, zip: by its
//! name or its first bytes). Several gzip members or zstd frames one after
//! the other (how WET files and parallel compressors write) read as one
//! stream; a broken compressed stream is a read error naming the byte of
//! the file where it broke.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, Read};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::Duration;

use crate::Failure;

/// How a stream is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

/// Compressions decruft neither reads nor writes: their file name endings
/// and their magic bytes.
const FOREIGN: &[(&str, &[&str], &[u8])] = &[
    ("xz", &[".xz", ".txz"], &[0xfd, b'7', b'z', b'X', b'Z', 0]),
    ("lzma", &[".lzma"], &[]),
    ("bzip2", &[".bz2", ".tbz2"], b"BZh"),
    ("lz4", &[".lz4"], &[0x04, 0x22, 0x4d, 0x18]),
    ("lzip", &[".lz"], b"LZIP"),
    ("brotli", &[".br"], &[]),
    ("compress", &[".Z"], &[0x1f, 0x9d]),
    (
        "snappy",
        &[".sz"],
        &[0xff, 0x06, 0, 0, b's', b'N', b'a', b'P', b'p', b'Y'],
    ),
    ("zip", &[".zip"], &[b'P', b'K', 3, 4]),
    ("7z", &[".7z"], &[b'7', b'z', 0xbc, 0xaf, 0x27, 0x1c]),
];

impl Compression {
    /// What a file's name says, for compressions decruft reads and writes.
    fn of_name(name: &str) -> Compression {
        if name.ends_with(".gz") {
            Compression::Gzip
        } else if name.ends_with(".zst") || name.ends_with(".zstd") {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    /// The compression of an output file, by its name: a name that says a
    /// compression decruft does not write is an error, not plain text under
    /// a misleading name.
    pub fn of_output(name: &str) -> Result<Compression, Failure> {
        if let Some(kind) = foreign_name(name) {
            return Err(Failure::new(format!(
                "{name}: decruft does not write {kind}: name the output .gz (gzip) or .zst \
                 (zstandard), or without a compression ending for plain text"
            )));
        }
        Ok(Compression::of_name(name))
    }

    /// What a stream's first bytes say.
    fn of_magic(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }

    fn name(self) -> &'static str {
        match self {
            Compression::None => "plain",
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

/// The compression decruft does not read or write that a name says.
fn foreign_name(name: &str) -> Option<&'static str> {
    FOREIGN
        .iter()
        .find(|(_, ends, _)| ends.iter().any(|e| name.ends_with(e)))
        .map(|(kind, _, _)| *kind)
}

/// The compression decruft does not read that a stream's first bytes say.
fn foreign_magic(head: &[u8]) -> Option<&'static str> {
    FOREIGN
        .iter()
        .find(|(_, _, magic)| !magic.is_empty() && head.starts_with(magic))
        .map(|(kind, _, _)| *kind)
}

/// An opened input: its name for messages, its decompressed bytes, and
/// whether they start like a WARC file.
pub struct Input {
    pub name: String,
    pub reader: Box<dyn BufRead + Send>,
    pub warc: bool,
}

/// How far the start of a binary file is read for NUL bytes (as ripgrep
/// and git look at the first block).
pub const BINARY_HEAD: usize = 64 << 10;

impl Input {
    /// Whether the first [`BINARY_HEAD`] bytes (decompressed) hold a NUL
    /// byte: a binary file (an executable, an image), not text. Reads them
    /// and gives them back.
    pub fn looks_binary(&mut self) -> io::Result<bool> {
        let reader = std::mem::replace(&mut self.reader, Box::new(io::empty()));
        let (head, rest) = peek(reader, BINARY_HEAD)?;
        let binary = head.contains(&0);
        self.reader = Box::new(BufReader::with_capacity(BUF, rest));
        Ok(binary)
    }
}

/// Reads up to `n` bytes from the start of `r` (fewer only at its end),
/// and gives them back in front of the rest.
fn peek(mut r: impl Read + Send + 'static, n: usize) -> io::Result<(Vec<u8>, impl Read + Send)> {
    let mut head = vec![0; n];
    let mut got = 0;
    while got < n {
        match r.read(&mut head[got..]) {
            Ok(0) => break,
            Ok(k) => got += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    head.truncate(got);
    Ok((head.clone(), Cursor::new(head).chain(r)))
}

const BUF: usize = 1 << 20;

/// Opens `name` ("-" for stdin), decompressing it if it is compressed.
pub fn open(name: &str) -> Result<Input, Failure> {
    let (shown, raw): (String, Box<dyn Read + Send>) = if name == "-" {
        ("<stdin>".into(), Box::new(Stdin::new()))
    } else {
        let f = File::open(name).map_err(|e| Failure::new(format!("{name}: {e}")))?;
        (name.to_string(), Box::new(f))
    };
    let err = |e: io::Error| Failure::new(format!("{shown}: {e}"));
    let (head, raw) = peek(raw, 16).map_err(err)?;
    let found = Compression::of_magic(&head);
    let named = if name == "-" {
        Compression::None
    } else {
        Compression::of_name(name)
    };
    if found == Compression::None {
        let foreign =
            foreign_magic(&head).or_else(|| (name != "-").then(|| foreign_name(name)).flatten());
        if let Some(kind) = foreign {
            return Err(Failure::new(format!(
                "{shown}: {kind}-compressed: decruft reads gzip and zstandard (decompress it \
                 first, e.g. {kind} -dc FILE | decruft ...)"
            )));
        }
    }
    if named != Compression::None && found != named && !head.is_empty() {
        return Err(Failure::new(format!(
            "{shown}: not {} data (its name says it is; it starts with {:02x?})",
            named.name(),
            &head[..head.len().min(4)]
        )));
    }
    // Bytes of the file read so far, to say where a broken stream broke.
    let consumed = Arc::new(AtomicU64::new(0));
    let counted = Counted {
        inner: raw,
        n: Arc::clone(&consumed),
    };
    let decoded: Box<dyn Read + Send> = match found {
        Compression::None => Box::new(counted),
        // Multi-member: WET files are one gzip member per record.
        Compression::Gzip => Box::new(Broken {
            inner: flate2::read::MultiGzDecoder::new(BufReader::with_capacity(BUF, counted)),
            kind: "gzip",
            consumed,
        }),
        Compression::Zstd => Box::new(Broken {
            inner: zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(BUF, counted))
                .map_err(err)?,
            kind: "zstd",
            consumed,
        }),
    };
    let (head, decoded) = peek(decoded, 8).map_err(err)?;
    Ok(Input {
        name: shown,
        reader: Box::new(BufReader::with_capacity(BUF, decoded)),
        warc: head.starts_with(b"WARC/1."),
    })
}

/// A reader that counts the bytes read through it.
struct Counted<R> {
    inner: R,
    n: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.n.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// A decompressor whose errors say where in the file the stream broke: a
/// broken compressed stream is a read error, never the end of the input.
struct Broken<R> {
    inner: R,
    kind: &'static str,
    consumed: Arc<AtomicU64>,
}

impl<R: Read> Read for Broken<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.inner.read(buf).map_err(|e| {
            if e.kind() == io::ErrorKind::Interrupted {
                return e;
            }
            let at = self.consumed.load(Ordering::Relaxed);
            let what = if e.kind() == io::ErrorKind::UnexpectedEof {
                "cut short"
            } else {
                "corrupt"
            };
            io::Error::new(
                e.kind(),
                format!(
                    "{} stream {what} (within the first {at} bytes of the file, as read): {e}",
                    self.kind
                ),
            )
        })
    }
}

/// Stdin, read by a thread of its own so that a read returns end of input
/// soon after a signal (SIGINT, SIGTERM) even while no input comes: a
/// filter whose producer is idle still stops promptly.
struct Stdin {
    pieces: mpsc::Receiver<io::Result<Vec<u8>>>,
    piece: Vec<u8>,
    at: usize,
}

impl Stdin {
    fn new() -> Stdin {
        let (tx, pieces) = mpsc::sync_channel(4);
        std::thread::spawn(move || {
            let mut stdin = io::stdin().lock();
            loop {
                let mut piece = vec![0; 1 << 16];
                let sent = match stdin.read(&mut piece) {
                    Ok(0) => return,
                    Ok(n) => {
                        piece.truncate(n);
                        tx.send(Ok(piece))
                    }
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                    Err(e) => {
                        let _ = tx.send(Err(e));
                        return;
                    }
                };
                if sent.is_err() {
                    return;
                }
            }
        });
        Stdin {
            pieces,
            piece: Vec::new(),
            at: 0,
        }
    }
}

impl Read for Stdin {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at == self.piece.len() {
            if crate::io::signals::received().is_some() {
                return Ok(0);
            }
            match self.pieces.recv_timeout(Duration::from_millis(50)) {
                Ok(piece) => {
                    self.piece = piece?;
                    self.at = 0;
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => return Ok(0),
            }
        }
        let n = buf.len().min(self.piece.len() - self.at);
        buf[..n].copy_from_slice(&self.piece[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Each named file, or stdin when there are none ("-" is stdin too).
pub fn inputs(files: &[String]) -> impl Iterator<Item = Result<Input, Failure>> + '_ {
    let stdin = files.is_empty().then(|| "-".to_string());
    files.iter().cloned().chain(stdin).map(|name| open(&name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compression_by_name_and_magic() {
        assert_eq!(Compression::of_name("a.jsonl.gz"), Compression::Gzip);
        assert_eq!(Compression::of_name("a.jsonl.zst"), Compression::Zstd);
        assert_eq!(Compression::of_name("a.jsonl"), Compression::None);
        assert_eq!(
            Compression::of_magic(&[0x1f, 0x8b, 8, 0]),
            Compression::Gzip
        );
        assert_eq!(
            Compression::of_magic(&[0x28, 0xb5, 0x2f, 0xfd]),
            Compression::Zstd
        );
        assert_eq!(Compression::of_magic(b"{\"id\""), Compression::None);
        assert_eq!(Compression::of_magic(b""), Compression::None);
    }

    #[test]
    fn peek_gives_the_bytes_back() {
        for n in [0, 1, 4, 100] {
            let (head, rest) = peek(Cursor::new(b"WARC/1.0\r\n".to_vec()), n).unwrap();
            assert_eq!(head, &b"WARC/1.0\r\n"[..n.min(10)]);
            let mut all = Vec::new();
            let mut rest = rest;
            rest.read_to_end(&mut all).unwrap();
            assert_eq!(all, b"WARC/1.0\r\n");
        }
    }
}
