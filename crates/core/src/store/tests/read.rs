//! Reads: metadata, stale sidecars, conditions, ranges, parts.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use object_store::{ObjectStoreExt, PutPayload};

use super::{body, each_store, etag_of, get, head, header, headers, put, read};
use crate::ProxyError;
use crate::store::key_path;
use crate::store::metadata::DEFAULT_CONTENT_TYPE;

const DATA: &[u8] = b"0123456789abcdefghij";

#[test]
fn metadata_written_is_metadata_read() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let request = headers(&[
            ("content-type", "text/plain; charset=utf-8"),
            ("content-encoding", "gzip"),
            ("content-language", "de"),
            ("content-disposition", "attachment; filename=\"a b.txt\""),
            ("cache-control", "max-age=60"),
            ("expires", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("x-amz-meta-Owner", "Ada"),
            ("x-amz-meta-note", "one"),
            ("x-amz-meta-note", "two"),
            ("x-amz-tagging", "team=geo&empty="),
            ("x-amz-storage-class", "STANDARD_IA"),
        ]);
        let length = Some(DATA.len() as u64);
        let etag = bucket
            .write("m", &request, body(DATA), length)
            .await
            .unwrap();
        assert_eq!(etag, etag_of(DATA));
        let (response, data) = get(bucket, "m", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, DATA);
        assert_eq!(response.status, StatusCode::OK);
        let expected = [
            ("content-type", "text/plain; charset=utf-8"),
            ("content-encoding", "gzip"),
            ("content-language", "de"),
            ("content-disposition", "attachment; filename=\"a b.txt\""),
            ("cache-control", "max-age=60"),
            ("expires", "Wed, 21 Oct 2015 07:28:00 GMT"),
            ("x-amz-meta-owner", "Ada"),
            ("x-amz-meta-note", "one,two"),
            ("x-amz-tagging-count", "2"),
            ("x-amz-storage-class", "STANDARD_IA"),
            ("content-length", "20"),
            ("accept-ranges", "bytes"),
        ];
        for (name, value) in expected {
            assert_eq!(header(&response, name), Some(value), "{name}");
        }
        assert_eq!(header(&response, "etag"), Some(etag.as_str()));
        let last_modified = header(&response, "last-modified").unwrap();
        assert!(last_modified.ends_with(" GMT"), "{last_modified}");
        let tags = bucket.get_tagging("m").await.unwrap();
        assert_eq!(tags.len(), 2);
        assert_eq!(
            (tags[0].key.as_str(), tags[0].value.as_str()),
            ("team", "geo")
        );
    });
}

/// AWS, "Working with object metadata": values are decoded per RFC 2047 when stored and,
/// when not US-ASCII, encoded per RFC 2047 when returned.
#[test]
fn non_ascii_metadata_is_stored_decoded_and_returned_as_encoded_words() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let request = headers(&[
            ("x-amz-meta-b-word", "=?UTF-8?B?Y2Fmw6k=?="),
            ("x-amz-meta-q-word", "=?utf-8?q?caf=C3=A9?="),
            ("x-amz-meta-raw", "café"),
            ("x-amz-meta-ascii-word", "=?UTF-8?B?Y2FmZQ==?="),
            ("x-amz-meta-plain", "cafe =? ?="),
        ]);
        let length = Some(DATA.len() as u64);
        bucket
            .write("m", &request, body(DATA), length)
            .await
            .unwrap();
        let expected = [
            ("x-amz-meta-b-word", "=?UTF-8?B?Y2Fmw6k=?="),
            ("x-amz-meta-q-word", "=?UTF-8?B?Y2Fmw6k=?="),
            ("x-amz-meta-raw", "=?UTF-8?B?Y2Fmw6k=?="),
            ("x-amz-meta-ascii-word", "cafe"),
            ("x-amz-meta-plain", "cafe =? ?="),
        ];
        for response in [
            get(bucket, "m", &HeaderMap::new()).await.unwrap().0,
            head(bucket, "m", &HeaderMap::new()).await.unwrap(),
        ] {
            for (name, value) in expected {
                assert_eq!(header(&response, name), Some(value), "{name}");
            }
        }
    });
}

#[test]
fn objects_without_metadata_get_defaults() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        put(bucket, "plain", DATA).await;
        let response = head(bucket, "plain", &HeaderMap::new()).await.unwrap();
        assert!(response.body.is_none());
        assert_eq!(
            header(&response, "content-type"),
            Some(DEFAULT_CONTENT_TYPE)
        );
        assert_eq!(header(&response, "content-length"), Some("20"));
        assert_eq!(header(&response, "x-amz-storage-class"), None);
        assert_eq!(header(&response, "x-amz-tagging-count"), None);
    });
}

#[test]
fn a_sidecar_of_replaced_data_is_ignored() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let request = headers(&[("content-type", "text/csv"), ("x-amz-meta-a", "1")]);
        let written = bucket.write("r", &request, body(DATA), None).await.unwrap();
        // Replaced behind the gateway's back.
        let replacement = Bytes::from_static(b"replaced by another program");
        let path = key_path("r").unwrap();
        let store = bucket.store();
        store
            .put(&path, PutPayload::from(replacement.clone()))
            .await
            .unwrap();
        let (response, data) = get(bucket, "r", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, replacement);
        assert_eq!(
            header(&response, "content-type"),
            Some(DEFAULT_CONTENT_TYPE)
        );
        assert_eq!(header(&response, "x-amz-meta-a"), None);
        let etag = header(&response, "etag").unwrap();
        assert_ne!(etag, written);
        assert!(etag.starts_with('"') && etag.ends_with('"'), "{etag}");
    });
}

#[test]
fn files_changed_on_disk_and_dropped_in_by_hand_are_served() {
    each_store(|fixture| async move {
        let Some(dir) = &fixture.dir else {
            return;
        };
        let bucket = &fixture.bucket;
        let request = headers(&[("content-type", "text/csv")]);
        bucket
            .write("f.csv", &request, body(DATA), None)
            .await
            .unwrap();
        std::fs::write(dir.path().join("f.csv"), b"edited in place, longer").unwrap();
        let (response, data) = get(bucket, "f.csv", &HeaderMap::new()).await.unwrap();
        assert_eq!(data, b"edited in place, longer");
        assert_eq!(
            header(&response, "content-type"),
            Some(DEFAULT_CONTENT_TYPE)
        );
        assert_ne!(header(&response, "etag"), Some(etag_of(DATA).as_str()));

        std::fs::create_dir_all(dir.path().join("by hand")).unwrap();
        std::fs::write(dir.path().join("by hand/x%41.txt"), b"hand").unwrap();
        let (response, data) = get(bucket, "by hand/x%41.txt", &HeaderMap::new())
            .await
            .unwrap();
        assert_eq!(data, b"hand");
        assert_eq!(header(&response, "content-length"), Some("4"));
    });
}

#[test]
fn missing_keys_are_no_such_key() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        put(bucket, "file", DATA).await;
        put(bucket, "dir/inner", DATA).await;
        for key in ["nothing", "file/below", "dir", "dir/"] {
            let error = get(bucket, key, &HeaderMap::new()).await.unwrap_err();
            assert!(
                matches!(error, ProxyError::NoSuchKey(ref k) if k == key),
                "{key}: {error:?}"
            );
        }
        assert!(matches!(
            bucket.get_tagging("nothing").await,
            Err(ProxyError::NoSuchKey(_))
        ));
    });
}

#[test]
fn conditional_reads_follow_each_rule() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let etag = put(bucket, "c", DATA).await;
        let past = "Mon, 01 Jan 2001 00:00:00 GMT";
        let future = "Fri, 01 Jan 2100 00:00:00 GMT";
        let status = |pairs: Vec<(&'static str, String)>| {
            let pairs: Vec<(&str, &str)> = pairs.iter().map(|(n, v)| (*n, v.as_str())).collect();
            let request = headers(&pairs);
            async move {
                match get(bucket, "c", &request).await {
                    Ok((response, data)) => {
                        if response.status == StatusCode::NOT_MODIFIED {
                            assert!(data.is_empty() && response.body.is_none());
                            assert!(header(&response, "etag").is_some());
                            assert!(header(&response, "last-modified").is_some());
                        }
                        response.status.as_u16()
                    }
                    Err(ProxyError::PreconditionFailed) => 412,
                    Err(error) => panic!("{error:?}"),
                }
            }
        };
        let other = "\"0000\"".to_owned();
        assert_eq!(status(vec![("if-match", etag.clone())]).await, 200);
        assert_eq!(status(vec![("if-match", other.clone())]).await, 412);
        assert_eq!(
            status(vec![("if-unmodified-since", past.into())]).await,
            412
        );
        assert_eq!(
            status(vec![("if-unmodified-since", future.into())]).await,
            200
        );
        let match_and_old = vec![
            ("if-match", etag.clone()),
            ("if-unmodified-since", past.into()),
        ];
        assert_eq!(status(match_and_old).await, 200);
        assert_eq!(status(vec![("if-none-match", etag.clone())]).await, 304);
        assert_eq!(status(vec![("if-none-match", other.clone())]).await, 200);
        assert_eq!(
            status(vec![("if-modified-since", future.into())]).await,
            304
        );
        assert_eq!(status(vec![("if-modified-since", past.into())]).await, 200);
        let none_and_new = vec![
            ("if-none-match", other),
            ("if-modified-since", future.into()),
        ];
        assert_eq!(status(none_and_new).await, 200);
        // HEAD answers the same way.
        let request = headers(&[("if-none-match", etag.as_str())]);
        let response = head(bucket, "c", &request).await.unwrap();
        assert_eq!(response.status, StatusCode::NOT_MODIFIED);
    });
}

#[test]
fn ranges_are_served_as_206() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        put(bucket, "r", DATA).await;
        let cases: [(&str, &[u8], Option<&str>); 6] = [
            ("bytes=0-4", b"01234", Some("bytes 0-4/20")),
            ("bytes=15-", b"fghij", Some("bytes 15-19/20")),
            ("bytes=-3", b"hij", Some("bytes 17-19/20")),
            ("bytes=18-100", b"ij", Some("bytes 18-19/20")),
            ("bytes=0-1,4-5", DATA, None),
            ("bytes=9-2", DATA, None),
        ];
        for (range, expected, content_range) in cases {
            let request = headers(&[("range", range)]);
            let (response, data) = get(bucket, "r", &request).await.unwrap();
            assert_eq!(data, expected, "{range}");
            assert_eq!(header(&response, "content-range"), content_range, "{range}");
            let length = expected.len().to_string();
            assert_eq!(header(&response, "content-length"), Some(length.as_str()));
            let status = if content_range.is_some() { 206 } else { 200 };
            assert_eq!(response.status.as_u16(), status, "{range}");
        }
        for range in ["bytes=20-", "bytes=25-30", "bytes=-0"] {
            let request = headers(&[("range", range)]);
            let error = get(bucket, "r", &request).await.unwrap_err();
            assert!(matches!(error, ProxyError::InvalidRange), "{range}");
            assert_eq!(error.status().as_u16(), 416);
        }
        let request = headers(&[("range", "bytes=2-3")]);
        let response = head(bucket, "r", &request).await.unwrap();
        assert_eq!(response.status, StatusCode::PARTIAL_CONTENT);
        assert_eq!(header(&response, "content-length"), Some("2"));
    });
}

#[test]
fn part_reads_of_single_part_objects() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        put(bucket, "p", DATA).await;
        let (response, data) = read(bucket, "p", &HeaderMap::new(), Some(1)).await.unwrap();
        assert_eq!(data, DATA);
        assert_eq!(header(&response, "content-range"), Some("bytes 0-19/20"));
        assert_eq!(header(&response, "x-amz-mp-parts-count"), None);
        let error = read(bucket, "p", &HeaderMap::new(), Some(2))
            .await
            .unwrap_err();
        assert!(matches!(error, ProxyError::InvalidRange));
        let request = headers(&[("range", "bytes=0-1")]);
        let error = read(bucket, "p", &request, Some(1)).await.unwrap_err();
        assert!(matches!(error, ProxyError::InvalidRequest(_)));
    });
}

#[test]
fn empty_objects_read_back_empty() {
    each_store(|fixture| async move {
        let bucket = &fixture.bucket;
        let etag = put(bucket, "empty", b"").await;
        assert_eq!(etag, "\"d41d8cd98f00b204e9800998ecf8427e\"");
        let (response, data) = get(bucket, "empty", &HeaderMap::new()).await.unwrap();
        assert!(data.is_empty());
        assert_eq!(header(&response, "content-length"), Some("0"));
        let request = headers(&[("range", "bytes=0-")]);
        let error = get(bucket, "empty", &request).await.unwrap_err();
        assert!(matches!(error, ProxyError::InvalidRange));
        let (response, data) = read(bucket, "empty", &HeaderMap::new(), Some(1))
            .await
            .unwrap();
        assert!(data.is_empty());
        assert_eq!(response.status, StatusCode::OK);
    });
}
