//! At strip time: what a site's patterns say of each line of a document.

use crate::site::{line_hash, Patterns};
use crate::text::lines::Span;

/// What the site's patterns say of each line of one document.
#[derive(Clone, Debug, Default)]
pub(crate) struct SiteLines {
    /// The site's pages (0: no patterns for this document).
    pub(crate) pages: u32,
    /// Per line: the effective pages of the site holding it (0 for blank
    /// lines and lines never seen).
    pub(crate) counts: Vec<u32>,
    /// The site's name, for reasons.
    pub(crate) name: String,
}

impl SiteLines {
    /// Looks up the lines of `text` (split as `spans`) in the patterns of
    /// `site`; without patterns, or for a site of fewer than `min_pages`
    /// pages, leaves nothing (`pages == 0`).
    pub(crate) fn fill(
        &mut self,
        patterns: Option<&Patterns>,
        site: Option<&str>,
        min_pages: u32,
        text: &str,
        spans: &[Span],
    ) {
        self.pages = 0;
        self.counts.clear();
        self.name.clear();
        let Some((name, s)) = patterns
            .zip(site)
            .and_then(|(p, name)| Some((name, p.site(name, min_pages)?)))
        else {
            return;
        };
        self.pages = s.pages;
        self.name.push_str(name);
        self.counts.extend(spans.iter().map(|sp| {
            line_hash(&text[sp.content()])
                .and_then(|h| s.lines.get(&h))
                .map_or(0, |e| e.effective())
        }));
    }

    /// The share of the site's pages holding line `i` (0 without patterns).
    pub(crate) fn share(&self, i: usize) -> f32 {
        if self.pages == 0 {
            return 0.0;
        }
        self.counts
            .get(i)
            .map_or(0.0, |&c| c as f32 / self.pages as f32)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::lines;

    #[test]
    fn small_sites_give_nothing() {
        let mut p = Patterns::new();
        p.add_page("s", "Home\n");
        p.add_page("s", "Home\n");
        let mut site = SiteLines::default();
        let mut spans = Vec::new();
        lines::split(b"Home\n", &mut spans);
        site.fill(Some(&p), Some("s"), 3, "Home\n", &spans);
        assert_eq!(site.pages, 0);
        site.fill(Some(&p), Some("s"), 2, "Home\n", &spans);
        assert_eq!((site.pages, site.counts.as_slice()), (2, &[1u32][..]));
        assert_eq!(site.share(0), 0.5);
    }
}
