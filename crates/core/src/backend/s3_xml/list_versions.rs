//! A backend's answer to ListObjectVersions.

use super::listing::ListingFields;
use super::{
    malformed, non_empty_token, normalize_etag, open_document, parse_bool, parse_size,
    parse_timestamp, read_text, required, set_once,
};
use crate::ProxyError;
use crate::api::response::{VersionEntry, VersionKind, VersionsPage};
use crate::api::xml_reader::XmlCursor;

/// Parses a `ListVersionsResult` into a page of versions of backend keys.
///
/// `Version` and `DeleteMarker` entries are kept in document order (S3 sends them in key
/// order, newest version first). When the answer says `<EncodingType>url</EncodingType>`,
/// `Key`, `NextKeyMarker` and `CommonPrefixes/Prefix` are form-decoded; version ids never
/// are encoded. Keys and markers stay in the backend's key space. An empty `NextKeyMarker`
/// or `NextVersionIdMarker` is none. `IsTruncated` is required, and so is `NextKeyMarker`
/// on a truncated page: the next page could not be asked for without it.
///
/// ```
/// use multistore::backend::s3_xml::parse_list_versions;
///
/// let body = br#"<ListVersionsResult><IsTruncated>false</IsTruncated>
///   <Version><Key>a%2Bb</Key><VersionId>v1</VersionId><IsLatest>true</IsLatest>
///     <LastModified>2009-10-12T17:50:30.000Z</LastModified><ETag>"e"</ETag><Size>3</Size>
///   </Version>
///   <EncodingType>url</EncodingType></ListVersionsResult>"#;
/// assert_eq!(parse_list_versions(body).unwrap().entries[0].key, "a+b");
/// ```
pub fn parse_list_versions(body: &[u8]) -> Result<VersionsPage, ProxyError> {
    let mut xml = open_document(body, &["ListVersionsResult"])?;
    let mut entries = Vec::new();
    let mut listing = ListingFields::default();
    let mut next_version_id_marker = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Version" => entries.push(read_entry(&mut xml, "Version")?),
            "DeleteMarker" => entries.push(read_entry(&mut xml, "DeleteMarker")?),
            "NextVersionIdMarker" => {
                read_text(&mut xml, &mut next_version_id_marker, "NextVersionIdMarker")?;
            }
            other => listing.read_or_skip(other, &mut xml)?,
        }
    }
    xml.finish()?;
    listing.decode_keys(&mut entries, |entry| &mut entry.key)?;
    let listing = listing.finish("ListVersionsResult")?;
    if listing.is_truncated && listing.next_key_marker.is_none() {
        return Err(malformed(
            "A truncated <ListVersionsResult> has no <NextKeyMarker>.",
        ));
    }
    Ok(VersionsPage {
        entries,
        common_prefixes: listing.common_prefixes,
        is_truncated: listing.is_truncated,
        next_key_marker: listing.next_key_marker,
        next_version_id_marker: non_empty_token(next_version_id_marker),
    })
}

/// Reads the children of a `<Version>` or `<DeleteMarker>` (`element`); the key is left
/// as sent.
fn read_entry(xml: &mut XmlCursor<'_>, element: &str) -> Result<VersionEntry, ProxyError> {
    let mut key = None;
    let mut version_id = None;
    let mut is_latest = None;
    let mut last_modified = None;
    let mut etag = None;
    let mut size = None;
    let mut storage_class = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Key" => read_text(xml, &mut key, "Key")?,
            "VersionId" => read_text(xml, &mut version_id, "VersionId")?,
            "IsLatest" => {
                let value = parse_bool(&xml.text()?, "IsLatest")?;
                set_once(&mut is_latest, value, "IsLatest")?;
            }
            "LastModified" => {
                let time = parse_timestamp(&xml.text()?, "LastModified")?;
                set_once(&mut last_modified, time, "LastModified")?;
            }
            "ETag" => read_text(xml, &mut etag, "ETag")?,
            "Size" => set_once(&mut size, parse_size(&xml.text()?, "Size")?, "Size")?,
            "StorageClass" => read_text(xml, &mut storage_class, "StorageClass")?,
            // Owner, ChecksumAlgorithm, RestoreStatus …
            _ => xml.skip()?,
        }
    }
    let key = required(key, element, "Key")?;
    if key.is_empty() {
        return Err(malformed(format!("<{element}> has an empty <Key>.")));
    }
    let kind = match element {
        "Version" => VersionKind::Object {
            etag: etag.as_deref().and_then(normalize_etag),
            size: required(size, element, "Size")?,
            storage_class: non_empty_token(storage_class),
        },
        _ => VersionKind::DeleteMarker,
    };
    Ok(VersionEntry {
        key,
        version_id: required(non_empty_token(version_id), element, "VersionId")?,
        is_latest: required(is_latest, element, "IsLatest")?,
        last_modified: required(last_modified, element, "LastModified")?,
        kind,
    })
}
