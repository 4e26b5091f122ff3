//! Signed `aws-chunked` uploads (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`), built from the
//! SigV4 specification: the seed signature signs the headers, each chunk's signature
//! chains on the one before.

use bytes::Bytes;
use chrono::Utc;
use http::{HeaderMap, HeaderValue, Method, Request};
use http_body_util::Full;
use multistore::SecretString;
use multistore::auth::sigv4::{EMPTY_SHA256, SigningKey, encode_path, sha256_hex};

use crate::harness::{Harness, Key};
use crate::raw::{Prepared, sign_at};

/// The payload hash of a signed streaming upload.
const STREAMING: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
/// The signature's hex length, as every chunk header carries it.
const SIGNATURE_LEN: usize = 64;

/// What a streaming upload gets wrong, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flaw {
    /// Nothing: a valid upload.
    None,
    /// This chunk (0-based; the data chunks, then the final empty one) carries a wrong
    /// signature.
    CorruptChunk(usize),
    /// `x-amz-decoded-content-length` (signed, like every header) is this, not the
    /// payload's length.
    DeclaredLength(usize),
}

/// A signed streaming PutObject of `data` in chunks of `chunk_size` bytes, with `flaw`.
pub(crate) fn chunked_put(
    h: &Harness,
    key: Key,
    bucket: &str,
    object_key: &str,
    data: &[u8],
    chunk_size: usize,
    flaw: Flaw,
) -> Prepared {
    let upload = Upload {
        bucket,
        object_key,
        data,
        chunk_size,
        flaw,
        content_encoding: "aws-chunked",
    };
    build(h, key, &upload)
}

/// A valid signed streaming PutObject of `data` in one chunk, sent with this
/// `Content-Encoding` (which names `aws-chunked` among other codings).
pub(crate) fn chunked_put_encoded(
    h: &Harness,
    key: Key,
    bucket: &str,
    object_key: &str,
    data: &[u8],
    content_encoding: &str,
) -> Prepared {
    let upload = Upload {
        bucket,
        object_key,
        data,
        chunk_size: data.len().max(1),
        flaw: Flaw::None,
        content_encoding,
    };
    build(h, key, &upload)
}

/// What a streaming upload sends.
struct Upload<'a> {
    bucket: &'a str,
    object_key: &'a str,
    data: &'a [u8],
    chunk_size: usize,
    flaw: Flaw,
    content_encoding: &'a str,
}

/// The signed, framed request of `upload`.
fn build(h: &Harness, key: Key, upload: &Upload<'_>) -> Prepared {
    let &Upload {
        bucket,
        object_key,
        data,
        chunk_size,
        flaw,
        content_encoding,
    } = upload;
    let chunks: Vec<&[u8]> = data
        .chunks(chunk_size)
        .chain(std::iter::once(&[][..]))
        .collect();
    let framed_length: usize = chunks
        .iter()
        .map(|chunk| {
            format!("{:x}", chunk.len()).len()
                + ";chunk-signature=".len()
                + SIGNATURE_LEN
                + 2
                + chunk.len()
                + 2
        })
        .sum();

    let now = Utc::now();
    let amz_date = now.format("%Y%m%dT%H%M%SZ").to_string();
    let date = &amz_date[..8];
    let path = format!("/{bucket}/{}", encode_path(object_key));
    let address = h.address.to_string();
    let mut headers = HeaderMap::new();
    headers.insert("host", HeaderValue::from_str(&address).expect("host"));
    headers.insert(
        "content-encoding",
        HeaderValue::from_str(content_encoding).expect("content-encoding"),
    );
    headers.insert("content-type", HeaderValue::from_static("text/plain"));
    let declared = match flaw {
        Flaw::DeclaredLength(length) => length,
        _ => data.len(),
    };
    headers.insert("x-amz-decoded-content-length", HeaderValue::from(declared));
    headers.insert("content-length", HeaderValue::from(framed_length));
    sign_at(key, &Method::PUT, &path, "", &mut headers, STREAMING, now);
    let authorization = headers["authorization"].to_str().expect("text");
    let seed = authorization
        .rsplit_once("Signature=")
        .expect("a signature")
        .1
        .to_owned();

    let scope = format!("{date}/us-east-1/s3/aws4_request");
    let signing_key = SigningKey::derive(&SecretString::new(key.secret), date, "us-east-1", "s3");
    let mut previous = seed;
    let mut body = Vec::with_capacity(framed_length);
    for (index, chunk) in chunks.iter().enumerate() {
        let string_to_sign = format!(
            "AWS4-HMAC-SHA256-PAYLOAD\n{amz_date}\n{scope}\n{previous}\n{EMPTY_SHA256}\n{}",
            sha256_hex(chunk)
        );
        let mut signature = signing_key.sign(&string_to_sign);
        if flaw == Flaw::CorruptChunk(index) {
            signature = flip_last_hex_digit(&signature);
        }
        body.extend_from_slice(
            format!("{:x};chunk-signature={signature}\r\n", chunk.len()).as_bytes(),
        );
        body.extend_from_slice(chunk);
        body.extend_from_slice(b"\r\n");
        previous = signature;
    }
    assert_eq!(body.len(), framed_length);

    let mut request = Request::builder()
        .method(Method::PUT)
        .uri(format!("http://{address}{path}"))
        .body(Full::new(Bytes::from(body)))
        .expect("request");
    *request.headers_mut() = headers;
    Prepared { request }
}

/// The same signature with its last hex digit changed.
pub(crate) fn flip_last_hex_digit(signature: &str) -> String {
    let (head, last) = signature.split_at(signature.len() - 1);
    let flipped = if last == "0" { "1" } else { "0" };
    format!("{head}{flipped}")
}
