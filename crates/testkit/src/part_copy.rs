//! UploadPartCopy's `x-amz-copy-source-range` checked as S3 checks it, before `s3s-fs`
//! copies. `s3s-fs` 0.17 accepts an open-ended `bytes=first-`, and answers a range past
//! the source `416 InvalidRange`; S3 accepts only `bytes=first-last` with
//! `first <= last` and answers both a malformed range and one past the source
//! `400 InvalidArgument` (with AWS's messages, as AWS clients report them).

use std::path::Path;

use s3s::dto::{CopySource, UploadPartCopyInput};
use s3s::{S3Error, S3ErrorCode, S3Result};

/// AWS's message for a malformed range.
const MALFORMED: &str = "The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy";

/// Refuses the copy source range of `input` as S3 would; the source is looked for under
/// `root` (a missing one is left to `s3s-fs`, which answers `NoSuchKey`).
pub(crate) fn check_copy_source_range(root: &Path, input: &UploadPartCopyInput) -> S3Result<()> {
    let Some(range) = &input.copy_source_range else {
        return Ok(());
    };
    let (_, last) = parse(range)
        .ok_or_else(|| S3Error::with_message(S3ErrorCode::InvalidArgument, MALFORMED))?;
    let CopySource::Bucket { bucket, key, .. } = &input.copy_source else {
        return Ok(());
    };
    let Ok(meta) = std::fs::metadata(root.join(&**bucket).join(&**key)) else {
        return Ok(());
    };
    if last >= meta.len() {
        return Err(S3Error::with_message(
            S3ErrorCode::InvalidArgument,
            format!(
                "Range specified is not valid for source object of size: {}",
                meta.len()
            ),
        ));
    }
    Ok(())
}

/// `bytes=first-last` with `first <= last`.
fn parse(range: &str) -> Option<(u64, u64)> {
    let (first, last) = range.strip_prefix("bytes=")?.split_once('-')?;
    let number = |text: &str| {
        let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
        digits.then(|| text.parse::<u64>().ok()).flatten()
    };
    let (first, last) = (number(first)?, number(last)?);
    (first <= last).then_some((first, last))
}
