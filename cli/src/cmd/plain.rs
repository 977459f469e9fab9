//! `decruft [FILE...]` and `decruft annotate`: plain text in, the cleaned
//! text (or every line's verdict) out, a part at a time, with the loss
//! guard's warnings.

use std::io::{self, IsTerminal};

use decruft::{Hints, Stripper};

use crate::flags::{Args, Mode};
use crate::io::input::{self, Output};
use crate::{write_err, Failure};

/// Strips every input as plain text (or annotates it).
pub fn run(stripper: &Stripper, args: &Args) -> Result<(), Failure> {
    let mut out = Output::to(args.output.as_deref())?;
    let color = args.mode == Mode::Annotate
        && args.color.unwrap_or_else(|| {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        });
    let mut result = Ok(());
    for input in input::inputs(&args.files) {
        let input = input?;
        if input.warc {
            eprintln!(
                "decruft: warning: {} is a WARC file, read as plain text (use --warc to strip its records)",
                input.name
            );
        }
        // Part by part, as it is read: an outsized input (a dump, 1 GB of
        // text) costs the memory of one part, not of all of it.
        // Flagged: every part lost nearly all its words (no part: none).
        let (mut judged, mut flagged, mut removed) = (true, None, 0.0);
        let mut write_failed = false;
        let hints = Hints::new()
            .url(args.url.as_deref())
            .site(args.site.as_deref());
        let ran = stripper.strip_reader_with(input.reader, &hints, |stripped| {
            judged &= stripped.judged();
            flagged = Some(flagged.unwrap_or(true) && stripped.loss_flagged());
            removed = stripped.removed_fraction();
            let w = if args.mode == Mode::Annotate {
                stripped.write_annotated(&mut out, color)
            } else {
                stripped.write_kept(&mut out)
            };
            write_failed = w.is_err();
            w
        });
        let written = match ran {
            Err(e) if !write_failed => {
                return Err(Failure::new(format!("{}: {e}", input.name)));
            }
            other => other,
        };
        if let Err(e) = written {
            result = Err(write_err(e));
            break;
        }
        // The loss guard, as in --jsonl: nothing is emptied silently.
        if !judged {
            eprintln!(
                "decruft: warning: {} has a line over 4 GiB, too large to strip: written \
                 whole, unstripped",
                input.name
            );
        } else if flagged == Some(true) {
            eprintln!(
                "decruft: warning: {}: stripping removed {:.0}% of its words (flagged for \
                 review: the page had no article, or decruft missed it)",
                input.name,
                (removed * 100.0_f64).floor()
            );
        }
    }
    let finished = out.finish();
    result.and(finished)
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
