//! The rule for which object keys the gateway accepts.
//!
//! Keys are byte-faithful: whatever the client names is exactly what the backend stores.
//! Spaces, `+`, `%`, `=`, `#`, `?`, any Unicode, empty segments (`a//b`) and directory
//! markers (`dir/`) are all ordinary keys. Three kinds of key are refused with `400`:
//!
//! * keys longer than 1,024 bytes (`KeyTooLongError`, as S3);
//! * keys with a `.` or `..` segment (`a/../b`, `./x`, `..`): HTTP clients and servers
//!   normalise such URL paths, which would let a key escape the bucket's backend prefix;
//! * keys with control characters (U+0000–U+001F, U+007F–U+009F), which XML listings
//!   cannot carry faithfully.

use crate::ProxyError;

/// The longest key S3 accepts, in bytes of UTF-8.
pub const MAX_KEY_LEN: usize = 1024;

/// Checks `key` against the rule in this module's documentation.
pub fn validate_key(key: &str) -> Result<(), ProxyError> {
    if key.is_empty() {
        return Err(ProxyError::InvalidArgument(
            "The object key must not be empty.".into(),
        ));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(ProxyError::KeyTooLong);
    }
    if key.chars().any(char::is_control) {
        return Err(ProxyError::InvalidArgument(
            "Object keys must not contain control characters.".into(),
        ));
    }
    if key
        .split('/')
        .any(|segment| segment == "." || segment == "..")
    {
        return Err(ProxyError::InvalidArgument(
            "Object keys must not contain `.` or `..` path segments.".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_odd_keys_are_accepted() {
        for key in [
            "a b",
            "a+b",
            "100%",
            "k=v",
            "#hash",
            "what?",
            "ünïcödé/日本語",
            "a//b",
            "dir/",
            "/leading",
            ".hidden",
            "..dots",
            "a/.../b",
            "emoji 🦀",
        ] {
            assert!(validate_key(key).is_ok(), "{key:?} should be accepted");
        }
    }

    #[test]
    fn dot_segments_are_refused() {
        for key in [
            ".",
            "..",
            "a/../b",
            "./x",
            "a/.",
            "a/..",
            "../../etc/passwd",
        ] {
            let err = validate_key(key).unwrap_err();
            assert_eq!(err.s3_code(), "InvalidArgument", "{key:?}");
        }
    }

    #[test]
    fn control_characters_are_refused() {
        for key in ["a\nb", "a\0", "\t", "x\u{7f}", "x\u{85}"] {
            assert!(validate_key(key).is_err(), "{key:?}");
        }
    }

    #[test]
    fn length_is_capped_in_bytes() {
        assert!(validate_key(&"a".repeat(MAX_KEY_LEN)).is_ok());
        let err = validate_key(&"é".repeat(MAX_KEY_LEN / 2 + 1)).unwrap_err();
        assert_eq!(err.s3_code(), "KeyTooLongError");
        assert!(validate_key("").is_err());
    }
}
