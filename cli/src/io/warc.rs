//! WARC input (Common Crawl's WET files): a small streaming record reader,
//! and an adapter that turns `conversion` records (the text of each page)
//! into JSON Lines for the library's [`JsonlStream`](decruft::JsonlStream).
//!
//! A record is a version line (`WARC/1.0` or `WARC/1.1`), header lines up to
//! an empty line, a block of exactly `Content-Length` bytes and two line
//! ends. The reader holds one record at a time, and bounds it: at most
//! [`MAX_HEADER_LINES`] header lines of [`MAX_HEADER_BYTES`] in all, and a
//! block of at most `--max-record-bytes` (a longer block is never held: it
//! is read past, line by line, to the next record). A record that ends
//! early (a truncated file) or does not parse (a wrong length, a missing
//! version line, too many headers) is an error that names its number and
//! offset; reading resumes at the next line that starts with `WARC/1.`,
//! whatever the error, so that a `Content-Length` past the end of the file
//! costs that record only. A read error of the stream itself (a corrupt
//! gzip member) is not a bad record but an I/O error: the run stops.
//!
//! Why not a crate: `warc` pulls in chrono, nom, url and an old uuid for
//! header parsing that this does not need, and neither it nor `rust_warc`
//! resumes after a corrupt record or says where it was.

use std::collections::BTreeMap;
use std::fmt;
use std::io::{self, BufRead, Read};

use decruft::OnError;

/// The most header lines a record may have…
pub const MAX_HEADER_LINES: usize = 256;
/// …and the most bytes they may take together (a Common Crawl record's
/// headers take about 600).
pub const MAX_HEADER_BYTES: usize = 64 << 10;

/// One WARC record.
#[derive(Debug, Default)]
pub struct Record {
    /// Header fields as written (names keep their case).
    pub headers: Vec<(String, String)>,
    /// The block: `Content-Length` bytes (fewer in a truncated record).
    pub block: Vec<u8>,
}

impl Record {
    /// The value of the header `name` (case-insensitive), if present.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A record that could not be read whole.
#[derive(Debug)]
pub struct RecordError {
    /// Its number in the file, from 1.
    pub number: u64,
    /// The byte offset of its start in the (decompressed) stream.
    pub offset: u64,
    /// What went wrong.
    pub what: String,
    /// What could be read of it (headers, part of the block), if anything.
    pub partial: Option<Record>,
    /// Whether the stream itself failed (a read error, not a bad record):
    /// nothing more can be read.
    pub io: bool,
    /// Whether the record is whole but its block longer than the limit
    /// (read past, never held).
    pub too_long: bool,
}

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "WARC record {} (byte {}", self.number, self.offset)?;
        if let Some(id) = self
            .partial
            .as_ref()
            .and_then(|r| r.header("WARC-Record-ID"))
        {
            write!(f, ", {id}")?;
        }
        write!(f, "): {}", self.what)
    }
}

/// Reads WARC records one at a time from a decompressed stream.
pub struct Reader<'a> {
    /// The stream; after a record whose block swallowed the start of the
    /// next, that start put back in front of it.
    r: Box<dyn BufRead + Send + 'a>,
    /// Bytes consumed so far.
    offset: u64,
    /// Records started so far.
    number: u64,
    /// A version line already read while looking for the next record.
    pending: Option<Vec<u8>>,
    /// Set after an error or a block too long to read: look for the next
    /// version line first.
    resync: bool,
    done: bool,
    /// The longest block read.
    max_block: u64,
}

impl<'a> Reader<'a> {
    /// A reader of the records of `r`, reading blocks of up to `max_block`
    /// bytes.
    pub fn new(r: impl BufRead + Send + 'a, max_block: usize) -> Reader<'a> {
        Reader {
            r: Box::new(r),
            offset: 0,
            number: 0,
            pending: None,
            resync: false,
            done: false,
            max_block: max_block as u64,
        }
    }

    /// One line with its terminator; empty at the end of the stream.
    fn line(&mut self) -> io::Result<Vec<u8>> {
        let mut line = Vec::new();
        // Header lines are short; a stream that is not WARC at all is
        // caught at its first line, before it could make one huge "line".
        (&mut self.r).take(64 << 10).read_until(b'\n', &mut line)?;
        self.offset += line.len() as u64;
        Ok(line)
    }

    fn read_record(&mut self) -> Result<Option<Record>, RecordError> {
        let start_offset = self.offset;
        let fail = |this: &mut Self, what: String, partial: Option<Record>, fatal: bool| {
            this.resync = true;
            this.done |= fatal;
            RecordError {
                number: this.number,
                offset: start_offset,
                what,
                partial,
                io: false,
                too_long: false,
            }
        };
        // The stream failed (a corrupt compressed member): an I/O error
        // that ends the input, whatever --on-error says.
        let io_fail = |this: &mut Self, e: io::Error, partial: Option<Record>| {
            let at = this.offset;
            let mut err = fail(
                this,
                format!("cannot read the stream at byte {at} (decompressed): {e}"),
                partial,
                true,
            );
            err.number = this.number.max(1);
            err.io = true;
            err
        };
        // The version line: the one found while resyncing, or the next
        // non-empty line.
        let version = match self.pending.take() {
            Some(v) => v,
            None => loop {
                let line = self.line().map_err(|e| io_fail(self, e, None))?;
                if line.is_empty() {
                    return Ok(None);
                }
                if !trim_eol(&line).is_empty() {
                    break line;
                }
            },
        };
        self.number += 1;
        if !version.starts_with(b"WARC/1.") {
            let shown: String = String::from_utf8_lossy(trim_eol(&version))
                .chars()
                .take(40)
                .collect();
            return Err(fail(
                self,
                format!("expected a WARC/1.x version line, found {shown:?}"),
                None,
                false,
            ));
        }
        let mut rec = Record::default();
        let (mut header_lines, mut header_bytes) = (0usize, 0usize);
        loop {
            let line = self.line().map_err(|e| io_fail(self, e, None))?;
            header_lines += 1;
            header_bytes += line.len();
            if header_lines > MAX_HEADER_LINES || header_bytes > MAX_HEADER_BYTES {
                // A flood of headers: the record is bad, and the rest of
                // its headers are read past while looking for the next.
                let what = format!(
                    "over {MAX_HEADER_LINES} header lines or {} KiB of headers",
                    MAX_HEADER_BYTES >> 10
                );
                return Err(fail(self, what, Some(rec), false));
            }
            if line.is_empty() {
                return Err(fail(
                    self,
                    "truncated in its headers".into(),
                    Some(rec),
                    false,
                ));
            }
            let body = trim_eol(&line);
            if body.is_empty() {
                break;
            }
            if body.starts_with(b"WARC/1.") {
                // The next record starts before this one's headers end:
                // this one is cut short, the next is read whole.
                let err = fail(self, "truncated in its headers".into(), Some(rec), false);
                self.pending = Some(line);
                return Err(err);
            }
            let text = String::from_utf8_lossy(body);
            if body[0] == b' ' || body[0] == b'\t' {
                // A folded header line continues the one before.
                if let Some((_, v)) = rec.headers.last_mut() {
                    v.push(' ');
                    v.push_str(text.trim());
                    continue;
                }
            }
            let Some((k, v)) = text.split_once(':') else {
                let shown: String = text.chars().take(40).collect();
                return Err(fail(
                    self,
                    format!("bad header line {shown:?}"),
                    Some(rec),
                    false,
                ));
            };
            rec.headers
                .push((k.trim().to_string(), v.trim().to_string()));
        }
        let len = match rec.header("Content-Length").map(|v| v.parse::<u64>()) {
            Some(Ok(n)) => n,
            Some(Err(_)) => {
                let v = rec.header("Content-Length").unwrap_or_default().to_string();
                return Err(fail(
                    self,
                    format!("bad Content-Length {v:?}"),
                    Some(rec),
                    false,
                ));
            }
            None => return Err(fail(self, "no Content-Length".into(), Some(rec), false)),
        };
        if len > self.max_block {
            // Never held: reading goes on at the next line that starts a
            // record (a length that lies costs this record only), and the
            // caller says what becomes of it.
            let max = self.max_block;
            let what =
                format!("its block is {len} bytes, over --max-record-bytes ({max}): not read");
            let mut err = fail(self, what, Some(rec), false);
            err.too_long = true;
            return Err(err);
        }
        // No allocation of a length that a corrupt header made up: the
        // block grows as it is read.
        let read = (&mut self.r).take(len).read_to_end(&mut rec.block);
        let got = match read {
            Ok(n) => n,
            Err(e) => return Err(io_fail(self, e, Some(rec))),
        };
        self.offset += got as u64;
        if (got as u64) < len {
            // A length past the end of the stream swallows the records
            // after this one: give them back, so that only this one is
            // lost.
            let what = if self.give_back_next(&mut rec) {
                format!(
                    "its Content-Length ({len}) runs past the end of the stream, over the \
                     records after it (wrong Content-Length?)"
                )
            } else {
                format!("truncated: {got} of {len} bytes")
            };
            return Err(fail(self, what, Some(rec), false));
        }
        // Two line ends close the record; the end of the stream may stand
        // for them.
        for _ in 0..2 {
            let buf = match self.r.fill_buf() {
                Ok(buf) => buf,
                Err(e) => return Err(io_fail(self, e, Some(rec))),
            };
            let n = match buf {
                [] => break,
                [b'\r', b'\n', ..] => 2,
                [b'\n', ..] => 1,
                [b'\r'] => 1,
                _ => {
                    let what =
                        format!("no blank line after its {len}-byte block (wrong Content-Length?)");
                    // A length too long swallows the start of the next
                    // record: give it back, so that only this one is lost.
                    self.give_back_next(&mut rec);
                    return Err(fail(self, what, Some(rec), false));
                }
            };
            self.r.consume(n);
            self.offset += n as u64;
        }
        Ok(Some(rec))
    }

    /// Puts what follows the first line of `rec`'s block that starts a
    /// record back in front of the stream; says whether there was one.
    fn give_back_next(&mut self, rec: &mut Record) -> bool {
        let Some(p) = next_record_start(&rec.block) else {
            return false;
        };
        let next = rec.block.split_off(p);
        self.offset -= next.len() as u64;
        let rest = std::mem::replace(&mut self.r, Box::new(io::empty()));
        self.r = Box::new(io::Cursor::new(next).chain(rest));
        true
    }

    /// After an error: skips to the next line that starts a record.
    fn skip_to_next_record(&mut self) -> io::Result<()> {
        if self.pending.is_some() {
            return Ok(());
        }
        loop {
            let line = self.line()?;
            if line.is_empty() {
                self.done = true;
                return Ok(());
            }
            if line.starts_with(b"WARC/1.") {
                self.pending = Some(line);
                return Ok(());
            }
        }
    }
}

impl Iterator for Reader<'_> {
    type Item = Result<Record, RecordError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        if std::mem::take(&mut self.resync) {
            if let Err(e) = self.skip_to_next_record() {
                self.done = true;
                return Some(Err(RecordError {
                    number: self.number + 1,
                    offset: self.offset,
                    what: format!(
                        "cannot read the stream at byte {} (decompressed): {e}",
                        self.offset
                    ),
                    partial: None,
                    io: true,
                    too_long: false,
                }));
            }
            if self.done {
                return None;
            }
        }
        match self.read_record() {
            Ok(Some(r)) => Some(Ok(r)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => Some(Err(e)),
        }
    }
}

/// Where a line starting with `WARC/1.` (or, at the very end, with a
/// piece of it) begins inside `block`, after its first byte.
fn next_record_start(block: &[u8]) -> Option<usize> {
    const START: &[u8] = b"WARC/1.";
    (1..block.len()).find(|&p| {
        let rest = &block[p..];
        block[p - 1] == b'\n' && (rest.starts_with(START) || START.starts_with(rest))
    })
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

/// Whether a record is a `conversion` record (a page's text).
fn is_conversion(rec: Option<&Record>) -> bool {
    rec.and_then(|r| r.header("WARC-Type")) == Some("conversion")
}

/// What a WARC input held besides the records it passed on.
#[derive(Debug, Default)]
pub struct Counts {
    /// `conversion` records passed on.
    pub conversion: u64,
    /// Other records, skipped, by `WARC-Type`.
    pub skipped: BTreeMap<String, u64>,
    /// Truncated or corrupt records dropped (`--on-error skip`).
    pub bad_dropped: u64,
    /// Conversion records whose block was over `--max-record-bytes`, read
    /// past and dropped (`--on-error skip` or `keep`).
    pub too_long: u64,
    /// Truncated or corrupt records passed on with a `warc_error` field
    /// (`--on-error keep`).
    pub bad_kept: u64,
    /// Conversion records with no UTF-8 in them at all, read as
    /// Windows-1252 (a legacy page converted byte for byte).
    pub legacy: u64,
    /// Conversion records of UTF-8 with bad bytes in it (they became
    /// U+FFFD).
    pub not_utf8: u64,
}

impl Counts {
    /// Counts a record that is not text, by its `WARC-Type`.
    fn skip(&mut self, rec: Option<&Record>) {
        let kind = rec.and_then(|r| r.header("WARC-Type")).unwrap_or("");
        let kind = if kind.is_empty() {
            "(no WARC-Type)"
        } else {
            kind
        };
        *self.skipped.entry(kind.to_string()).or_default() += 1;
    }
}

/// The text of a block: UTF-8 as it is; a block without a single valid
/// multi-byte UTF-8 sequence but with bytes above 0x7F as Windows-1252
/// (what a legacy page that was never converted looks like); anything else
/// as UTF-8 with the bad bytes replaced by U+FFFD.
fn decode<'a>(block: &'a [u8], counts: &mut Counts) -> std::borrow::Cow<'a, str> {
    if let Ok(s) = std::str::from_utf8(block) {
        return s.into();
    }
    let mut rest = block;
    let mut multibyte = false;
    while !rest.is_empty() {
        match std::str::from_utf8(rest) {
            Ok(s) => {
                multibyte |= s.bytes().any(|b| b >= 0x80);
                break;
            }
            Err(e) => {
                let (good, bad) = rest.split_at(e.valid_up_to());
                multibyte |= good.iter().any(|&b| b >= 0x80);
                rest = &bad[e.error_len().unwrap_or(bad.len()).min(bad.len())..];
            }
        }
    }
    if multibyte {
        counts.not_utf8 += 1;
        String::from_utf8_lossy(block).into_owned().into()
    } else {
        counts.legacy += 1;
        block
            .iter()
            .map(|&b| windows_1252(b))
            .collect::<String>()
            .into()
    }
}

/// A Windows-1252 byte as a character (Latin-1 but for 0x80..0xA0).
fn windows_1252(b: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8d}', 'Ž',
        '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9d}',
        'ž', 'Ÿ',
    ];
    match b {
        0x80..=0x9f => HIGH[(b - 0x80) as usize],
        _ => b as char,
    }
}

/// JSON Lines from the conversion records of a WARC stream: one object per
/// record with `url` (WARC-Target-URI), `warc_record_id`, `date`
/// (WARC-Date) and the text under `field`, in that order.
pub struct ToJsonl<'a> {
    records: Reader<'a>,
    field: String,
    on_error: OnError,
    counts: &'a mut Counts,
    buf: Vec<u8>,
    pos: usize,
}

impl<'a> ToJsonl<'a> {
    /// The records of `r`, blocks of up to `max_block` bytes, the text
    /// under `field`.
    pub fn new(
        r: impl BufRead + Send + 'a,
        field: &str,
        on_error: OnError,
        max_block: usize,
        counts: &'a mut Counts,
    ) -> ToJsonl<'a> {
        ToJsonl {
            records: Reader::new(r, max_block),
            field: field.to_string(),
            on_error,
            counts,
            buf: Vec::new(),
            pos: 0,
        }
    }

    /// Fills `buf` with the next record's line; false at the end.
    fn refill(&mut self) -> io::Result<bool> {
        self.buf.clear();
        self.pos = 0;
        loop {
            let (rec, error) = match self.records.next() {
                None => return Ok(false),
                Some(Ok(rec)) => (rec, None),
                // The stream broke: an I/O error, never a bad record.
                Some(Err(e)) if e.io => return Err(io::Error::other(e.to_string())),
                Some(Err(e)) if e.too_long && !is_conversion(e.partial.as_ref()) => {
                    // Not text: skipped as its kind is, its size aside.
                    self.counts.skip(e.partial.as_ref());
                    continue;
                }
                Some(Err(e)) => match self.on_error {
                    OnError::Fail => {
                        return Err(io::Error::new(io::ErrorKind::InvalidData, e.to_string()))
                    }
                    // A block too long was never held: it cannot be kept.
                    _ if e.too_long => {
                        self.counts.too_long += 1;
                        continue;
                    }
                    OnError::Skip => {
                        self.counts.bad_dropped += 1;
                        continue;
                    }
                    OnError::Keep => {
                        self.counts.bad_kept += 1;
                        let what = e.to_string();
                        (e.partial.unwrap_or_default(), Some(what))
                    }
                },
            };
            if error.is_none() && !is_conversion(Some(&rec)) {
                self.counts.skip(Some(&rec));
                continue;
            }
            if error.is_none() {
                self.counts.conversion += 1;
            }
            self.write_record(&rec, error.as_deref());
            return Ok(true);
        }
    }

    fn write_record(&mut self, rec: &Record, error: Option<&str>) {
        let text = decode(&rec.block, self.counts);
        let out = &mut self.buf;
        let field = |out: &mut Vec<u8>, key: &str, value: Option<&str>| {
            let _ = serde_json::to_writer(&mut *out, key);
            out.push(b':');
            let _ = serde_json::to_writer(&mut *out, &value);
            out.push(b',');
        };
        out.push(b'{');
        // `url` is also the stripper's hint: its slug is evidence of the
        // headline (`--url-field`, default `url`).
        field(out, "url", rec.header("WARC-Target-URI"));
        field(out, "warc_record_id", rec.header("WARC-Record-ID"));
        field(out, "date", rec.header("WARC-Date"));
        if let Some(what) = error {
            field(out, "warc_error", Some(what));
        }
        field(out, &self.field, Some(&text));
        out.pop();
        out.extend_from_slice(b"}\n");
    }
}

impl Read for ToJsonl<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if self.pos == self.buf.len() && !self.refill()? {
            return Ok(0);
        }
        let n = (&self.buf[self.pos..]).read(out)?;
        self.pos += n;
        Ok(n)
    }
}

#[cfg(test)]
/// Writes a WARC record (for tests and fixtures): the version line, the
/// headers with `Content-Length`, the block and two line ends.
pub fn write_record(
    w: &mut impl std::io::Write,
    headers: &[(&str, &str)],
    block: &[u8],
) -> io::Result<()> {
    w.write_all(b"WARC/1.0\r\n")?;
    for (k, v) in headers {
        std::io::Write::write_fmt(w, format_args!("{k}: {v}\r\n"))?;
    }
    std::io::Write::write_fmt(w, format_args!("Content-Length: {}\r\n\r\n", block.len()))?;
    w.write_all(block)?;
    w.write_all(b"\r\n\r\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: &str, id: u32, block: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        let uri = format!("https://example.org/{id}");
        let rid = format!("<urn:uuid:0000-{id}>");
        write_record(
            &mut out,
            &[
                ("WARC-Type", kind),
                ("WARC-Target-URI", &uri),
                ("WARC-Date", "2024-05-01T10:00:00Z"),
                ("WARC-Record-ID", &rid),
                ("Content-Type", "text/plain"),
            ],
            block,
        )
        .unwrap();
        out
    }

    fn read_all(data: &[u8]) -> Vec<Result<Record, RecordError>> {
        Reader::new(data, 1 << 20).collect()
    }

    #[test]
    fn reads_records_and_their_headers() {
        let mut data = record("warcinfo", 0, b"software: test\r\n");
        data.extend(record(
            "conversion",
            1,
            "Première ligne\nSeconde\n".as_bytes(),
        ));
        data.extend(record("conversion", 2, b""));
        let recs = read_all(&data);
        assert_eq!(recs.len(), 3);
        let r = recs[1].as_ref().unwrap();
        assert_eq!(r.header("warc-type"), Some("conversion"));
        assert_eq!(r.header("WARC-Target-URI"), Some("https://example.org/1"));
        assert_eq!(r.block, "Première ligne\nSeconde\n".as_bytes());
        assert_eq!(recs[2].as_ref().unwrap().block, b"");
    }

    #[test]
    fn bare_line_feeds_and_folded_headers() {
        let data = b"\nWARC/1.1\nWARC-Type: conversion\nWARC-Target-URI: https://a.example/\n  x\nContent-Length: 3\n\nabc\n\nWARC/1.1\nWARC-Type: conversion\nContent-Length: 1\n\nz";
        let recs = read_all(data);
        assert_eq!(recs.len(), 2, "{recs:?}");
        let r = recs[0].as_ref().unwrap();
        assert_eq!(r.header("WARC-Target-URI"), Some("https://a.example/ x"));
        assert_eq!(r.block, b"abc");
        // The end of the stream stands for the closing line ends.
        assert_eq!(recs[1].as_ref().unwrap().block, b"z");
    }

    #[test]
    fn truncated_and_corrupt_records_name_themselves_and_reading_resumes() {
        let one = record("conversion", 1, b"one\n");
        let two = record("conversion", 2, b"two\n");
        // A Content-Length one byte too long: the block eats a line end and
        // the closing line ends are missing.
        let bad = String::from_utf8(record("conversion", 9, b"bad\n"))
            .unwrap()
            .replace("Content-Length: 4", "Content-Length: 7");
        let mut data = one.clone();
        data.extend(bad.as_bytes());
        data.extend(&two);
        data.extend(b"GARBAGE LINE\r\n");
        data.extend(&one);
        let three = record("conversion", 3, b"three, cut short\n");
        data.extend(&three[..three.len() - 10]);
        let recs = read_all(&data);
        let summary: Vec<String> = recs
            .iter()
            .map(|r| match r {
                Ok(r) => String::from_utf8_lossy(&r.block).into_owned(),
                Err(e) => e.to_string(),
            })
            .collect();
        assert_eq!(summary.len(), 6, "{summary:#?}");
        assert_eq!(summary[0], "one\n");
        assert!(
            summary[1].starts_with(&format!(
                "WARC record 2 (byte {}, <urn:uuid:0000-9>): no blank line",
                one.len()
            )),
            "{}",
            summary[1]
        );
        assert_eq!(summary[2], "two\n");
        assert!(
            summary[3].contains("expected a WARC/1.x version line, found \"GARBAGE LINE\""),
            "{}",
            summary[3]
        );
        assert_eq!(summary[4], "one\n");
        assert!(summary[5].starts_with("WARC record 6 "), "{}", summary[5]);
        assert!(
            summary[5].ends_with("truncated: 11 of 17 bytes"),
            "{}",
            summary[5]
        );
        let Err(e) = &recs[5] else { unreachable!() };
        assert_eq!(e.partial.as_ref().unwrap().block, b"three, cut ");
    }

    #[test]
    fn truncated_in_the_headers() {
        let rec = record("conversion", 1, b"x");
        let recs = read_all(&rec[..30]);
        assert_eq!(recs.len(), 1);
        let e = recs[0].as_ref().unwrap_err();
        assert!(e.what.contains("truncated in its headers"), "{e}");
    }

    #[test]
    fn jsonl_of_conversion_records_only() {
        let mut data = record("warcinfo", 0, b"software: test\r\n");
        data.extend(record(
            "response",
            1,
            b"HTTP/1.1 200 OK\r\n\r\n<html></html>",
        ));
        data.extend(record("conversion", 2, "Un texte \"cité\"\n".as_bytes()));
        data.extend(record("conversion", 3, b"caf\xe9 \x93cr\xe8me\x94\n"));
        data.extend(record("conversion", 4, b"caf\xc3\xa9 \xe9\n"));
        let mut counts = Counts::default();
        let mut out = String::new();
        ToJsonl::new(&data[..], "text", OnError::Fail, 1 << 20, &mut counts)
            .read_to_string(&mut out)
            .unwrap();
        let lines: Vec<serde_json::Value> = out
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 3);
        assert_eq!(
            out.lines().next().unwrap(),
            r#"{"url":"https://example.org/2","warc_record_id":"<urn:uuid:0000-2>","date":"2024-05-01T10:00:00Z","text":"Un texte \"cité\"\n"}"#
        );
        // No UTF-8 at all: Windows-1252. UTF-8 with a bad byte: U+FFFD.
        assert_eq!(lines[1]["text"], "café “crème”\n");
        assert_eq!(lines[2]["text"], "café \u{fffd}\n");
        assert_eq!(counts.conversion, 3);
        assert_eq!((counts.legacy, counts.not_utf8), (1, 1));
        assert_eq!(counts.skipped.get("warcinfo"), Some(&1));
        assert_eq!(counts.skipped.get("response"), Some(&1));
    }

    /// Cut anywhere, a WET stream gives its whole records before the cut,
    /// at most one error, and never a panic; resuming after garbage too.
    #[test]
    fn cut_at_every_byte() {
        let mut data = record("warcinfo", 0, b"software: test\r\n");
        data.extend(record("conversion", 1, "Un.\nDeux.\n".as_bytes()));
        data.extend(record("conversion", 2, b"Trois.\n"));
        let whole: Vec<Vec<u8>> = read_all(&data)
            .into_iter()
            .map(|r| r.unwrap().block)
            .collect();
        for cut in 0..data.len() {
            let recs = read_all(&data[..cut]);
            let errors = recs.iter().filter(|r| r.is_err()).count();
            assert!(errors <= 1, "cut {cut}: {recs:?}");
            let good: Vec<&Vec<u8>> = recs
                .iter()
                .filter_map(|r| r.as_ref().ok())
                .map(|r| &r.block)
                .collect();
            // A cut inside the closing line ends still gives the record.
            assert!(good.iter().zip(&whole).all(|(a, b)| *a == b), "cut {cut}");
            let mut garbage = data[..cut].to_vec();
            garbage.extend(b"\x00\xffjunk\r\n");
            garbage.extend(&data);
            let recs = read_all(&garbage);
            let tail: Vec<&Vec<u8>> = recs
                .iter()
                .rev()
                .take(3)
                .filter_map(|r| r.as_ref().ok())
                .map(|r| &r.block)
                .collect();
            assert_eq!(
                tail.len(),
                3,
                "cut {cut}: the records after the garbage are read: {:?} {recs:?}",
                String::from_utf8_lossy(&garbage[cut.saturating_sub(20)..cut + 30])
            );
        }
    }

    #[test]
    fn on_error_for_a_truncated_record() {
        let mut data = record("conversion", 1, b"one\n");
        let two = record("conversion", 2, b"two, cut short\n");
        data.extend(&two[..two.len() - 8]);
        let run = |mode| {
            let mut counts = Counts::default();
            let mut out = String::new();
            let r = ToJsonl::new(&data[..], "body", mode, 1 << 20, &mut counts)
                .read_to_string(&mut out);
            (r.map_err(|e| e.to_string()), out, counts)
        };
        let (r, _, _) = run(OnError::Fail);
        assert!(r.unwrap_err().contains("WARC record 2"));
        let (r, out, counts) = run(OnError::Skip);
        assert!(r.is_ok());
        assert_eq!(out.lines().count(), 1);
        assert_eq!(counts.bad_dropped, 1);
        let (r, out, counts) = run(OnError::Keep);
        assert!(r.is_ok());
        let last: serde_json::Value = serde_json::from_str(out.lines().nth(1).unwrap()).unwrap();
        assert_eq!(last["body"], "two, cut sh");
        assert!(last["warc_error"].as_str().unwrap().contains("truncated"));
        assert_eq!(counts.bad_kept, 1);
    }
}
