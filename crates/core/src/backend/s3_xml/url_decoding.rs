//! Decoding the listing fields a backend URL-encoded for `encoding-type=url`.

use super::malformed;
use crate::ProxyError;

/// Decodes a listing field S3 URL-encoded: `+` is a space, `%XX` a byte, everything else
/// itself; the bytes must then be UTF-8. This is botocore's `unquote_plus`, so it reads a
/// space written `%20` (as [`url_encode`](crate::api::response::url_encode) and the ceph
/// s3-tests expect of S3) and one written `+` (as some S3 servers send it) alike; S3 writes a
/// literal `+` as `%2B`.
///
/// A `%` not followed by two hex digits, or bytes that are not UTF-8, make the answer
/// malformed: guessing would change the key.
pub(super) fn form_decode(value: &str) -> Result<String, ProxyError> {
    let bytes = value.as_bytes();
    let mut decoded = Vec::with_capacity(bytes.len());
    let mut rest = bytes;
    while let Some((&byte, tail)) = rest.split_first() {
        rest = tail;
        match byte {
            b'+' => decoded.push(b' '),
            b'%' => {
                let (high, low) = match rest {
                    [high, low, ..] => (hex_value(*high), hex_value(*low)),
                    _ => (None, None),
                };
                let (Some(high), Some(low)) = (high, low) else {
                    return Err(malformed("A URL-encoded listing field has a bad % escape."));
                };
                decoded.push(high << 4 | low);
                rest = &rest[2..];
            }
            other => decoded.push(other),
        }
    }
    String::from_utf8(decoded)
        .map_err(|_| malformed("A URL-encoded listing field does not decode to UTF-8."))
}

/// The value of an ASCII hex digit.
fn hex_value(digit: u8) -> Option<u8> {
    match digit {
        b'0'..=b'9' => Some(digit - b'0'),
        b'a'..=b'f' => Some(digit - b'a' + 10),
        b'A'..=b'F' => Some(digit - b'A' + 10),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::response::url_encode;

    #[test]
    fn plus_is_space_and_escapes_are_bytes() {
        assert_eq!(form_decode("a+b%2Bc%25%26%3C").unwrap(), "a b+c%&<");
        assert_eq!(form_decode("%e6%97%a5%E6%97%A5").unwrap(), "日日");
        assert_eq!(form_decode("").unwrap(), "");
        assert_eq!(form_decode("plain/key.txt").unwrap(), "plain/key.txt");
        assert_eq!(form_decode("a%20b/c+d").unwrap(), "a b/c d");
    }

    #[test]
    fn decoding_inverts_the_gateways_encoding() {
        for value in ["dir/a b+c%25&<é😀.txt", " ", "+%/", "\t\r\n", "~'\"!*()"] {
            assert_eq!(form_decode(&url_encode(value)).unwrap(), value);
        }
    }

    #[test]
    fn bad_escapes_and_bad_utf8_are_refused() {
        for value in ["%", "%2", "a%zz", "%+1", "%-1", "%C3", "%FF", "%C3%28"] {
            let error = form_decode(value).unwrap_err();
            assert_eq!(error.s3_code(), "ServiceUnavailable", "{value}");
        }
    }
}
