//! Helpers shared by the test modules.

use multistore_static_config::{ConfigError, ConfigFormat, StaticProvider};

/// Joins `lines` into a document, so that `lines[n]` is line `n + 1`.
pub(crate) fn lines(lines: &[&str]) -> String {
    lines.join("\n")
}

/// The variables the tests load with, instead of the process environment.
pub(crate) fn test_variables(name: &str) -> Option<String> {
    match name {
        "DATA_DIR" => Some("/srv".into()),
        "SECRET" => Some("s3cr3t-value".into()),
        "MINIO_ACCESS_KEY_ID" | "MINIO_SECRET_ACCESS_KEY" | "AZURE_STORAGE_KEY" => {
            Some(format!("value-of-{name}"))
        }
        "INGEST_SECRET_ACCESS_KEY" => Some("ingest-secret".into()),
        _ => None,
    }
}

pub(crate) fn load_toml(text: &str) -> Result<StaticProvider, ConfigError> {
    StaticProvider::from_str_with_variables(text, "test.toml", ConfigFormat::Toml, test_variables)
}

pub(crate) fn load_json(text: &str) -> Result<StaticProvider, ConfigError> {
    StaticProvider::from_str_with_variables(text, "test.json", ConfigFormat::Json, test_variables)
}

/// Asserts that loading failed with a message `<location>: …<detail>…`.
#[track_caller]
pub(crate) fn assert_fails_at(
    result: Result<StaticProvider, ConfigError>,
    location: &str,
    detail: &str,
) -> ConfigError {
    let error = match result {
        Ok(_) => panic!("loaded, but expected an error at {location}"),
        Err(error) => error,
    };
    let message = error.to_string();
    assert!(
        message.starts_with(&format!("{location}: ")),
        "expected an error at {location}, got: {message}"
    );
    assert!(
        message.contains(detail),
        "expected {detail:?} in: {message}"
    );
    error
}
