//! A pull reader over an untrusted XML body that admits elements and text only.
//!
//! Everything else a hostile body could use is refused: a DOCTYPE (so no entity
//! definitions, external entities or entity expansion), references other than the five
//! predefined entities and character references, characters XML 1.0 forbids, declared
//! encodings other than UTF-8, and nesting deeper than [`MAX_DEPTH`].

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesDecl, BytesRef, Event};

use super::{MAX_XML_BODY_SIZE, malformed};
use crate::ProxyError;

/// How deep elements may nest. S3's request documents are at most four deep; unknown
/// elements, which are skipped, get some room on top.
const MAX_DEPTH: usize = 16;

/// A position inside a document, moving forward one element or text run at a time.
pub(super) struct XmlCursor<'a> {
    reader: Reader<&'a [u8]>,
    /// Elements currently open, the root included.
    depth: usize,
}

/// What the cursor sees inside the root element.
enum Token<'a> {
    /// An element opens (local name, namespace prefix dropped).
    Open(String),
    /// The innermost open element closes.
    Close,
    /// Character data, with references resolved.
    Text(Cow<'a, str>),
}

impl<'a> XmlCursor<'a> {
    /// Checks the body's size and encoding and positions the cursor inside the root
    /// element, which must be named `root`.
    pub(super) fn open(body: &'a [u8], root: &str) -> Result<Self, ProxyError> {
        if body.len() > MAX_XML_BODY_SIZE {
            return Err(ProxyError::EntityTooLarge);
        }
        let text =
            std::str::from_utf8(body).map_err(|_| malformed("The XML body is not valid UTF-8."))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        // `<a/>` then reads as `<a></a>`, so empty and absent text need no special case.
        config.expand_empty_elements = true;
        // Already the default; the structure checks rely on it.
        config.check_end_names = true;
        let mut cursor = Self { reader, depth: 0 };
        loop {
            match cursor.event()? {
                Event::Start(start) if start.local_name().as_ref() == root => {
                    cursor.depth = 1;
                    return Ok(cursor);
                }
                Event::Start(_) => {
                    return Err(malformed(format!("The root element must be <{root}>.")));
                }
                Event::Decl(decl) => check_encoding(&decl)?,
                Event::Text(text) if is_xml_whitespace(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(malformed("The XML body has no root element.")),
                _ => return Err(malformed("Unexpected content before the root element.")),
            }
        }
    }

    /// Moves to the next child of the current element and returns its local name, or
    /// returns `None` when the current element closes instead.
    pub(super) fn next_child(&mut self) -> Result<Option<String>, ProxyError> {
        loop {
            match self.token()? {
                Token::Open(name) => return Ok(Some(name)),
                Token::Close => return Ok(None),
                Token::Text(text) if is_xml_whitespace(&text) => {}
                Token::Text(_) => {
                    return Err(malformed("Unexpected text between elements."));
                }
            }
        }
    }

    /// Reads the text of the element just opened, up to and including its end tag.
    pub(super) fn text(&mut self) -> Result<String, ProxyError> {
        let mut value = String::new();
        loop {
            match self.token()? {
                Token::Text(text) => value.push_str(&text),
                Token::Close => return Ok(value),
                Token::Open(_) => {
                    return Err(malformed("Unexpected element inside a text field."));
                }
            }
        }
    }

    /// Skips the element just opened, whatever it contains (S3 ignores unknown elements).
    pub(super) fn skip(&mut self) -> Result<(), ProxyError> {
        let mut open = 1_usize;
        while open > 0 {
            match self.token()? {
                Token::Open(_) => open += 1,
                Token::Close => open -= 1,
                Token::Text(_) => {}
            }
        }
        Ok(())
    }

    /// Checks that nothing but whitespace, comments and processing instructions follows
    /// the root element. Call after the root's children are read.
    pub(super) fn finish(mut self) -> Result<(), ProxyError> {
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Text(text) if is_xml_whitespace(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => return Err(malformed("Unexpected content after the root element.")),
            }
        }
    }

    /// The next token inside the root element.
    fn token(&mut self) -> Result<Token<'a>, ProxyError> {
        loop {
            let text = match self.event()? {
                Event::Start(start) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(malformed("The XML body is nested too deeply."));
                    }
                    return Ok(Token::Open(start.local_name().as_ref().to_owned()));
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Token::Close);
                }
                Event::Text(text) => text.xml10_content(),
                Event::CData(cdata) => cdata.xml10_content(),
                Event::GeneralRef(reference) => resolve_reference(&reference)?,
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Eof => {
                    return Err(malformed(
                        "The XML body ends before the root element closes.",
                    ));
                }
                // `Empty` cannot occur (empty elements are expanded); `Decl` and `DocType`
                // have no place inside an element.
                Event::Empty(_) | Event::Decl(_) | Event::DocType(_) => {
                    return Err(malformed("Unexpected markup inside the root element."));
                }
            };
            if !text.chars().all(is_xml_char) {
                return Err(malformed("The XML body contains a character XML forbids."));
            }
            return Ok(Token::Text(text));
        }
    }

    /// The next raw event, with syntax errors and DOCTYPEs turned into `MalformedXML`.
    fn event(&mut self) -> Result<Event<'a>, ProxyError> {
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => Err(malformed("DOCTYPE declarations are not allowed.")),
            Ok(event) => Ok(event),
            // The parser's own message may quote the body; the position is enough.
            Err(_) => Err(malformed(format!(
                "The XML body is not well-formed (at byte {}).",
                self.reader.error_position()
            ))),
        }
    }
}

/// Refuses a declaration that names an encoding other than UTF-8: the body is read as
/// UTF-8, so any other declared encoding would be misread.
fn check_encoding(decl: &BytesDecl<'_>) -> Result<(), ProxyError> {
    match decl.encoding() {
        None => Ok(()),
        Some(Ok(name)) if name.eq_ignore_ascii_case("utf-8") => Ok(()),
        Some(_) => Err(malformed("The XML body must be encoded in UTF-8.")),
    }
}

/// The text of a predefined entity (`&amp;` …) or a character reference (`&#x20;`).
fn resolve_reference(reference: &BytesRef<'_>) -> Result<Cow<'static, str>, ProxyError> {
    if let Some(text) = resolve_xml_entity(reference) {
        return Ok(Cow::Borrowed(text));
    }
    match reference.resolve_char_ref() {
        Ok(Some(character)) => Ok(Cow::Owned(character.to_string())),
        Ok(None) => Err(malformed(
            "Unknown entity reference: only &lt; &gt; &amp; &apos; &quot; and character \
             references are allowed.",
        )),
        Err(_) => Err(malformed("Invalid character reference.")),
    }
}

/// XML's whitespace: space, tab, carriage return, line feed.
fn is_xml_whitespace(text: &str) -> bool {
    text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// The characters XML 1.0 allows in a document (its `Char` production).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | ' '..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}
