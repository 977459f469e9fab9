//! What a caller knows about a page besides its text.

/// What a caller knows about the page besides its text: evidence of which
/// line is the headline (its title, its URL's slug) and the key of its
/// site's lines in the stripper's [`Patterns`](crate::Patterns).
///
/// # Example
///
/// ```
/// use decruft::Hints;
///
/// let hints = Hints::new()
///     .title("Le gouvernement présente son budget | Le Journal")
///     .url("https://example.com/politique/le-gouvernement-presente-son-budget");
/// assert_eq!(hints.site, None);
/// // Settings that may be missing take an `Option` as well.
/// let site: Option<&str> = None;
/// assert_eq!(Hints::new().site(site).site, None);
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[non_exhaustive]
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

impl<'a> Hints<'a> {
    /// No hints: a page known by its text alone.
    pub const fn new() -> Hints<'a> {
        Hints {
            title: None,
            url: None,
            site: None,
        }
    }

    /// These hints with the page's title (`None`: unknown).
    #[must_use]
    pub fn title(mut self, title: impl Into<Option<&'a str>>) -> Hints<'a> {
        self.title = title.into();
        self
    }

    /// These hints with the page's URL (`None`: unknown).
    #[must_use]
    pub fn url(mut self, url: impl Into<Option<&'a str>>) -> Hints<'a> {
        self.url = url.into();
        self
    }

    /// These hints with the page's site (`None`: the host of the URL).
    #[must_use]
    pub fn site(mut self, site: impl Into<Option<&'a str>>) -> Hints<'a> {
        self.site = site.into();
        self
    }
}
