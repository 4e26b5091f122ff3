//! The URL encoding S3 applies to listing fields under `encoding-type=url`.

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Every byte but `A-Z a-z 0-9 . - * _`, as Java's `URLEncoder` (which S3 uses) encodes.
/// The space is in the set too; [`url_encode`] writes it as `+` before this set applies.
const FORM_ENCODED: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'.')
    .remove(b'-')
    .remove(b'*')
    .remove(b'_');

/// Encodes a listing field (key, prefix, delimiter, marker …) as S3 does for
/// `encoding-type=url`: form encoding over the UTF-8 bytes.
///
/// `A-Z a-z 0-9 . - * _` stay as they are, a space becomes `+`, and every other byte
/// (including `/`, `+` and `%`) becomes `%XX` in upper case. Clients decode these fields
/// with `unquote_plus` (botocore) or its equivalent.
///
/// ```
/// use multistore::api::response::url_encode;
///
/// assert_eq!(url_encode("a b+c/é"), "a+b%2Bc%2F%C3%A9");
/// ```
pub fn url_encode(value: &str) -> String {
    let mut encoded = String::with_capacity(value.len());
    for (index, piece) in value.split(' ').enumerate() {
        if index > 0 {
            encoded.push('+');
        }
        encoded.extend(utf8_percent_encode(piece, FORM_ENCODED));
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unreserved_characters_stay() {
        assert_eq!(url_encode("AZaz09.-*_"), "AZaz09.-*_");
        assert_eq!(url_encode(""), "");
    }

    #[test]
    fn spaces_become_plus_and_everything_else_is_percent_encoded() {
        assert_eq!(url_encode(" "), "+");
        assert_eq!(url_encode("  a  "), "++a++");
        assert_eq!(url_encode("+%/&<>~'\"!"), "%2B%25%2F%26%3C%3E%7E%27%22%21");
        assert_eq!(url_encode("\t\r\n"), "%09%0D%0A");
    }

    #[test]
    fn unicode_is_encoded_byte_by_byte_in_upper_case() {
        assert_eq!(url_encode("日"), "%E6%97%A5");
        assert_eq!(url_encode("😀"), "%F0%9F%98%80");
    }
}
