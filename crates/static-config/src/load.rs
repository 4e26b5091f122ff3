//! Loading a [`StaticProvider`] from TOML or JSON text: parse, substitute variables,
//! deserialize, validate, each step reporting the file location of what it rejects.

use std::path::Path;

use serde::Deserialize;

use crate::document::{self, Lookup, Node, Span, VariableError};
use crate::provider::invalid;
use crate::schema::ConfigFile;
use crate::validation::validate;
use crate::{ConfigError, Location, StaticProvider};

/// The syntax of a configuration text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ConfigFormat {
    /// TOML, for files named `*.toml`.
    Toml,
    /// JSON, for files named `*.json`.
    Json,
}

impl ConfigFormat {
    /// The format a file's extension stands for (`.toml` or `.json`, in any case).
    pub fn from_path(path: &Path) -> Option<Self> {
        let extension = path.extension()?.to_str()?;
        if extension.eq_ignore_ascii_case("toml") {
            Some(Self::Toml)
        } else if extension.eq_ignore_ascii_case("json") {
            Some(Self::Json)
        } else {
            None
        }
    }
}

impl StaticProvider {
    /// Loads the configuration file at `path`: TOML when its name ends in `.toml`, JSON
    /// when it ends in `.json`. `${NAME}` references are replaced by environment variables.
    ///
    /// Error messages start with the path as given and the line and column of the problem.
    pub fn from_file(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let format =
            ConfigFormat::from_path(path).ok_or_else(|| ConfigError::UnsupportedFormat {
                path: path.to_owned(),
            })?;
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        load(&text, &path.display().to_string(), format, &environment)
    }

    /// Loads TOML `text`; `origin` names it in error messages (a file name, say).
    /// `${NAME}` references are replaced by environment variables.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self, ConfigError> {
        load(text, origin, ConfigFormat::Toml, &environment)
    }

    /// Loads JSON `text`; `origin` names it in error messages (a file name, say).
    /// `${NAME}` references are replaced by environment variables.
    pub fn from_json_str(text: &str, origin: &str) -> Result<Self, ConfigError> {
        load(text, origin, ConfigFormat::Json, &environment)
    }

    /// Loads `text` in `format`, taking the values of `${NAME}` references from `variables`
    /// instead of the process environment: for runtimes without one (a Worker reads its
    /// secrets from bindings) and for tests.
    ///
    /// ```
    /// use multistore_static_config::{ConfigFormat, StaticProvider};
    ///
    /// let text = r#"
    /// [[buckets]]
    /// name = "scratch"
    /// backend_type = "local"
    /// backend_options = { root = "${DATA_DIR}/scratch" }
    /// "#;
    /// let variables = |name: &str| (name == "DATA_DIR").then(|| "/srv".to_owned());
    /// let provider =
    ///     StaticProvider::from_str_with_variables(text, "inline.toml", ConfigFormat::Toml, variables)?;
    /// let root = provider.buckets()[0].backend_options.get("root");
    /// assert_eq!(root, Some("/srv/scratch"));
    /// # Ok::<(), multistore_static_config::ConfigError>(())
    /// ```
    pub fn from_str_with_variables(
        text: &str,
        origin: &str,
        format: ConfigFormat,
        variables: impl Fn(&str) -> Option<String>,
    ) -> Result<Self, ConfigError> {
        load(text, origin, format, &variables)
    }
}

fn environment(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

fn load(
    text: &str,
    origin: &str,
    format: ConfigFormat,
    variables: Lookup<'_>,
) -> Result<StaticProvider, ConfigError> {
    let at = |span: &Span| Location::of(origin, text, span.start);
    let parsed = match format {
        ConfigFormat::Toml => document::parse_toml(text),
        ConfigFormat::Json => document::parse_json(text),
    };
    let mut root = parsed.map_err(|error| ConfigError::Syntax {
        location: at(&error.span),
        message: error.message,
        source: error.source,
    })?;
    document::substitute(&mut root, variables).map_err(|error| {
        let location = at(&error.span);
        variable_error(error, location)
    })?;
    let file = deserialize(root.clone()).map_err(|(span, message)| ConfigError::Schema {
        location: at(&span),
        message,
    })?;
    validate(&file.buckets, &file.roles, &file.credentials).map_err(|finding| {
        let location = at(&root.locate(&finding.path));
        invalid(finding, Some(location))
    })?;
    Ok(StaticProvider::from_validated(
        file.buckets,
        file.roles,
        file.credentials,
    ))
}

fn deserialize(root: Node) -> Result<ConfigFile, (Span, String)> {
    let whole = root.span.clone();
    ConfigFile::deserialize(root).map_err(|error| (error.span.unwrap_or(whole), error.message))
}

fn variable_error(error: VariableError, location: Location) -> ConfigError {
    match error.problem {
        document::Problem::Unset(name) => ConfigError::UnsetVariable { location, name },
        problem => ConfigError::VariableReference {
            location,
            message: problem.to_string(),
        },
    }
}
