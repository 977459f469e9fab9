//! Outsized documents cut into parts: no page has tens of thousands of
//! lines, so such input (a dump) is classified a part at a time, each cut
//! after a blank line, and memory stays that of one part.

/// A document of more lines than this is classified in parts of about
/// this many lines…
pub(crate) const PART_LINES: usize = 1 << 14;
/// …or of about this many bytes.
pub(super) const PART_BYTES: usize = 64 << 20;

/// The byte ranges of the parts of `text`: each ends after a blank line
/// once it holds [`PART_LINES`] lines or [`PART_BYTES`] bytes, or wherever
/// it is when it reaches twice that with no blank line; a part is never
/// over [`MAX_INPUT`](crate::text::lines::MAX_INPUT) bytes unless a single line is.
pub(crate) fn parts(bytes: &[u8]) -> Vec<std::ops::Range<usize>> {
    let mut parts = Vec::new();
    let (mut start, mut lines, mut line_start) = (0usize, 0usize, 0usize);
    for nl in memchr::memchr_iter(b'\n', bytes) {
        let line = &bytes[line_start..nl];
        let blank = line.iter().all(u8::is_ascii_whitespace);
        lines += 1;
        line_start = nl + 1;
        let size = line_start - start;
        let full = lines >= PART_LINES || size >= PART_BYTES;
        let overfull = lines >= 2 * PART_LINES || size >= 2 * PART_BYTES;
        if (full && blank) || overfull {
            parts.push(start..line_start);
            start = line_start;
            lines = 0;
        }
    }
    if start < bytes.len() || parts.is_empty() {
        parts.push(start..bytes.len());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_cover_the_text_and_end_after_blank_lines() {
        let small = "a\n\nb\n";
        assert_eq!(parts(small.as_bytes()), vec![0..small.len()]);
        let big = "une ligne\n\n".repeat(PART_LINES);
        let got = parts(big.as_bytes());
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].start, 0);
        assert_eq!(got[0].end, got[1].start);
        assert_eq!(got[1].end, big.len());
        assert!(big[..got[0].end].ends_with("\n\n"));
        // No blank line: cut at twice the size.
        let dense = "x\n".repeat(5 * PART_LINES);
        let got = parts(dense.as_bytes());
        assert_eq!(got.len(), 3);
        assert!(got.iter().all(|p| p.len() <= 4 * PART_LINES));
    }
}
