//! `ListBucketResult`: a backend's answer to ListObjectsV2.

use super::listing::ListingFields;
use super::{
    malformed, non_empty_token, normalize_etag, open_document, parse_size, parse_timestamp,
    read_text, required, set_once,
};
use crate::ProxyError;
use crate::api::response::ObjectEntry;
use crate::api::xml_reader::XmlCursor;
use crate::backend::BackendPage;

/// Parses the `ListBucketResult` of a ListObjectsV2 request into a page of backend keys.
///
/// The gateway asks backends for `encoding-type=url`, so that keys with any character
/// survive XML; when the answer says `<EncodingType>url</EncodingType>` (it comes last, after
/// the entries), `Key` and `CommonPrefixes/Prefix` are form-decoded, and a backend that
/// ignored the request and sent plain keys is read as it is. `Name`, `Prefix`, `StartAfter`,
/// `Delimiter` and owners echo what the gateway sent or name the backend, and are not read;
/// neither is `NextContinuationToken`, since the gateway pages by `start-after` from the
/// page's last entry. `IsTruncated` is required: a page of unknown completeness would
/// silently lose keys.
///
/// ```
/// use multistore::backend::s3_xml::parse_list_objects_v2;
///
/// let body = br#"<ListBucketResult><IsTruncated>false</IsTruncated>
///   <Contents><Key>a+b%2Bc</Key><LastModified>2009-10-12T17:50:30.000Z</LastModified>
///     <ETag>"e"</ETag><Size>3</Size></Contents>
///   <EncodingType>url</EncodingType></ListBucketResult>"#;
/// assert_eq!(parse_list_objects_v2(body).unwrap().objects[0].key, "a b+c");
/// ```
pub fn parse_list_objects_v2(body: &[u8]) -> Result<BackendPage, ProxyError> {
    let mut xml = open_document(body, &["ListBucketResult"])?;
    let mut objects = Vec::new();
    let mut listing = ListingFields::default();
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Contents" => objects.push(read_object(&mut xml)?),
            other => listing.read_or_skip(other, &mut xml)?,
        }
    }
    xml.finish()?;
    listing.decode_keys(&mut objects, |object| &mut object.key)?;
    let listing = listing.finish("ListBucketResult")?;
    Ok(BackendPage {
        objects,
        common_prefixes: listing.common_prefixes,
        is_truncated: listing.is_truncated,
    })
}

/// Reads the children of a `<Contents>`; the key is left as sent.
fn read_object(xml: &mut XmlCursor<'_>) -> Result<ObjectEntry, ProxyError> {
    let mut key = None;
    let mut last_modified = None;
    let mut etag = None;
    let mut size = None;
    let mut storage_class = None;
    while let Some(name) = xml.next_child()? {
        match name.as_str() {
            "Key" => read_text(xml, &mut key, "Key")?,
            "LastModified" => {
                let time = parse_timestamp(&xml.text()?, "LastModified")?;
                set_once(&mut last_modified, time, "LastModified")?;
            }
            "ETag" => read_text(xml, &mut etag, "ETag")?,
            "Size" => set_once(&mut size, parse_size(&xml.text()?, "Size")?, "Size")?,
            "StorageClass" => read_text(xml, &mut storage_class, "StorageClass")?,
            // Owner, ChecksumAlgorithm, ChecksumType, RestoreStatus …
            _ => xml.skip()?,
        }
    }
    let key = required(key, "Contents", "Key")?;
    if key.is_empty() {
        return Err(malformed("<Contents> has an empty <Key>."));
    }
    Ok(ObjectEntry {
        key,
        last_modified: required(last_modified, "Contents", "LastModified")?,
        etag: etag.as_deref().and_then(normalize_etag),
        size: required(size, "Contents", "Size")?,
        storage_class: non_empty_token(storage_class),
    })
}
