//! JSON Lines streams: read in batches, stripped in parallel, written in
//! input order, with memory bounded by a few batches.
//!
//! A reader thread cuts the input into batches of whole lines and keeps at
//! most two of them ready; the calling thread strips each batch on
//! [`map_batch`]'s threads; a writer thread writes batch k while batch k + 1
//! is stripped, and holds at most two. Output is the same whatever the
//! number of threads: records come out in input order, and a batch is handed
//! to the writer whole or not at all.

use std::io::{ErrorKind, Read, Write};
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::Duration;

use crate::error::Error;
use crate::io::batch::{default_threads, map_batch};
use crate::io::doc_rules::{DocRules, Rejection};
use crate::io::jsonl::options::JsonlOptions;
use crate::io::jsonl::strip_record_decided;
use crate::strip::Stripper;

/// What a [`JsonlStream`] does with a bad record (not JSON, no text field, a
/// text field that is not a string).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum OnError {
    /// Stop at the first bad record, after writing every record before it
    /// (the default).
    #[default]
    Fail,
    /// Drop bad records and count them ([`StreamStats::skipped`]).
    Skip,
    /// Write bad records through unchanged.
    Keep,
}

/// What a [`JsonlStream`] has done so far.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct StreamStats {
    /// Input lines stripped and handed to the writer (blank lines and bad
    /// records included).
    pub lines: u64,
    /// Bytes of those lines.
    pub bytes: u64,
    /// Bad records dropped ([`OnError::Skip`]), and records longer than
    /// [`JsonlStream::max_record_bytes`] under [`OnError::Skip`] or
    /// [`OnError::Keep`].
    pub skipped: u64,
    /// Bad records written through unchanged ([`OnError::Keep`]).
    pub kept: u64,
    /// Of the bad records, those at the end of the input without a newline:
    /// most likely a record cut short (a truncated file).
    pub truncated: u64,
    /// Of the bad records, those longer than
    /// [`JsonlStream::max_record_bytes`] (never held whole in memory).
    pub too_long: u64,
    /// Records that lost nearly all their words
    /// ([`Stripped::loss_flagged`](crate::Stripped::loss_flagged)).
    pub flagged: u64,
    /// Records rejected by the stream's [`DocRules`], per reason (indexed
    /// by [`Rejection::index`]).
    pub rejected: [u64; Rejection::ALL.len()],
}

/// Records read and stripped together: at most this many…
const BATCH_RECORDS: usize = 512;
/// …or this many bytes of input (a single larger record is a batch alone).
/// Small enough that a producer feeding stdin, decruft and a consumer
/// reading stdout all work at once even on a few megabytes of input; large
/// enough that every core gets many records per batch.
const BATCH_BYTES: usize = 1 << 20;
/// Batches waiting for the writer, at most.
const QUEUED: usize = 2;
/// Input is read in pieces of this size…
const PIECE: usize = 1 << 18;
/// …and at most this many are read ahead (two batches' worth).
const PIECES_AHEAD: usize = 8;
/// When input pauses this long, the complete records in hand are stripped
/// and written, and the output flushed: a filter in a pipeline passes on
/// what it has rather than sit on it until more comes.
const IDLE: Duration = Duration::from_millis(100);
/// The default of [`JsonlStream::max_record_bytes`]: 256 MiB.
pub const MAX_RECORD_BYTES: usize = 256 << 20;

/// Strips the text field of every record of JSON Lines input, in parallel,
/// and writes the records in input order: the engine of `decruft --jsonl`.
///
/// Each record is rewritten as [`strip_record`](crate::strip_record) does;
/// blank lines are skipped; a bad record is handled as [`OnError`] says.
/// Counts carry over from one [`run`](JsonlStream::run) to the next, so one
/// stream can go through several inputs.
///
/// # Example
///
/// ```
/// use std::ops::ControlFlow;
/// use decruft::{JsonlOptions, JsonlStream, OnError, Stripper};
///
/// let stripper = Stripper::new();
/// let input = "{\"id\":1,\"text\":\"Lire la suite \u{2192}\\n\"}\n\nnot json\n";
/// let mut out = Vec::new();
/// let mut stream = JsonlStream::new(&stripper, JsonlOptions::default());
/// stream.on_error(OnError::Skip);
/// let end = stream.run("input", input.as_bytes(), &mut out, |_| ControlFlow::Continue(()))?;
/// assert_eq!(end, ControlFlow::Continue(()));
/// assert_eq!(out, b"{\"id\":1,\"text\":\"\"}\n");
/// assert_eq!(stream.stats().skipped, 1);
///
/// // By default a bad record stops the stream, naming its line.
/// let err = JsonlStream::new(&stripper, JsonlOptions::default())
///     .run("input", input.as_bytes(), &mut Vec::new(), |_| ControlFlow::Continue(()))
///     .unwrap_err();
/// assert!(err.to_string().starts_with("input: line 3: bad record: "));
/// # Ok::<(), decruft::Error>(())
/// ```
#[derive(Debug)]
pub struct JsonlStream<'a> {
    stripper: &'a Stripper,
    options: JsonlOptions,
    on_error: OnError,
    rules: DocRules,
    threads: NonZeroUsize,
    max_record: usize,
    stats: StreamStats,
}

/// A batch of input lines: their bytes back to back, where each ends, and
/// the input line number of the first. A line longer than the record limit
/// is not held: it is an empty line here, listed in `too_long` with its
/// length.
#[derive(Default)]
struct Batch {
    first_line: u64,
    data: Vec<u8>,
    ends: Vec<usize>,
    too_long: Vec<(usize, u64)>,
}

/// A stripped batch for the writer: the records to write, and the
/// records the document rules rejected.
struct Chunk {
    records: Vec<u8>,
    rejected: Vec<u8>,
}

/// What became of one input line.
enum Outcome {
    /// A blank line: no output.
    Blank,
    /// The rewritten record, without its newline, and whether it lost
    /// nearly all its words.
    Record(Vec<u8>, bool),
    /// A record rejected by the document rules: as it came, with the
    /// reason, without its newline.
    Rejected(Vec<u8>, Rejection),
    /// A bad record and why.
    Bad(String),
    /// A record longer than the limit, not read, and why.
    TooLong(String),
}

impl<'a> JsonlStream<'a> {
    /// A stream that rewrites records with `stripper` as `options` say,
    /// stops at a bad record, and uses one thread per core.
    pub fn new(stripper: &'a Stripper, options: JsonlOptions) -> JsonlStream<'a> {
        JsonlStream {
            stripper,
            options,
            on_error: OnError::Fail,
            rules: DocRules::default(),
            threads: default_threads(),
            max_record: MAX_RECORD_BYTES,
            stats: StreamStats::default(),
        }
    }

    /// What to do with bad records (default [`OnError::Fail`]).
    pub fn on_error(&mut self, mode: OnError) -> &mut JsonlStream<'a> {
        self.on_error = mode;
        self
    }

    /// Rules that reject whole documents by what stripping left of them
    /// (default: none). Rejected records go to the `rejected` output of
    /// [`run_with_rejected`](JsonlStream::run_with_rejected), as they came
    /// with the reason added, and are counted in [`StreamStats::rejected`].
    ///
    /// # Example
    ///
    /// ```
    /// use std::ops::ControlFlow;
    /// use decruft::{DocRules, JsonlOptions, JsonlStream, Rejection, Stripper};
    ///
    /// let stripper = Stripper::new();
    /// let input = "{\"id\":1,\"text\":\"Accueil\\nContact\\n\"}\n";
    /// let (mut out, mut rejected) = (Vec::new(), Vec::new());
    /// let mut stream = JsonlStream::new(&stripper, JsonlOptions::default());
    /// let mut rules = DocRules::default();
    /// rules.drop_empty = true;
    /// stream.doc_rules(rules);
    /// stream.run_with_rejected("input", input.as_bytes(), &mut out, Some(&mut rejected), |_| {
    ///     ControlFlow::Continue(())
    /// })?;
    /// assert!(out.is_empty());
    /// assert_eq!(
    ///     rejected,
    ///     b"{\"id\":1,\"text\":\"Accueil\\nContact\\n\",\"decruft_rejected\":\"empty\"}\n"
    /// );
    /// assert_eq!(stream.stats().rejected[Rejection::Empty.index()], 1);
    /// # Ok::<(), decruft::Error>(())
    /// ```
    pub fn doc_rules(&mut self, rules: DocRules) -> &mut JsonlStream<'a> {
        self.rules = rules;
        self
    }

    /// How many threads strip records (default: one per core). The output
    /// does not depend on it.
    pub fn threads(&mut self, threads: NonZeroUsize) -> &mut JsonlStream<'a> {
        self.threads = threads;
        self
    }

    /// The longest record, in bytes, the stream reads (default
    /// [`MAX_RECORD_BYTES`], 256 MiB). A longer line is never held whole:
    /// it is read past and handled as a bad record (as [`OnError`] says;
    /// under [`OnError::Keep`] it cannot be written through and is
    /// dropped and counted in [`StreamStats::skipped`]). Without a bound,
    /// input without newlines (`/dev/zero`) would be read until memory ran
    /// out.
    pub fn max_record_bytes(&mut self, bytes: usize) -> &mut JsonlStream<'a> {
        self.max_record = bytes.max(1);
        self
    }

    /// The counts so far, over every run.
    pub fn stats(&self) -> StreamStats {
        self.stats
    }

    /// Strips every record of `input` and writes them, each ended by `\n`,
    /// to `output`, which is flushed at the end.
    ///
    /// After each batch of records is handed to the writer, and every 100
    /// ms while the input pauses, `after_batch` gets the counts so far;
    /// [`ControlFlow::Break`] stops the stream there (on SIGINT, say): what
    /// was handed over is still written, whole, and `run` returns
    /// `Ok(ControlFlow::Break(()))` once a read of `input` in progress
    /// returns (a reader of a terminal or pipe that must stop at once
    /// should return end of input when told to).
    ///
    /// When the input pauses for 100 ms, the complete records read so far
    /// are stripped and written, and `output` is flushed, so that a
    /// pipeline sees them without waiting for more input.
    ///
    /// # Errors
    ///
    /// A bad record under [`OnError::Fail`] (the message names `name` and
    /// the input line: `"pages.jsonl: line 3: bad record: …"`), after every
    /// record before it has been written; a read error of `input`; a write
    /// error of `output` ([`Error::io_error`] gives it). A write error wins
    /// over any other.
    pub fn run<R, W>(
        &mut self,
        name: &str,
        input: R,
        output: &mut W,
        after_batch: impl FnMut(&StreamStats) -> ControlFlow<()>,
    ) -> Result<ControlFlow<()>, Error>
    where
        R: Read + Send,
        W: Write + Send + ?Sized,
    {
        self.run_with_rejected(name, input, output, None, after_batch)
    }

    /// [`run`](JsonlStream::run), writing the records that the
    /// [`doc_rules`](JsonlStream::doc_rules) reject to `rejected` (each as
    /// it came, text unstripped, with a `<labels field>_rejected` field
    /// naming the reason), or dropping them when it is `None`. They are
    /// counted either way.
    pub fn run_with_rejected<R, W>(
        &mut self,
        name: &str,
        input: R,
        output: &mut W,
        mut rejected: Option<&mut (dyn Write + Send)>,
        mut after_batch: impl FnMut(&StreamStats) -> ControlFlow<()>,
    ) -> Result<ControlFlow<()>, Error>
    where
        R: Read + Send,
        W: Write + Send + ?Sized,
    {
        let max_record = self.max_record;
        std::thread::scope(|scope| {
            let (pieces, read) = mpsc::sync_channel(PIECES_AHEAD);
            let reader = scope.spawn(move || read_pieces(input, pieces));
            let (chunks, written) = mpsc::sync_channel::<Chunk>(QUEUED);
            let writer = scope.spawn(move || -> std::io::Result<()> {
                let mut unflushed = false;
                loop {
                    let chunk = match written.recv_timeout(IDLE) {
                        Ok(chunk) => chunk,
                        Err(RecvTimeoutError::Timeout) => {
                            // Nothing to write for a while: pass on what
                            // is buffered.
                            if unflushed {
                                output.flush()?;
                                if let Some(r) = rejected.as_mut() {
                                    r.flush()?;
                                }
                                unflushed = false;
                            }
                            continue;
                        }
                        Err(RecvTimeoutError::Disconnected) => break,
                    };
                    output.write_all(&chunk.records)?;
                    if let Some(r) = rejected.as_mut() {
                        r.write_all(&chunk.rejected)?;
                    }
                    unflushed = true;
                }
                if let Some(r) = rejected.as_mut() {
                    r.flush()?;
                }
                output.flush()
            });
            let mut lines = Lines::new(max_record, self.on_error == OnError::Fail);
            let mut result = Ok(ControlFlow::Continue(()));
            'read: loop {
                // What ends the run once the batches in hand are written.
                let mut end = None;
                let mut idle = false;
                match read.recv_timeout(IDLE) {
                    Ok(Ok(piece)) => {
                        if !lines.push(&piece) {
                            // The stream stops at the over-long record.
                            end = Some(Ok(ControlFlow::Continue(())));
                        }
                    }
                    Ok(Err(e)) => {
                        // The records read so far are stripped and written
                        // first.
                        lines.finish();
                        end = Some(Err(Error::read(name, e)));
                    }
                    Err(RecvTimeoutError::Timeout) => idle = !lines.take(),
                    Err(RecvTimeoutError::Disconnected) => {
                        lines.finish();
                        end = Some(Ok(ControlFlow::Continue(())));
                    }
                }
                for batch in std::mem::take(&mut lines.ready) {
                    let (chunk, bad) = self.strip_batch(&batch);
                    // Whole batches only: what the writer gets is written
                    // in one piece, and a stop is only acted on between
                    // batches.
                    if chunks.send(chunk).is_err() {
                        break 'read; // the writer stopped: its error says why
                    }
                    if let Some((k, e)) = bad {
                        let line = batch.first_line + k as u64;
                        let e = cut(&e, MAX_MESSAGE);
                        result = Err(Error::stream(format!("{name}: line {line}: {e}")));
                        break 'read;
                    }
                    self.stats.lines += batch.ends.len() as u64;
                    self.stats.bytes += batch.data.len() as u64
                        + batch.too_long.iter().map(|&(_, n)| n).sum::<u64>();
                    if after_batch(&self.stats).is_break() {
                        result = Ok(ControlFlow::Break(()));
                        break 'read;
                    }
                }
                if let Some(end) = end {
                    result = end;
                    break;
                }
                // Input paused with nothing in hand: a stop is acted on
                // now, not when input resumes.
                if idle && after_batch(&self.stats).is_break() {
                    result = Ok(ControlFlow::Break(()));
                    break;
                }
            }
            drop(read);
            drop(chunks);
            let _ = reader.join();
            match writer.join() {
                Ok(Ok(())) => result,
                Ok(Err(e)) => Err(Error::write(e)),
                Err(panic) => std::panic::resume_unwind(panic),
            }
        })
    }

    /// Strips one batch: the output of its records, and the first bad
    /// record (its index in the batch and why) when bad records stop the
    /// stream, in which case the output ends before it.
    fn strip_batch(&mut self, batch: &Batch) -> (Chunk, Option<(usize, String)>) {
        let starts = std::iter::once(0).chain(batch.ends.iter().copied());
        let lines: Vec<&[u8]> = starts
            .zip(&batch.ends)
            .map(|(a, &b)| &batch.data[a..b])
            .collect();
        let mut outcomes = map_batch(&lines, self.threads, |line| {
            strip_line(self.stripper, &self.options, &self.rules, line)
        });
        let limit = self.max_record;
        for &(k, _) in &batch.too_long {
            outcomes[k] = Outcome::TooLong(format!(
                "bad record: longer than the limit of {limit} bytes (--max-record-bytes)"
            ));
        }
        let mut chunk = Vec::with_capacity(batch.data.len());
        let mut aside = Vec::new();
        for (k, outcome) in outcomes.into_iter().enumerate() {
            match outcome {
                Outcome::Blank => {}
                Outcome::Record(rec, flagged) => {
                    self.stats.flagged += flagged as u64;
                    chunk.extend_from_slice(&rec);
                    chunk.push(b'\n');
                }
                Outcome::Rejected(rec, why) => {
                    self.stats.rejected[why.index()] += 1;
                    aside.extend_from_slice(&rec);
                    aside.push(b'\n');
                }
                Outcome::TooLong(e) => {
                    self.stats.too_long += 1;
                    if self.on_error == OnError::Fail {
                        let chunk = Chunk {
                            records: chunk,
                            rejected: aside,
                        };
                        return (chunk, Some((k, e)));
                    }
                    self.stats.skipped += 1;
                }
                Outcome::Bad(mut e) => match self.on_error {
                    OnError::Fail => {
                        if !lines[k].ends_with(b"\n") {
                            e.push_str(" (the input ends in this line, without a newline: it may be cut short)");
                        }
                        let chunk = Chunk {
                            records: chunk,
                            rejected: aside,
                        };
                        return (chunk, Some((k, e)));
                    }
                    OnError::Skip => {
                        self.stats.skipped += 1;
                        if !lines[k].ends_with(b"\n") {
                            self.stats.truncated += 1;
                        }
                    }
                    OnError::Keep => {
                        self.stats.kept += 1;
                        if !lines[k].ends_with(b"\n") {
                            self.stats.truncated += 1;
                        }
                        chunk.extend_from_slice(trim_newline(lines[k]));
                        chunk.push(b'\n');
                    }
                },
            }
        }
        let chunk = Chunk {
            records: chunk,
            rejected: aside,
        };
        (chunk, None)
    }
}

/// Reads `input` in pieces and sends them until the input ends, a read
/// fails (the error is sent) or nobody listens any more.
fn read_pieces(mut input: impl Read, pieces: mpsc::SyncSender<std::io::Result<Vec<u8>>>) {
    loop {
        let mut piece = vec![0; PIECE];
        let n = match input.read(&mut piece) {
            Ok(0) => return,
            Ok(n) => n,
            Err(e) if e.kind() == ErrorKind::Interrupted => continue,
            Err(e) => {
                let _ = pieces.send(Err(e));
                return;
            }
        };
        piece.truncate(n);
        if pieces.send(Ok(piece)).is_err() {
            return;
        }
    }
}

/// Cuts pieces of input into batches of whole lines.
struct Lines {
    /// The batch being filled; its bytes after its last end are the start
    /// of a line not yet ended.
    batch: Batch,
    /// Batches filled, not yet taken.
    ready: Vec<Batch>,
    /// Lines ended so far.
    line_no: u64,
    /// The longest line held.
    max_record: usize,
    /// Whether an over-long line ends the input at once (the stream stops
    /// at it anyway, and an input without newlines may never end).
    stop_at_too_long: bool,
    /// The bytes of an over-long line read past so far.
    skipping: Option<u64>,
    /// Whether nothing has been read yet (a byte order mark is skipped).
    at_start: bool,
}

impl Lines {
    fn new(max_record: usize, stop_at_too_long: bool) -> Lines {
        Lines {
            batch: Batch {
                first_line: 1,
                ..Batch::default()
            },
            ready: Vec::new(),
            line_no: 0,
            max_record,
            stop_at_too_long,
            skipping: None,
            at_start: true,
        }
    }

    /// Where the line not yet ended starts.
    fn tail(&self) -> usize {
        self.batch.ends.last().copied().unwrap_or(0)
    }

    /// Adds a piece of input; false when the input is to be read no further.
    fn push(&mut self, mut piece: &[u8]) -> bool {
        if std::mem::take(&mut self.at_start) {
            // A UTF-8 byte order mark (Windows tools write one) is not part
            // of the first record.
            piece = piece.strip_prefix(b"\xef\xbb\xbf").unwrap_or(piece);
        }
        while !piece.is_empty() {
            let nl = memchr::memchr(b'\n', piece);
            let take = nl.map_or(piece.len(), |i| i + 1);
            if let Some(skipped) = self.skipping.as_mut() {
                *skipped += take as u64;
            } else {
                self.batch.data.extend_from_slice(&piece[..take]);
                let len = self.batch.data.len() - self.tail();
                if len > self.max_record {
                    let tail = self.tail();
                    self.batch.data.truncate(tail);
                    self.skipping = Some(len as u64);
                    if self.stop_at_too_long {
                        self.end_line();
                        self.take();
                        return false;
                    }
                }
            }
            piece = &piece[take..];
            if nl.is_some() {
                self.end_line();
            }
        }
        true
    }

    /// Ends the line in hand (the one being read past too), and sets a full
    /// batch aside.
    fn end_line(&mut self) {
        if let Some(n) = self.skipping.take() {
            self.batch.too_long.push((self.batch.ends.len(), n));
        }
        self.batch.ends.push(self.batch.data.len());
        self.line_no += 1;
        if self.batch.ends.len() >= BATCH_RECORDS || self.batch.data.len() >= BATCH_BYTES {
            let next = Batch {
                first_line: self.line_no + 1,
                ..Batch::default()
            };
            self.ready.push(std::mem::replace(&mut self.batch, next));
        }
    }

    /// Sets the lines ended so far aside as a batch, if there are any (the
    /// line not yet ended stays); says whether there were.
    fn take(&mut self) -> bool {
        if self.batch.ends.is_empty() {
            return false;
        }
        let tail = self.tail();
        let mut next = Batch {
            first_line: self.line_no + 1,
            ..Batch::default()
        };
        next.data.extend_from_slice(&self.batch.data[tail..]);
        self.batch.data.truncate(tail);
        let batch = std::mem::replace(&mut self.batch, next);
        self.ready.push(batch);
        true
    }

    /// At the end of the input: sets every line aside, the last one ended
    /// by the end of the input.
    fn finish(&mut self) {
        if self.skipping.is_some() || self.batch.data.len() > self.tail() {
            self.end_line();
        }
        self.take();
    }
}

fn strip_line(stripper: &Stripper, opts: &JsonlOptions, rules: &DocRules, line: &[u8]) -> Outcome {
    let body = trim_newline(line);
    if is_blank(body) {
        return Outcome::Blank;
    }
    let mut out = Vec::with_capacity(body.len() / 2 + 64);
    // A bug must cost one record, not the stream: a panic is that record's
    // error, handled as OnError says (the panic message is on stderr).
    let stripped = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        strip_record_decided(stripper, opts, rules, body, &mut out)
    }));
    match stripped {
        Ok(Ok(d)) => match d.rejected {
            Some(why) => Outcome::Rejected(out, why),
            None => Outcome::Record(out, d.flagged),
        },
        Ok(Err(e)) => Outcome::Bad(e.to_string()),
        Err(_) => Outcome::Bad(
            "internal error while stripping this record (a bug: please report it)".into(),
        ),
    }
}

/// The longest error message about a record, in bytes: a message that
/// quotes a 50 MB record must not become a 50 MB line on stderr.
const MAX_MESSAGE: usize = 500;

/// `msg`, cut to at most `max` bytes (on a character boundary) and marked
/// as cut.
fn cut(msg: &str, max: usize) -> String {
    if msg.len() <= max {
        return msg.to_string();
    }
    let mut end = max;
    while !msg.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} bytes cut)", &msg[..end], msg.len() - end)
}

/// Whether a line is white space only: ASCII, or any Unicode white space
/// (a no-break space, a vertical tab).
fn is_blank(line: &[u8]) -> bool {
    match line.iter().position(|b| !b.is_ascii_whitespace()) {
        None => true,
        // A record opens with `{`: it is not blank, and its bytes are not
        // validated here (the JSON parser does it once). The vertical tab
        // is the one ASCII character that is white space to `char` and
        // not to `u8`.
        Some(i) if line[i].is_ascii() && line[i] != 0x0B => false,
        Some(_) => std::str::from_utf8(line).is_ok_and(|s| s.chars().all(char::is_whitespace)),
    }
}

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
