//! `VersioningConfiguration` (GetBucketVersioning).

use super::*;
use crate::api::response::{BucketVersioning, render_bucket_versioning};

#[test]
fn versioning_states() {
    let never = r#"<?xml version="1.0" encoding="UTF-8"?>
<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/"/>"#;
    assert_eq!(
        parse_bucket_versioning(never.as_bytes()).unwrap(),
        BucketVersioning::default()
    );
    let enabled = r#"<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>"#;
    let versioning = parse_bucket_versioning(enabled.as_bytes()).unwrap();
    assert_eq!(versioning.status.as_deref(), Some("Enabled"));
    assert_eq!(versioning.mfa_delete.as_deref(), Some("Disabled"));
    // What the gateway answers says the same, in its own document.
    assert!(render_bucket_versioning(&versioning).ends_with(
        "<Status>Enabled</Status><MfaDelete>Disabled</MfaDelete></VersioningConfiguration>"
    ));
}

#[test]
fn malformed_versioning_answers_are_backend_failures() {
    for (case, body) in [
        (
            "unknown status",
            "<VersioningConfiguration><Status>On</Status></VersioningConfiguration>",
        ),
        (
            "unknown MFA delete state",
            "<VersioningConfiguration><MfaDelete>Suspended</MfaDelete></VersioningConfiguration>",
        ),
        (
            "status twice",
            "<VersioningConfiguration><Status>Enabled</Status><Status>Suspended</Status></VersioningConfiguration>",
        ),
        ("another document", "<LocationConstraint/>"),
    ] {
        assert_backend_failure(parse_bucket_versioning(body.as_bytes()), case);
    }
    let error = parse_bucket_versioning(error_body("AccessDenied").as_bytes()).unwrap_err();
    assert_eq!(error.s3_code(), "AccessDenied");
}
