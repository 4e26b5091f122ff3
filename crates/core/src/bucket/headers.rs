//! Which headers cross the gateway, in each direction.

use http::header::{self, HeaderMap, HeaderName, HeaderValue};

/// Headers of a read that the backend must see: ranges, conditions, SSE-C keys.
const READ_HEADERS: &[HeaderName] = &[
    header::RANGE,
    header::IF_MATCH,
    header::IF_NONE_MATCH,
    header::IF_MODIFIED_SINCE,
    header::IF_UNMODIFIED_SINCE,
];

/// Entity and precondition headers of a write that the backend stores or checks.
const WRITE_HEADERS: &[HeaderName] = &[
    header::CACHE_CONTROL,
    header::CONTENT_DISPOSITION,
    header::CONTENT_ENCODING,
    header::CONTENT_LANGUAGE,
    header::CONTENT_LENGTH,
    header::CONTENT_TYPE,
    header::EXPIRES,
    header::IF_MATCH,
    header::IF_NONE_MATCH,
];

/// `x-amz-*` headers of a read that the backend must see.
const READ_AMZ_HEADERS: &[&str] = &[
    "x-amz-checksum-mode",
    "x-amz-request-payer",
    "x-amz-server-side-encryption-customer-algorithm",
    "x-amz-server-side-encryption-customer-key",
    "x-amz-server-side-encryption-customer-key-md5",
];

/// `x-amz-*` headers the gateway never passes on: its own signature and time, the
/// client's payload declarations (re-made for the backend), and the virtual bucket's
/// owner checks, which name the gateway's buckets rather than the backend's.
const DROPPED_AMZ_HEADERS: &[&str] = &[
    "x-amz-content-sha256",
    "x-amz-copy-source",
    "x-amz-date",
    "x-amz-decoded-content-length",
    "x-amz-expected-bucket-owner",
    "x-amz-security-token",
    "x-amz-source-expected-bucket-owner",
    "x-amz-trailer",
    "x-amz-user-agent",
];

/// Response headers the client never gets: hop-by-hop, cookies, proxy routing, and the
/// backend's own request ids and server identity (the gateway sends its own).
const DROPPED_RESPONSE_HEADERS: &[&str] = &[
    "alt-svc",
    "connection",
    "date",
    "keep-alive",
    "proxy-authenticate",
    "proxy-connection",
    "server",
    "set-cookie",
    "set-cookie2",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "via",
    "x-amz-id-2",
    "x-amz-request-id",
    "x-forwarded-for",
    "x-forwarded-host",
    "x-forwarded-proto",
];

/// The client headers of a read (GET, HEAD) to pass to the backend.
pub(crate) fn read_headers(client: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    copy(client, &mut out, |name| {
        READ_HEADERS.contains(name) || READ_AMZ_HEADERS.contains(&name.as_str())
    });
    out
}

/// The client headers of a write (PutObject, UploadPart, CreateMultipartUpload, copies)
/// to pass to the backend: entity headers, preconditions, and every `x-amz-*` header
/// (user metadata, tagging, storage class, checksums, SSE, ACL, object lock) except
/// those in [`DROPPED_AMZ_HEADERS`].
pub(crate) fn write_headers(client: &HeaderMap) -> HeaderMap {
    let mut out = HeaderMap::new();
    copy(client, &mut out, |name| {
        WRITE_HEADERS.contains(name)
            || (name.as_str().starts_with("x-amz-")
                && !DROPPED_AMZ_HEADERS.contains(&name.as_str()))
    });
    out
}

/// The client headers named in `names`.
pub(crate) fn selected_headers(client: &HeaderMap, names: &[&str]) -> HeaderMap {
    let mut out = HeaderMap::new();
    copy(client, &mut out, |name| names.contains(&name.as_str()));
    out
}

/// A backend response's headers as the client may see them.
pub(crate) fn response_headers(mut backend: HeaderMap) -> HeaderMap {
    for name in DROPPED_RESPONSE_HEADERS {
        backend.remove(*name);
    }
    backend
}

/// `Content-Encoding` without the `aws-chunked` framing the gateway removes. As S3 does,
/// only that token goes: the other codings stay exactly as sent (`aws-chunked, gzip, br`
/// is stored as `gzip, br`), and a value without the token is not touched.
pub(crate) fn remove_aws_chunked(headers: &mut HeaderMap) {
    let Some(encoding) = headers
        .get(header::CONTENT_ENCODING)
        .and_then(|v| v.to_str().ok())
    else {
        return;
    };
    let is_framing = |coding: &str| coding.trim().eq_ignore_ascii_case("aws-chunked");
    if !encoding.split(',').any(is_framing) {
        return;
    }
    let rest =
        (encoding.split(',')).filter(|coding| !is_framing(coding) && !coding.trim().is_empty());
    let rest = rest.collect::<Vec<_>>().join(",");
    match HeaderValue::from_str(rest.trim()) {
        Ok(value) if !value.is_empty() => {
            headers.insert(header::CONTENT_ENCODING, value);
        }
        _ => {
            headers.remove(header::CONTENT_ENCODING);
        }
    }
}

fn copy(from: &HeaderMap, to: &mut HeaderMap, keep: impl Fn(&HeaderName) -> bool) {
    for (name, value) in from {
        if keep(name) {
            to.append(name.clone(), value.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        pairs
            .iter()
            .map(|(n, v)| (HeaderName::from_static(n), HeaderValue::from_static(v)))
            .collect()
    }

    #[test]
    fn writes_keep_metadata_and_drop_signatures() {
        let client = headers(&[
            ("content-type", "text/plain"),
            ("x-amz-meta-owner", "me"),
            ("x-amz-tagging", "a=b"),
            ("x-amz-storage-class", "STANDARD_IA"),
            ("x-amz-checksum-crc32", "AAAAAA=="),
            ("x-amz-content-sha256", "UNSIGNED-PAYLOAD"),
            ("x-amz-date", "20240101T000000Z"),
            ("x-amz-security-token", "secret"),
            ("authorization", "AWS4-HMAC-SHA256 ..."),
            ("cookie", "c=1"),
        ]);
        let out = write_headers(&client);
        for kept in [
            "content-type",
            "x-amz-meta-owner",
            "x-amz-tagging",
            "x-amz-storage-class",
            "x-amz-checksum-crc32",
        ] {
            assert!(out.contains_key(kept), "{kept}");
        }
        for dropped in [
            "x-amz-content-sha256",
            "x-amz-date",
            "x-amz-security-token",
            "authorization",
            "cookie",
        ] {
            assert!(!out.contains_key(dropped), "{dropped}");
        }
    }

    #[test]
    fn reads_keep_conditions_only() {
        let client = headers(&[
            ("range", "bytes=0-1"),
            ("if-none-match", "\"x\""),
            ("x-amz-meta-owner", "me"),
            ("authorization", "x"),
        ]);
        let out = read_headers(&client);
        assert!(out.contains_key("range") && out.contains_key("if-none-match"));
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn responses_lose_hop_by_hop_and_backend_identity() {
        let backend = headers(&[
            ("etag", "\"x\""),
            ("x-amz-meta-owner", "me"),
            ("connection", "keep-alive"),
            ("set-cookie", "s=1"),
            ("x-amz-request-id", "backend"),
            ("server", "MinIO"),
        ]);
        let out = response_headers(backend);
        assert!(out.contains_key("etag") && out.contains_key("x-amz-meta-owner"));
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn only_the_aws_chunked_coding_is_removed() {
        let cases = [
            ("gzip, br", Some("gzip, br")),
            ("gzip,br", Some("gzip,br")),
            ("aws-chunked", None),
            ("AWS-Chunked , gzip", Some("gzip")),
            ("aws-chunked,gzip, br", Some("gzip, br")),
            ("gzip, aws-chunked, br", Some("gzip, br")),
            ("gzip ,  deflate", Some("gzip ,  deflate")),
        ];
        for (sent, stored) in cases {
            let mut headers = HeaderMap::new();
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(sent));
            remove_aws_chunked(&mut headers);
            let kept = headers.get(header::CONTENT_ENCODING);
            assert_eq!(kept.map(|v| v.to_str().unwrap()), stored, "{sent}");
        }
    }
}
