//! A parsed configuration document that remembers where every value came from.
//!
//! TOML and JSON are both read into the same [`Node`] tree, in which every value and every
//! key carries its byte span in the source text. Variables are substituted in the tree, the
//! tree is deserialized into the core's config types (errors keep the span of the value
//! they are about), and validation findings are traced back to a span through their path.

mod deserializer;
mod json;
mod toml;
mod variables;

use std::fmt;
use std::ops::Range;

pub(crate) use json::parse as parse_json;
pub(crate) use toml::parse as parse_toml;
pub(crate) use variables::{Lookup, Problem, VariableError, substitute};

/// A byte range in the source text.
pub(crate) type Span = Range<usize>;

/// Text that is not a well-formed document, and where.
#[derive(Debug)]
pub(crate) struct SyntaxError {
    pub(crate) message: String,
    pub(crate) span: Span,
    /// The parser's own error, when there is one.
    pub(crate) source: Option<Box<dyn std::error::Error + Send + Sync>>,
}

/// One value of the document and where it is.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub(crate) span: Span,
    pub(crate) value: Value,
}

/// The value of a [`Node`], in a form shared by TOML and JSON.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Integer(i64),
    /// A JSON integer above `i64::MAX`.
    Unsigned(u64),
    Float(f64),
    String(String),
    /// A string whose `${NAME}` references were replaced: it may hold a secret, so errors
    /// about it never show it.
    Substituted(String),
    Array(Vec<Node>),
    /// Entries in file order.
    Table(Vec<Entry>),
}

/// One `key = value` of a table.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) key: String,
    pub(crate) key_span: Span,
    pub(crate) value: Node,
}

/// One step of a path from the document root to a value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PathSegment {
    Field(String),
    Index(usize),
}

/// A path from the document root to a value, shown as `buckets[1].backend_options.region`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Path(pub(crate) Vec<PathSegment>);

impl Path {
    /// This path extended by field `name`.
    pub(crate) fn field(&self, name: impl Into<String>) -> Self {
        let mut segments = self.0.clone();
        segments.push(PathSegment::Field(name.into()));
        Self(segments)
    }

    /// This path extended by array index `index`.
    pub(crate) fn index(&self, index: usize) -> Self {
        let mut segments = self.0.clone();
        segments.push(PathSegment::Index(index));
        Self(segments)
    }
}

impl fmt::Display for Path {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (position, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Field(name) if position == 0 => f.write_str(name)?,
                PathSegment::Field(name) => write!(f, ".{name}")?,
                PathSegment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

impl Node {
    /// The span of the value at `path`, or of its deepest ancestor in the document when the
    /// value itself is absent (a field left to its default, say).
    pub(crate) fn locate(&self, path: &Path) -> Span {
        let mut node = self;
        for segment in &path.0 {
            let child = match (segment, &node.value) {
                (PathSegment::Field(name), Value::Table(entries)) => entries
                    .iter()
                    .rev()
                    .find(|entry| &entry.key == name)
                    .map(|entry| &entry.value),
                (PathSegment::Index(index), Value::Array(items)) => items.get(*index),
                _ => None,
            };
            match child {
                Some(child) => node = child,
                None => break,
            }
        }
        node.span.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(span: Span) -> Node {
        Node {
            span,
            value: Value::Bool(true),
        }
    }

    fn document() -> Node {
        Node {
            span: 0..100,
            value: Value::Table(vec![Entry {
                key: "buckets".into(),
                key_span: 0..7,
                value: Node {
                    span: 10..90,
                    value: Value::Array(vec![leaf(20..30), leaf(40..50)]),
                },
            }]),
        }
    }

    #[test]
    fn paths_lead_to_values() {
        let path = Path::default().field("buckets").index(1);
        assert_eq!(document().locate(&path), 40..50);
        assert_eq!(path.field("name").to_string(), "buckets[1].name");
    }

    #[test]
    fn absent_values_fall_back_to_their_closest_ancestor() {
        let root = document();
        let path = Path::default().field("buckets").index(1).field("name");
        assert_eq!(root.locate(&path), 40..50);
        let path = Path::default().field("buckets").index(7);
        assert_eq!(root.locate(&path), 10..90);
        assert_eq!(root.locate(&Path::default().field("roles")), 0..100);
    }
}
