//! ListObjectVersions and GetBucketVersioning. Neither test backend keeps versions (the S3 server is an
//! unversioned bucket; a local directory has none), so every object is listed as S3 lists
//! it in a bucket whose versioning was never enabled: its one `null` version, the latest.

use http::{Method, StatusCode};

use crate::harness::{Harness, Kind, WRITER};
use crate::listing::{assert_hidden, list, put_keys};
use crate::xml;

both_backends!(
    versions_page_through_every_key,
    versions_with_a_delimiter,
    versions_markers_are_checked,
    the_null_version_is_the_object,
    versioning_was_never_enabled
);

/// The keys of a page's `<Version>` entries, after checking that each is a latest `null`
/// version.
#[track_caller]
fn null_versions(page: &str) -> Vec<String> {
    xml::sections(page, "Version")
        .into_iter()
        .map(|version| {
            assert_eq!(xml::value(version, "VersionId").as_deref(), Some("null"));
            assert_eq!(xml::value(version, "IsLatest").as_deref(), Some("true"));
            xml::value(version, "Key").expect("a key")
        })
        .collect()
}

/// Lists with `pairs` plus the markers of the previous page, until the last page; returns
/// every version key and common prefix, and the number of pages.
async fn page_through(h: &Harness, pairs: &[(&str, &str)]) -> (Vec<String>, Vec<String>, usize) {
    let (mut keys, mut prefixes) = (Vec::new(), Vec::new());
    let mut markers: Option<(String, Option<String>)> = None;
    for pages in 1..=20 {
        let mut query = vec![("versions", "")];
        query.extend_from_slice(pairs);
        if let Some((key, version)) = &markers {
            query.push(("key-marker", key));
            if let Some(version) = version {
                query.push(("version-id-marker", version));
            }
        }
        let page = list(h, &query).await.text();
        assert_hidden(&page);
        assert!(page.contains("<ListVersionsResult"), "{page}");
        keys.extend(null_versions(&page));
        prefixes.extend(xml::common_prefixes(&page));
        if xml::value(&page, "IsTruncated").as_deref() != Some("true") {
            assert_eq!(xml::value(&page, "NextKeyMarker"), None, "{page}");
            return (keys, prefixes, pages);
        }
        let next_key = xml::value(&page, "NextKeyMarker").expect("a truncated page's key marker");
        markers = Some((next_key, xml::value(&page, "NextVersionIdMarker")));
    }
    panic!("the listing did not end");
}

async fn versions_page_through_every_key(kind: Kind) {
    let h = Harness::start(kind).await;
    let expected = put_keys(&h).await;
    let (keys, prefixes, pages) = page_through(&h, &[("prefix", "page/"), ("max-keys", "4")]).await;
    assert_eq!(keys, expected, "every key once, in order");
    assert!(prefixes.is_empty());
    assert_eq!(pages, 7, "27 keys in pages of 4");
    if kind == Kind::Local {
        // The test S3 server lists no ETags; S3 and the store layer do.
        let page = list(&h, &[("versions", ""), ("prefix", "page/k0")])
            .await
            .text();
        let versions = xml::sections(&page, "Version");
        assert_eq!(versions.len(), 10);
        assert!(
            versions.iter().all(|v| xml::value(v, "ETag").is_some()),
            "{page}"
        );
    }
}

async fn versions_with_a_delimiter(kind: Kind) {
    let h = Harness::start(kind).await;
    put_keys(&h).await;
    let (keys, prefixes, _) = page_through(
        &h,
        &[("prefix", "page/"), ("delimiter", "/"), ("max-keys", "7")],
    )
    .await;
    let expected: Vec<String> = (0..25).map(|i| format!("page/k{i:02}")).collect();
    assert_eq!(keys, expected);
    assert_eq!(prefixes, ["page/sub/"], "the prefix once, never again");

    let (keys, prefixes, pages) = page_through(&h, &[("delimiter", "/")]).await;
    assert!(keys.is_empty());
    assert_eq!(prefixes, ["other/", "page/"]);
    assert_eq!(pages, 1);
}

async fn versions_markers_are_checked(kind: Kind) {
    let h = Harness::start(kind).await;
    put_keys(&h).await;
    let after = list(
        &h,
        &[
            ("versions", ""),
            ("prefix", "page/"),
            ("key-marker", "page/k22"),
            ("version-id-marker", "null"),
        ],
    )
    .await
    .text();
    assert_eq!(
        null_versions(&after),
        ["page/k23", "page/k24", "page/sub/x", "page/sub/y"]
    );
    for query in [
        "versions&version-id-marker=null",
        "versions&key-marker=page/k01&version-id-marker=v7",
    ] {
        if kind == Kind::S3 && query.ends_with("v7") {
            continue; // The S3 backend decides what its version ids are.
        }
        h.on_bucket(Method::GET, h.bucket())
            .query(query)
            .signed(WRITER)
            .send()
            .await
            .assert_error(StatusCode::BAD_REQUEST, "InvalidArgument");
    }
}

async fn the_null_version_is_the_object(kind: Kind) {
    let h = Harness::start(kind).await;
    put_keys(&h).await;
    let read = h
        .object(Method::GET, h.bucket(), "page/k01")
        .query("versionId=null")
        .signed(WRITER)
        .send()
        .await
        .ok();
    assert_eq!(read.text(), "page/k01");
    h.object(Method::DELETE, h.bucket(), "page/k01")
        .query("versionId=null")
        .signed(WRITER)
        .send()
        .await
        .ok();
    let listed = list(&h, &[("versions", ""), ("prefix", "page/k0")])
        .await
        .text();
    assert_eq!(null_versions(&listed).len(), 9, "deleted: {listed}");
    if kind == Kind::Local {
        // A store bucket has no other version to name.
        h.object(Method::GET, h.bucket(), "page/k02")
            .query("versionId=3HL4kqtJlcpXroDTDmJ")
            .signed(WRITER)
            .send()
            .await
            .assert_error(StatusCode::NOT_IMPLEMENTED, "NotImplemented");
    }
}

async fn versioning_was_never_enabled(kind: Kind) {
    let h = Harness::start(kind).await;
    let answer = h
        .on_bucket(Method::GET, h.bucket())
        .query("versioning")
        .signed(WRITER)
        .send()
        .await
        .ok()
        .text();
    assert!(answer.contains("<VersioningConfiguration"), "{answer}");
    assert_eq!(xml::value(&answer, "Status"), None, "{answer}");
    h.on_bucket(Method::PUT, h.bucket())
        .query("versioning")
        .signed(WRITER)
        .send()
        .await
        .assert_error(StatusCode::NOT_IMPLEMENTED, "NotImplemented");
}
