//! The answers to CreateMultipartUpload and CompleteMultipartUpload.

use super::{Namespace, XmlDocument};
use crate::api::request_body::Checksums;

/// What a completed multipart upload produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CompletedUpload {
    /// The URL of the new object, as the client addresses it.
    pub location: String,
    /// Bucket name.
    pub bucket: String,
    /// Object key.
    pub key: String,
    /// The object's ETag, already quoted (`"…-3"`).
    pub etag: String,
    /// Whole-object checksums the backend reported.
    pub checksums: Checksums,
}

/// Renders an `InitiateMultipartUploadResult`.
pub fn render_initiate_multipart_upload(bucket: &str, key: &str, upload_id: &str) -> String {
    let mut doc = XmlDocument::new("InitiateMultipartUploadResult", Namespace::S3);
    doc.element("Bucket", bucket);
    doc.element("Key", key);
    doc.element("UploadId", upload_id);
    doc.finish()
}

/// Renders a `CompleteMultipartUploadResult`.
pub fn render_complete_multipart_upload(upload: &CompletedUpload) -> String {
    let mut doc = XmlDocument::new("CompleteMultipartUploadResult", Namespace::S3);
    doc.element("Location", &upload.location);
    doc.element("Bucket", &upload.bucket);
    doc.element("Key", &upload.key);
    doc.element("ETag", &upload.etag);
    doc.checksums(&upload.checksums);
    doc.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn golden_initiate_multipart_upload() {
        let xml = render_initiate_multipart_upload("bucket", "a b&c.bin", "VXBsb2Fk");
        assert_eq!(
            xml,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<InitiateMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
                "<Bucket>bucket</Bucket><Key>a b&amp;c.bin</Key><UploadId>VXBsb2Fk</UploadId>",
                "</InitiateMultipartUploadResult>"
            )
        );
    }

    #[test]
    fn golden_complete_multipart_upload() {
        let upload = CompletedUpload {
            location: "http://localhost:8080/bucket/big.bin".into(),
            bucket: "bucket".into(),
            key: "big.bin".into(),
            etag: "\"3858f62230ac3c915f300c664312c11f-9\"".into(),
            checksums: Checksums {
                crc32: Some("AAAAAA==".into()),
                ..Checksums::default()
            },
        };
        assert_eq!(
            render_complete_multipart_upload(&upload),
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<CompleteMultipartUploadResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
                "<Location>http://localhost:8080/bucket/big.bin</Location>",
                "<Bucket>bucket</Bucket><Key>big.bin</Key>",
                "<ETag>&quot;3858f62230ac3c915f300c664312c11f-9&quot;</ETag>",
                "<ChecksumCRC32>AAAAAA==</ChecksumCRC32>",
                "</CompleteMultipartUploadResult>"
            )
        );
    }
}
