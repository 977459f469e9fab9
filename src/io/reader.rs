//! A document of any size read from a stream and stripped a part at a
//! time (the engine of `decruft FILE`), with memory bounded whatever the
//! input: parts are cut after blank lines (`text/parts.rs`), and a line
//! longer than a limit is read past, never held whole.

use std::io::{self, Read};

use crate::hints::Hints;
use crate::io::stream::MAX_RECORD_BYTES;
use crate::strip::Stripper;
use crate::stripped::Stripped;
use crate::text::parts::parts;

/// What [`Stripper::strip_reader_bounded`] hands over, in input order.
#[derive(Debug)]
#[non_exhaustive]
pub enum Piece<'a> {
    /// A part of the document, stripped (offsets relative to the part).
    Part(Stripped<'a>),
    /// A line longer than the limit: read past, not held, not stripped.
    LongLine {
        /// Its number in the input, from 1.
        line: u64,
        /// Its length in bytes, its line end included.
        bytes: u64,
    },
}

/// Input is read in chunks of this size.
const CHUNK: usize = 4 << 20;

impl Stripper {
    /// [`Stripper::strip_parts`] over a reader: parts are read, stripped
    /// and handed to `f` one at a time, so that memory stays that of a part
    /// however large the input (a 1 GB text). The parts and their results
    /// are those of `strip_parts` over the whole input.
    ///
    /// # Errors
    ///
    /// A read error of `input`, the first error `f` returns (it is not
    /// called again), or a line longer than [`MAX_RECORD_BYTES`] (256
    /// MiB), which is not read: an error of kind
    /// [`InvalidData`](std::io::ErrorKind::InvalidData) naming the line,
    /// after the parts before it ([`Stripper::strip_reader_bounded`] reads
    /// past such lines instead).
    ///
    /// # Example
    ///
    /// ```
    /// let stripper = decruft::Stripper::new();
    /// let mut cleaned = Vec::new();
    /// stripper.strip_reader("Lire la suite →\n".as_bytes(), |part| part.write_kept(&mut cleaned))?;
    /// assert!(cleaned.is_empty());
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn strip_reader<R: Read>(
        &self,
        input: R,
        f: impl FnMut(Stripped<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.strip_reader_with(input, &Hints::default(), f)
    }

    /// [`Stripper::strip_reader`] with what the caller knows of the page
    /// (see [`Stripper::strip_with`]), given to every part.
    ///
    /// # Errors
    ///
    /// As [`Stripper::strip_reader`].
    pub fn strip_reader_with<R: Read>(
        &self,
        input: R,
        hints: &Hints<'_>,
        f: impl FnMut(Stripped<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.strip_reader_failing(input, hints, MAX_RECORD_BYTES, f)
    }

    /// [`Stripper::strip_reader_with`] with a line limit of `max_line`.
    fn strip_reader_failing<R: Read>(
        &self,
        input: R,
        hints: &Hints<'_>,
        max_line: usize,
        mut f: impl FnMut(Stripped<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        self.strip_reader_bounded(input, hints, max_line, |piece| match piece {
            Piece::Part(part) => f(part),
            Piece::LongLine { line, bytes } => Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "line {line} is {bytes} bytes long, over the limit of {max_line}: not read"
                ),
            )),
        })
    }

    /// [`Stripper::strip_reader_with`] that reads past every line longer
    /// than `max_line` bytes instead of stopping there: such a line is
    /// never held whole (memory stays that of a part and `max_line`), is
    /// handed to `f` as [`Piece::LongLine`] with its number and length, and
    /// ends the part before it (the parts on either side are stripped
    /// apart, each as a document of its own). A line of scraped text that
    /// long is no article (a base64 blob, a dump's one-line table).
    ///
    /// # Errors
    ///
    /// A read error of `input`, or the first error `f` returns (it is not
    /// called again).
    ///
    /// # Example
    ///
    /// ```
    /// use decruft::{Hints, Piece, Stripper};
    ///
    /// let text = format!("Accueil\n{}\nLire la suite →\n", "x".repeat(100));
    /// let (mut parts, mut long) = (0, Vec::new());
    /// Stripper::new().strip_reader_bounded(text.as_bytes(), &Hints::new(), 50, |piece| {
    ///     match piece {
    ///         Piece::Part(_) => parts += 1,
    ///         Piece::LongLine { line, bytes } => long.push((line, bytes)),
    ///         _ => {}
    ///     }
    ///     Ok(())
    /// })?;
    /// assert_eq!((parts, long), (2, vec![(2, 101)]));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn strip_reader_bounded<R: Read>(
        &self,
        mut input: R,
        hints: &Hints<'_>,
        max_line: usize,
        mut f: impl FnMut(Piece<'_>) -> io::Result<()>,
    ) -> io::Result<()> {
        let max_line = max_line.max(1);
        let mut buf: Vec<u8> = Vec::new();
        // Lines ended before `buf[0]`.
        let mut line_no: u64 = 0;
        // Where the line not yet ended starts in `buf`.
        let mut tail = 0usize;
        // The bytes of an over-long line read past so far.
        let mut skipping: Option<u64> = None;
        let mut chunk = vec![0; CHUNK];
        // Strips `buf` whole (every part of it complete), and empties it.
        let flush = |buf: &mut Vec<u8>,
                     line_no: &mut u64,
                     f: &mut dyn FnMut(Piece<'_>) -> io::Result<()>|
         -> io::Result<()> {
            for part in parts(buf) {
                if !part.is_empty() {
                    f(Piece::Part(self.strip_bytes_with(&buf[part], hints)))?;
                }
            }
            *line_no += memchr::memchr_iter(b'\n', buf).count() as u64;
            buf.clear();
            Ok(())
        };
        loop {
            let n = loop {
                match input.read(&mut chunk) {
                    Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                    other => break other?,
                }
            };
            let eof = n == 0;
            let mut new = &chunk[..n];
            if let Some(skipped) = skipping.as_mut() {
                match memchr::memchr(b'\n', new) {
                    None => {
                        *skipped += n as u64;
                        if !eof {
                            continue;
                        }
                    }
                    Some(i) => {
                        *skipped += i as u64 + 1;
                        new = &new[i + 1..];
                    }
                }
                line_no += 1;
                let bytes = skipping.take().unwrap_or(0);
                f(Piece::LongLine {
                    line: line_no,
                    bytes,
                })?;
                if eof {
                    return Ok(());
                }
            }
            // The bytes of the line in hand already in `buf`, where that
            // line starts in `new` (when it does), and what of `new` is in
            // `buf` already.
            let mut pending = buf.len() - tail;
            let (mut from, mut appended) = (0, 0);
            for nl in memchr::memchr_iter(b'\n', new) {
                let len = pending + nl + 1 - from;
                if len > max_line {
                    // What comes before the line is stripped now (each
                    // part whole), the line itself is not kept.
                    buf.truncate(tail);
                    buf.extend_from_slice(&new[appended..from]);
                    flush(&mut buf, &mut line_no, &mut f)?;
                    tail = 0;
                    line_no += 1;
                    f(Piece::LongLine {
                        line: line_no,
                        bytes: len as u64,
                    })?;
                    appended = nl + 1;
                }
                pending = 0;
                from = nl + 1;
            }
            if pending + new.len() - from > max_line {
                // The line in hand, not ended yet, is too long already.
                skipping = Some((pending + new.len() - from) as u64);
                buf.truncate(tail);
                buf.extend_from_slice(&new[appended..from]);
                flush(&mut buf, &mut line_no, &mut f)?;
                tail = 0;
                continue;
            }
            let base = buf.len();
            buf.extend_from_slice(&new[appended..]);
            if from > appended {
                tail = base + from - appended;
            }
            let parts = parts(&buf);
            // The last part is complete only at the end of the input.
            let complete = if eof { parts.len() } else { parts.len() - 1 };
            for part in &parts[..complete] {
                if !part.is_empty() {
                    f(Piece::Part(
                        self.strip_bytes_with(&buf[part.clone()], hints),
                    ))?;
                }
            }
            if eof {
                return Ok(());
            }
            if complete > 0 {
                let done = parts[complete - 1].end;
                line_no += memchr::memchr_iter(b'\n', &buf[..done]).count() as u64;
                buf.drain(..done);
                tail -= done;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 20: one huge line in plain mode (`decruft FILE`) was read
    /// whole: a 4 GiB line aborted on an 8 GiB allocation. A line over the
    /// limit is read past, wherever it falls in the chunks read.
    #[test]
    fn a_line_over_the_limit_is_read_past_not_held() {
        let s = Stripper::new();
        let p = "Ceci est un paragraphe assez long pour être gardé, avec les mots les plus courants de la langue.";
        for (long, at_end, newline) in [
            (3 * CHUNK + 7, false, true),
            (300, false, true),
            (CHUNK, true, false),
            (CHUNK - 1, true, true),
        ] {
            let mut text = format!("{p}\n\n{p}\n");
            text.push_str(&"x".repeat(long));
            if newline {
                text.push('\n');
            }
            if !at_end {
                text.push_str(&format!("{p}\nLire la suite →\n"));
            }
            let mut got = Vec::new();
            let mut kept = Vec::new();
            s.strip_reader_bounded(text.as_bytes(), &Hints::new(), 200, |piece| {
                match piece {
                    Piece::Part(part) => {
                        part.write_kept(&mut kept)?;
                        got.push(format!("part of {} lines", part.lines().len()));
                    }
                    Piece::LongLine { line, bytes } => got.push(format!("line {line}: {bytes}")),
                }
                Ok(())
            })
            .unwrap();
            let bytes = long + newline as usize;
            let mut want = vec!["part of 3 lines".to_string(), format!("line 4: {bytes}")];
            if !at_end {
                want.push("part of 2 lines".into());
            }
            assert_eq!(got, want, "{long} {at_end} {newline}");
            let kept = String::from_utf8(kept).unwrap();
            assert!(kept.starts_with(&format!("{p}\n\n{p}\n")), "{kept}");
            assert!(!kept.contains("xxx"));
        }
        // strip_reader stops there (at 256 MiB), naming the line.
        let text = format!("a\nb\n{}\n", "x".repeat(100));
        let err = s
            .strip_reader_failing(text.as_bytes(), &Hints::new(), 50, |_| Ok(()))
            .unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
        assert_eq!(
            err.to_string(),
            "line 3 is 101 bytes long, over the limit of 50: not read"
        );
    }
}
