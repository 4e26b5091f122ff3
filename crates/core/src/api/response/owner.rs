//! The owner that buckets and objects report in `Owner` elements.

/// The owner shown in ListBuckets and listings (`Owner` elements).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BucketOwner {
    /// Canonical user id.
    pub id: &'static str,
    /// Display name.
    pub display_name: &'static str,
}

/// The owner every virtual bucket reports unless a registry says otherwise.
pub const DEFAULT_BUCKET_OWNER: BucketOwner = BucketOwner {
    id: "multistore",
    display_name: "multistore",
};
