//! Reading JSON text into a [`Node`] tree.
//!
//! `serde_json` does the parsing. Spans come from `RawValue`: every raw value borrows its
//! text from the document, so its position is where that text starts. Each container is
//! parsed once as a list of raw values and its children again, one level at a time.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{Entry, Node, Span, SyntaxError, Value};

/// Parses a JSON document.
pub(crate) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let syntax_error = |error: serde_json::Error| {
        let offset = offset_of(text, error.line(), error.column());
        SyntaxError {
            message: message_of(&error),
            span: offset..offset,
            source: Some(Box::new(error)),
        }
    };
    // A full parse first: skipping over a raw value reports a trailing comma as "key must
    // be a string", a full parse says "trailing comma".
    serde_json::from_str::<serde_json::Value>(text).map_err(syntax_error)?;
    let root: &RawValue = serde_json::from_str(text).map_err(syntax_error)?;
    node(text, root)
}

fn node(text: &str, raw: &RawValue) -> Result<Node, SyntaxError> {
    let json = raw.get();
    let span = span_of(text, json);
    // The document as a whole is valid JSON by now; what can still fail is decoding one
    // value (a lone surrogate in a string, a number out of range).
    let invalid = |error: serde_json::Error| SyntaxError {
        message: message_of(&error),
        span: span.clone(),
        source: Some(Box::new(error)),
    };
    let value = match json.as_bytes().first() {
        Some(b'{') => {
            let members: Members<'_> = serde_json::from_str(json).map_err(invalid)?;
            Value::Table(entries(text, members)?)
        }
        Some(b'[') => {
            let items: Vec<&RawValue> = serde_json::from_str(json).map_err(invalid)?;
            Value::Array(
                items
                    .into_iter()
                    .map(|item| node(text, item))
                    .collect::<Result<_, _>>()?,
            )
        }
        Some(b'"') => Value::String(serde_json::from_str(json).map_err(invalid)?),
        Some(b't' | b'f') => Value::Bool(serde_json::from_str(json).map_err(invalid)?),
        Some(b'n') => Value::Null,
        _ => number(&serde_json::from_str(json).map_err(invalid)?),
    };
    Ok(Node { span, value })
}

fn entries(text: &str, members: Members<'_>) -> Result<Vec<Entry>, SyntaxError> {
    let mut entries: Vec<Entry> = Vec::with_capacity(members.0.len());
    for (raw_key, raw_value) in members.0 {
        let key_span = span_of(text, raw_key.get());
        let key: String = serde_json::from_str(raw_key.get()).map_err(|error| SyntaxError {
            message: message_of(&error),
            span: key_span.clone(),
            source: Some(Box::new(error)),
        })?;
        // serde_json would keep the last of two equal keys without a word; TOML refuses them.
        if entries.iter().any(|entry| entry.key == key) {
            return Err(SyntaxError {
                message: format!("duplicate key `{key}`"),
                span: key_span,
                source: None,
            });
        }
        entries.push(Entry {
            key,
            key_span,
            value: node(text, raw_value)?,
        });
    }
    Ok(entries)
}

fn number(number: &serde_json::Number) -> Value {
    match (number.as_i64(), number.as_u64(), number.as_f64()) {
        (Some(signed), _, _) => Value::Integer(signed),
        (None, Some(unsigned), _) => Value::Unsigned(unsigned),
        (None, None, float) => Value::Float(float.unwrap_or(f64::NAN)),
    }
}

/// Where `part`, a slice of `text`, lies in it.
fn span_of(text: &str, part: &str) -> Span {
    let start = part.as_ptr().addr().checked_sub(text.as_ptr().addr());
    match start {
        Some(start) if start + part.len() <= text.len() => start..start + part.len(),
        _ => 0..0,
    }
}

/// The byte offset of serde_json's position: a 1-based line, and a column that counts the
/// bytes read on that line (so the last byte read, or 0 right after a newline).
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    // Column 0 means the newline ending the previous line was the byte that did not fit.
    (line_start + column).saturating_sub(1).min(text.len())
}

/// serde_json's message without the position it appends (we report our own).
fn message_of(error: &serde_json::Error) -> String {
    let full = error.to_string();
    let position = format!(" at line {} column {}", error.line(), error.column());
    full.strip_suffix(&position).unwrap_or(&full).to_owned()
}

/// An object's members in file order, keys and values still raw JSON.
struct Members<'a>(Vec<(&'a RawValue, &'a RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MembersVisitor;

        impl<'de> Visitor<'de> for MembersVisitor {
            type Value = Members<'de>;

            fn expecting(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                formatter.write_str("a JSON object")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut members = Vec::new();
                while let Some(member) = map.next_entry()? {
                    members.push(member);
                }
                Ok(Members(members))
            }
        }

        deserializer.deserialize_map(MembersVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(node: &Node) -> &[Entry] {
        match &node.value {
            Value::Table(entries) => entries,
            other => panic!("not a table: {other:?}"),
        }
    }

    #[test]
    fn keeps_file_order_and_spans() {
        let text = "{\n  \"b\": [1, 2],\n  \"a\\u0062\": \"x\\n\"\n}";
        let root = parse(text).unwrap();
        assert_eq!(root.span, 0..text.len());
        let entries = entries(&root);
        assert_eq!(entries[0].key, "b");
        assert_eq!(entries[1].key, "ab");
        assert_eq!(&text[entries[1].key_span.clone()], "\"a\\u0062\"");
        assert_eq!(&text[entries[1].value.span.clone()], "\"x\\n\"");
        assert!(matches!(&entries[1].value.value, Value::String(s) if s == "x\n"));
        let Value::Array(items) = &entries[0].value.value else {
            panic!("not an array");
        };
        assert_eq!(&text[items[1].span.clone()], "2");
    }

    #[test]
    fn reads_every_kind_of_value() {
        let root = parse(r#"[null, true, -3, 18446744073709551615, 1.5]"#).unwrap();
        let Value::Array(items) = root.value else {
            panic!("not an array");
        };
        assert!(matches!(items[0].value, Value::Null));
        assert!(matches!(items[1].value, Value::Bool(true)));
        assert!(matches!(items[2].value, Value::Integer(-3)));
        assert!(matches!(items[3].value, Value::Unsigned(u64::MAX)));
        assert!(matches!(items[4].value, Value::Float(f) if f == 1.5));
    }

    #[test]
    fn syntax_errors_are_placed() {
        let text = "{\n  \"a\": 1,\n  \"b\": tru\n}";
        let error = parse(text).unwrap_err();
        assert_eq!(error.message, "expected ident");
        assert_eq!(error.span.start, text.find("tru").unwrap() + 3);
        let error = parse(r#"{"a": 1,}"#).unwrap_err();
        assert_eq!(
            (error.message.as_str(), error.span.start),
            ("trailing comma", 8)
        );
        let error = parse(r#"{"a": x}"#).unwrap_err();
        assert_eq!(
            (error.message.as_str(), error.span.start),
            ("expected value", 6)
        );
    }

    #[test]
    fn duplicate_keys_are_refused() {
        let text = r#"{"a": 1, "a": 2}"#;
        let error = parse(text).unwrap_err();
        assert_eq!(error.message, "duplicate key `a`");
        assert_eq!(error.span, 9..12);
    }
}
