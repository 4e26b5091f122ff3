//! Load-time validation: each rule, and where its error points.

use multistore::config::{BackendOptions, BackendType, BucketConfig};
use multistore_static_config::{ConfigError, StaticProvider};

use crate::common::{assert_fails_at, lines, load_json, load_toml};

/// A valid memory bucket named `name`, as TOML lines.
fn memory_bucket(name: &str) -> Vec<String> {
    vec![
        "[[buckets]]".into(),
        format!("name = \"{name}\""),
        "backend_type = \"memory\"".into(),
    ]
}

/// A valid role `role_id`, as TOML lines, followed by `extra` lines.
fn role(role_id: &str, extra: &[&str]) -> Vec<String> {
    let mut role = vec![
        "[[roles]]".to_owned(),
        format!("role_id = \"{role_id}\""),
        "name = \"A role\"".into(),
        "trusted_oidc_issuers = [\"https://issuer.example\"]".into(),
    ];
    role.extend(extra.iter().map(|line| line.to_string()));
    role
}

/// A valid credential `access_key_id`, as TOML lines, followed by `extra` lines.
fn credential(access_key_id: &str, extra: &[&str]) -> Vec<String> {
    let mut credential = vec![
        "[[credentials]]".to_owned(),
        format!("access_key_id = \"{access_key_id}\""),
        "principal_name = \"someone\"".into(),
        "created_at = 2025-01-01T00:00:00Z".into(),
    ];
    credential.extend(extra.iter().map(|line| line.to_string()));
    credential
}

fn document(parts: &[Vec<String>]) -> String {
    let all: Vec<&str> = parts.iter().flatten().map(String::as_str).collect();
    lines(&all)
}

#[test]
fn duplicate_bucket_names_point_at_the_second() {
    let text = document(&[memory_bucket("a"), memory_bucket("b"), memory_bucket("a")]);
    let error = assert_fails_at(
        load_toml(&text),
        "test.toml:8:8",
        "buckets[2].name: bucket name `a` is already used by buckets[0]",
    );
    assert!(matches!(
        error,
        ConfigError::Invalid {
            location: Some(_),
            ..
        }
    ));
}

#[test]
fn bucket_names_must_be_valid() {
    let text = document(&[memory_bucket("ok"), memory_bucket("not ok")]);
    assert_fails_at(
        load_toml(&text),
        "test.toml:5:8",
        "bucket name \"not ok\" is not valid: use 1 to 255 letters, digits, `.`, `-` and `_`",
    );
    let long = "a".repeat(256);
    assert_fails_at(
        load_toml(&document(&[memory_bucket(&long)])),
        "test.toml:2:8",
        "is not valid",
    );
    assert_fails_at(
        load_toml(&document(&[memory_bucket("")])),
        "test.toml:2:8",
        "is not valid",
    );
    assert!(load_toml(&document(&[memory_bucket(&"a".repeat(255))])).is_ok());
    assert!(load_toml(&document(&[memory_bucket("A.b-c_9")])).is_ok());
}

#[test]
fn backend_option_errors_point_at_the_option() {
    let unknown = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"s3\"",
        "[buckets.backend_options]",
        "bucket_name = \"real\"",
        "regoin = \"eu-west-1\"",
    ]);
    let error = assert_fails_at(
        load_toml(&unknown),
        "test.toml:6:10",
        "buckets[0].backend_options.regoin: unknown option `regoin` for the s3 backend; accepted options: `endpoint`",
    );
    let source = std::error::Error::source(&error).unwrap();
    assert!(source.to_string().starts_with("unknown option `regoin`"));

    let bad_endpoint = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"s3\"",
        "backend_options = { bucket_name = \"real\", endpoint = \"127.0.0.1:9000\" }",
    ]);
    assert_fails_at(
        load_toml(&bad_endpoint),
        "test.toml:4:54",
        "option `endpoint` must be an http:// or https:// URL",
    );
}

#[test]
fn missing_backend_options_point_at_the_options_or_the_bucket() {
    let without_table = lines(&["[[buckets]]", "name = \"a\"", "backend_type = \"local\""]);
    assert_fails_at(
        load_toml(&without_table),
        "test.toml:1:1",
        "buckets[0].backend_options: the local backend requires option `root`",
    );
    let json = lines(&[
        "{\"buckets\": [{\"name\": \"a\", \"backend_type\": \"s3\",",
        "  \"backend_options\": {\"region\": \"eu-west-1\"}}]}",
    ]);
    assert_fails_at(
        load_json(&json),
        "test.json:2:22",
        "the s3 backend requires option `bucket_name`",
    );
}

#[test]
fn backend_secrets_are_never_shown() {
    let text = lines(&[
        "[[buckets]]",
        "name = \"a\"",
        "backend_type = \"s3\"",
        "[buckets.backend_options]",
        "bucket_name = \"real\"",
        "skip_signature = \"true\"",
        "access_key_id = \"AKIABACKEND\"",
        "secret_access_key = \"${SECRET}\"",
    ]);
    let error = assert_fails_at(
        load_toml(&text),
        "test.toml:6:18",
        "options `skip_signature` and `access_key_id` cannot be used together",
    );
    assert!(!format!("{error} {error:?}").contains("s3cr3t-value"));
}

#[test]
fn allowed_roles_must_exist() {
    let mut bucket = memory_bucket("a");
    bucket.push("allowed_roles = [\"reader\", \"writer\"]".into());
    let text = document(&[bucket, role("reader", &[])]);
    assert_fails_at(
        load_toml(&text),
        "test.toml:4:28",
        "buckets[0].allowed_roles[1]: no role has role_id `writer`",
    );
}

#[test]
fn duplicate_role_ids_point_at_the_second() {
    let text = document(&[role("r", &[]), role("s", &[]), role("r", &[])]);
    assert_fails_at(
        load_toml(&text),
        "test.toml:10:11",
        "roles[2].role_id: role_id `r` is already used by roles[0]",
    );
}

#[test]
fn roles_must_trust_an_issuer() {
    let text = lines(&[
        "[[roles]]",
        "role_id = \"r\"",
        "name = \"n\"",
        "trusted_oidc_issuers = []",
    ]);
    assert_fails_at(
        load_toml(&text),
        "test.toml:4:24",
        "role `r` trusts no OIDC issuer",
    );
}

#[test]
fn session_durations_must_be_between_15_minutes_and_12_hours() {
    for (duration, accepted) in [(899, false), (900, true), (43_200, true), (43_201, false)] {
        let line = format!("max_session_duration_secs = {duration}");
        let text = document(&[role("r", &[&line])]);
        if accepted {
            assert!(load_toml(&text).is_ok(), "{duration}");
        } else {
            assert_fails_at(
                load_toml(&text),
                "test.toml:5:29",
                &format!(
                    "max_session_duration_secs is {duration}; it must be between 900 and 43200"
                ),
            );
        }
    }
}

#[test]
fn credentials_need_a_secret_and_a_unique_key_id() {
    let empty_secret = document(&[credential("AK", &["secret_access_key = \"\""])]);
    assert_fails_at(
        load_toml(&empty_secret),
        "test.toml:5:21",
        "credentials[0].secret_access_key: the secret_access_key of `AK` is empty",
    );

    let duplicate = document(&[
        credential("AK", &["secret_access_key = \"one\""]),
        credential("AK", &["secret_access_key = \"two\""]),
    ]);
    assert_fails_at(
        load_toml(&duplicate),
        "test.toml:7:17",
        "credentials[1].access_key_id: access_key_id `AK` is already used by credentials[0]",
    );
}

#[test]
fn scopes_must_name_existing_buckets() {
    let scope = |bucket: &str| {
        vec![
            "secret_access_key = \"s\"".to_owned(),
            "[[credentials.allowed_scopes]]".into(),
            format!("bucket = \"{bucket}\""),
            "actions = [\"get_object\"]".into(),
        ]
    };
    let with_scope = |bucket: &str| {
        let extra = scope(bucket);
        let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
        document(&[memory_bucket("data"), credential("AK", &extra)])
    };
    assert!(load_toml(&with_scope("data")).is_ok());
    assert!(load_toml(&with_scope("*")).is_ok());
    assert_fails_at(
        load_toml(&with_scope("dta")),
        "test.toml:10:10",
        "credentials[0].allowed_scopes[0].bucket: no bucket is named `dta` (use `*` for every bucket)",
    );

    let role_scope = |bucket: &str| {
        let lines = [
            "[[roles.allowed_scopes]]".to_owned(),
            format!("bucket = \"{bucket}\""),
            "actions = [\"get_object\"]".into(),
        ];
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        document(&[memory_bucket("data"), role("r", &lines)])
    };
    assert!(load_toml(&role_scope("{sub}")).is_ok());
    assert_fails_at(
        load_toml(&role_scope("dta")),
        "test.toml:9:10",
        "roles[0].allowed_scopes[0].bucket: no bucket is named `dta`",
    );
}

#[test]
fn configuration_built_in_code_is_validated_too() {
    let bucket = |name: &str| BucketConfig {
        name: name.into(),
        backend_type: BackendType::Memory,
        backend_prefix: None,
        anonymous_access: false,
        allowed_roles: vec![],
        backend_options: BackendOptions::default(),
    };
    let error = StaticProvider::new(vec![bucket("a"), bucket("a")], vec![], vec![]).unwrap_err();
    assert!(matches!(error, ConfigError::Invalid { location: None, .. }));
    assert_eq!(
        error.to_string(),
        "buckets[1].name: bucket name `a` is already used by buckets[0]"
    );
    let provider = StaticProvider::new(vec![bucket("a"), bucket("b")], vec![], vec![]).unwrap();
    assert_eq!(provider.bucket("b").unwrap().name, "b");
}
