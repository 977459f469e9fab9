//! The patterns file, binary.
//!
//! Binary, little-endian, versioned ([`PATTERNS_VERSION`]): the magic bytes
//! `DECRUFTP`, the version as a `u32`, then the sites sorted by name, each
//! as its name (varint length, UTF-8), its page count (varint), its line
//! count (varint) and its lines sorted by hash: the hash as a varint delta
//! from the previous one, then `2·pages + single` as a varint, then the
//! group bitmap as one byte (its only bit's index) if `single`, else 8
//! bytes; the file ends with an FNV-1a 64 checksum of everything before it.
//! About 12 bytes a line. Binary because a cluster merges many such files:
//! JSON would be three times larger and slower to parse, for no reader that
//! needs it. Sorted and canonical, so learning the same pages gives the same
//! bytes, whatever their order or sharding.

use crate::error::Error;
use crate::site::{Entry, LineMap, Patterns, Site};
use crate::util::hash::{fnv1a, FNV_OFFSET};

/// The patterns file format this version of decruft reads and writes.
pub const PATTERNS_VERSION: u32 = 1;

const MAGIC: &[u8; 8] = b"DECRUFTP";

/// The fewest bytes a line takes: a one-byte hash delta, a one-byte tag
/// and a one-byte group.
const MIN_LINE_BYTES: usize = 3;

impl Patterns {
    /// The patterns file: see the type's notes for the format.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(16 + self.held * 12);
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&PATTERNS_VERSION.to_le_bytes());
        let mut names: Vec<&Box<str>> = self.sites.keys().collect();
        names.sort();
        varint(&mut out, names.len() as u64);
        let mut lines: Vec<(u64, Entry)> = Vec::new();
        for name in names {
            let s = &self.sites[name];
            varint(&mut out, name.len() as u64);
            out.extend_from_slice(name.as_bytes());
            varint(&mut out, s.pages as u64);
            lines.clear();
            lines.extend(s.lines.iter().map(|(h, e)| (*h, *e)));
            lines.sort_unstable_by_key(|l| l.0);
            varint(&mut out, lines.len() as u64);
            let mut prev = 0u64;
            for &(h, e) in &lines {
                varint(&mut out, h - prev);
                prev = h;
                let single = e.groups.count_ones() == 1;
                varint(&mut out, ((e.pages as u64) << 1) | single as u64);
                if single {
                    out.push(e.groups.trailing_zeros() as u8);
                } else {
                    out.extend_from_slice(&e.groups.to_le_bytes());
                }
            }
        }
        let sum = fnv1a(FNV_OFFSET, &out);
        out.extend_from_slice(&sum.to_le_bytes());
        out
    }

    /// Reads a patterns file written by [`Patterns::to_bytes`] (with the
    /// default caps). Fails with a message saying what is wrong on a file
    /// that is not a patterns file, of another format version, truncated
    /// or corrupt.
    pub fn from_bytes(bytes: &[u8]) -> Result<Patterns, Error> {
        let bad = |why: &str| Error::setting(format!("bad patterns file: {why}"));
        if bytes.len() < 12 || &bytes[..8] != MAGIC {
            return Err(bad(
                "not a decruft patterns file (write one with decruft learn)",
            ));
        }
        let version = u32::from_le_bytes(bytes[8..12].try_into().expect("4 bytes"));
        if version != PATTERNS_VERSION {
            return Err(bad(&format!(
                "format version {version}, this decruft reads version {PATTERNS_VERSION}: \
                 learn it again with this decruft (decruft learn)"
            )));
        }
        if bytes.len() < 20 {
            return Err(bad("truncated"));
        }
        let (body, sum) = bytes.split_at(bytes.len() - 8);
        if fnv1a(FNV_OFFSET, body) != u64::from_le_bytes(sum.try_into().expect("8 bytes")) {
            return Err(bad("truncated or corrupt (checksum mismatch)"));
        }
        let mut r = Reader {
            bytes: body,
            at: 12,
        };
        let corrupt = || bad("corrupt (checksum matches, contents do not)");
        let mut p = Patterns::new();
        let n = r.varint().ok_or_else(corrupt)?;
        let mut last: Option<Box<str>> = None;
        for _ in 0..n {
            let len = r.varint().ok_or_else(corrupt)? as usize;
            let name = r.take(len).ok_or_else(corrupt)?;
            let name: Box<str> = std::str::from_utf8(name).map_err(|_| corrupt())?.into();
            if last.as_ref().is_some_and(|l| *l >= name) {
                return Err(corrupt());
            }
            let pages = u32::try_from(r.varint().ok_or_else(corrupt)?).map_err(|_| corrupt())?;
            let count = r.varint().ok_or_else(corrupt)?;
            // A count is checked against the bytes left before anything
            // is allocated for it: a crafted file (checksum and all)
            // claiming 2^60 lines made the loader reserve 1.7 GB (issue
            // 20). A line takes at least MIN_LINE_BYTES.
            if count > (r.left() / MIN_LINE_BYTES) as u64 {
                return Err(bad(&format!(
                    "corrupt (site {name:?} claims {count} lines, in {} bytes)",
                    r.left()
                )));
            }
            let count = count as usize;
            let mut site = Site {
                pages,
                lines: LineMap::default(),
            };
            site.lines.reserve(count);
            let mut h = 0u64;
            for k in 0..count {
                let d = r.varint().ok_or_else(corrupt)?;
                if k > 0 && d == 0 {
                    return Err(corrupt());
                }
                h = h.checked_add(d).ok_or_else(corrupt)?;
                let tag = r.varint().ok_or_else(corrupt)?;
                let pages = u32::try_from(tag >> 1).map_err(|_| corrupt())?;
                let groups = if tag & 1 == 1 {
                    let bit = r.take(1).ok_or_else(corrupt)?[0];
                    if bit >= 64 {
                        return Err(corrupt());
                    }
                    1u64 << bit
                } else {
                    u64::from_le_bytes(r.take(8).ok_or_else(corrupt)?.try_into().expect("8"))
                };
                site.lines.insert(h, Entry { pages, groups });
            }
            p.held += site.lines.len();
            p.sites.insert(name.clone(), site);
            last = Some(name);
        }
        if r.at != body.len() {
            return Err(corrupt());
        }
        Ok(p)
    }
}

fn varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    /// The bytes not read yet.
    fn left(&self) -> usize {
        self.bytes.len() - self.at
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.at.checked_add(n)?;
        let s = self.bytes.get(self.at..end)?;
        self.at = end;
        Some(s)
    }

    fn varint(&mut self) -> Option<u64> {
        let mut v = 0u64;
        for shift in (0..64).step_by(7) {
            let b = *self.bytes.get(self.at)?;
            self.at += 1;
            v |= ((b & 0x7f) as u64) << shift;
            if b < 0x80 {
                return Some(v);
            }
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::site::tests::page;

    #[test]
    fn file_round_trip_and_errors() {
        let mut p = Patterns::new();
        for i in 0..10 {
            p.add_page("a.com", &page(i));
            p.add_page("b.org", &page(i + 3));
        }
        let bytes = p.to_bytes();
        let q = Patterns::from_bytes(&bytes).unwrap();
        assert_eq!(q.to_bytes(), bytes);
        assert_eq!(q.line_pages("a.com", "home"), p.line_pages("a.com", "home"));
        let err = |b: &[u8]| Patterns::from_bytes(b).unwrap_err().to_string();
        assert!(err(b"{\"json\": 1}").contains("not a decruft patterns file"));
        let mut v2 = bytes.clone();
        v2[8] = 2;
        assert!(err(&v2).contains("format version 2, this decruft reads version 1"));
        assert!(err(&bytes[..bytes.len() - 3]).contains("checksum"));
        let mut flipped = bytes.clone();
        flipped[20] ^= 1;
        assert!(err(&flipped).contains("corrupt"));
        assert_eq!(
            Patterns::from_bytes(&Patterns::new().to_bytes()).unwrap(),
            Patterns::new()
        );
    }

    /// Issue 20: a crafted patterns file with a valid checksum claiming
    /// 2^60 lines made the loader reserve 1.7 GB before it validated (the
    /// CLI and Python aborted under a 1 GB limit). Counts are checked
    /// against the bytes left first.
    #[test]
    fn a_line_count_larger_than_the_file_is_refused_before_allocating() {
        let crafted = |count: u64, padding: usize| {
            let mut out = MAGIC.to_vec();
            out.extend_from_slice(&PATTERNS_VERSION.to_le_bytes());
            varint(&mut out, 1);
            varint(&mut out, 5);
            out.extend_from_slice(b"a.com");
            varint(&mut out, 3);
            varint(&mut out, count);
            out.resize(out.len() + padding, 0);
            let sum = fnv1a(FNV_OFFSET, &out);
            out.extend_from_slice(&sum.to_le_bytes());
            out
        };
        for (count, padding) in [(1 << 60, 1 << 20), (u64::MAX, 0), (1001, 3000)] {
            let err = Patterns::from_bytes(&crafted(count, padding))
                .unwrap_err()
                .to_string();
            assert!(
                err.contains(&format!("claims {count} lines, in {padding} bytes")),
                "{err}"
            );
        }
        // As many lines as the bytes can hold is a count to read.
        let err = Patterns::from_bytes(&crafted(1000, 3000))
            .unwrap_err()
            .to_string();
        assert!(err.contains("checksum matches, contents do not"), "{err}");
    }
}
