//! Deserializing a [`Node`] tree, so that every error knows the span it is about.
//!
//! An error raised while a value is deserialized takes that value's span; an error about a
//! key (an unknown field) takes the key's span; an error about a table as a whole (a missing
//! field) takes the table's span. The innermost span wins.

use serde::de::value::{SeqDeserializer, StringDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Unexpected, Visitor};

use super::{Entry, Node, Span, Value};

/// A deserialization error and the span of the value (or key) it is about.
#[derive(Debug, thiserror::Error)]
#[error("{message}")]
pub(crate) struct DocumentError {
    pub(crate) message: String,
    pub(crate) span: Option<Span>,
}

impl DocumentError {
    /// Places the error at `span` unless a more precise place is already known.
    fn or_at(mut self, span: Span) -> Self {
        self.span.get_or_insert(span);
        self
    }

    /// Removes `secret`, a value substituted from the environment, from the message.
    ///
    /// Serde quotes values as `"value"` or `` `value` ``; those quotes are replaced. Should
    /// the value still appear (or a short one appear by chance inside another word), the
    /// whole message is replaced, erring on the side of showing less.
    fn hiding(mut self, secret: &str) -> Self {
        if secret.is_empty() {
            return self;
        }
        const HIDDEN: &str = "(value from the environment, not shown)";
        let message = self
            .message
            .replace(&format!("{secret:?}"), HIDDEN)
            .replace(&format!("`{secret}`"), HIDDEN);
        self.message = if message.contains(secret) {
            "the value substituted from the environment is not valid here (not shown)".to_owned()
        } else {
            message
        };
        self
    }
}

impl de::Error for DocumentError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        Self {
            message: message.to_string(),
            span: None,
        }
    }
}

impl Node {
    /// How serde error messages describe this value.
    fn unexpected(&self) -> Unexpected<'_> {
        match &self.value {
            Value::Null => Unexpected::Unit,
            Value::Bool(value) => Unexpected::Bool(*value),
            Value::Integer(value) => Unexpected::Signed(*value),
            Value::Unsigned(value) => Unexpected::Unsigned(*value),
            Value::Float(value) => Unexpected::Float(*value),
            Value::String(text) => Unexpected::Str(text),
            Value::Substituted(_) => Unexpected::Other("a string from the environment"),
            Value::Array(_) => Unexpected::Seq,
            Value::Table(_) => Unexpected::Map,
        }
    }
}

impl<'de> IntoDeserializer<'de, DocumentError> for Node {
    type Deserializer = Self;

    fn into_deserializer(self) -> Self {
        self
    }
}

impl<'de> de::Deserializer<'de> for Node {
    type Error = DocumentError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DocumentError> {
        let span = self.span;
        let result = match self.value {
            Value::Null => visitor.visit_unit(),
            Value::Bool(value) => visitor.visit_bool(value),
            Value::Integer(value) => visitor.visit_i64(value),
            Value::Unsigned(value) => visitor.visit_u64(value),
            Value::Float(value) => visitor.visit_f64(value),
            Value::String(text) => visitor.visit_string(text),
            Value::Substituted(text) => visitor
                .visit_str(&text)
                .map_err(|error: DocumentError| error.hiding(&text)),
            Value::Array(items) => visit_array(items, visitor),
            Value::Table(entries) => visitor.visit_map(TableAccess::new(entries)),
        };
        result.map_err(|error| error.or_at(span))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DocumentError> {
        match self.value {
            Value::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DocumentError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DocumentError> {
        // Only tables: serde would otherwise also accept a struct written as an array.
        if matches!(self.value, Value::Table(_)) {
            self.deserialize_any(visitor)
        } else {
            let error = de::Error::invalid_type(self.unexpected(), &visitor);
            Err(DocumentError::or_at(error, self.span))
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DocumentError> {
        // Only unit variants written as strings (`backend_type = "s3"`) are in the schema.
        let span = self.span.clone();
        let result = match self.value {
            Value::String(text) => visitor.visit_enum(variant(text)),
            Value::Substituted(text) => visitor
                .visit_enum(variant(text.clone()))
                .map_err(|error: DocumentError| error.hiding(&text)),
            _ => return self.deserialize_any(visitor),
        };
        result.map_err(|error| error.or_at(span))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string
        bytes byte_buf unit unit_struct seq tuple tuple_struct map identifier ignored_any
    }
}

fn variant(name: String) -> StringDeserializer<DocumentError> {
    name.into_deserializer()
}

fn visit_array<'de, V: Visitor<'de>>(
    items: Vec<Node>,
    visitor: V,
) -> Result<V::Value, DocumentError> {
    let mut access = SeqDeserializer::new(items.into_iter());
    let value = visitor.visit_seq(&mut access)?;
    access.end()?;
    Ok(value)
}

/// Hands a table's entries to a map or struct visitor.
struct TableAccess {
    entries: std::vec::IntoIter<Entry>,
    /// The value of the key just handed out.
    pending: Option<Node>,
}

impl TableAccess {
    fn new(entries: Vec<Entry>) -> Self {
        Self {
            entries: entries.into_iter(),
            pending: None,
        }
    }
}

impl<'de> MapAccess<'de> for TableAccess {
    type Error = DocumentError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DocumentError> {
        let Some(entry) = self.entries.next() else {
            return Ok(None);
        };
        self.pending = Some(entry.value);
        let key: StringDeserializer<DocumentError> = entry.key.into_deserializer();
        seed.deserialize(key)
            .map(Some)
            .map_err(|error| error.or_at(entry.key_span))
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(
        &mut self,
        seed: V,
    ) -> Result<V::Value, DocumentError> {
        match self.pending.take() {
            Some(node) => seed.deserialize(node),
            None => Err(de::Error::custom("a table value was read before its key")),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::Deserialize;

    use super::*;

    fn node(span: Span, value: Value) -> Node {
        Node { span, value }
    }

    fn entry(key: &str, key_span: Span, value: Node) -> Entry {
        Entry {
            key: key.into(),
            key_span,
            value,
        }
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        name: String,
        #[serde(default)]
        size: Option<u32>,
    }

    #[test]
    fn reads_tables_into_structs() {
        let table = node(
            0..50,
            Value::Table(vec![
                entry("name", 0..4, node(7..10, Value::String("x".into()))),
                entry("size", 11..15, node(18..20, Value::Integer(12))),
            ]),
        );
        let sample = Sample::deserialize(table).unwrap();
        assert_eq!(
            sample,
            Sample {
                name: "x".into(),
                size: Some(12)
            }
        );
    }

    #[test]
    fn errors_take_the_innermost_span() {
        let wrong_type = node(
            0..50,
            Value::Table(vec![entry("name", 2..6, node(9..13, Value::Bool(true)))]),
        );
        let error = Sample::deserialize(wrong_type).unwrap_err();
        assert_eq!(error.span, Some(9..13));
        assert!(error.message.contains("invalid type: boolean `true`"));

        let unknown_key = node(
            0..50,
            Value::Table(vec![entry("nmae", 2..6, node(9..13, Value::Bool(true)))]),
        );
        let error = Sample::deserialize(unknown_key).unwrap_err();
        assert_eq!(error.span, Some(2..6));
        assert!(error.message.starts_with("unknown field `nmae`"));

        let missing = node(0..50, Value::Table(vec![]));
        let error = Sample::deserialize(missing).unwrap_err();
        assert_eq!(error.span, Some(0..50));
        assert_eq!(error.message, "missing field `name`");
    }

    #[test]
    fn structs_are_never_read_from_arrays() {
        let array = node(
            0..9,
            Value::Array(vec![node(1..4, Value::String("x".into()))]),
        );
        let error = Sample::deserialize(array).unwrap_err();
        assert_eq!(error.span, Some(0..9));
        assert!(error.message.contains("invalid type: sequence"));
    }

    #[test]
    fn substituted_values_are_not_quoted_in_errors() {
        let table = node(
            0..50,
            Value::Table(vec![entry(
                "size",
                0..4,
                node(7..20, Value::Substituted("hunter2".into())),
            )]),
        );
        let error = BTreeMap::<String, u32>::deserialize(table).unwrap_err();
        assert_eq!(error.span, Some(7..20));
        assert_eq!(
            error.message,
            "invalid type: string (value from the environment, not shown), expected u32"
        );
    }
}
