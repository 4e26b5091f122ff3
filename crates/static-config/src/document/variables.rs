//! `${NAME}` references in string values, replaced by the values of variables.
//!
//! Secrets can then stay out of the file: `secret_access_key = "${BACKEND_SECRET}"`. A
//! reference may be the whole string or part of it (`"${HOME}/data"`); `$${` stands for a
//! literal `${`. Replacement happens once: a variable's value is never expanded again.

use super::{Node, Span, Value};

/// Looks up the value of a variable by name.
pub(crate) type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A reference that could not be replaced, and the span of the string holding it.
#[derive(Debug)]
pub(crate) struct VariableError {
    pub(crate) span: Span,
    pub(crate) problem: Problem,
}

/// What is wrong with a reference.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Problem {
    /// The variable has no value.
    Unset(String),
    /// `${` without a closing `}`.
    Unterminated,
    /// `${...}` with something other than a variable name inside.
    InvalidName(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Unset(name) => write!(f, "environment variable `{name}` is not set"),
            Self::Unterminated => {
                f.write_str("`${` has no closing `}` (write `$${` for a literal `${`)")
            }
            Self::InvalidName(name) => write!(
                f,
                "`${{{name}}}` does not name a variable: use letters, digits and `_`, not starting with a digit"
            ),
        }
    }
}

/// Replaces the references in every string value of `node`.
///
/// Strings that received a variable's value become [`Value::Substituted`], so that later
/// errors do not show them.
pub(crate) fn substitute(node: &mut Node, lookup: Lookup<'_>) -> Result<(), VariableError> {
    let expanded = match &mut node.value {
        Value::String(template) => expand(template, lookup).map_err(|problem| VariableError {
            span: node.span.clone(),
            problem,
        })?,
        Value::Array(items) => {
            return items
                .iter_mut()
                .try_for_each(|item| substitute(item, lookup));
        }
        Value::Table(entries) => {
            return entries
                .iter_mut()
                .try_for_each(|entry| substitute(&mut entry.value, lookup));
        }
        _ => None,
    };
    match expanded {
        Some(Expanded::Literal(text)) => node.value = Value::String(text),
        Some(Expanded::Substituted(text)) => node.value = Value::Substituted(text),
        None => {}
    }
    Ok(())
}

/// A string after expansion.
#[derive(Debug, PartialEq, Eq)]
enum Expanded {
    /// Only `$${` escapes were replaced.
    Literal(String),
    /// At least one variable's value went in.
    Substituted(String),
}

/// Expands `template`; `None` when there is nothing to expand.
fn expand(template: &str, lookup: Lookup<'_>) -> Result<Option<Expanded>, Problem> {
    if !template.contains("${") {
        return Ok(None);
    }
    let mut out = String::with_capacity(template.len());
    let mut substituted = false;
    let mut rest = template;
    while let Some(dollar) = rest.find('$') {
        out.push_str(&rest[..dollar]);
        let from_dollar = &rest[dollar..];
        if let Some(after) = from_dollar.strip_prefix("$${") {
            out.push_str("${");
            rest = after;
        } else if let Some(after) = from_dollar.strip_prefix("${") {
            let end = after.find('}').ok_or(Problem::Unterminated)?;
            let name = &after[..end];
            if !is_variable_name(name) {
                return Err(Problem::InvalidName(name.to_owned()));
            }
            let value = lookup(name).ok_or_else(|| Problem::Unset(name.to_owned()))?;
            out.push_str(&value);
            substituted = true;
            rest = &after[end + 1..];
        } else {
            out.push('$');
            rest = &from_dollar[1..];
        }
    }
    out.push_str(rest);
    Ok(Some(if substituted {
        Expanded::Substituted(out)
    } else {
        Expanded::Literal(out)
    }))
}

fn is_variable_name(name: &str) -> bool {
    let mut chars = name.chars();
    chars
        .next()
        .is_some_and(|first| first.is_ascii_alphabetic() || first == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(name: &str) -> Option<String> {
        match name {
            "HOME" => Some("/home/me".into()),
            "SECRET" => Some("s3cr3t".into()),
            "NESTED" => Some("${HOME}".into()),
            _ => None,
        }
    }

    fn expand_with_test_env(template: &str) -> Result<Option<Expanded>, Problem> {
        expand(template, &lookup)
    }

    #[test]
    fn replaces_whole_and_embedded_references() {
        assert_eq!(
            expand_with_test_env("${SECRET}"),
            Ok(Some(Expanded::Substituted("s3cr3t".into())))
        );
        assert_eq!(
            expand_with_test_env("${HOME}/data/${SECRET}"),
            Ok(Some(Expanded::Substituted("/home/me/data/s3cr3t".into())))
        );
    }

    #[test]
    fn values_are_not_expanded_again() {
        assert_eq!(
            expand_with_test_env("${NESTED}"),
            Ok(Some(Expanded::Substituted("${HOME}".into())))
        );
    }

    #[test]
    fn escapes_and_lone_dollars_stay_literal() {
        assert_eq!(expand_with_test_env("price: $5"), Ok(None));
        assert_eq!(
            expand_with_test_env("$${HOME} costs $5"),
            Ok(Some(Expanded::Literal("${HOME} costs $5".into())))
        );
    }

    #[test]
    fn reports_bad_references() {
        assert_eq!(
            expand_with_test_env("a${MISSING}b"),
            Err(Problem::Unset("MISSING".into()))
        );
        assert_eq!(expand_with_test_env("${HOME"), Err(Problem::Unterminated));
        assert_eq!(
            expand_with_test_env("${1X}"),
            Err(Problem::InvalidName("1X".into()))
        );
        assert_eq!(
            expand_with_test_env("${}"),
            Err(Problem::InvalidName(String::new()))
        );
    }

    #[test]
    fn marks_strings_that_received_a_value() {
        let mut node = Node {
            span: 0..40,
            value: Value::Array(vec![
                Node {
                    span: 1..12,
                    value: Value::String("${SECRET}".into()),
                },
                Node {
                    span: 14..22,
                    value: Value::String("$${x}".into()),
                },
            ]),
        };
        substitute(&mut node, &lookup).unwrap();
        let Value::Array(items) = &node.value else {
            panic!("not an array");
        };
        assert!(matches!(&items[0].value, Value::Substituted(s) if s == "s3cr3t"));
        assert!(matches!(&items[1].value, Value::String(s) if s == "${x}"));

        let mut missing = Node {
            span: 3..9,
            value: Value::String("${NOPE}".into()),
        };
        let error = substitute(&mut missing, &lookup).unwrap_err();
        assert_eq!(error.span, 3..9);
        assert_eq!(
            error.problem.to_string(),
            "environment variable `NOPE` is not set"
        );
    }
}
