//! The query string of a request, decoded.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

use crate::ProxyError;

/// Decoded query parameters in the order they were sent.
///
/// A parameter without `=` (`?uploads`) has an empty value. `+` is a literal plus sign,
/// as RFC 3986 and SigV4 canonicalization treat it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Query {
    pairs: Vec<(String, String)>,
}

impl Query {
    /// Decodes a raw query string (without the leading `?`).
    pub fn parse(raw: &str) -> Result<Self, ProxyError> {
        let pairs = raw
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
                Ok((decode(name)?.into_owned(), decode(value)?.into_owned()))
            })
            .collect::<Result<_, ProxyError>>()?;
        Ok(Self { pairs })
    }

    /// The first value of parameter `name`.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// Whether parameter `name` is present, with or without a value.
    pub fn has(&self, name: &str) -> bool {
        self.pairs.iter().any(|(n, _)| n == name)
    }

    /// Every parameter, decoded, in the order sent.
    pub fn pairs(&self) -> &[(String, String)] {
        &self.pairs
    }

    /// The first parameter whose name is in `names`, if any.
    pub fn first_of<'a>(&self, names: &[&'a str]) -> Option<&'a str> {
        names.iter().copied().find(|name| self.has(name))
    }
}

/// Percent-decodes one query component; it must be UTF-8.
fn decode(component: &str) -> Result<Cow<'_, str>, ProxyError> {
    percent_decode_str(component)
        .decode_utf8()
        .map_err(|_| ProxyError::InvalidUri)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_names_and_values() {
        let q = Query::parse("prefix=a%20b%2Bc&uploads&list-type=2&plus=a+b").unwrap();
        assert_eq!(q.get("prefix"), Some("a b+c"));
        assert_eq!(q.get("uploads"), Some(""));
        assert!(q.has("uploads"));
        assert_eq!(q.get("list-type"), Some("2"));
        assert_eq!(q.get("plus"), Some("a+b"));
        assert_eq!(q.get("absent"), None);
    }

    #[test]
    fn refuses_non_utf8() {
        assert!(Query::parse("prefix=%FF").is_err());
    }
}
