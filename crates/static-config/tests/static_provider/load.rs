//! Loading valid files, and the location of syntax and schema errors.

use std::path::PathBuf;

use chrono::{TimeZone, Utc};
use multistore::config::{Action, BackendType};
use multistore_static_config::{ConfigError, ConfigFormat, StaticProvider};

use crate::common::{assert_fails_at, lines, load_json, load_toml, test_variables};

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

#[test]
fn the_documented_example_loads() {
    let text = include_str!("../../config.example.toml");
    let provider = StaticProvider::from_str_with_variables(
        text,
        "config.example.toml",
        ConfigFormat::Toml,
        test_variables,
    )
    .unwrap();
    let names: Vec<&str> = provider.buckets().iter().map(|b| b.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "public-data",
            "private",
            "archive",
            "models",
            "scratch",
            "tmp"
        ]
    );
    let scratch = provider.bucket("scratch").unwrap();
    assert_eq!(scratch.backend_type, BackendType::Local);
    assert_eq!(scratch.backend_options.get("root"), Some("/srv/scratch"));
    let private = provider.bucket("private").unwrap();
    assert_eq!(
        private
            .backend_options
            .secret("access_key_id")
            .map(multistore::SecretString::expose),
        Some("value-of-MINIO_ACCESS_KEY_ID")
    );

    let role = provider.role("analysts").unwrap();
    assert_eq!(role.max_session_duration_secs, 3600);
    assert_eq!(
        role.allowed_scopes[0].actions,
        [Action::GetObject, Action::ListBucket]
    );

    let credential = provider.credential("AKIAEXAMPLEINGEST").unwrap();
    assert_eq!(credential.secret_access_key.expose(), "ingest-secret");
    assert_eq!(
        credential.created_at,
        Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
    );
    assert!(credential.enabled);
}

#[test]
fn json_has_the_same_shape() {
    let text = r#"{
        "buckets": [{
            "name": "data",
            "backend_type": "s3",
            "backend_prefix": null,
            "allowed_roles": ["reader"],
            "backend_options": { "bucket_name": "real-data", "region": "eu-west-1" }
        }],
        "roles": [{
            "role_id": "reader",
            "name": "Reader",
            "trusted_oidc_issuers": ["https://issuer.example"],
            "max_session_duration_secs": 900,
            "allowed_scopes": [{ "bucket": "data", "actions": ["get_object"] }]
        }],
        "credentials": [{
            "access_key_id": "AKIAJSON",
            "secret_access_key": "${SECRET}",
            "principal_name": "json",
            "created_at": "2025-06-01T12:00:00Z",
            "enabled": false
        }]
    }"#;
    let provider = load_json(text).unwrap();
    let data = provider.bucket("data").unwrap();
    assert_eq!(data.backend_prefix, None);
    assert_eq!(data.backend_options.get("region"), Some("eu-west-1"));
    assert_eq!(provider.roles()[0].max_session_duration_secs, 900);
    let credential = &provider.credentials()[0];
    assert_eq!(credential.secret_access_key.expose(), "s3cr3t-value");
    assert!(!credential.enabled);
}

#[test]
fn an_empty_document_is_an_empty_configuration() {
    let provider = load_toml("").unwrap();
    assert!(provider.buckets().is_empty());
    assert!(load_json("{}").unwrap().roles().is_empty());
}

#[test]
fn files_are_read_by_extension() {
    for name in ["minimal.toml", "minimal.json"] {
        let provider = StaticProvider::from_file(fixture(name)).unwrap();
        assert_eq!(provider.buckets()[0].name, "scratch", "{name}");
        assert_eq!(
            provider.credentials()[0].allowed_scopes[0].bucket,
            "scratch",
            "{name}"
        );
    }
}

#[test]
fn other_extensions_are_refused() {
    let error = StaticProvider::from_file("settings.yaml").unwrap_err();
    assert!(matches!(error, ConfigError::UnsupportedFormat { .. }));
    assert_eq!(
        error.to_string(),
        "settings.yaml: unsupported configuration file type; the name must end in `.toml` or `.json`"
    );
    assert_eq!(
        ConfigFormat::from_path("a/B.TOML".as_ref()),
        Some(ConfigFormat::Toml)
    );
    assert_eq!(ConfigFormat::from_path("json".as_ref()), None);
}

#[test]
fn unreadable_files_are_named() {
    let path = fixture("does-not-exist.toml");
    let error = StaticProvider::from_file(&path).unwrap_err();
    assert!(matches!(error, ConfigError::Read { .. }));
    assert!(error.to_string().starts_with(&format!(
        "cannot read configuration file {}: ",
        path.display()
    )));
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn toml_syntax_errors_are_located() {
    let text = lines(&["[[buckets]]", "name = \"a\"", "backend_type = memory"]);
    let error = assert_fails_at(
        load_toml(&text),
        "test.toml:3:16",
        "string values must be quoted",
    );
    assert!(matches!(error, ConfigError::Syntax { .. }));
    assert!(std::error::Error::source(&error).is_some());
}

#[test]
fn json_syntax_errors_are_located() {
    let text = lines(&[
        "{",
        "  \"buckets\": [",
        "    {\"name\": \"a\",}",
        "  ]",
        "}",
    ]);
    let error = assert_fails_at(load_json(&text), "test.json:3:18", "trailing comma");
    assert!(matches!(error, ConfigError::Syntax { .. }));
}

#[test]
fn json_duplicate_keys_are_refused() {
    let text = lines(&["{", "  \"roles\": [],", "  \"roles\": []", "}"]);
    assert_fails_at(load_json(&text), "test.json:3:3", "duplicate key `roles`");
}

#[test]
fn unknown_fields_are_located_at_their_key() {
    let top = lines(&["[[bucket]]", "name = \"a\""]);
    assert_fails_at(
        load_toml(&top),
        "test.toml:1:3",
        "unknown field `bucket`, expected one of `buckets`, `roles`, `credentials`",
    );

    let in_bucket = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"memory\"",
        "  anonymous = true",
    ]);
    assert_fails_at(
        load_toml(&in_bucket),
        "test.toml:4:3",
        "unknown field `anonymous`",
    );

    let in_scope = lines(&[
        "[[credentials]]",
        "access_key_id = \"AK\"",
        "secret_access_key = \"s\"",
        "principal_name = \"p\"",
        "created_at = 2025-01-01T00:00:00Z",
        "[[credentials.allowed_scopes]]",
        "bucket = \"*\"",
        "action = [\"get_object\"]",
    ]);
    assert_fails_at(
        load_toml(&in_scope),
        "test.toml:8:1",
        "unknown field `action`",
    );

    let json = lines(&[
        "{\"buckets\": [{",
        "  \"name\": \"a\", \"backend_type\": \"memory\", \"public\": true",
        "}]}",
    ]);
    assert_fails_at(load_json(&json), "test.json:2:42", "unknown field `public`");
}

#[test]
fn wrong_types_are_located_at_their_value() {
    let text = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"memory\"",
        "anonymous_access = \"yes\"",
    ]);
    assert_fails_at(
        load_toml(&text),
        "test.toml:4:20",
        "invalid type: string \"yes\", expected a boolean",
    );

    let variant = lines(&["[[buckets]]", "name = \"a\"", "backend_type = \"s4\""]);
    assert_fails_at(
        load_toml(&variant),
        "test.toml:3:16",
        "unknown variant `s4`, expected one of `s3`, `azure`, `gcs`, `local`, `memory`",
    );

    // Backend option values are scalars: text, or flags and numbers read as text.
    let flag = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"s3\"",
        "backend_options = { bucket_name = \"b\", skip_signature = true }",
    ]);
    let provider = load_toml(&flag).unwrap();
    let options = &provider.buckets()[0].backend_options;
    assert_eq!(options.get("skip_signature"), Some("true"));

    let list = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"s3\"",
        "backend_options = { bucket_name = \"b\", skip_signature = [true] }",
    ]);
    assert_fails_at(
        load_toml(&list),
        // Scalars are told apart by trying each kind, which reports at the options table.
        "test.toml:4:19",
        "a backend option must be text, a boolean or a number",
    );

    let json = lines(&[
        "{\"roles\": [{\"role_id\": \"r\", \"name\": \"n\",",
        " \"trusted_oidc_issuers\": \"https://issuer.example\"}]}",
    ]);
    assert_fails_at(
        load_json(&json),
        "test.json:2:26",
        "invalid type: string \"https://issuer.example\", expected a sequence",
    );
}

#[test]
fn missing_fields_are_located_at_their_table() {
    let text = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"memory\"",
        "",
        "[[buckets]]",
        "name = \"b\"",
    ]);
    assert_fails_at(
        load_toml(&text),
        "test.toml:5:1",
        "missing field `backend_type`",
    );

    let json = lines(&["{\"buckets\": [", "  {\"name\": \"b\"}", "]}"]);
    assert_fails_at(
        load_json(&json),
        "test.json:2:3",
        "missing field `backend_type`",
    );
}
