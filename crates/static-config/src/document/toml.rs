//! Reading TOML text into a [`Node`] tree, with the spans `toml` records while parsing.

use toml::Spanned;
use toml::de::{DeTable, DeValue};

use super::{Entry, Node, SyntaxError, Value};

/// Parses a TOML document.
pub(crate) fn parse(text: &str) -> Result<Node, SyntaxError> {
    let root = DeTable::parse(text).map_err(|error| SyntaxError {
        message: error.message().to_owned(),
        span: error.span().unwrap_or_default(),
        source: Some(Box::new(error)),
    })?;
    let span = root.span();
    let value = table(root.into_inner())?;
    Ok(Node { span, value })
}

fn table(entries: DeTable<'_>) -> Result<Value, SyntaxError> {
    entries
        .into_iter()
        .map(|(key, value)| {
            Ok(Entry {
                key_span: key.span(),
                key: key.into_inner().into_owned(),
                value: node(value)?,
            })
        })
        .collect::<Result<_, _>>()
        .map(Value::Table)
}

fn node(spanned: Spanned<DeValue<'_>>) -> Result<Node, SyntaxError> {
    let span = spanned.span();
    // TOML numbers are 64-bit; the parser leaves the range check to whoever converts them.
    let out_of_range = |kind: &str| SyntaxError {
        message: format!("{kind} out of range"),
        span: span.clone(),
        source: None,
    };
    let value = match spanned.into_inner() {
        DeValue::String(text) => Value::String(text.into_owned()),
        DeValue::Integer(integer) => i64::from_str_radix(integer.as_str(), integer.radix())
            .map(Value::Integer)
            .map_err(|_| out_of_range("integer"))?,
        DeValue::Float(float) => float
            .as_str()
            .parse()
            .map(Value::Float)
            .map_err(|_| out_of_range("float"))?,
        DeValue::Boolean(value) => Value::Bool(value),
        // Dates are handed on as RFC 3339 text, which is what chrono's serde reads.
        DeValue::Datetime(datetime) => Value::String(datetime.to_string()),
        DeValue::Array(items) => {
            Value::Array(items.into_iter().map(node).collect::<Result<_, _>>()?)
        }
        DeValue::Table(entries) => table(entries)?,
    };
    Ok(Node { span, value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Node {
        parse(text).unwrap()
    }

    fn entries(node: &Node) -> &[Entry] {
        match &node.value {
            Value::Table(entries) => entries,
            other => panic!("not a table: {other:?}"),
        }
    }

    #[test]
    fn keeps_file_order_and_spans() {
        let text = "b = 1\na = \"x\"\n";
        let root = parse_ok(text);
        let entries = entries(&root);
        assert_eq!(entries[0].key, "b");
        assert_eq!(entries[1].key, "a");
        assert_eq!(&text[entries[1].key_span.clone()], "a");
        assert_eq!(&text[entries[1].value.span.clone()], "\"x\"");
    }

    #[test]
    fn reads_every_kind_of_value() {
        let root = parse_ok("i = 0x10\nf = 1.5\nt = true\nd = 2024-01-02T03:04:05Z\na = [1]\n");
        let values: Vec<_> = entries(&root).iter().map(|e| &e.value.value).collect();
        assert!(matches!(values[0], Value::Integer(16)));
        assert!(matches!(values[1], Value::Float(f) if *f == 1.5));
        assert!(matches!(values[2], Value::Bool(true)));
        assert!(matches!(values[3], Value::String(s) if s == "2024-01-02T03:04:05Z"));
        assert!(matches!(values[4], Value::Array(items) if items.len() == 1));
    }

    #[test]
    fn syntax_errors_have_spans() {
        let error = parse("a = 1\nb = \n").unwrap_err();
        assert_eq!(error.span, 10..10);
        assert!(error.source.is_some());
        let error = parse("a = 9223372036854775808").unwrap_err();
        assert_eq!(
            (error.message.as_str(), error.span),
            ("integer out of range", 4..23)
        );
    }
}
