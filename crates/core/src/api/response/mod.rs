//! The XML documents the gateway answers with, one S3 operation family per file.
//!
//! Renderers take plain data ([`ObjectEntry`], [`ListPage`], [`PartEntry`] …) plus the
//! request's own parameters for the fields S3 echoes, and return the whole document as a
//! `String`, XML declaration included. Text is escaped with quick-xml's escaping (which also
//! writes `\r` as `&#13;`, so keys survive XML end-of-line normalization); listing fields
//! are additionally URL-encoded when the client asked for `encoding-type=url` (see
//! [`url_encode`]).
//!
//! ```
//! use multistore::api::response::render_tagging;
//! use multistore::api::request_body::Tag;
//!
//! let xml = render_tagging(&[Tag { key: "team".into(), value: "geo".into() }]);
//! assert!(xml.contains("<Tag><Key>team</Key><Value>geo</Value></Tag>"));
//! ```

mod error;
mod list;
mod list_buckets;
mod list_versions;
mod multipart;
mod multipart_list;
mod object;
mod owner;
mod url_encoding;
mod versioning;

pub use error::render_error;
pub use list::{ListPage, ObjectEntry, render_list_objects};
pub use list_buckets::{BucketSummary, render_list_buckets};
pub use list_versions::{VersionEntry, VersionKind, VersionsPage, render_list_versions};
pub use multipart::{
    CompletedUpload, render_complete_multipart_upload, render_initiate_multipart_upload,
};
pub use multipart_list::{
    PartEntry, PartsPage, UploadEntry, UploadsPage, render_list_multipart_uploads,
    render_list_parts,
};
pub use object::{
    DeleteErrorEntry, DeletedEntry, render_copy_object_result, render_copy_part_result,
    render_delete_request, render_delete_result, render_location_constraint, render_tagging,
};
pub use owner::{BucketOwner, DEFAULT_BUCKET_OWNER};
pub use url_encoding::url_encode;
pub use versioning::{BucketVersioning, render_bucket_versioning};

use std::fmt::Write as _;

use chrono::{DateTime, Datelike, Timelike, Utc};
use quick_xml::escape::escape;

use crate::api::KeyEncoding;
use crate::api::request_body::Checksums;

/// The namespace of every S3 response document except `Error`.
pub const S3_XML_NAMESPACE: &str = "http://s3.amazonaws.com/doc/2006-03-01/";

/// The declaration that starts every document.
const XML_DECLARATION: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// The storage class S3 reports when the backend does not name one.
const DEFAULT_STORAGE_CLASS: &str = "STANDARD";

/// Whether a document's root element carries the S3 namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Namespace {
    /// `xmlns="http://s3.amazonaws.com/doc/2006-03-01/"`.
    S3,
    /// No `xmlns` attribute (S3's `Error` document has none).
    Omitted,
}

/// A document being written, element by element, into a `String`.
///
/// Writing into a `String` cannot fail, so unlike quick-xml's `Writer` (built on
/// `io::Write`) there is no error to thread through every renderer.
struct XmlDocument {
    xml: String,
    root: &'static str,
}

impl XmlDocument {
    /// Starts a document with the declaration and the opening root tag.
    fn new(root: &'static str, namespace: Namespace) -> Self {
        let mut xml = String::with_capacity(512);
        xml.push_str(XML_DECLARATION);
        xml.push('<');
        xml.push_str(root);
        if namespace == Namespace::S3 {
            xml.push_str(r#" xmlns=""#);
            xml.push_str(S3_XML_NAMESPACE);
            xml.push('"');
        }
        xml.push('>');
        Self { xml, root }
    }

    /// Opens a nested element.
    fn open(&mut self, name: &str) {
        self.xml.push('<');
        self.xml.push_str(name);
        self.xml.push('>');
    }

    /// Closes a nested element.
    fn close(&mut self, name: &str) {
        self.xml.push_str("</");
        self.xml.push_str(name);
        self.xml.push('>');
    }

    /// Writes escaped text into the element currently open.
    fn text(&mut self, text: &str) {
        self.xml.push_str(&escape(text));
    }

    /// Writes `<name>text</name>` with `text` escaped.
    fn element(&mut self, name: &str, text: &str) {
        self.open(name);
        self.text(text);
        self.close(name);
    }

    /// Writes the element only when there is a value.
    fn optional_element(&mut self, name: &str, text: Option<&str>) {
        if let Some(text) = text {
            self.element(name, text);
        }
    }

    /// Writes a listing field, URL-encoded when the client asked for it.
    fn listing_element(&mut self, name: &str, text: &str, encoding: KeyEncoding) {
        match encoding {
            KeyEncoding::Plain => self.element(name, text),
            KeyEncoding::Url => self.element(name, &url_encode(text)),
        }
    }

    /// Writes `<EncodingType>url</EncodingType>` when keys are URL-encoded.
    fn encoding_type(&mut self, encoding: KeyEncoding) {
        if encoding == KeyEncoding::Url {
            self.element("EncodingType", "url");
        }
    }

    /// Writes `true` or `false`.
    fn bool_element(&mut self, name: &str, value: bool) {
        self.element(name, if value { "true" } else { "false" });
    }

    /// Writes a number.
    fn number_element(&mut self, name: &str, value: impl Into<u64>) {
        self.open(name);
        let _ = write!(self.xml, "{}", value.into());
        self.close(name);
    }

    /// Writes a timestamp in S3's format, `2009-10-12T17:50:30.000Z`. Written field by
    /// field: a listing page has a thousand of them, and chrono's format strings are
    /// parsed anew on every call.
    fn timestamp_element(&mut self, name: &str, time: &DateTime<Utc>) {
        self.open(name);
        let _ = write!(
            self.xml,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
            time.year(),
            time.month(),
            time.day(),
            time.hour(),
            time.minute(),
            time.second(),
            time.timestamp_subsec_millis()
        );
        self.close(name);
    }

    /// Writes an `Owner`-shaped element (`Owner`, `Initiator`).
    fn owner_element(&mut self, name: &str, owner: &BucketOwner) {
        self.open(name);
        self.element("ID", owner.id);
        self.element("DisplayName", owner.display_name);
        self.close(name);
    }

    /// Writes one `<CommonPrefixes><Prefix>…</Prefix></CommonPrefixes>` per prefix.
    fn common_prefixes(&mut self, prefixes: &[String], encoding: KeyEncoding) {
        for prefix in prefixes {
            self.open("CommonPrefixes");
            self.listing_element("Prefix", prefix, encoding);
            self.close("CommonPrefixes");
        }
    }

    /// Writes the checksum elements that have a value.
    fn checksums(&mut self, checksums: &Checksums) {
        self.optional_element("ChecksumCRC32", checksums.crc32.as_deref());
        self.optional_element("ChecksumCRC32C", checksums.crc32c.as_deref());
        self.optional_element("ChecksumCRC64NVME", checksums.crc64nvme.as_deref());
        self.optional_element("ChecksumSHA1", checksums.sha1.as_deref());
        self.optional_element("ChecksumSHA256", checksums.sha256.as_deref());
    }

    /// Closes the root element and returns the document.
    fn finish(mut self) -> String {
        self.close(self.root);
        self.xml
    }
}

#[cfg(test)]
mod tests;
