//! The answers to CopyObject, UploadPartCopy, DeleteObjects, GetObjectTagging and
//! GetBucketLocation.

use chrono::{DateTime, Utc};

use super::{Namespace, XmlDocument};
use crate::ProxyError;
use crate::api::request_body::{ObjectToDelete, Tag};

/// A key DeleteObjects deleted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeletedEntry {
    /// The key, as the client named it.
    pub key: String,
    /// The version the client asked to delete, if any.
    pub version_id: Option<String>,
    /// The version id of the delete marker the delete created or removed, if it did.
    pub delete_marker_version_id: Option<String>,
}

/// A key DeleteObjects could not delete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteErrorEntry {
    /// The key, as the client named it.
    pub key: String,
    /// The version the client asked to delete, if any.
    pub version_id: Option<String>,
    /// The S3 error code (`AccessDenied`, …).
    pub code: String,
    /// The message shown to the client.
    pub message: String,
}

impl From<ObjectToDelete> for DeletedEntry {
    /// The entry of a key deleted as the client named it.
    fn from(object: ObjectToDelete) -> Self {
        Self {
            key: object.key,
            version_id: object.version_id,
            delete_marker_version_id: None,
        }
    }
}

impl DeleteErrorEntry {
    /// The entry for `error`, with its S3 code and client-safe message.
    pub fn from_error(key: String, version_id: Option<String>, error: &ProxyError) -> Self {
        Self {
            key,
            version_id,
            code: error.s3_code().to_owned(),
            message: error.client_message(),
        }
    }
}

/// Renders a `CopyObjectResult`.
pub fn render_copy_object_result(etag: &str, last_modified: &DateTime<Utc>) -> String {
    render_copy_result("CopyObjectResult", etag, last_modified)
}

/// Renders a `CopyPartResult` (UploadPartCopy).
pub fn render_copy_part_result(etag: &str, last_modified: &DateTime<Utc>) -> String {
    render_copy_result("CopyPartResult", etag, last_modified)
}

/// The two copy results differ only in their root element.
fn render_copy_result(root: &'static str, etag: &str, last_modified: &DateTime<Utc>) -> String {
    let mut doc = XmlDocument::new(root, Namespace::S3);
    doc.timestamp_element("LastModified", last_modified);
    doc.element("ETag", etag);
    doc.finish()
}

/// Renders a `Delete` request document: what the gateway asks an S3 backend to delete on
/// behalf of a DeleteObjects request.
pub fn render_delete_request(objects: &[ObjectToDelete], quiet: bool) -> String {
    let mut doc = XmlDocument::new("Delete", Namespace::S3);
    if quiet {
        doc.bool_element("Quiet", true);
    }
    for object in objects {
        doc.open("Object");
        doc.element("Key", &object.key);
        doc.optional_element("VersionId", object.version_id.as_deref());
        doc.close("Object");
    }
    doc.finish()
}

/// Renders a `DeleteResult`: every deleted key, then every failure.
///
/// In quiet mode S3 reports failures only, so the caller passes no `deleted` entries.
pub fn render_delete_result(deleted: &[DeletedEntry], errors: &[DeleteErrorEntry]) -> String {
    let mut doc = XmlDocument::new("DeleteResult", Namespace::S3);
    for entry in deleted {
        doc.open("Deleted");
        doc.element("Key", &entry.key);
        doc.optional_element("VersionId", entry.version_id.as_deref());
        if let Some(marker_version) = &entry.delete_marker_version_id {
            doc.bool_element("DeleteMarker", true);
            doc.element("DeleteMarkerVersionId", marker_version);
        }
        doc.close("Deleted");
    }
    for entry in errors {
        doc.open("Error");
        doc.element("Key", &entry.key);
        doc.optional_element("VersionId", entry.version_id.as_deref());
        doc.element("Code", &entry.code);
        doc.element("Message", &entry.message);
        doc.close("Error");
    }
    doc.finish()
}

/// Renders a `Tagging` document (GetObjectTagging).
pub fn render_tagging(tags: &[Tag]) -> String {
    let mut doc = XmlDocument::new("Tagging", Namespace::S3);
    doc.open("TagSet");
    for tag in tags {
        doc.open("Tag");
        doc.element("Key", &tag.key);
        doc.element("Value", &tag.value);
        doc.close("Tag");
    }
    doc.close("TagSet");
    doc.finish()
}

/// Renders a `LocationConstraint` (GetBucketLocation) for `region`.
///
/// Like S3, `us-east-1` is reported as an empty constraint.
pub fn render_location_constraint(region: &str) -> String {
    let mut doc = XmlDocument::new("LocationConstraint", Namespace::S3);
    if region != "us-east-1" {
        doc.text(region);
    }
    doc.finish()
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

    #[test]
    fn golden_copy_results() {
        let when = Utc.with_ymd_and_hms(2009, 10, 28, 22, 32, 0).unwrap();
        let body = concat!(
            "<LastModified>2009-10-28T22:32:00.000Z</LastModified>",
            "<ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag>"
        );
        let etag = "\"9b2cf535f27731c974343645a3985328\"";
        assert_eq!(
            render_copy_object_result(etag, &when),
            format!(
                r#"{DECL}<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{body}</CopyObjectResult>"#
            )
        );
        assert_eq!(
            render_copy_part_result(etag, &when),
            format!(
                r#"{DECL}<CopyPartResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">{body}</CopyPartResult>"#
            )
        );
    }

    #[test]
    fn golden_delete_result() {
        let deleted = [
            DeletedEntry {
                key: "sample1.txt".into(),
                version_id: None,
                delete_marker_version_id: None,
            },
            DeletedEntry {
                key: "a<b>.txt".into(),
                version_id: Some("v1".into()),
                delete_marker_version_id: Some("dm1".into()),
            },
        ];
        let errors = [DeleteErrorEntry::from_error(
            "secret/x".into(),
            None,
            &ProxyError::AccessDenied("Access Denied".into()),
        )];
        assert_eq!(
            render_delete_result(&deleted, &errors),
            [
                DECL,
                r#"<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
                "<Deleted><Key>sample1.txt</Key></Deleted>",
                "<Deleted><Key>a&lt;b&gt;.txt</Key><VersionId>v1</VersionId>",
                "<DeleteMarker>true</DeleteMarker>",
                "<DeleteMarkerVersionId>dm1</DeleteMarkerVersionId></Deleted>",
                "<Error><Key>secret/x</Key><Code>AccessDenied</Code>",
                "<Message>Access Denied</Message></Error>",
                "</DeleteResult>",
            ]
            .concat()
        );
    }

    #[test]
    fn quiet_delete_result_with_nothing_to_report_is_empty() {
        assert_eq!(
            render_delete_result(&[], &[]),
            format!(
                r#"{DECL}<DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></DeleteResult>"#
            )
        );
    }

    #[test]
    fn golden_tagging() {
        let tags = [
            Tag {
                key: "project".into(),
                value: "a&b".into(),
            },
            Tag {
                key: "empty".into(),
                value: String::new(),
            },
        ];
        assert_eq!(
            render_tagging(&tags),
            [
                DECL,
                r#"<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>"#,
                "<Tag><Key>project</Key><Value>a&amp;b</Value></Tag>",
                "<Tag><Key>empty</Key><Value></Value></Tag>",
                "</TagSet></Tagging>",
            ]
            .concat()
        );
    }

    #[test]
    fn golden_location_constraint() {
        assert_eq!(
            render_location_constraint("eu-west-1"),
            format!(
                r#"{DECL}<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/">eu-west-1</LocationConstraint>"#
            )
        );
        assert_eq!(
            render_location_constraint("us-east-1"),
            format!(
                r#"{DECL}<LocationConstraint xmlns="http://s3.amazonaws.com/doc/2006-03-01/"></LocationConstraint>"#
            )
        );
    }
}
