//! The one error type of this crate, and the file locations it reports.

use std::fmt;
use std::path::PathBuf;

use multistore::config::BackendOptionsError;

/// A place in a configuration text: its name, and a 1-based line and column (in characters).
///
/// Shown as `origin:line:column`, the form editors and terminals turn into links.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The file path or name the text came from.
    pub origin: String,
    /// Line number, from 1.
    pub line: usize,
    /// Column number in characters, from 1.
    pub column: usize,
}

impl Location {
    /// The location of byte `offset` of `text`.
    pub(crate) fn of(origin: &str, text: &str, offset: usize) -> Self {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        Self {
            origin: origin.to_owned(),
            line: before.matches('\n').count() + 1,
            column: before[line_start..].chars().count() + 1,
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.origin, self.line, self.column)
    }
}

/// Why a configuration could not be loaded.
///
/// Each message is complete on its own (`config.toml:12:9: unknown field ...`), so printing
/// the error with `{}` is enough; the underlying error, where there is one, is also kept as
/// the [`source`](std::error::Error::source) for programs that inspect it. No message shows
/// a value that came from an environment variable or a backend option that may be secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read configuration file {}: {source}", .path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file name ends in neither `.toml` nor `.json`.
    #[error(
        "{}: unsupported configuration file type; the name must end in `.toml` or `.json`",
        .path.display()
    )]
    UnsupportedFormat {
        /// The file.
        path: PathBuf,
    },
    /// The text is not well-formed TOML or JSON.
    #[error("{location}: {message}")]
    Syntax {
        /// Where the parser stopped.
        location: Location,
        /// What the parser expected.
        message: String,
        /// The parser's own error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// The document does not fit the schema: an unknown field, a missing field, a value of
    /// the wrong type.
    #[error("{location}: {message}")]
    Schema {
        /// The offending key or value, or the table a required field is missing from.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// A `${NAME}` reference names a variable that is not set.
    #[error("{location}: environment variable `{name}` is not set")]
    UnsetVariable {
        /// The string holding the reference.
        location: Location,
        /// The variable's name.
        name: String,
    },
    /// A `${...}` reference is malformed.
    #[error("{location}: {message}")]
    VariableReference {
        /// The string holding the reference.
        location: Location,
        /// What is wrong.
        message: String,
    },
    /// The configuration is well-formed but inconsistent: a duplicate name, a scope naming an
    /// unknown bucket, incomplete backend options …
    #[error("{}{path}: {message}", location_prefix(.location))]
    Invalid {
        /// The offending value in the file; `None` for a configuration built in code.
        location: Option<Location>,
        /// The path of the offending value, such as `buckets[1].name`.
        path: String,
        /// What is wrong.
        message: String,
        /// The backend-option check that failed, for backend problems.
        #[source]
        source: Option<Box<BackendOptionsError>>,
    },
}

fn location_prefix(location: &Option<Location>) -> String {
    location
        .as_ref()
        .map(|location| format!("{location}: "))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_count_lines_and_characters_from_one() {
        let text = "a = 1\nbé = \"x\"\n";
        let at = |offset| Location::of("f.toml", text, offset).to_string();
        assert_eq!(at(0), "f.toml:1:1");
        assert_eq!(at(6), "f.toml:2:1");
        // `é` is two bytes but one column.
        assert_eq!(at(text.find(" = \"").unwrap()), "f.toml:2:3");
        // Offsets inside a character or past the end are clamped.
        assert_eq!(at(8), "f.toml:2:2");
        assert_eq!(at(999), "f.toml:3:1");
    }
}
