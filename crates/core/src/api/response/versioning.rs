//! `VersioningConfiguration`: the answer to GetBucketVersioning.

use super::{Namespace, XmlDocument};

/// A bucket's versioning state. Both fields are `None` for a bucket whose versioning was
/// never enabled, which S3 answers with an empty `<VersioningConfiguration/>`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BucketVersioning {
    /// `Enabled` or `Suspended`.
    pub status: Option<String>,
    /// `Enabled` or `Disabled`, when MFA delete was ever configured.
    pub mfa_delete: Option<String>,
}

/// Renders a `VersioningConfiguration`.
///
/// ```
/// use multistore::api::response::{BucketVersioning, render_bucket_versioning};
///
/// let never = render_bucket_versioning(&BucketVersioning::default());
/// assert!(never.ends_with("<VersioningConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"></VersioningConfiguration>"));
/// ```
pub fn render_bucket_versioning(versioning: &BucketVersioning) -> String {
    let mut doc = XmlDocument::new("VersioningConfiguration", Namespace::S3);
    doc.optional_element("Status", versioning.status.as_deref());
    doc.optional_element("MfaDelete", versioning.mfa_delete.as_deref());
    doc.finish()
}
