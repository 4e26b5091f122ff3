//! RFC 2047 encoded-words in user metadata values, as S3 reads and writes them.
//!
//! HTTP header values are ASCII in practice, so S3 carries other text in `x-amz-meta-*`
//! values as MIME encoded-words (`=?UTF-8?B?w6k=?=` for `é`). AWS ("Working with object
//! metadata"): values are decoded per RFC 2047 when they are stored, and a value that is not
//! US-ASCII is encoded per RFC 2047 when it is returned; one that is, is returned as it is.

use std::borrow::Cow;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The longest encoded-word RFC 2047 §2 allows, delimiters included.
const MAX_WORD_LEN: usize = 75;
/// What every encoded-word the gateway writes starts and ends with.
const WORD_START: &str = "=?UTF-8?B?";
const WORD_END: &str = "?=";
/// The most UTF-8 bytes one encoded-word carries: its base64 text fits in what the
/// delimiters leave, four characters per three bytes.
const MAX_WORD_BYTES: usize = (MAX_WORD_LEN - WORD_START.len() - WORD_END.len()) / 4 * 3;

/// Decodes the encoded-words of a header value (RFC 2047 §2, §4, §6): each word of the form
/// `=?charset?B?base64?=` or `=?charset?Q?text?=` in `UTF-8`, `US-ASCII` or `ISO-8859-1`
/// becomes its text, the white space between two adjacent encoded-words is dropped, and
/// everything else, including a word that does not decode, stays as it is.
pub(crate) fn decode(value: &str) -> Cow<'_, str> {
    if !value.contains("=?") {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len());
    // Bytes of adjacent encoded-words: a character may be split across two of them.
    let mut pending: Vec<u8> = Vec::new();
    // White space after an encoded-word, written only if ordinary text follows.
    let mut gap = "";
    for piece in pieces(value) {
        if piece.starts_with([' ', '\t']) {
            if pending.is_empty() {
                out.push_str(piece);
            } else {
                gap = piece;
            }
            continue;
        }
        match decode_word(piece) {
            Some(bytes) => pending.extend_from_slice(&bytes),
            None => {
                if !flush(&mut out, &mut pending) {
                    return Cow::Borrowed(value);
                }
                out.push_str(gap);
                out.push_str(piece);
            }
        }
        gap = "";
    }
    if !flush(&mut out, &mut pending) {
        return Cow::Borrowed(value);
    }
    out.push_str(gap);
    Cow::Owned(out)
}

/// Encodes a value for a header: as it is when it is printable US-ASCII (tabs included),
/// otherwise as `=?UTF-8?B?…?=` encoded-words of at most 75 characters each (RFC 2047 §2),
/// split between characters and separated by a space.
pub(crate) fn encode(value: &str) -> Cow<'_, str> {
    if value
        .bytes()
        .all(|b| b == b'\t' || (b' '..=b'~').contains(&b))
    {
        return Cow::Borrowed(value);
    }
    let mut out = String::with_capacity(value.len() * 2);
    let mut rest = value;
    while !rest.is_empty() {
        let mut end = rest.len().min(MAX_WORD_BYTES);
        while !rest.is_char_boundary(end) {
            end -= 1;
        }
        let (chunk, tail) = rest.split_at(end);
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(WORD_START);
        STANDARD.encode_string(chunk, &mut out);
        out.push_str(WORD_END);
        rest = tail;
    }
    Cow::Owned(out)
}

/// Splits a value into alternating runs of white space (spaces and tabs) and of the rest.
fn pieces(value: &str) -> impl Iterator<Item = &str> {
    let mut rest = value;
    std::iter::from_fn(move || {
        let first = rest.chars().next()?;
        let blank = |c: char| c == ' ' || c == '\t';
        let in_run = |c: char| blank(c) == blank(first);
        let end = rest.find(|c: char| !in_run(c)).unwrap_or(rest.len());
        let (piece, tail) = rest.split_at(end);
        rest = tail;
        Some(piece)
    })
}

/// Appends the pending bytes of encoded-words as text; false if they are not UTF-8.
fn flush(out: &mut String, pending: &mut Vec<u8>) -> bool {
    if pending.is_empty() {
        return true;
    }
    match std::str::from_utf8(pending) {
        Ok(text) => {
            out.push_str(text);
            pending.clear();
            true
        }
        Err(_) => false,
    }
}

/// The UTF-8 bytes of one encoded-word, or `None` if `word` is not one the gateway reads.
fn decode_word(word: &str) -> Option<Vec<u8>> {
    let inner = word.strip_prefix("=?")?.strip_suffix("?=")?;
    let mut parts = inner.split('?');
    let (charset, encoding, text) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    // RFC 2231 §5 lets a language follow the charset: `UTF-8*en`.
    let charset = charset.split('*').next()?;
    let bytes = match encoding {
        "B" | "b" => STANDARD.decode(text).ok()?,
        "Q" | "q" => decode_q(text)?,
        _ => return None,
    };
    if charset.eq_ignore_ascii_case("UTF-8") || charset.eq_ignore_ascii_case("US-ASCII") {
        Some(bytes)
    } else if charset.eq_ignore_ascii_case("ISO-8859-1") {
        // Latin-1 bytes are the code points U+0000 to U+00FF.
        Some(
            bytes
                .iter()
                .map(|&b| char::from(b))
                .collect::<String>()
                .into_bytes(),
        )
    } else {
        None
    }
}

/// The bytes of RFC 2047 §4.2 `Q` text: `_` is a space, `=XX` a byte, the rest itself.
fn decode_q(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len());
    let mut bytes = text.bytes();
    while let Some(byte) = bytes.next() {
        match byte {
            b'_' => out.push(b' '),
            b'=' => {
                let high = char::from(bytes.next()?).to_digit(16)?;
                let low = char::from(bytes.next()?).to_digit(16)?;
                out.push(u8::try_from(high << 4 | low).ok()?);
            }
            b'!'..=b'~' => out.push(byte),
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_values_are_not_touched() {
        for value in ["", "plain", "a = b ?", "=?", "100% =?=", "x?=y", "=?a?="] {
            assert_eq!(decode(value), value);
            assert_eq!(encode(value), value);
        }
    }

    #[test]
    fn b_and_q_words_decode() {
        assert_eq!(decode("=?UTF-8?B?w6k=?="), "é");
        assert_eq!(decode("=?utf-8?b?5pel5pys6Kqe?="), "日本語");
        assert_eq!(decode("=?UTF-8?Q?caf=C3=A9_au_lait?="), "café au lait");
        assert_eq!(decode("=?ISO-8859-1?Q?caf=E9?="), "café");
        assert_eq!(decode("=?US-ASCII*en?Q?abc?="), "abc");
    }

    #[test]
    fn space_between_encoded_words_is_dropped_and_other_text_kept() {
        // `é` split across two words.
        assert_eq!(decode("=?UTF-8?B?w6k=?= =?UTF-8?B?w6k=?="), "éé");
        assert_eq!(decode("=?UTF-8?Q?=C3?=\t=?UTF-8?Q?=A9?="), "é");
        assert_eq!(decode("price: =?UTF-8?B?4oKs?= 5"), "price: € 5");
        assert_eq!(decode("  =?UTF-8?B?w6k=?=  "), "  é  ");
    }

    #[test]
    fn words_that_do_not_decode_stay() {
        for value in [
            "=?UTF-8?B?not base64?=",
            "=?UTF-8?B?@@@@?=",
            "=?UTF-8?X?abc?=",
            "=?KOI8-R?B?w6k=?=",
            "=?UTF-8?Q?=ZZ?=",
            "=?UTF-8?B?w6k=?=?=",
        ] {
            assert_eq!(decode(value), value);
        }
        // Bytes that are not UTF-8 leave the whole value as sent.
        assert_eq!(decode("a =?UTF-8?B?/w==?="), "a =?UTF-8?B?/w==?=");
    }

    #[test]
    fn non_ascii_and_control_characters_are_encoded_in_utf8_b_words() {
        assert_eq!(encode("é"), "=?UTF-8?B?w6k=?=");
        assert_eq!(encode("a\u{1}b"), "=?UTF-8?B?YQFi?=");
        assert_eq!(encode("tab\tok"), "tab\tok");
    }

    #[test]
    fn long_values_become_words_of_at_most_75_characters_that_decode_back() {
        let value = "日本語のメタデータ値は長い: ".repeat(6) + "😀";
        let encoded = encode(&value);
        for word in encoded.split(' ') {
            assert!(word.len() <= MAX_WORD_LEN, "{word}");
            assert!(word.starts_with(WORD_START) && word.ends_with(WORD_END));
        }
        assert!(encoded.split(' ').count() > 1);
        assert_eq!(decode(&encoded), value);
    }

    #[test]
    fn encoding_then_decoding_gives_the_value_back() {
        for value in [
            "é",
            " lead and trail ",
            "a\u{7f}",
            "mixé ascii =?",
            "\u{10FFFF}",
        ] {
            assert_eq!(decode(&encode(value)), value, "{value}");
        }
    }
}
