//! What a caller knows about a page besides its text.

/// What a caller knows about the page besides its text.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hints<'a> {
    /// The page's title (a crawler's `<title>`), if known.
    pub title: Option<&'a str>,
    /// The page's URL, if known.
    pub url: Option<&'a str>,
    /// The page's site, the key of its lines in the stripper's
    /// [`Patterns`](crate::Patterns), if known; else the host of `url`
    /// (see [`site_of_url`](crate::site_of_url)).
    pub site: Option<&'a str>,
}
