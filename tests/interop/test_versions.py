"""boto3's ListObjectVersions and GetBucketVersioning against the gateway. Neither test
backend keeps versions, so every object is listed as S3 lists a bucket whose versioning was
never enabled: its one `null` version, the latest."""

from __future__ import annotations

from support import assert_s3_error, client_error
from test_objects import put_tree


def versions_of(pages) -> list[str]:
    """The keys of every version in `pages`, after checking each is a latest `null` one."""
    keys = []
    for page in pages:
        assert "DeleteMarkers" not in page
        for version in page.get("Versions", []):
            assert version["VersionId"] == "null"
            assert version["IsLatest"] is True
            keys.append(version["Key"])
    return keys


def test_list_object_versions_paginated(writer, bucket, prefix):
    keys = put_tree(writer, bucket, prefix)
    paginator = writer.get_paginator("list_object_versions")
    pages = list(paginator.paginate(Bucket=bucket.name, Prefix=prefix, PaginationConfig={"PageSize": 4}))
    assert len(pages) == 7
    assert versions_of(pages) == keys
    assert all(page["IsTruncated"] for page in pages[:-1])
    assert not pages[-1]["IsTruncated"]
    assert pages[0]["NextKeyMarker"] == keys[3]
    assert pages[0]["NextVersionIdMarker"] == "null"

    after = writer.list_object_versions(
        Bucket=bucket.name, Prefix=prefix, KeyMarker=keys[19], VersionIdMarker="null"
    )
    assert versions_of([after]) == keys[20:]


def test_list_object_versions_with_delimiter(writer, bucket, prefix):
    keys = put_tree(writer, bucket, prefix)
    pages = list(
        writer.get_paginator("list_object_versions").paginate(
            Bucket=bucket.name, Prefix=prefix, Delimiter="/", PaginationConfig={"PageSize": 2}
        )
    )
    common = [p["Prefix"] for page in pages for p in page.get("CommonPrefixes", [])]
    assert versions_of(pages) == [k for k in keys if "/" not in k[len(prefix):]]
    assert common == [prefix + "a/", prefix + "b/"]


def test_version_id_marker_needs_a_key_marker(writer, bucket):
    error = client_error(writer.list_object_versions, Bucket=bucket.name, VersionIdMarker="null")
    assert_s3_error(error, "InvalidArgument", 400)


def test_listed_versions_can_be_read_and_deleted(writer, bucket, prefix):
    """The cleanup scripts run against versioned buckets: read or delete what the listing
    names, by key and version id."""
    keys = put_tree(writer, bucket, prefix)
    listed = writer.list_object_versions(Bucket=bucket.name, Prefix=prefix)["Versions"]
    first = listed[0]
    body = writer.get_object(Bucket=bucket.name, Key=first["Key"], VersionId=first["VersionId"])["Body"]
    assert body.read() == first["Key"].encode()
    objects = [{"Key": v["Key"], "VersionId": v["VersionId"]} for v in listed]
    deleted = writer.delete_objects(Bucket=bucket.name, Delete={"Objects": objects})
    assert "Errors" not in deleted, deleted["Errors"]
    assert sorted(d["Key"] for d in deleted["Deleted"]) == keys
    remaining = writer.list_object_versions(Bucket=bucket.name, Prefix=prefix)
    assert "Versions" not in remaining


def test_versioning_was_never_enabled(writer, bucket):
    answer = writer.get_bucket_versioning(Bucket=bucket.name)
    assert "Status" not in answer and "MFADelete" not in answer
    error = client_error(
        writer.put_bucket_versioning,
        Bucket=bucket.name,
        VersioningConfiguration={"Status": "Enabled"},
    )
    assert_s3_error(error, "NotImplemented", 501)
