//! Lines of input read with a bound: a line longer than the limit is read
//! past, never held whole (`learn`, `report` and `--learn` read JSON Lines
//! this way; `--jsonl` has its own reader in the library).

use std::io::{self, BufRead};

/// What [`read_line`] found.
#[derive(Debug, PartialEq, Eq)]
pub enum Read {
    /// The end of the input: nothing read.
    End,
    /// A line, in the buffer, with its newline if it had one.
    Line,
    /// A line longer than the limit, read past: its length in bytes.
    TooLong(u64),
}

/// Reads the next line of `r` into `buf` (cleared first), holding at most
/// `max` bytes of it.
pub fn read_line(r: &mut dyn BufRead, buf: &mut Vec<u8>, max: usize) -> io::Result<Read> {
    buf.clear();
    let mut skipped: Option<u64> = None;
    loop {
        let chunk = match r.fill_buf() {
            Ok(c) => c,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if chunk.is_empty() {
            return Ok(match skipped {
                Some(n) => Read::TooLong(n),
                None if buf.is_empty() => Read::End,
                None => Read::Line,
            });
        }
        let (take, done) = match memchr::memchr(b'\n', chunk) {
            Some(i) => (i + 1, true),
            None => (chunk.len(), false),
        };
        match skipped.as_mut() {
            Some(n) => *n += take as u64,
            None if buf.len() + take > max => {
                skipped = Some((buf.len() + take) as u64);
                buf.clear();
                buf.shrink_to(1 << 16);
            }
            None => buf.extend_from_slice(&chunk[..take]),
        }
        r.consume(take);
        if done {
            return Ok(match skipped {
                Some(n) => Read::TooLong(n),
                None => Read::Line,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_read_past() {
        let data = b"short\nxxxxxxxxxx\nend";
        let mut r = io::BufReader::with_capacity(3, &data[..]);
        let mut buf = Vec::new();
        let mut got = Vec::new();
        loop {
            match read_line(&mut r, &mut buf, 8).unwrap() {
                Read::End => break,
                Read::Line => got.push(String::from_utf8(buf.clone()).unwrap()),
                Read::TooLong(n) => got.push(format!("<{n}>")),
            }
        }
        assert_eq!(got, ["short\n", "<11>", "end"]);
    }
}
