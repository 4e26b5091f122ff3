//! `x-amz-copy-source-range`: the bytes of the source an UploadPartCopy copies.

use http::HeaderMap;

use crate::ProxyError;

/// The header naming the range.
const HEADER: &str = "x-amz-copy-source-range";

/// What S3 answers for a value that is not `bytes=first-last` (AWS's own wording, as
/// clients quote it).
const MALFORMED: &str = "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy";

/// The bytes `first..=last` of a copy's source, as `x-amz-copy-source-range` names them.
///
/// S3 accepts exactly `bytes=first-last` (decimal, `first <= last`): no open-ended or
/// suffix ranges and no lists, which `Range` allows. Anything else is `400
/// InvalidArgument`, refused before the source is read; a range reaching beyond the
/// source is `400 InvalidArgument` too, once the source's size is known
/// ([`CopySourceRange::beyond`]). Those are S3's answers as AWS clients report them (the
/// `Range specified is not valid for source object of size: N` message); ceph's
/// s3-tests accept `InvalidRange` there, MinIO answers as AWS does.
///
/// ```
/// use http::HeaderMap;
/// use multistore::api::CopySourceRange;
///
/// let mut headers = HeaderMap::new();
/// headers.insert("x-amz-copy-source-range", "bytes=5-9".parse().unwrap());
/// let range = CopySourceRange::from_headers(&headers).unwrap().unwrap();
/// assert_eq!((range.first(), range.last(), range.len()), (5, 9, 5));
/// assert!(CopySourceRange::parse("bytes=5-").is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopySourceRange {
    first: u64,
    last: u64,
}

impl CopySourceRange {
    /// The range a request asks for: `None` without the header, `InvalidArgument` for a
    /// malformed one.
    pub fn from_headers(headers: &HeaderMap) -> Result<Option<Self>, ProxyError> {
        match headers.get(HEADER) {
            None => Ok(None),
            Some(value) => {
                let text = value.to_str().map_err(|_| malformed())?;
                Self::parse(text).map(Some)
            }
        }
    }

    /// Parses `bytes=first-last`.
    pub fn parse(value: &str) -> Result<Self, ProxyError> {
        let spec = value.strip_prefix("bytes=").ok_or_else(malformed)?;
        let (first, last) = spec.split_once('-').ok_or_else(malformed)?;
        let (first, last) = (offset(first)?, offset(last)?);
        if first > last {
            return Err(malformed());
        }
        Ok(Self { first, last })
    }

    /// The offset of the first byte copied.
    pub fn first(&self) -> u64 {
        self.first
    }

    /// The offset of the last byte copied.
    pub fn last(&self) -> u64 {
        self.last
    }

    /// How many bytes the range holds (never zero).
    #[allow(clippy::len_without_is_empty)]
    pub fn len(&self) -> u64 {
        self.last - self.first + 1
    }

    /// The same range as a `Range` header value.
    pub fn to_range_header(&self) -> String {
        format!("bytes={}-{}", self.first, self.last)
    }

    /// Whether the range fits in a source of `size` bytes.
    pub fn fits(&self, size: u64) -> bool {
        self.last < size
    }

    /// S3's refusal of a range that does not fit in a source of `size` bytes.
    pub fn beyond(size: u64) -> ProxyError {
        ProxyError::InvalidArgument(format!(
            "Range specified is not valid for source object of size: {size}"
        ))
    }
}

/// One decimal offset.
fn offset(text: &str) -> Result<u64, ProxyError> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(malformed());
    }
    text.parse().map_err(|_| malformed())
}

fn malformed() -> ProxyError {
    ProxyError::InvalidArgument(MALFORMED.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_one_closed_range_as_s3_does() {
        let range = CopySourceRange::parse("bytes=0-0").unwrap();
        assert_eq!((range.first(), range.last(), range.len()), (0, 0, 1));
        assert_eq!(range.to_range_header(), "bytes=0-0");
        // ceph s3-tests `test_multipart_copy_improper_range`, plus first > last.
        for value in [
            "0-2",
            "bytes=0",
            "bytes=hello-world",
            "bytes=0-bar",
            "bytes=hello-",
            "bytes=0-2,3-5",
            "bytes=5-",
            "bytes=-5",
            "bytes=3-2",
            "Bytes=0-2",
            "bytes= 0-2",
            "bytes=+1-2",
            "bytes=0-99999999999999999999999",
            "",
        ] {
            let error = CopySourceRange::parse(value).unwrap_err();
            assert_eq!(error.s3_code(), "InvalidArgument", "{value}");
            assert_eq!(error.status(), http::StatusCode::BAD_REQUEST, "{value}");
            assert_eq!(error.client_message(), MALFORMED, "{value}");
        }
    }

    #[test]
    fn a_range_past_the_source_names_its_size() {
        let range = CopySourceRange::parse("bytes=0-21").unwrap();
        assert!(!range.fits(5));
        assert!(range.fits(22));
        let error = CopySourceRange::beyond(5);
        assert_eq!(error.s3_code(), "InvalidArgument");
        assert_eq!(
            error.client_message(),
            "Range specified is not valid for source object of size: 5"
        );
    }
}
