//! What a record's rewriting reads: the text field, the hint fields, the labels.

/// How [`strip_record`](crate::strip_record) rewrites a record.
///
/// # Example
///
/// ```
/// use decruft::{strip_record, JsonlOptions, Stripper};
///
/// let stripper = Stripper::new();
/// let opts = JsonlOptions::default();
/// let mut out = Vec::new();
/// strip_record(&stripper, &opts, br#"{"id":7,"text":"Lire la suite \u2192\n","lang":"fr"}"#, &mut out).unwrap();
/// assert_eq!(out, br#"{"id":7,"text":"","lang":"fr"}"#);
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct JsonlOptions {
    /// The field holding the text to strip (default `"text"`).
    pub field: String,
    /// Add a field with every line's label: `[start, end, label, score]`,
    /// offsets in characters of the original text, end exclusive; and two
    /// more: `<field>_removed`, the share of the text's words removed, and
    /// `<field>_flagged`, whether that is nearly all of a sizeable text (see
    /// [`Stripped::loss_flagged`](crate::Stripped::loss_flagged)).
    pub labels: bool,
    /// The name of the labels field (default `"decruft"`).
    pub labels_field: String,
    /// A field holding the page's title (a crawler's `<title>`), evidence of
    /// which line is the headline (default: none).
    pub title_field: Option<String>,
    /// A field holding the page's URL, whose slug is evidence of the
    /// headline (default `"url"`; used when present and a string).
    pub url_field: Option<String>,
    /// A field holding the page's site, the key of its lines in the
    /// stripper's [`Patterns`](crate::Patterns) (default: none, the host of
    /// the URL field).
    pub site_field: Option<String>,
}

impl Default for JsonlOptions {
    fn default() -> JsonlOptions {
        JsonlOptions {
            field: "text".into(),
            labels: false,
            labels_field: "decruft".into(),
            title_field: None,
            url_field: Some("url".into()),
            site_field: None,
        }
    }
}
