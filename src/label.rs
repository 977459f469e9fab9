//! The line taxonomy: what a line of a scraped page is.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// What a line of scraped text is.
///
/// Four labels are article content and kept by default ([`Label::Title`],
/// [`Label::Standfirst`], [`Label::Heading`], [`Label::Body`]); ten name a kind of boilerplate and are
/// dropped by default; [`Label::Blank`] marks an empty line, which is kept when
/// it separates two kept paragraphs. Which labels are kept is a setting of
/// [`StripperBuilder::keep`](crate::StripperBuilder::keep).
///
/// # Example
///
/// ```
/// use decruft::Label;
///
/// let label: Label = "read-more".parse().unwrap();
/// assert_eq!(label, Label::ReadMore);
/// assert_eq!(label.to_string(), "read-more");
/// assert!(!label.is_content());
/// assert!(Label::Heading.is_content());
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Label {
    /// The article's title.
    Title,
    /// The standfirst: the sentence or two between the title and the body
    /// (also called the dek or lead).
    Standfirst,
    /// A section heading inside the article.
    Heading,
    /// A paragraph, list item or quote of the article (the standfirst too).
    Body,
    /// Menus, breadcrumbs, pagination, search and account links.
    Navigation,
    /// Byline, date, reading time, category, tags, photo credits.
    Metadata,
    /// Headlines and snippets of other articles.
    Teaser,
    /// "Read more", "Lire la suite →" and their kin.
    ReadMore,
    /// Newsletter sign-up forms and appeals.
    Newsletter,
    /// Donation appeals, membership and paywall prompts.
    Donation,
    /// Share buttons and "follow us" widgets.
    Share,
    /// Comment sections and comment forms.
    Comments,
    /// Copyright, cookie, privacy and terms notices.
    Legal,
    /// Advertising markers and sponsored content.
    Ad,
    /// An empty (or whitespace-only) line.
    Blank,
}

impl Label {
    /// Every label, in taxonomy order.
    pub const ALL: [Label; 15] = [
        Label::Title,
        Label::Standfirst,
        Label::Heading,
        Label::Body,
        Label::Navigation,
        Label::Metadata,
        Label::Teaser,
        Label::ReadMore,
        Label::Newsletter,
        Label::Donation,
        Label::Share,
        Label::Comments,
        Label::Legal,
        Label::Ad,
        Label::Blank,
    ];

    /// The boilerplate labels, in the order of the lexicon's categories.
    pub const BOILERPLATE: [Label; 10] = [
        Label::Navigation,
        Label::Metadata,
        Label::Teaser,
        Label::ReadMore,
        Label::Newsletter,
        Label::Donation,
        Label::Share,
        Label::Comments,
        Label::Legal,
        Label::Ad,
    ];

    /// The label's name as used in the CLI, JSON output and snapshots.
    pub fn as_str(self) -> &'static str {
        match self {
            Label::Title => "title",
            Label::Standfirst => "standfirst",
            Label::Heading => "heading",
            Label::Body => "body",
            Label::Navigation => "navigation",
            Label::Metadata => "metadata",
            Label::Teaser => "teaser",
            Label::ReadMore => "read-more",
            Label::Newsletter => "newsletter",
            Label::Donation => "donation",
            Label::Share => "share",
            Label::Comments => "comments",
            Label::Legal => "legal",
            Label::Ad => "ad",
            Label::Blank => "blank",
        }
    }

    /// Whether the label names article content (title, standfirst, heading
    /// or body).
    #[inline]
    pub fn is_content(self) -> bool {
        matches!(
            self,
            Label::Title | Label::Standfirst | Label::Heading | Label::Body
        )
    }

    /// The label's index in [`Label::ALL`] (its place in the taxonomy):
    /// `Label::ALL[label.index()] == label`, for tables by label.
    ///
    /// # Example
    ///
    /// ```
    /// use decruft::Label;
    ///
    /// assert_eq!(Label::Title.index(), 0);
    /// assert_eq!(Label::ALL[Label::Share.index()], Label::Share);
    /// ```
    #[inline]
    pub fn index(self) -> usize {
        self as usize
    }

    /// The label's index among the boilerplate labels
    /// ([`Label::BOILERPLATE`], the lexicon's categories); `None` for the
    /// content labels and blank. `Label::BOILERPLATE[c]` is the way back.
    #[inline]
    pub(crate) fn category(self) -> Option<usize> {
        Label::BOILERPLATE.iter().position(|&l| l == self)
    }

    /// A bit for this label in a [`LabelSet`].
    #[inline]
    pub(crate) fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

impl fmt::Display for Label {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

impl FromStr for Label {
    type Err = Error;

    fn from_str(s: &str) -> Result<Label, Error> {
        Label::ALL
            .into_iter()
            .find(|l| l.as_str() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Label::ALL.iter().map(|l| l.as_str()).collect();
                Error::setting(format!(
                    "unknown label '{s}' (expected one of: {})",
                    names.join(", ")
                ))
            })
    }
}

/// A set of labels, e.g. the labels a stripper keeps.
///
/// # Example
///
/// ```
/// use decruft::{Label, LabelSet};
///
/// let set = LabelSet::content().with(Label::Metadata);
/// assert!(set.contains(Label::Body));
/// assert!(set.contains(Label::Metadata));
/// assert!(!set.contains(Label::Share));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default)]
pub struct LabelSet(u16);

impl LabelSet {
    /// The empty set.
    pub fn empty() -> LabelSet {
        LabelSet(0)
    }

    /// Title, standfirst, heading and body: the default set of kept labels.
    pub fn content() -> LabelSet {
        LabelSet::empty()
            .with(Label::Title)
            .with(Label::Standfirst)
            .with(Label::Heading)
            .with(Label::Body)
    }

    /// This set with `label` added.
    #[must_use]
    pub fn with(self, label: Label) -> LabelSet {
        LabelSet(self.0 | label.bit())
    }

    /// This set with `label` removed.
    #[must_use]
    pub fn without(self, label: Label) -> LabelSet {
        LabelSet(self.0 & !label.bit())
    }

    /// Whether `label` is in the set.
    #[inline]
    pub fn contains(self, label: Label) -> bool {
        self.0 & label.bit() != 0
    }

    /// The labels in the set, in taxonomy order.
    pub fn iter(self) -> impl Iterator<Item = Label> {
        Label::ALL.into_iter().filter(move |l| self.contains(*l))
    }
}

/// Parses a comma-separated list of label names, as `decruft --keep` and
/// the Python `keep` setting take it; blanks around names and empty entries
/// are ignored.
///
/// # Example
///
/// ```
/// use decruft::{Label, LabelSet};
///
/// let set: LabelSet = "title, body,metadata,".parse().unwrap();
/// assert_eq!(set, LabelSet::empty().with(Label::Title).with(Label::Body).with(Label::Metadata));
/// assert!("body,article".parse::<LabelSet>().is_err());
/// ```
impl FromStr for LabelSet {
    type Err = Error;

    fn from_str(s: &str) -> Result<LabelSet, Error> {
        s.split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(str::parse::<Label>)
            .collect()
    }
}

impl FromIterator<Label> for LabelSet {
    fn from_iter<I: IntoIterator<Item = Label>>(iter: I) -> LabelSet {
        iter.into_iter().fold(LabelSet::empty(), LabelSet::with)
    }
}

/// What kind of page a document is, read from its text (see
/// `classify/page.rs`, which decides it).
///
/// # Example
///
/// ```
/// use decruft::{PageKind, Stripper};
///
/// let out = Stripper::new().strip("Le président a déclaré jeudi qu'il était prêt à reprendre le dialogue.\n");
/// assert_eq!(out.kind(), PageKind::Article);
/// assert_eq!(PageKind::Thread.to_string(), "thread");
/// ```
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PageKind {
    /// An article (news, blog post, guide): its text is the content, reader
    /// comments below it are not.
    #[default]
    Article,
    /// A forum thread, a question and its answers: the posts are the
    /// content, their headers, widgets and signatures are not.
    Thread,
    /// An index, search or section page: headlines and snippets of other
    /// pages, little of its own.
    Listing,
    /// A product page: prices and a cart, a description and specifications.
    Product,
}

impl PageKind {
    /// Every kind, in order.
    pub const ALL: [PageKind; 4] = [
        PageKind::Article,
        PageKind::Thread,
        PageKind::Listing,
        PageKind::Product,
    ];

    /// The kind's name: `article`, `thread`, `listing` or `product`.
    pub fn as_str(self) -> &'static str {
        match self {
            PageKind::Article => "article",
            PageKind::Thread => "thread",
            PageKind::Listing => "listing",
            PageKind::Product => "product",
        }
    }
}

impl fmt::Display for PageKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for PageKind {
    type Err = Error;

    fn from_str(s: &str) -> Result<PageKind, Error> {
        PageKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| Error::setting(format!("unknown page kind {s:?}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for label in Label::ALL {
            assert_eq!(label.as_str().parse::<Label>().unwrap(), label);
        }
        assert!("article".parse::<Label>().is_err());
    }

    #[test]
    fn indices_are_places_in_the_taxonomy() {
        for (i, label) in Label::ALL.into_iter().enumerate() {
            assert_eq!(label.index(), i);
        }
    }

    #[test]
    fn content_set() {
        let set = LabelSet::content();
        let kept: Vec<Label> = set.iter().collect();
        assert_eq!(
            kept,
            [Label::Title, Label::Standfirst, Label::Heading, Label::Body]
        );
        assert!(Label::BOILERPLATE.iter().all(|l| !set.contains(*l)));
    }
}
