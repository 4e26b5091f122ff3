"""DeleteObjects, CopyObject (metadata copied or replaced) and presigned URLs made by boto3
(SigV4) used with a plain HTTP client."""

from __future__ import annotations

import urllib.request

from support import assert_s3_error, client_error, list_keys, quoted_md5


def test_delete_objects(writer, bucket, prefix):
    keys = [prefix + f"batch/{i}" for i in range(6)]
    for key in keys:
        writer.put_object(Bucket=bucket.name, Key=key, Body=b"x")

    response = writer.delete_objects(
        Bucket=bucket.name,
        Delete={"Objects": [{"Key": k} for k in keys[:3]] + [{"Key": prefix + "never-existed"}]},
    )
    # S3 reports a key that did not exist as deleted too.
    assert sorted(d["Key"] for d in response["Deleted"]) == sorted(keys[:3] + [prefix + "never-existed"])
    assert response.get("Errors", []) == []
    assert list_keys(writer, bucket.name, prefix) == keys[3:]
    for key in keys[:3]:
        assert not bucket.data_file(key).exists()

    quiet = writer.delete_objects(
        Bucket=bucket.name, Delete={"Objects": [{"Key": k} for k in keys[3:]], "Quiet": True}
    )
    assert quiet.get("Deleted", []) == []
    assert quiet.get("Errors", []) == []
    assert list_keys(writer, bucket.name, prefix) == []


def test_copy_object_keeps_metadata(writer, bucket, prefix):
    source = prefix + "source.txt"
    body = b"copy me"
    writer.put_object(
        Bucket=bucket.name,
        Key=source,
        Body=body,
        ContentType="text/x-source",
        CacheControl="no-cache",
        Metadata={"colour": "blue"},
    )
    copied = writer.copy_object(
        Bucket=bucket.name, Key=prefix + "copy.txt", CopySource={"Bucket": bucket.name, "Key": source}
    )
    assert copied["CopyObjectResult"]["ETag"] == quoted_md5(body)
    got = writer.get_object(Bucket=bucket.name, Key=prefix + "copy.txt")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/x-source"
    assert got["CacheControl"] == "no-cache"
    assert got["Metadata"] == {"colour": "blue"}
    # The source is untouched.
    assert writer.get_object(Bucket=bucket.name, Key=source)["Body"].read() == body
    assert list_keys(writer, bucket.name, prefix) == [prefix + "copy.txt", source]


def test_copy_object_replaces_metadata(writer, bucket, prefix):
    source = prefix + "source.txt"
    body = b"copy me and replace"
    writer.put_object(
        Bucket=bucket.name, Key=source, Body=body, ContentType="text/x-source", Metadata={"colour": "blue"}
    )
    writer.copy_object(
        Bucket=bucket.name,
        Key=prefix + "replaced.txt",
        CopySource={"Bucket": bucket.name, "Key": source},
        MetadataDirective="REPLACE",
        ContentType="text/x-replaced",
        Metadata={"shape": "round"},
    )
    got = writer.get_object(Bucket=bucket.name, Key=prefix + "replaced.txt")
    assert got["Body"].read() == body
    assert got["ContentType"] == "text/x-replaced"
    assert got["Metadata"] == {"shape": "round"}
    source_head = writer.head_object(Bucket=bucket.name, Key=source)
    assert source_head["Metadata"] == {"colour": "blue"}
    assert source_head["ContentType"] == "text/x-source"

    # In place: the way clients change an object's metadata.
    writer.copy_object(
        Bucket=bucket.name,
        Key=source,
        CopySource={"Bucket": bucket.name, "Key": source},
        MetadataDirective="REPLACE",
        ContentType="text/x-in-place",
        Metadata={"colour": "green"},
    )
    head = writer.head_object(Bucket=bucket.name, Key=source)
    assert head["Metadata"] == {"colour": "green"}
    assert head["ContentType"] == "text/x-in-place"
    assert writer.get_object(Bucket=bucket.name, Key=source)["Body"].read() == body


def test_copy_object_missing_source(writer, bucket, prefix):
    error = client_error(
        writer.copy_object,
        Bucket=bucket.name,
        Key=prefix + "dest",
        CopySource={"Bucket": bucket.name, "Key": prefix + "missing"},
    )
    assert_s3_error(error, "NoSuchKey", 404)
    assert list_keys(writer, bucket.name, prefix) == []


def test_presigned_get_and_put(writer, bucket, prefix):
    key = prefix + "presigned file.bin"
    body = bytes(range(256)) * 64
    put_url = writer.generate_presigned_url(
        "put_object", Params={"Bucket": bucket.name, "Key": key}, ExpiresIn=300
    )
    assert "X-Amz-Signature=" in put_url and "X-Amz-Algorithm=AWS4-HMAC-SHA256" in put_url
    request = urllib.request.Request(put_url, data=body, method="PUT")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
        assert response.headers["ETag"] == quoted_md5(body)

    assert writer.get_object(Bucket=bucket.name, Key=key)["Body"].read() == body
    assert bucket.data_file(key).read_bytes() == body

    get_url = writer.generate_presigned_url(
        "get_object", Params={"Bucket": bucket.name, "Key": key}, ExpiresIn=300
    )
    with urllib.request.urlopen(get_url, timeout=30) as response:
        assert response.status == 200
        assert response.read() == body
        assert response.headers["ETag"] == quoted_md5(body)

    # A presigned GET with a Range header (not signed: S3 accepts that).
    ranged = urllib.request.Request(get_url, headers={"Range": "bytes=5-9"})
    with urllib.request.urlopen(ranged, timeout=30) as response:
        assert response.status == 206
        assert response.read() == body[5:10]

    # HEAD by a presigned URL.
    head_url = writer.generate_presigned_url(
        "head_object", Params={"Bucket": bucket.name, "Key": key}, ExpiresIn=300
    )
    with urllib.request.urlopen(urllib.request.Request(head_url, method="HEAD"), timeout=30) as response:
        assert int(response.headers["Content-Length"]) == len(body)


def test_copy_between_buckets(writer, anonymous, bucket, prefix):
    """Into the public bucket on the same kind of backend (for `s3`, the same endpoint
    under another backend prefix), then readable anonymously there."""
    source = prefix + "shared.txt"
    writer.put_object(Bucket=bucket.name, Key=source, Body=b"to share", Metadata={"k": "v"})
    writer.copy_object(
        Bucket=bucket.public_name, Key=source, CopySource={"Bucket": bucket.name, "Key": source}
    )
    try:
        got = anonymous.get_object(Bucket=bucket.public_name, Key=source)
        assert got["Body"].read() == b"to share"
        assert got["Metadata"] == {"k": "v"}
        assert list_keys(anonymous, bucket.public_name, prefix) == [source]
    finally:
        writer.delete_object(Bucket=bucket.public_name, Key=source)
