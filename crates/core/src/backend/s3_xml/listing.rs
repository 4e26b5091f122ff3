//! The elements the listing documents share.

use super::{
    decode_field, parse_bool, parse_encoding_type, read_common_prefix, read_text, required,
    set_once,
};
use crate::ProxyError;
use crate::api::KeyEncoding;
use crate::api::xml_reader::XmlCursor;

/// What the answers to ListObjectsV2, ListObjectVersions and ListMultipartUploads have in
/// common: `CommonPrefixes`, `IsTruncated`, `NextKeyMarker`, and `EncodingType`, which says
/// how keys are encoded but comes last, after them, so keys are decoded once it is read.
#[derive(Debug, Default)]
pub(super) struct ListingFields {
    prefixes: Vec<String>,
    is_truncated: Option<bool>,
    next_key_marker: Option<String>,
    encoding: Option<KeyEncoding>,
}

/// The shared fields of a listing, decoded.
#[derive(Debug)]
pub(super) struct Listing {
    pub(super) common_prefixes: Vec<String>,
    pub(super) is_truncated: bool,
    /// An empty marker (sent by some servers on the last page) is none.
    pub(super) next_key_marker: Option<String>,
}

impl ListingFields {
    /// Reads the element `name` just opened if it is one of the shared ones, and skips it
    /// (an element the gateway does not need) if it is not.
    pub(super) fn read_or_skip(
        &mut self,
        name: &str,
        xml: &mut XmlCursor<'_>,
    ) -> Result<(), ProxyError> {
        match name {
            "CommonPrefixes" => self.prefixes.push(read_common_prefix(xml)?),
            "IsTruncated" => {
                let value = parse_bool(&xml.text()?, "IsTruncated")?;
                set_once(&mut self.is_truncated, value, "IsTruncated")?;
            }
            "NextKeyMarker" => read_text(xml, &mut self.next_key_marker, "NextKeyMarker")?,
            "EncodingType" => {
                let value = parse_encoding_type(&xml.text()?)?;
                set_once(&mut self.encoding, value, "EncodingType")?;
            }
            _ => xml.skip()?,
        }
        Ok(())
    }

    /// Decodes the key of each entry in place, if the listing is URL-encoded. Call it once
    /// the whole document has been read.
    pub(super) fn decode_keys<T>(
        &self,
        entries: &mut [T],
        key: fn(&mut T) -> &mut String,
    ) -> Result<(), ProxyError> {
        let encoding = self.encoding.unwrap_or(KeyEncoding::Plain);
        for entry in entries {
            let field = key(entry);
            *field = decode_field(std::mem::take(field), encoding)?;
        }
        Ok(())
    }

    /// The shared fields, decoded; `IsTruncated` is required in the document `root`.
    pub(super) fn finish(self, root: &str) -> Result<Listing, ProxyError> {
        let encoding = self.encoding.unwrap_or(KeyEncoding::Plain);
        let common_prefixes = (self.prefixes.into_iter())
            .map(|prefix| decode_field(prefix, encoding))
            .collect::<Result<_, _>>()?;
        let next_key_marker = (self.next_key_marker)
            .filter(|marker| !marker.is_empty())
            .map(|marker| decode_field(marker, encoding))
            .transpose()?;
        Ok(Listing {
            common_prefixes,
            is_truncated: required(self.is_truncated, root, "IsTruncated")?,
            next_key_marker,
        })
    }
}
