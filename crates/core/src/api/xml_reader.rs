//! A pull reader over an untrusted XML document that admits elements and text only.
//!
//! Two kinds of documents go through it: the bodies clients send (CompleteMultipartUpload,
//! Delete, Tagging) and the answers S3 backends send (listings, multipart results, errors).
//! Both are untrusted, and both get the same treatment: everything a hostile document could
//! use is refused — a DOCTYPE (so no entity definitions, external entities or entity
//! expansion), references other than the five predefined entities and character
//! references, characters XML 1.0 forbids, declared encodings other than UTF-8, and nesting
//! deeper than [`MAX_DEPTH`]. What differs is whose fault a flaw is, which the
//! [`XmlOrigin`] of the document decides.

use std::borrow::Cow;

use quick_xml::Reader;
use quick_xml::escape::resolve_xml_entity;
use quick_xml::events::{BytesDecl, BytesRef, Event};

use crate::ProxyError;
use crate::limits::{MAX_RAW_RESPONSE_SIZE, MAX_XML_BODY_SIZE};

/// How deep elements may nest. S3's request documents are at most four deep, its response
/// documents five; unknown elements, which are skipped, get some room on top.
const MAX_DEPTH: usize = 16;

/// Who wrote a document, which decides what a flaw in it is and how large it may be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum XmlOrigin {
    /// A client's request body: a flaw is the client's (`MalformedXML`, or
    /// `EntityTooLarge` past [`MAX_XML_BODY_SIZE`]).
    ClientBody,
    /// A backend's response: a flaw is the backend's, not the client's
    /// ([`ProxyError::Backend`], a 503), and the limit is [`MAX_RAW_RESPONSE_SIZE`].
    BackendResponse,
}

impl XmlOrigin {
    /// The error for a document that is not the XML it should be.
    pub(crate) fn malformed(self, message: impl Into<String>) -> ProxyError {
        match self {
            Self::ClientBody => ProxyError::MalformedXml(message.into()),
            Self::BackendResponse => ProxyError::backend(MalformedBackendXml(message.into())),
        }
    }

    /// The largest document of this origin the reader accepts.
    fn max_size(self) -> usize {
        match self {
            Self::ClientBody => MAX_XML_BODY_SIZE,
            Self::BackendResponse => MAX_RAW_RESPONSE_SIZE,
        }
    }

    /// The error for a document larger than [`Self::max_size`].
    fn too_large(self) -> ProxyError {
        match self {
            Self::ClientBody => ProxyError::EntityTooLarge,
            Self::BackendResponse => self.malformed("The backend response is too large."),
        }
    }
}

/// A backend answered with XML the gateway cannot read; the source of the
/// [`ProxyError::Backend`] that reports it (logged, never shown to the client).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed backend response: {0}")]
pub(crate) struct MalformedBackendXml(pub(crate) String);

/// A position inside a document, moving forward one element or text run at a time.
pub(crate) struct XmlCursor<'a> {
    reader: Reader<&'a [u8]>,
    /// Elements currently open, the root included.
    depth: usize,
    /// Who wrote the document.
    origin: XmlOrigin,
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
    pub(crate) fn open(body: &'a [u8], root: &str, origin: XmlOrigin) -> Result<Self, ProxyError> {
        let (cursor, name) = Self::open_any(body, origin)?;
        if name != root {
            return Err(origin.malformed(format!("The root element must be <{root}>.")));
        }
        Ok(cursor)
    }

    /// Checks the body's size and encoding, positions the cursor inside the root element,
    /// whatever it is, and returns the root's local name with it.
    pub(crate) fn open_any(
        body: &'a [u8],
        origin: XmlOrigin,
    ) -> Result<(Self, String), ProxyError> {
        if body.len() > origin.max_size() {
            return Err(origin.too_large());
        }
        let text = std::str::from_utf8(body)
            .map_err(|_| origin.malformed("The XML body is not valid UTF-8."))?;
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        // `<a/>` then reads as `<a></a>`, so empty and absent text need no special case.
        config.expand_empty_elements = true;
        // Already the default; the structure checks rely on it.
        config.check_end_names = true;
        let mut cursor = Self {
            reader,
            depth: 0,
            origin,
        };
        loop {
            match cursor.event()? {
                Event::Start(start) => {
                    let name: String = start.local_name().as_ref().to_owned();
                    cursor.depth = 1;
                    return Ok((cursor, name));
                }
                Event::Decl(decl) => check_encoding(&decl, cursor.origin)?,
                Event::Text(text) if is_xml_whitespace(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => {
                    return Err(cursor.origin.malformed("The XML body has no root element."));
                }
                _ => {
                    return Err(cursor
                        .origin
                        .malformed("Unexpected content before the root element."));
                }
            }
        }
    }

    /// Moves to the next child of the current element and returns its local name, or
    /// returns `None` when the current element closes instead.
    pub(crate) fn next_child(&mut self) -> Result<Option<String>, ProxyError> {
        loop {
            match self.token()? {
                Token::Open(name) => return Ok(Some(name)),
                Token::Close => return Ok(None),
                Token::Text(text) if is_xml_whitespace(&text) => {}
                Token::Text(_) => {
                    return Err(self.origin.malformed("Unexpected text between elements."));
                }
            }
        }
    }

    /// Reads the text of the element just opened, up to and including its end tag.
    pub(crate) fn text(&mut self) -> Result<String, ProxyError> {
        let mut value = String::new();
        loop {
            match self.token()? {
                Token::Text(text) => value.push_str(&text),
                Token::Close => return Ok(value),
                Token::Open(_) => {
                    return Err(self
                        .origin
                        .malformed("Unexpected element inside a text field."));
                }
            }
        }
    }

    /// Skips the element just opened, whatever it contains (S3 ignores unknown elements).
    pub(crate) fn skip(&mut self) -> Result<(), ProxyError> {
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
    pub(crate) fn finish(mut self) -> Result<(), ProxyError> {
        loop {
            match self.event()? {
                Event::Eof => return Ok(()),
                Event::Text(text) if is_xml_whitespace(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                _ => {
                    return Err(self
                        .origin
                        .malformed("Unexpected content after the root element."));
                }
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
                        return Err(self.origin.malformed("The XML body is nested too deeply."));
                    }
                    return Ok(Token::Open(start.local_name().as_ref().to_owned()));
                }
                Event::End(_) => {
                    self.depth = self.depth.saturating_sub(1);
                    return Ok(Token::Close);
                }
                Event::Text(text) => text.xml10_content(),
                Event::CData(cdata) => cdata.xml10_content(),
                Event::GeneralRef(reference) => resolve_reference(&reference, self.origin)?,
                Event::Comment(_) | Event::PI(_) => continue,
                Event::Eof => {
                    return Err(self
                        .origin
                        .malformed("The XML body ends before the root element closes."));
                }
                // `Empty` cannot occur (empty elements are expanded); `Decl` and `DocType`
                // have no place inside an element.
                Event::Empty(_) | Event::Decl(_) | Event::DocType(_) => {
                    return Err(self
                        .origin
                        .malformed("Unexpected markup inside the root element."));
                }
            };
            if !text.chars().all(is_xml_char) {
                return Err(self
                    .origin
                    .malformed("The XML body contains a character XML forbids."));
            }
            return Ok(Token::Text(text));
        }
    }

    /// The next raw event, with syntax errors and DOCTYPEs turned into the origin's
    /// malformed-document error.
    fn event(&mut self) -> Result<Event<'a>, ProxyError> {
        match self.reader.read_event() {
            Ok(Event::DocType(_)) => Err(self
                .origin
                .malformed("DOCTYPE declarations are not allowed.")),
            Ok(event) => Ok(event),
            // The parser's own message may quote the body; the position is enough.
            Err(_) => Err(self.origin.malformed(format!(
                "The XML body is not well-formed (at byte {}).",
                self.reader.error_position()
            ))),
        }
    }
}

/// Refuses a declaration that names an encoding other than UTF-8: the body is read as
/// UTF-8, so any other declared encoding would be misread.
fn check_encoding(decl: &BytesDecl<'_>, origin: XmlOrigin) -> Result<(), ProxyError> {
    match decl.encoding() {
        None => Ok(()),
        Some(Ok(name)) if name.eq_ignore_ascii_case("utf-8") => Ok(()),
        Some(_) => Err(origin.malformed("The XML body must be encoded in UTF-8.")),
    }
}

/// The text of a predefined entity (`&amp;` …) or a character reference (`&#x20;`).
fn resolve_reference(
    reference: &BytesRef<'_>,
    origin: XmlOrigin,
) -> Result<Cow<'static, str>, ProxyError> {
    if let Some(text) = resolve_xml_entity(reference) {
        return Ok(Cow::Borrowed(text));
    }
    match reference.resolve_char_ref() {
        Ok(Some(character)) => Ok(Cow::Owned(character.to_string())),
        Ok(None) => Err(origin.malformed(
            "Unknown entity reference: only &lt; &gt; &amp; &apos; &quot; and character \
             references are allowed.",
        )),
        Err(_) => Err(origin.malformed("Invalid character reference.")),
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
