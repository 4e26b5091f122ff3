//! `${NAME}` substitution in string values.

use multistore_static_config::{ConfigError, StaticProvider};

use crate::common::{assert_fails_at, lines, load_json, load_toml};

fn local_bucket(root: &str) -> String {
    lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"local\"",
        &format!("backend_options = {{ root = {root} }}"),
    ])
}

fn root_of(provider: &StaticProvider) -> &str {
    provider.buckets()[0].backend_options.get("root").unwrap()
}

#[test]
fn references_are_replaced_whole_or_embedded() {
    let provider = load_toml(&local_bucket(r#""${DATA_DIR}/x/${SECRET}""#)).unwrap();
    assert_eq!(root_of(&provider), "/srv/x/s3cr3t-value");
    let provider = load_toml(&local_bucket(r#""${DATA_DIR}""#)).unwrap();
    assert_eq!(root_of(&provider), "/srv");

    let json = r#"{"buckets": [{"name": "a", "backend_type": "local",
        "backend_options": {"root": "${DATA_DIR}/json"}}]}"#;
    assert_eq!(root_of(&load_json(json).unwrap()), "/srv/json");
}

#[test]
fn a_doubled_dollar_escapes_a_reference() {
    let provider = load_toml(&local_bucket(r#""$${DATA_DIR}/$5""#)).unwrap();
    assert_eq!(root_of(&provider), "${DATA_DIR}/$5");
}

#[test]
fn unset_variables_are_located() {
    let error = assert_fails_at(
        load_toml(&local_bucket(r#""${NOT_SET}/x""#)),
        "test.toml:4:28",
        "environment variable `NOT_SET` is not set",
    );
    assert!(matches!(error, ConfigError::UnsetVariable { ref name, .. } if name == "NOT_SET"));

    let json = lines(&["{\"roles\": [{", "  \"role_id\": \"${NOT_SET}\"}]}"]);
    assert_fails_at(load_json(&json), "test.json:2:14", "`NOT_SET` is not set");
}

#[test]
fn malformed_references_are_located() {
    let error = assert_fails_at(
        load_toml(&local_bucket(r#""${DATA_DIR""#)),
        "test.toml:4:28",
        "`${` has no closing `}`",
    );
    assert!(matches!(error, ConfigError::VariableReference { .. }));
    assert_fails_at(
        load_toml(&local_bucket(r#""${DATA DIR}""#)),
        "test.toml:4:28",
        "`${DATA DIR}` does not name a variable",
    );
}

#[test]
fn substituted_values_are_not_shown_in_errors() {
    let text = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"memory\"",
        "anonymous_access = \"${SECRET}\"",
    ]);
    let error = assert_fails_at(
        load_toml(&text),
        "test.toml:4:20",
        "invalid type: string (value from the environment, not shown), expected a boolean",
    );
    assert!(!format!("{error} {error:?}").contains("s3cr3t-value"));

    let variant = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"${SECRET}\"",
    ]);
    let error = assert_fails_at(load_toml(&variant), "test.toml:3:16", "unknown variant");
    assert!(!error.to_string().contains("s3cr3t-value"));
}

#[test]
fn the_process_environment_is_used_by_default() {
    // Cargo sets this variable for the tests it runs.
    let text = local_bucket(r#""${CARGO_MANIFEST_DIR}/data""#);
    let provider = StaticProvider::from_toml_str(&text, "env.toml").unwrap();
    assert_eq!(
        root_of(&provider),
        format!("{}/data", env!("CARGO_MANIFEST_DIR"))
    );

    let unset = local_bucket(r#""${MULTISTORE_STATIC_CONFIG_TEST_UNSET}""#);
    assert_fails_at(
        StaticProvider::from_toml_str(&unset, "env.toml"),
        "env.toml:4:28",
        "`MULTISTORE_STATIC_CONFIG_TEST_UNSET` is not set",
    );
}
