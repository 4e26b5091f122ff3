//! The option rules of each backend type.

use super::*;

fn bucket(backend_type: BackendType, options: &[(&str, &str)]) -> BucketConfig {
    BucketConfig {
        name: "b".into(),
        backend_type,
        backend_prefix: None,
        anonymous_access: false,
        allowed_roles: vec![],
        backend_options: options.iter().copied().collect(),
    }
}

fn s3(options: &[(&str, &str)]) -> Result<(), BackendOptionsError> {
    validate_backend(&bucket(BackendType::S3, options))
}

const KEYS: [(&str, &str); 2] = [
    ("access_key_id", "AKIDEXAMPLE"),
    ("secret_access_key", "very-secret-value"),
];

#[test]
fn s3_accepts_minimal_and_full_options() {
    assert_eq!(s3(&[("bucket_name", "data")]), Ok(()));
    assert_eq!(
        s3(&[
            ("bucket_name", "data"),
            ("endpoint", "http://127.0.0.1:9000"),
            ("region", "eu-west-1"),
            KEYS[0],
            KEYS[1],
            ("session_token", "token"),
            ("virtual_hosted_style_request", "false"),
        ]),
        Ok(())
    );
    assert_eq!(
        s3(&[("bucket_name", "data"), ("skip_signature", "true")]),
        Ok(())
    );
}

#[test]
fn s3_requires_bucket_name() {
    let error = s3(&[("region", "eu-west-1")]).unwrap_err();
    assert_eq!(
        error,
        BackendOptionsError::Missing {
            backend: BackendType::S3,
            option: "bucket_name"
        }
    );
    assert_eq!(error.option(), None);
    assert_eq!(
        error.to_string(),
        "the s3 backend requires option `bucket_name`"
    );
}

#[test]
fn unknown_options_are_all_named_with_the_accepted_ones() {
    let error = s3(&[("bucket_name", "d"), ("regoin", "x"), ("bucket", "y")]).unwrap_err();
    assert_eq!(error.option(), Some("bucket"));
    let message = error.to_string();
    assert!(
        message.starts_with("unknown options `bucket`, `regoin` for the s3 backend;"),
        "{message}"
    );
    assert!(message.contains("accepted options: `endpoint`, `bucket_name`, `region`"));
}

#[test]
fn keys_come_in_pairs() {
    let error = s3(&[("bucket_name", "d"), KEYS[0]]).unwrap_err();
    assert_eq!(error.option(), Some("access_key_id"));
    assert_eq!(
        error.to_string(),
        "option `access_key_id` requires option `secret_access_key`"
    );
    let error = s3(&[("bucket_name", "d"), KEYS[1]]).unwrap_err();
    assert_eq!(error.option(), Some("secret_access_key"));
    let error = s3(&[("bucket_name", "d"), ("session_token", "t")]).unwrap_err();
    assert_eq!(error.option(), Some("session_token"));
}

#[test]
fn skip_signature_excludes_keys_and_must_be_a_flag() {
    let error = s3(&[
        ("bucket_name", "d"),
        ("skip_signature", "true"),
        KEYS[0],
        KEYS[1],
    ])
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "options `skip_signature` and `access_key_id` cannot be used together"
    );
    let error = s3(&[("bucket_name", "d"), ("skip_signature", "yes")]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "option `skip_signature` must be `true` or `false`"
    );
    let error = s3(&[("bucket_name", "d"), ("virtual_hosted_style_request", "1")]).unwrap_err();
    assert_eq!(error.option(), Some("virtual_hosted_style_request"));
}

#[test]
fn endpoints_must_be_http_urls() {
    for endpoint in ["127.0.0.1:9000", "ftp://host", "not a url", "http://"] {
        let error = s3(&[("bucket_name", "d"), ("endpoint", endpoint)]).unwrap_err();
        assert_eq!(
            error.to_string(),
            "option `endpoint` must be an http:// or https:// URL",
            "{endpoint}"
        );
    }
    assert_eq!(
        s3(&[("bucket_name", "d"), ("endpoint", "https://s3.example.com")]),
        Ok(())
    );
}

#[test]
fn empty_values_are_rejected() {
    let error = s3(&[("bucket_name", "d"), ("region", "")]).unwrap_err();
    assert_eq!(error.option(), Some("region"));
    assert_eq!(
        error.to_string(),
        "option `region` is empty; give it a value or remove it"
    );
}

#[test]
fn messages_never_show_values() {
    let secret = "very-secret-value";
    let cases = [
        s3(&[
            ("bucket_name", "d"),
            ("skip_signature", "true"),
            KEYS[0],
            KEYS[1],
        ]),
        s3(&[("bucket_name", "d"), KEYS[1]]),
        s3(&[("bucket_name", "d"), ("secret", secret)]),
        validate_backend(&bucket(
            BackendType::Gcs,
            &[("bucket_name", "d"), ("service_account_key", secret)],
        )),
    ];
    for case in cases {
        let message = case.unwrap_err().to_string();
        assert!(!message.contains(secret), "{message}");
    }
}

#[test]
fn local_needs_a_root() {
    let local = |options: &[(&str, &str)]| validate_backend(&bucket(BackendType::Local, options));
    assert_eq!(local(&[("root", "/srv/data")]), Ok(()));
    assert_eq!(
        local(&[]).unwrap_err().to_string(),
        "the local backend requires option `root`"
    );
}

#[test]
fn memory_takes_no_options() {
    assert_eq!(validate_backend(&bucket(BackendType::Memory, &[])), Ok(()));
    let error = validate_backend(&bucket(BackendType::Memory, &[("root", "/tmp")])).unwrap_err();
    assert_eq!(
        error.to_string(),
        "unknown option `root` for the memory backend; it accepts no options"
    );
}

#[test]
fn azure_needs_account_and_container() {
    let azure = |options: &[(&str, &str)]| validate_backend(&bucket(BackendType::Azure, options));
    assert_eq!(
        azure(&[
            ("account_name", "a"),
            ("container_name", "c"),
            ("use_emulator", "true")
        ]),
        Ok(())
    );
    assert_eq!(
        azure(&[("account_name", "a")]).unwrap_err().to_string(),
        "the azure backend requires option `container_name`"
    );
    let error = azure(&[
        ("account_name", "a"),
        ("container_name", "c"),
        ("use_emulator", "on"),
    ])
    .unwrap_err();
    assert_eq!(error.option(), Some("use_emulator"));
}

#[test]
fn gcs_key_is_json_and_excludes_a_key_path() {
    let gcs = |options: &[(&str, &str)]| validate_backend(&bucket(BackendType::Gcs, options));
    assert_eq!(
        gcs(&[
            ("bucket_name", "d"),
            ("service_account_key", r#"{"type":"service_account"}"#)
        ]),
        Ok(())
    );
    assert_eq!(
        gcs(&[
            ("bucket_name", "d"),
            ("service_account_path", "/etc/key.json")
        ]),
        Ok(())
    );
    let error = gcs(&[("bucket_name", "d"), ("service_account_key", "[1]")]).unwrap_err();
    assert_eq!(error.option(), Some("service_account_key"));
    let error = gcs(&[
        ("bucket_name", "d"),
        ("service_account_key", "{}"),
        ("service_account_path", "/k.json"),
    ])
    .unwrap_err();
    assert_eq!(
        error.to_string(),
        "options `service_account_key` and `service_account_path` cannot be used together"
    );
}
