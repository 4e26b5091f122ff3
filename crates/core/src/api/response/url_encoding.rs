//! The URL encoding S3 applies to listing fields under `encoding-type=url`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Every byte but RFC 3986's unreserved characters (`A-Z a-z 0-9 - . _ ~`) and `/`.
const ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'/');

/// Encodes a listing field (key, prefix, delimiter, marker …) as S3 does for
/// `encoding-type=url`: percent-encoding over the UTF-8 bytes.
///
/// `A-Z a-z 0-9 - . _ ~` and `/` stay as they are (S3 leaves `/` alone, so `foo/` stays
/// `foo/`); every other byte, the space, `+` and `%` included, becomes `%XX` in upper case.
/// A space is written `%20`, not `+`, so that both decoders clients use give the key back:
/// botocore's `unquote_plus` (which reads `+` as a space) and a plain percent-decoder
/// (which does not), as the ceph s3-tests expect of S3 (`quux ab/` → `quux%20ab/`).
///
/// ```
/// use multistore::api::response::url_encode;
///
/// assert_eq!(url_encode("a b+c/é"), "a%20b%2Bc/%C3%A9");
/// ```
pub fn url_encode(value: &str) -> String {
    utf8_percent_encode(value, ENCODED).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_and_slash_stay() {
        assert_eq!(url_encode("AZaz09-._~"), "AZaz09-._~");
        assert_eq!(url_encode("a//b/"), "a//b/");
        assert_eq!(url_encode(""), "");
    }

    #[test]
    fn everything_else_is_percent_encoded_in_upper_case() {
        assert_eq!(url_encode(" "), "%20");
        assert_eq!(url_encode("  a  "), "%20%20a%20%20");
        assert_eq!(url_encode("+%&<>'\"!*"), "%2B%25%26%3C%3E%27%22%21%2A");
        assert_eq!(url_encode("\t\r\n"), "%09%0D%0A");
        assert_eq!(url_encode("test_file(3).png"), "test_file%283%29.png");
    }

    #[test]
    fn unicode_is_encoded_byte_by_byte() {
        assert_eq!(url_encode("日"), "%E6%97%A5");
        assert_eq!(url_encode("😀"), "%F0%9F%98%80");
    }
}
