//! `decruft [FILE...]` and `decruft annotate`: plain text in, the cleaned
//! text (or every line's verdict) out, a part at a time, with the loss
//! guard's warnings.
//!
//! Every file is a document of its own, and its output ends with a line
//! end (a last line without one gets one), so that the files of `decruft
//! a.txt b.txt` never run into each other. A binary file (a NUL byte in its
//! first 64 KiB, as ripgrep and git tell) is skipped with a message, and so
//! is a line longer than `--max-record-bytes` (read past, never held); the
//! other files and lines are still written, and the run ends with exit
//! status 2.

use std::io::{self, IsTerminal, Write};

use decruft::{Hints, Piece, Stripper};

use crate::flags::{Args, Mode};
use crate::io::input::{self, BINARY_HEAD};
use crate::io::output::Output;
use crate::io::signals;
use crate::Failure;

/// Strips every input as plain text (or annotates it).
pub fn run(stripper: &Stripper, args: &Args) -> Result<(), Failure> {
    let mut out = Output::to(args.output.as_deref())?;
    let result = run_into(stripper, args, &mut out);
    // An output file is kept only if every input was read to its end.
    let completed = matches!(result, Ok(()) | Err(Failure::Reported));
    let ended = out.end(completed);
    ended.and(result)
}

fn run_into(stripper: &Stripper, args: &Args, out: &mut Output) -> Result<(), Failure> {
    let color = args.mode == Mode::Annotate
        && args.color.unwrap_or_else(|| {
            // Colour on a terminal only, never into a file (-o).
            matches!(args.output.as_deref(), None | Some("-"))
                && io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        });
    // Something was skipped: the run ends with exit status 2.
    let mut skipped = false;
    for input in input::inputs(&args.files) {
        let mut input = input?;
        let name = input.name.clone();
        if input.warc {
            eprintln!(
                "decruft: warning: {name} is a WARC file, read as plain text (use --warc to strip its records)"
            );
        }
        if !args.text && input.looks_binary().map_err(|e| read_failure(&name, &e))? {
            eprintln!(
                "decruft: {name}: binary file (a NUL byte in its first {} KiB): skipped (--text \
                 strips it as text)",
                BINARY_HEAD >> 10
            );
            skipped = true;
            continue;
        }
        // Part by part, as it is read: an outsized input (a dump, 1 GB of
        // text) costs the memory of one part, not of all of it.
        // Flagged: every part lost nearly all its words (no part: none).
        let (mut judged, mut flagged, mut removed) = (true, None, 0.0);
        let mut ends = EndsLine::new(&mut *out);
        let hints = Hints::new()
            .url(args.url.as_deref())
            .site(args.site.as_deref());
        let ran =
            stripper.strip_reader_bounded(input.reader, &hints, args.max_record_bytes, |piece| {
                if signals::received().is_some() {
                    return Err(io::Error::new(io::ErrorKind::Interrupted, "interrupted"));
                }
                match piece {
                    Piece::Part(stripped) => {
                        judged &= stripped.judged();
                        flagged = Some(flagged.unwrap_or(true) && stripped.loss_flagged());
                        removed = stripped.removed_fraction();
                        if args.mode == Mode::Annotate {
                            stripped.write_annotated(&mut ends, color)
                        } else {
                            stripped.write_kept(&mut ends)
                        }
                    }
                    Piece::LongLine { line, bytes } => {
                        eprintln!(
                            "decruft: {name}: line {line} is {bytes} bytes long, over \
                         --max-record-bytes ({}): not read, left out",
                            args.max_record_bytes
                        );
                        skipped = true;
                        if args.mode == Mode::Annotate {
                            let reason =
                                format!("{bytes} bytes: over --max-record-bytes, not read");
                            writeln!(ends, "- {:<10} {:.2}  {reason:<42} |", "(not read)", 0.0)
                        } else {
                            Ok(())
                        }
                    }
                    _ => Ok(()),
                }
            });
        let ran = ran.and_then(|()| ends.end_line());
        if let Some(signal) = signals::received() {
            return Err(Failure::Interrupted(signal));
        }
        if let Err(e) = ran {
            // A write error, or a read error of this input.
            return Err(match out.error() {
                Some(_) => out.failure(&e),
                None if e.kind() == io::ErrorKind::BrokenPipe => Failure::BrokenPipe,
                None => read_failure(&name, &e),
            });
        }
        // The loss guard, as in --jsonl: nothing is emptied silently.
        if !judged {
            eprintln!(
                "decruft: warning: {name} has a line over 4 GiB, too large to strip: written \
                 whole, unstripped"
            );
        } else if flagged == Some(true) {
            eprintln!(
                "decruft: warning: {name}: stripping removed {:.0}% of its words (flagged for \
                 review: the page had no article, or decruft missed it)",
                (removed * 100.0_f64).floor()
            );
        }
    }
    if skipped {
        Err(Failure::Reported)
    } else {
        Ok(())
    }
}

fn read_failure(name: &str, e: &io::Error) -> Failure {
    Failure::new(format!("{name}: {e}"))
}

/// A writer that remembers whether what went through it ends with a line
/// end, so that one file's output can be given one.
struct EndsLine<'a> {
    inner: &'a mut Output,
    wrote: bool,
    last: u8,
}

impl<'a> EndsLine<'a> {
    fn new(inner: &'a mut Output) -> EndsLine<'a> {
        EndsLine {
            inner,
            wrote: false,
            last: b'\n',
        }
    }

    /// Ends the last line written, if it has no line end (`\n`, or `\r`
    /// in a file of old Mac line ends).
    fn end_line(&mut self) -> io::Result<()> {
        if self.wrote && !matches!(self.last, b'\n' | b'\r') {
            self.write_all(b"\n")?;
        }
        Ok(())
    }
}

impl Write for EndsLine<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.inner.write(buf)?;
        if n > 0 {
            self.wrote = true;
            self.last = buf[n - 1];
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.inner.flush()
    }
}

/// Plain text modes read JSON Lines as text: say so, in case `--jsonl` was
/// meant.
pub fn warn_about_json(files: &[String]) {
    for file in files {
        if file.ends_with(".jsonl") || file.ends_with(".json") {
            eprintln!(
                "decruft: warning: {file} is read as plain text (use --jsonl to strip its records)"
            );
        }
    }
}
