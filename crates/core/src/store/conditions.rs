//! Conditional requests (RFC 9110 §13, as S3 applies them) and byte ranges.

use std::ops::Range;

use chrono::{DateTime, NaiveDateTime, TimeZone, Utc};
use http::header::{IF_MATCH, IF_MODIFIED_SINCE, IF_NONE_MATCH, IF_UNMODIFIED_SINCE};
use http::{HeaderMap, HeaderName};

use crate::ProxyError;

/// The four condition headers of one kind of request.
#[derive(Debug, Clone)]
pub(super) struct ConditionHeaders {
    if_match: HeaderName,
    if_none_match: HeaderName,
    if_modified_since: HeaderName,
    if_unmodified_since: HeaderName,
}

impl ConditionHeaders {
    /// `If-Match`, `If-None-Match`, `If-Modified-Since`, `If-Unmodified-Since`.
    pub(super) fn object() -> Self {
        Self {
            if_match: IF_MATCH,
            if_none_match: IF_NONE_MATCH,
            if_modified_since: IF_MODIFIED_SINCE,
            if_unmodified_since: IF_UNMODIFIED_SINCE,
        }
    }

    /// The `x-amz-copy-source-if-*` headers of CopyObject.
    pub(super) fn copy_source() -> Self {
        Self {
            if_match: HeaderName::from_static("x-amz-copy-source-if-match"),
            if_none_match: HeaderName::from_static("x-amz-copy-source-if-none-match"),
            if_modified_since: HeaderName::from_static("x-amz-copy-source-if-modified-since"),
            if_unmodified_since: HeaderName::from_static("x-amz-copy-source-if-unmodified-since"),
        }
    }
}

/// What the conditions of a request say about serving it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Verdict {
    /// Serve it.
    Proceed,
    /// Answer `304 Not Modified` (a read whose cached copy is current).
    NotModified,
    /// Answer `412 Precondition Failed`.
    PreconditionFailed,
}

/// Evaluates the conditions of `headers` against an object's `etag` (quoted) and
/// `last_modified`, in RFC 9110 order:
///
/// 1. `If-Match` false → 412; else, without `If-Match`, `If-Unmodified-Since` false → 412;
/// 2. `If-None-Match` matching → 304; else, without `If-None-Match`, `If-Modified-Since`
///    not modified → 304.
///
/// Dates compare at the one-second resolution of HTTP dates; an unparsable date is
/// ignored, as RFC 9110 requires.
pub(super) fn evaluate(
    headers: &HeaderMap,
    names: &ConditionHeaders,
    etag: &str,
    last_modified: DateTime<Utc>,
) -> Verdict {
    let last_modified = whole_seconds(last_modified);
    if let Some(condition) = text(headers, &names.if_match) {
        if !etag_list_matches(condition, etag) {
            return Verdict::PreconditionFailed;
        }
    } else if let Some(date) = date(headers, &names.if_unmodified_since)
        && last_modified > date
    {
        return Verdict::PreconditionFailed;
    }
    if let Some(condition) = text(headers, &names.if_none_match) {
        if etag_list_matches(condition, etag) {
            return Verdict::NotModified;
        }
    } else if let Some(date) = date(headers, &names.if_modified_since)
        && last_modified <= date
    {
        return Verdict::NotModified;
    }
    Verdict::Proceed
}

/// Whether an `If-Match`/`If-None-Match` value (`*` or a list of entity tags) names
/// `etag`. Tags compare by their opaque part, so weak tags and the unquoted tags some
/// clients send match too (S3 is as lenient).
pub(super) fn etag_list_matches(condition: &str, etag: &str) -> bool {
    let etag = opaque(etag);
    condition
        .split(',')
        .map(str::trim)
        .any(|candidate| candidate == "*" || (!candidate.is_empty() && opaque(candidate) == etag))
}

/// The opaque part of an entity tag: without `W/` and quotes.
pub(super) fn opaque(tag: &str) -> &str {
    let tag = tag.trim();
    let tag = tag.strip_prefix("W/").unwrap_or(tag);
    let tag = tag.strip_prefix('"').unwrap_or(tag);
    tag.strip_suffix('"').unwrap_or(tag)
}

/// The byte range a `Range` header asks for in an object of `size` bytes.
///
/// `None` means "the whole object": no header, another unit, a malformed value, or
/// several ranges (S3 answers those with the whole object). A range that starts at or
/// beyond the end (or any range of an empty object) is `InvalidRange`.
pub(super) fn byte_range(headers: &HeaderMap, size: u64) -> Result<Option<Range<u64>>, ProxyError> {
    let Some(value) = text(headers, &http::header::RANGE) else {
        return Ok(None);
    };
    let Some(spec) = strip_prefix_ignore_case(value.trim(), "bytes=") else {
        return Ok(None);
    };
    if spec.contains(',') {
        return Ok(None);
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ok(None);
    };
    let (first, last) = (first.trim(), last.trim());
    let number = |text: &str| -> Option<u64> {
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| text.parse().ok()).flatten()
    };
    if first.is_empty() {
        let Some(suffix) = number(last) else {
            return Ok(None);
        };
        if suffix == 0 || size == 0 {
            return Err(ProxyError::InvalidRange);
        }
        return Ok(Some(size.saturating_sub(suffix)..size));
    }
    let Some(start) = number(first) else {
        return Ok(None);
    };
    let end = match last {
        "" => size,
        last => match number(last) {
            Some(last) if last >= start => last.saturating_add(1).min(size),
            _ => return Ok(None),
        },
    };
    if start >= size {
        return Err(ProxyError::InvalidRange);
    }
    Ok(Some(start..end))
}

/// Formats a time as an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`).
pub(super) fn http_date(time: DateTime<Utc>) -> String {
    time.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// Parses an HTTP date in any of the three forms RFC 9110 accepts.
pub(super) fn parse_http_date(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(time) = DateTime::parse_from_rfc2822(text) {
        return Some(time.with_timezone(&Utc));
    }
    ["%A, %d-%b-%y %H:%M:%S GMT", "%a %b %e %H:%M:%S %Y"]
        .iter()
        .find_map(|format| NaiveDateTime::parse_from_str(text, format).ok())
        .map(|naive| Utc.from_utc_datetime(&naive))
}

/// `time` without its fraction of a second.
fn whole_seconds(time: DateTime<Utc>) -> DateTime<Utc> {
    Utc.timestamp_opt(time.timestamp(), 0)
        .single()
        .unwrap_or(time)
}

/// A header as text, if present and visible ASCII.
fn text<'h>(headers: &'h HeaderMap, name: &HeaderName) -> Option<&'h str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

/// A header as an HTTP date, if present and valid.
fn date(headers: &HeaderMap, name: &HeaderName) -> Option<DateTime<Utc>> {
    text(headers, name).and_then(parse_http_date)
}

/// `text` without `prefix`, compared ASCII case-insensitively.
fn strip_prefix_ignore_case<'t>(text: &'t str, prefix: &str) -> Option<&'t str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &text[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;
    use http::HeaderValue;

    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            let name = HeaderName::from_bytes(name.as_bytes()).unwrap();
            map.insert(name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    fn range(value: &str, size: u64) -> Result<Option<Range<u64>>, ProxyError> {
        byte_range(&headers(&[("range", value)]), size)
    }

    #[test]
    fn ranges_follow_rfc_9110() {
        assert_eq!(range("bytes=0-4", 10).unwrap(), Some(0..5));
        assert_eq!(range("bytes=5-", 10).unwrap(), Some(5..10));
        assert_eq!(range("bytes=-3", 10).unwrap(), Some(7..10));
        assert_eq!(range("bytes=-30", 10).unwrap(), Some(0..10));
        assert_eq!(range("bytes=8-100", 10).unwrap(), Some(8..10));
        assert_eq!(range("BYTES=1-1", 10).unwrap(), Some(1..2));
        assert_eq!(range("bytes=0-1,3-4", 10).unwrap(), None, "multi-range");
        assert_eq!(range("bytes=4-2", 10).unwrap(), None, "malformed");
        assert_eq!(range("items=0-1", 10).unwrap(), None, "other unit");
        assert_eq!(range("bytes=a-b", 10).unwrap(), None);
        assert!(matches!(
            range("bytes=10-", 10),
            Err(ProxyError::InvalidRange)
        ));
        assert!(matches!(
            range("bytes=10-20", 10),
            Err(ProxyError::InvalidRange)
        ));
        assert!(matches!(
            range("bytes=-0", 10),
            Err(ProxyError::InvalidRange)
        ));
        assert!(matches!(
            range("bytes=0-", 0),
            Err(ProxyError::InvalidRange)
        ));
        assert!(matches!(
            range("bytes=-5", 0),
            Err(ProxyError::InvalidRange)
        ));
    }

    #[test]
    fn http_dates_parse_in_all_three_forms() {
        let expected = Utc.with_ymd_and_hms(1994, 11, 6, 8, 49, 37).unwrap();
        for text in [
            "Sun, 06 Nov 1994 08:49:37 GMT",
            "Sunday, 06-Nov-94 08:49:37 GMT",
            "Sun Nov  6 08:49:37 1994",
        ] {
            assert_eq!(parse_http_date(text), Some(expected), "{text}");
        }
        assert_eq!(http_date(expected), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(parse_http_date("yesterday"), None);
    }

    #[test]
    fn conditions_follow_rfc_9110_order() {
        let names = ConditionHeaders::object();
        let modified = Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0).unwrap();
        let before = "Tue, 30 Apr 2024 12:00:00 GMT";
        let same = "Wed, 01 May 2024 12:00:00 GMT";
        let etag = "\"abc\"";
        let check = |pairs: &[(&str, &str)]| evaluate(&headers(pairs), &names, etag, modified);
        assert_eq!(check(&[]), Verdict::Proceed);
        assert_eq!(check(&[("if-match", "\"abc\"")]), Verdict::Proceed);
        assert_eq!(check(&[("if-match", "abc")]), Verdict::Proceed);
        assert_eq!(check(&[("if-match", "\"x\", \"abc\"")]), Verdict::Proceed);
        assert_eq!(check(&[("if-match", "*")]), Verdict::Proceed);
        assert_eq!(check(&[("if-match", "\"x\"")]), Verdict::PreconditionFailed);
        assert_eq!(
            check(&[("if-unmodified-since", before)]),
            Verdict::PreconditionFailed
        );
        assert_eq!(check(&[("if-unmodified-since", same)]), Verdict::Proceed);
        // If-Match true overrides a false If-Unmodified-Since.
        let both = [("if-match", "\"abc\""), ("if-unmodified-since", before)];
        assert_eq!(check(&both), Verdict::Proceed);
        assert_eq!(check(&[("if-none-match", "\"abc\"")]), Verdict::NotModified);
        assert_eq!(
            check(&[("if-none-match", "W/\"abc\"")]),
            Verdict::NotModified
        );
        assert_eq!(check(&[("if-none-match", "*")]), Verdict::NotModified);
        assert_eq!(check(&[("if-none-match", "\"x\"")]), Verdict::Proceed);
        assert_eq!(check(&[("if-modified-since", same)]), Verdict::NotModified);
        assert_eq!(check(&[("if-modified-since", before)]), Verdict::Proceed);
        // If-None-Match present: If-Modified-Since is ignored.
        let both = [("if-none-match", "\"x\""), ("if-modified-since", same)];
        assert_eq!(check(&both), Verdict::Proceed);
        assert_eq!(
            check(&[("if-modified-since", "not a date")]),
            Verdict::Proceed
        );
    }
}
