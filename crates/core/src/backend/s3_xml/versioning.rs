//! A backend's answer to GetBucketVersioning.

use super::{malformed, non_empty_token, open_document, read_text};
use crate::ProxyError;
use crate::api::response::BucketVersioning;

/// Parses a `VersioningConfiguration`. `Status` must be `Enabled` or `Suspended` and
/// `MfaDelete` `Enabled` or `Disabled`; both may be absent (versioning never enabled).
///
/// ```
/// use multistore::backend::s3_xml::parse_bucket_versioning;
///
/// let body = br#"<VersioningConfiguration><Status>Suspended</Status></VersioningConfiguration>"#;
/// assert_eq!(parse_bucket_versioning(body).unwrap().status.as_deref(), Some("Suspended"));
/// ```
pub fn parse_bucket_versioning(body: &[u8]) -> Result<BucketVersioning, ProxyError> {
    let mut xml = open_document(body, &["VersioningConfiguration"])?;
    let mut status = None;
    let mut mfa_delete = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Status" => read_text(&mut xml, &mut status, "Status")?,
            "MfaDelete" => read_text(&mut xml, &mut mfa_delete, "MfaDelete")?,
            _ => xml.skip()?,
        }
    }
    xml.finish()?;
    Ok(BucketVersioning {
        status: one_of(status, "Status", &["Enabled", "Suspended"])?,
        mfa_delete: one_of(mfa_delete, "MfaDelete", &["Enabled", "Disabled"])?,
    })
}

/// A state field that, when present and not empty, is one of `states`.
fn one_of(
    value: Option<String>,
    element: &str,
    states: &[&str],
) -> Result<Option<String>, ProxyError> {
    match non_empty_token(value) {
        Some(state) if !states.contains(&state.as_str()) => Err(malformed(format!(
            "<{element}> is not {}.",
            states.join(" or ")
        ))),
        state => Ok(state),
    }
}
