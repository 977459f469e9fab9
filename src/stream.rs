//! JSON Lines streams: read in batches, stripped in parallel, written in
//! input order, with memory bounded by a few batches.
//!
//! A reader thread cuts the input into batches of whole lines and keeps at
//! most two of them ready; the calling thread strips each batch on
//! [`map_batch`]'s threads; a writer thread writes batch k while batch k + 1
//! is stripped, and holds at most two. Output is the same whatever the
//! number of threads: records come out in input order, and a batch is handed
//! to the writer whole or not at all.

use std::io::{BufRead, BufReader, Read, Write};
use std::num::NonZeroUsize;
use std::ops::ControlFlow;
use std::sync::mpsc;

use crate::batch::{default_threads, map_batch};
use crate::jsonl::{strip_record_decided, JsonlOptions};
use crate::{DocRules, Error, Rejection, Stripper};

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
pub struct StreamStats {
    /// Input lines stripped and handed to the writer (blank lines and bad
    /// records included).
    pub lines: u64,
    /// Bytes of those lines.
    pub bytes: u64,
    /// Bad records dropped ([`OnError::Skip`]).
    pub skipped: u64,
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
/// Batches read ahead, and batches waiting for the writer, at most.
const QUEUED: usize = 2;

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
    stats: StreamStats,
}

/// A batch of input lines: their bytes back to back, where each ends, and
/// the input line number of the first.
struct Batch {
    first_line: u64,
    data: Vec<u8>,
    ends: Vec<usize>,
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
    /// stream.doc_rules(DocRules { drop_empty: true, ..DocRules::default() });
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

    /// The counts so far, over every run.
    pub fn stats(&self) -> StreamStats {
        self.stats
    }

    /// Strips every record of `input` and writes them, each ended by `\n`,
    /// to `output`, which is flushed at the end.
    ///
    /// After each batch of records is handed to the writer, `after_batch`
    /// gets the counts so far; [`ControlFlow::Break`] stops the stream there
    /// (on SIGINT, say): what was handed over is still written, whole, and
    /// `run` returns `Ok(ControlFlow::Break(()))`.
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
        std::thread::scope(|scope| {
            let (batches, read) = mpsc::sync_channel(QUEUED);
            let reader = scope.spawn(move || read_batches(input, batches));
            let (chunks, written) = mpsc::sync_channel::<Chunk>(QUEUED);
            let writer = scope.spawn(move || {
                for chunk in written {
                    output.write_all(&chunk.records)?;
                    if let Some(r) = rejected.as_mut() {
                        r.write_all(&chunk.rejected)?;
                    }
                }
                if let Some(r) = rejected.as_mut() {
                    r.flush()?;
                }
                output.flush()
            });
            let mut result = Ok(ControlFlow::Continue(()));
            for batch in read.iter() {
                let batch = match batch {
                    Ok(b) => b,
                    Err(e) => {
                        result = Err(Error::read(name, e));
                        break;
                    }
                };
                let (chunk, bad) = self.strip_batch(&batch);
                // Whole batches only: what the writer gets is written in one
                // piece, and a stop is only acted on between batches.
                if chunks.send(chunk).is_err() {
                    break; // the writer stopped: its error says why
                }
                if let Some((k, e)) = bad {
                    let line = batch.first_line + k as u64;
                    result = Err(Error::stream(format!("{name}: line {line}: {e}")));
                    break;
                }
                self.stats.lines += batch.ends.len() as u64;
                self.stats.bytes += batch.data.len() as u64;
                if after_batch(&self.stats).is_break() {
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
        let outcomes = map_batch(&lines, self.threads, |line| {
            strip_line(self.stripper, &self.options, &self.rules, line)
        });
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
                Outcome::Bad(e) => match self.on_error {
                    OnError::Fail => {
                        let chunk = Chunk {
                            records: chunk,
                            rejected: aside,
                        };
                        return (chunk, Some((k, e)));
                    }
                    OnError::Skip => self.stats.skipped += 1,
                    OnError::Keep => {
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

/// Reads `input` into batches of whole lines and sends them until the input
/// ends, a read fails (the error is sent) or nobody listens any more.
fn read_batches(input: impl Read, batches: mpsc::SyncSender<std::io::Result<Batch>>) {
    let mut r = BufReader::with_capacity(1 << 20, input);
    let mut line_no = 0u64;
    loop {
        let mut batch = Batch {
            first_line: line_no + 1,
            data: Vec::new(),
            ends: Vec::new(),
        };
        while batch.ends.len() < BATCH_RECORDS && batch.data.len() < BATCH_BYTES {
            match r.read_until(b'\n', &mut batch.data) {
                Ok(0) => break,
                Ok(_) => {
                    line_no += 1;
                    batch.ends.push(batch.data.len());
                }
                Err(e) => {
                    // The lines read so far are stripped and written first.
                    if !batch.ends.is_empty() && batches.send(Ok(batch)).is_err() {
                        return;
                    }
                    let _ = batches.send(Err(e));
                    return;
                }
            }
        }
        if batch.ends.is_empty() || batches.send(Ok(batch)).is_err() {
            return;
        }
    }
}

fn strip_line(stripper: &Stripper, opts: &JsonlOptions, rules: &DocRules, line: &[u8]) -> Outcome {
    let body = trim_newline(line);
    if body.iter().all(u8::is_ascii_whitespace) {
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

fn trim_newline(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}
