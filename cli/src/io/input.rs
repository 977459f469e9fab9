//! Inputs and outputs as a corpus pipeline has them: plain, gzip or
//! zstandard, files or the standard streams.
//!
//! An input is decompressed when it starts with the gzip or zstandard magic
//! bytes, whatever its name (stdin too); a file named `.gz` or `.zst` that
//! does not is an error rather than text read as it is. Several gzip members
//! or zstd frames one after the other (how WET files and parallel
//! compressors write) read as one stream. An output file is compressed by
//! its extension.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Cursor, IsTerminal, Read, Write};
use std::sync::mpsc;
use std::time::Duration;

use crate::Failure;

/// How a stream is compressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Compression {
    None,
    Gzip,
    Zstd,
}

impl Compression {
    /// What a file's name says.
    pub fn of_name(name: &str) -> Compression {
        if name.ends_with(".gz") {
            Compression::Gzip
        } else if name.ends_with(".zst") || name.ends_with(".zstd") {
            Compression::Zstd
        } else {
            Compression::None
        }
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

/// An opened input: its name for messages, its decompressed bytes, and
/// whether they start like a WARC file.
pub struct Input {
    pub name: String,
    pub reader: Box<dyn BufRead + Send>,
    pub warc: bool,
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

/// Opens `name` ("-" for stdin), decompressing it if it is compressed.
pub fn open(name: &str) -> Result<Input, Failure> {
    let (shown, raw): (String, Box<dyn Read + Send>) = if name == "-" {
        ("<stdin>".into(), Box::new(Stdin::new()))
    } else {
        let f = File::open(name).map_err(|e| Failure::new(format!("{name}: {e}")))?;
        (name.to_string(), Box::new(f))
    };
    let err = |e: io::Error| Failure::new(format!("{shown}: {e}"));
    let (head, raw) = peek(raw, 4).map_err(err)?;
    let found = Compression::of_magic(&head);
    let named = if name == "-" {
        Compression::None
    } else {
        Compression::of_name(name)
    };
    if named != Compression::None && found != named && !head.is_empty() {
        return Err(Failure::new(format!(
            "{shown}: not {} data (its name says it is; it starts with {:02x?})",
            named.name(),
            head
        )));
    }
    const BUF: usize = 1 << 20;
    let decoded: Box<dyn Read + Send> = match found {
        Compression::None => Box::new(raw),
        // Multi-member: WET files are one gzip member per record.
        Compression::Gzip => Box::new(flate2::read::MultiGzDecoder::new(BufReader::with_capacity(
            BUF, raw,
        ))),
        Compression::Zstd => Box::new(
            zstd::stream::read::Decoder::with_buffer(BufReader::with_capacity(BUF, raw))
                .map_err(err)?,
        ),
    };
    let (head, decoded) = peek(decoded, 8).map_err(err)?;
    Ok(Input {
        name: shown,
        reader: Box::new(BufReader::with_capacity(BUF, decoded)),
        warc: head.starts_with(b"WARC/1."),
    })
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

/// Stdout that waits when it would block: a non-blocking stdout (a parent
/// that set O_NONBLOCK on a shared pipe) fails a write with EAGAIN when the
/// pipe is full, which would end the run mid-record.
struct Blocking(io::Stdout);

impl Write for Blocking {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        loop {
            match self.0.write(buf) {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                other => return other,
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        loop {
            match self.0.flush() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    std::thread::sleep(Duration::from_millis(1));
                }
                other => return other,
            }
        }
    }
}

/// Each named file, or stdin when there are none ("-" is stdin too).
pub fn inputs(files: &[String]) -> impl Iterator<Item = Result<Input, Failure>> + '_ {
    let stdin = files.is_empty().then(|| "-".to_string());
    files.iter().cloned().chain(stdin).map(|name| open(&name))
}

/// Where output goes: stdout (block-buffered unless a person is watching)
/// or a file, compressed as its name says. [`Output::finish`] ends it: a
/// compressed file is only whole once its trailer is written.
pub enum Output {
    Stdout(Box<dyn Write + Send>),
    File(io::BufWriter<File>, String),
    Gzip(flate2::write::GzEncoder<io::BufWriter<File>>, String),
    Zstd(
        zstd::stream::write::Encoder<'static, io::BufWriter<File>>,
        String,
    ),
}

impl Output {
    /// Stdout.
    pub fn stdout() -> Output {
        Output::Stdout(if io::stdout().is_terminal() {
            Box::new(io::LineWriter::new(Blocking(io::stdout())))
        } else {
            Box::new(io::BufWriter::with_capacity(
                1 << 16,
                Blocking(io::stdout()),
            ))
        })
    }

    /// The file `path`, created or truncated, compressed by its extension.
    pub fn create(path: &str) -> Result<Output, Failure> {
        let f = File::create(path).map_err(|e| Failure::new(format!("{path}: {e}")))?;
        let f = io::BufWriter::with_capacity(1 << 16, f);
        let name = path.to_string();
        Ok(match Compression::of_name(path) {
            Compression::None => Output::File(f, name),
            // Level 6 (gzip's default): the writer thread keeps up with
            // stripping on every core.
            Compression::Gzip => Output::Gzip(
                flate2::write::GzEncoder::new(f, flate2::Compression::new(6)),
                name,
            ),
            Compression::Zstd => Output::Zstd(
                zstd::stream::write::Encoder::new(f, 3)
                    .map_err(|e| Failure::new(format!("{path}: {e}")))?,
                name,
            ),
        })
    }

    /// `path`, or stdout when there is none.
    pub fn to(path: Option<&str>) -> Result<Output, Failure> {
        match path {
            None | Some("-") => Ok(Output::stdout()),
            Some(p) => Output::create(p),
        }
    }

    /// Writes what is buffered and the compressed stream's trailer, and
    /// flushes.
    pub fn finish(self) -> Result<(), Failure> {
        let (done, name) = match self {
            Output::Stdout(mut w) => return w.flush().map_err(crate::write_err),
            Output::File(mut w, name) => (w.flush(), name),
            Output::Gzip(w, name) => (w.finish().and_then(|mut f| f.flush()), name),
            Output::Zstd(w, name) => (w.finish().and_then(|mut f| f.flush()), name),
        };
        done.map_err(|e| Failure::new(format!("{name}: {e}")))
    }
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Output::Stdout(w) => w.write(buf),
            Output::File(w, _) => w.write(buf),
            Output::Gzip(w, _) => w.write(buf),
            Output::Zstd(w, _) => w.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.write_all(buf),
            Output::File(w, _) => w.write_all(buf),
            Output::Gzip(w, _) => w.write_all(buf),
            Output::Zstd(w, _) => w.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Output::Stdout(w) => w.flush(),
            Output::File(w, _) => w.flush(),
            Output::Gzip(w, _) => w.flush(),
            Output::Zstd(w, _) => w.flush(),
        }
    }
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
