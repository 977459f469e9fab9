//! Splitting text into line spans.
//!
//! A line is a [`Span`] into the input: `start..end` is its content without
//! the terminator, `end..next` the terminator itself (`\n`, `\r\n`, or nothing
//! on a last line without one). Nothing is copied; memchr finds the `\n`s.

/// One line of the input, as byte offsets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub(crate) struct Span {
    /// First byte of the line.
    pub(crate) start: u32,
    /// One past the last content byte (before `\r\n` or `\n`).
    pub(crate) end: u32,
    /// One past the terminator: where the next line starts. (For a piece
    /// of a line that is not its last: where the next piece starts, past
    /// the white space between them.)
    pub(crate) next: u32,
    /// Whether this unit continues the line of the unit before it: it is a
    /// piece of a long line (see `text/segment/`), not the first. Lines as
    /// [`split`] gives them never do.
    pub(crate) cont: bool,
}

impl Span {
    #[inline]
    pub(crate) fn content(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// The largest input the span representation can address.
pub(crate) const MAX_INPUT: usize = u32::MAX as usize;

/// Appends the spans of the lines of `text` to `out` (cleared first).
///
/// Empty input has no lines; a trailing `\n` does not start a new (empty)
/// line, so `"a\n"` and `"a"` both have one line. A `\r` directly before the
/// `\n` belongs to the terminator, so CRLF lines keep their `\r\n` on output.
/// `text` must be shorter than [`MAX_INPUT`] bytes.
pub(crate) fn split(text: &[u8], out: &mut Vec<Span>) {
    debug_assert!(text.len() <= MAX_INPUT);
    out.clear();
    let mut start = 0usize;
    for nl in memchr::memchr_iter(b'\n', text) {
        let end = if nl > start && text[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        };
        out.push(Span {
            start: start as u32,
            end: end as u32,
            next: (nl + 1) as u32,
            cont: false,
        });
        start = nl + 1;
    }
    if start < text.len() {
        out.push(Span {
            start: start as u32,
            end: text.len() as u32,
            next: text.len() as u32,
            cont: false,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines(text: &str) -> Vec<(&str, &str)> {
        let mut spans = Vec::new();
        split(text.as_bytes(), &mut spans);
        spans
            .iter()
            .map(|s| (&text[s.content()], &text[s.end as usize..s.next as usize]))
            .collect()
    }

    #[test]
    fn table() {
        let cases: &[(&str, &[(&str, &str)])] = &[
            ("", &[]),
            ("\n", &[("", "\n")]),
            ("a", &[("a", "")]),
            ("a\n", &[("a", "\n")]),
            ("a\nb", &[("a", "\n"), ("b", "")]),
            ("a\r\nb\r\n", &[("a", "\r\n"), ("b", "\r\n")]),
            ("\r\n\r\n", &[("", "\r\n"), ("", "\r\n")]),
            ("a\rb\n", &[("a\rb", "\n")]),
            ("\n\nx", &[("", "\n"), ("", "\n"), ("x", "")]),
        ];
        for (input, want) in cases {
            assert_eq!(lines(input), *want, "input {input:?}");
        }
    }
}
