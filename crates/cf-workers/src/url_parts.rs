//! Splitting a serialized request URL without decoding it.

/// The parts of an absolute `http(s)` URL as the runtime serialized it, still encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct UrlParts<'a> {
    /// `host[:port]`.
    pub(crate) authority: &'a str,
    /// The path, starting with `/`.
    pub(crate) path: &'a str,
    /// The query without `?`, when there is one (possibly empty).
    pub(crate) query: Option<&'a str>,
}

impl<'a> UrlParts<'a> {
    /// Splits `url`; `None` without `scheme://`. A fragment is dropped.
    pub(crate) fn split(url: &'a str) -> Option<Self> {
        let (_, rest) = url.split_once("://")?;
        let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
        let (authority, path_and_query) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (path, query) = match path_and_query.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (path_and_query, None),
        };
        Some(Self {
            authority,
            path: if path.is_empty() { "/" } else { path },
            query,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::UrlParts;

    fn split(url: &str) -> (&str, &str, Option<&str>) {
        let parts = UrlParts::split(url).unwrap();
        (parts.authority, parts.path, parts.query)
    }

    #[test]
    fn keeps_escapes_as_sent() {
        assert_eq!(
            split("http://127.0.0.1:8787/b/a%2Bb+c%20d%25?list-type=2&prefix=a%2F"),
            (
                "127.0.0.1:8787",
                "/b/a%2Bb+c%20d%25",
                Some("list-type=2&prefix=a%2F")
            )
        );
    }

    #[test]
    fn empty_and_missing_parts() {
        assert_eq!(split("https://h"), ("h", "/", None));
        assert_eq!(split("https://h/?"), ("h", "/", Some("")));
        assert_eq!(
            split("https://h/k?uploads#frag"),
            ("h", "/k", Some("uploads"))
        );
        assert_eq!(split("https://h/k#a?b"), ("h", "/k", None));
        assert!(UrlParts::split("/relative").is_none());
    }
}
