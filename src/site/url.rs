//! A page's site: the host of its URL.

/// The site of a page: the host of its URL, lower-cased, without `www.`
/// and port; `None` if `url` has no `scheme://host`.
///
/// # Example
///
/// ```
/// assert_eq!(decruft::site_of_url("https://www.Example.com:8080/a?b").as_deref(), Some("example.com"));
/// assert_eq!(decruft::site_of_url("not a url"), None);
/// ```
pub fn site_of_url(url: &str) -> Option<String> {
    let rest = &url[url.find("://")? + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    let host = host.rsplit('@').next().unwrap_or(host);
    let host = match host.rfind(':') {
        Some(i) if !host.ends_with(']') => &host[..i],
        _ => host,
    };
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let host = host
        .strip_prefix("www.")
        .map(str::to_string)
        .unwrap_or(host);
    (!host.is_empty() && !host.contains(char::is_whitespace)).then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sites_of_urls() {
        for (url, want) in [
            ("https://www.example.com/a", Some("example.com")),
            ("http://News.Example.co.uk", Some("news.example.co.uk")),
            ("https://user:pw@example.com:443/x", Some("example.com")),
            ("https://example.com?x=1", Some("example.com")),
            ("example.com/a", None),
            ("hard::nationnews.com-schools.html", None),
            ("https:///a", None),
        ] {
            assert_eq!(site_of_url(url).as_deref(), want, "{url}");
        }
    }
}
