//! `ListAllMyBucketsResult`: the answer to ListBuckets.

use chrono::{DateTime, Utc};

use super::{BucketOwner, Namespace, XmlDocument};

/// One line of a ListBuckets answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BucketSummary {
    /// Bucket name.
    pub name: String,
    /// Creation date shown to clients.
    pub creation_date: DateTime<Utc>,
}

/// Renders the buckets the caller may use, all owned by `owner`.
pub fn render_list_buckets(owner: &BucketOwner, buckets: &[BucketSummary]) -> String {
    let mut doc = XmlDocument::new("ListAllMyBucketsResult", Namespace::S3);
    doc.owner_element("Owner", owner);
    doc.open("Buckets");
    for bucket in buckets {
        doc.open("Bucket");
        doc.element("Name", &bucket.name);
        doc.timestamp_element("CreationDate", &bucket.creation_date);
        doc.close("Bucket");
    }
    doc.close("Buckets");
    doc.finish()
}

#[cfg(test)]
mod tests {
    use chrono::{TimeZone, Utc};

    use super::*;
    use crate::api::response::DEFAULT_BUCKET_OWNER;

    #[test]
    fn golden_list_buckets() {
        let buckets = [
            BucketSummary {
                name: "alpha".into(),
                creation_date: Utc.with_ymd_and_hms(2019, 12, 11, 23, 32, 47).unwrap(),
            },
            BucketSummary {
                name: "beta".into(),
                creation_date: Utc.with_ymd_and_hms(2020, 1, 2, 3, 4, 5).unwrap(),
            },
        ];
        let xml = render_list_buckets(&DEFAULT_BUCKET_OWNER, &buckets);
        assert_eq!(
            xml,
            concat!(
                r#"<?xml version="1.0" encoding="UTF-8"?>"#,
                r#"<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">"#,
                "<Owner><ID>multistore</ID><DisplayName>multistore</DisplayName></Owner>",
                "<Buckets>",
                "<Bucket><Name>alpha</Name><CreationDate>2019-12-11T23:32:47.000Z</CreationDate></Bucket>",
                "<Bucket><Name>beta</Name><CreationDate>2020-01-02T03:04:05.000Z</CreationDate></Bucket>",
                "</Buckets></ListAllMyBucketsResult>"
            )
        );
    }

    #[test]
    fn no_buckets_is_an_empty_list() {
        let xml = render_list_buckets(&DEFAULT_BUCKET_OWNER, &[]);
        assert!(xml.ends_with("<Buckets></Buckets></ListAllMyBucketsResult>"));
    }
}
