//! Where output goes: stdout, or a file written whole or not at all.
//!
//! `-o FILE` (and `--rejected FILE`, `report -o`, `learn -o`, `train -o`,
//! `label -o`) is written to a temporary file beside it
//! (`.FILE.decruft-PID.tmp`, in the same directory so that the rename
//! cannot cross file systems), which replaces FILE only when the run
//! reaches the end of its input: as `gzip` and `zstd` remove an output they
//! could not finish, a run that stops early (a bad record under `--on-error
//! fail`, an unreadable input, a full disk, SIGINT) leaves FILE as it was,
//! absent or with its previous contents, and removes the temporary file.
//! So a write error can never leave a record cut in half or a compressed
//! stream without its trailer under FILE's name. An existing FILE's
//! permissions carry over; a symbolic link is written through (its target
//! is replaced); a FILE that is not a regular file (`/dev/null`, a named
//! pipe, `/dev/stdout`) is written in place.
//!
//! A file is compressed by its name: `.gz` gzip, `.zst` zstandard; a
//! compression decruft does not write (`.xz`, `.bz2`…) is an error rather
//! than plain text under a misleading name.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::io::input::Compression;
use crate::Failure;

/// The bytes, compressed or not, on their way to stdout or a file.
enum Sink {
    Stdout(Box<dyn Write + Send>),
    File(io::BufWriter<File>),
    Gzip(flate2::write::GzEncoder<io::BufWriter<File>>),
    Zstd(zstd::stream::write::Encoder<'static, io::BufWriter<File>>),
}

/// An output: stdout, or a file (see the module's notes). Write to it,
/// then [`Output::finish`] it: a file only gets its name then. Dropped
/// unfinished, a file output removes its temporary file.
pub struct Output {
    sink: Option<Sink>,
    /// The name given, for messages (`<stdout>` for stdout).
    shown: String,
    /// Where the file goes, and the temporary file written meanwhile
    /// (`None`: written in place).
    file: Option<(PathBuf, Option<PathBuf>)>,
    /// The first write error, as a message naming the output.
    error: Option<String>,
}

/// Stdout that waits when it would block: a non-blocking stdout (a parent
/// that set O_NONBLOCK on a shared pipe) fails a write with EAGAIN when the
/// pipe is full, which would end the run mid-record.
struct Blocking<W>(W);

impl<W: Write> Write for Blocking<W> {
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

/// Stdout's descriptor itself, without std's line buffer in between (so
/// that what a write returns is what reached the file; [`LineEnds`]
/// counts on it). Never closed.
#[cfg(unix)]
fn raw_stdout() -> impl Write + Send {
    use std::os::fd::FromRawFd;
    struct Raw(std::mem::ManuallyDrop<File>);
    impl Write for Raw {
        fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
            (&*self.0).write(buf)
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    // SAFETY: descriptor 1 is open for the life of the process, and the
    // ManuallyDrop never closes it.
    Raw(std::mem::ManuallyDrop::new(unsafe { File::from_raw_fd(1) }))
}

#[cfg(not(unix))]
fn raw_stdout() -> impl Write + Send {
    io::stdout()
}

/// Stdout as the bytes reach it, so that a write error can be taken back
/// to a whole line: when stdout is a regular file (`decruft --jsonl x >
/// out.jsonl` on a full disk or past `ulimit -f`), the file is cut back to
/// the end of the last line written whole, every record ending with one,
/// and nothing more is written. A pipe cannot be taken back.
struct LineEnds<W> {
    inner: W,
    /// Where stdout's file started, when it is a regular file.
    start: Option<u64>,
    /// Bytes written, and those up to the last line end among them.
    written: u64,
    whole: u64,
    /// The first error's kind: later writes fail with it, writing nothing.
    failed: Option<io::ErrorKind>,
}

impl<W: Write> LineEnds<W> {
    fn new(inner: W) -> LineEnds<W> {
        LineEnds {
            inner,
            start: stdout_file_start(),
            written: 0,
            whole: 0,
            failed: None,
        }
    }

    /// After a write error: stdout's file cut back to its last whole line.
    fn fail(&mut self, e: io::Error) -> io::Error {
        if e.kind() == io::ErrorKind::Interrupted || e.kind() == io::ErrorKind::WouldBlock {
            return e;
        }
        self.failed = Some(e.kind());
        #[cfg(unix)]
        if let Some(start) = self.start {
            let at = (start + self.whole) as libc::off_t;
            // SAFETY: plain system calls on stdout's descriptor.
            unsafe {
                libc::ftruncate(1, at);
                libc::lseek(1, at, libc::SEEK_SET);
            }
        }
        e
    }
}

/// Where stdout's file starts being written, when stdout is a regular
/// file: its end when it was opened to append (`>>`), else its offset.
#[cfg(unix)]
fn stdout_file_start() -> Option<u64> {
    // SAFETY: fstat, fcntl and lseek on stdout's descriptor, into a
    // zeroed stat.
    unsafe {
        let mut st: libc::stat = std::mem::zeroed();
        if libc::fstat(1, &mut st) != 0 || (st.st_mode & libc::S_IFMT) != libc::S_IFREG {
            return None;
        }
        let flags = libc::fcntl(1, libc::F_GETFL);
        if flags >= 0 && flags & libc::O_APPEND != 0 {
            return Some(st.st_size as u64);
        }
        let at = libc::lseek(1, 0, libc::SEEK_CUR);
        (at >= 0).then_some(at as u64)
    }
}

#[cfg(not(unix))]
fn stdout_file_start() -> Option<u64> {
    None
}

impl<W: Write> Write for LineEnds<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some(kind) = self.failed {
            return Err(io::Error::new(kind, "stdout failed earlier"));
        }
        match self.inner.write(buf) {
            Ok(n) => {
                if let Some(i) = memchr::memrchr(b'\n', &buf[..n]) {
                    self.whole = self.written + i as u64 + 1;
                }
                self.written += n as u64;
                Ok(n)
            }
            Err(e) => Err(self.fail(e)),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        if let Some(kind) = self.failed {
            return Err(io::Error::new(kind, "stdout failed earlier"));
        }
        self.inner.flush().map_err(|e| self.fail(e))
    }
}

impl Output {
    /// Stdout, block-buffered unless a person is watching.
    pub fn stdout() -> Output {
        let w: Box<dyn Write + Send> = if io::stdout().is_terminal() {
            Box::new(io::LineWriter::new(Blocking(io::stdout())))
        } else {
            Box::new(io::BufWriter::with_capacity(
                1 << 16,
                LineEnds::new(Blocking(raw_stdout())),
            ))
        };
        Output {
            sink: Some(Sink::Stdout(w)),
            shown: "<stdout>".into(),
            file: None,
            error: None,
        }
    }

    /// The file `path`, compressed as its name says, written whole or not
    /// at all (see the module's notes).
    pub fn create(path: &str) -> Result<Output, Failure> {
        let compression = Compression::of_output(path)?;
        let fail = |e: io::Error| Failure::new(format!("{path}: {e}"));
        let (target, tmp) = temporary_for(Path::new(path)).map_err(fail)?;
        let f = match &tmp {
            Some(tmp) => File::options()
                .write(true)
                .create_new(true)
                .open(tmp)
                .map_err(|e| {
                    Failure::new(format!("{path}: cannot create {}: {e}", tmp.display()))
                })?,
            None => File::create(&target).map_err(fail)?,
        };
        // From here on, dropping `out` removes the temporary file.
        let mut out = Output {
            sink: None,
            shown: path.to_string(),
            file: Some((target.clone(), tmp.clone())),
            error: None,
        };
        if let (Some(tmp), Ok(meta)) = (&tmp, std::fs::metadata(&target)) {
            // The file it replaces keeps its permissions.
            std::fs::set_permissions(tmp, meta.permissions()).map_err(fail)?;
        }
        let f = io::BufWriter::with_capacity(1 << 16, f);
        out.sink = Some(match compression {
            Compression::None => Sink::File(f),
            // Level 6 (gzip's default): the writer thread keeps up with
            // stripping on every core.
            Compression::Gzip => Sink::Gzip(flate2::write::GzEncoder::new(
                f,
                flate2::Compression::new(6),
            )),
            Compression::Zstd => Sink::Zstd(zstd::stream::write::Encoder::new(f, 3).map_err(fail)?),
        });
        Ok(out)
    }

    /// `path`, or stdout when there is none (or it is `-`).
    pub fn to(path: Option<&str>) -> Result<Output, Failure> {
        match path {
            None | Some("-") => Ok(Output::stdout()),
            Some(p) => Output::create(p),
        }
    }

    /// The first write error, as a one-line message naming the output.
    pub fn error(&self) -> Option<&str> {
        self.error.as_deref()
    }

    /// The failure of a write to this output: a closed stdout is a quiet
    /// end, anything else a message naming the output.
    pub fn failure(&self, e: &io::Error) -> Failure {
        if self.file.is_none() && e.kind() == io::ErrorKind::BrokenPipe {
            return Failure::BrokenPipe;
        }
        Failure::new(self.error.clone().unwrap_or_else(|| self.message(e)))
    }

    fn message(&self, e: &io::Error) -> String {
        format!("cannot write {}: {e}", self.shown)
    }

    /// Ends the output of a run: [`finish`](Output::finish)es it if the
    /// run `completed` (went through all its input), else leaves a file as
    /// it was (removing the temporary file) and only flushes stdout, which
    /// then holds the whole records written before the run stopped.
    pub fn end(self, completed: bool) -> Result<(), Failure> {
        if completed || self.file.is_none() {
            self.finish()
        } else {
            drop(self);
            Ok(())
        }
    }

    /// Writes what is buffered and the compressed stream's trailer, flushes,
    /// and gives a file its name.
    pub fn finish(mut self) -> Result<(), Failure> {
        let sink = self.sink.take().expect("an output is finished once");
        let done = match sink {
            Sink::Stdout(mut w) => w.flush(),
            Sink::File(mut w) => w.flush(),
            Sink::Gzip(w) => w.finish().and_then(|mut f| f.flush()),
            Sink::Zstd(w) => w.finish().and_then(|mut f| f.flush()),
        };
        if let Err(e) = done {
            let failure = self.failure(&e);
            return Err(failure);
        }
        if let Some((target, Some(tmp))) = self.file.take() {
            if let Err(e) = std::fs::rename(&tmp, &target) {
                let _ = std::fs::remove_file(&tmp);
                return Err(Failure::new(format!(
                    "{}: cannot rename {} to it: {e}",
                    self.shown,
                    tmp.display()
                )));
            }
        }
        Ok(())
    }
}

impl Drop for Output {
    fn drop(&mut self) {
        // Unfinished: the file keeps its old contents (or stays absent).
        if let Some((_, Some(tmp))) = self.file.take() {
            drop(self.sink.take());
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Where the output to `path` really goes (through a symbolic link), and
/// the temporary file to write meanwhile; `None` for something that is not
/// a regular file (a device, a named pipe), written in place.
fn temporary_for(path: &Path) -> io::Result<(PathBuf, Option<PathBuf>)> {
    let target = match std::fs::metadata(path) {
        Ok(meta) if !meta.is_file() => return Ok((path.to_path_buf(), None)),
        // Through a symbolic link: its target is replaced, not the link.
        Ok(_) => std::fs::canonicalize(path)?,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            match std::fs::symlink_metadata(path) {
                // A dangling link: written in place (it creates its target).
                Ok(meta) if meta.file_type().is_symlink() => return Ok((path.to_path_buf(), None)),
                _ => path.to_path_buf(),
            }
        }
        Err(e) => return Err(e),
    };
    let name = target
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".decruft-{}.tmp", std::process::id()));
    let tmp = target.with_file_name(tmp_name);
    Ok((target, Some(tmp)))
}

impl Write for Output {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let r = match self.sink.as_mut().expect("not finished") {
            Sink::Stdout(w) => w.write(buf),
            Sink::File(w) => w.write(buf),
            Sink::Gzip(w) => w.write(buf),
            Sink::Zstd(w) => w.write(buf),
        };
        self.note(r)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        let r = match self.sink.as_mut().expect("not finished") {
            Sink::Stdout(w) => w.write_all(buf),
            Sink::File(w) => w.write_all(buf),
            Sink::Gzip(w) => w.write_all(buf),
            Sink::Zstd(w) => w.write_all(buf),
        };
        self.note(r)
    }

    fn flush(&mut self) -> io::Result<()> {
        let r = match self.sink.as_mut().expect("not finished") {
            Sink::Stdout(w) => w.flush(),
            Sink::File(w) => w.flush(),
            Sink::Gzip(w) => w.flush(),
            Sink::Zstd(w) => w.flush(),
        };
        self.note(r)
    }
}

impl Output {
    /// Keeps the first write error's message (naming the output).
    fn note<T>(&mut self, r: io::Result<T>) -> io::Result<T> {
        if let Err(e) = &r {
            if self.error.is_none() && e.kind() != io::ErrorKind::BrokenPipe {
                self.error = Some(self.message(e));
            }
        }
        r
    }
}
