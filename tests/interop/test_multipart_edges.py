"""Multipart edges through boto3: UploadPartCopy ranges S3 refuses, a retried
CompleteMultipartUpload, and keys a local directory cannot hold next to each other."""

from __future__ import annotations

import os

import pytest
from support import assert_s3_error, client_error, list_keys

MIB = 1024 * 1024
# ceph s3-tests `test_multipart_copy_improper_range`, plus an open range and first > last.
IMPROPER_RANGES = [
    "0-2",
    "bytes=0",
    "bytes=hello-world",
    "bytes=0-bar",
    "bytes=hello-",
    "bytes=0-2,3-5",
    "bytes=2-",
    "bytes=3-2",
]


def test_upload_part_copy_refuses_ranges_as_s3_does(writer, bucket, prefix):
    source = prefix + "source"
    writer.put_object(Bucket=bucket.name, Key=source, Body=b"01234")
    key = prefix + "dest"
    upload_id = writer.create_multipart_upload(Bucket=bucket.name, Key=key)["UploadId"]
    copy = {
        "Bucket": bucket.name,
        "Key": key,
        "UploadId": upload_id,
        "PartNumber": 1,
        "CopySource": {"Bucket": bucket.name, "Key": source},
    }
    try:
        for improper in IMPROPER_RANGES:
            error = client_error(writer.upload_part_copy, CopySourceRange=improper, **copy)
            assert_s3_error(error, "InvalidArgument", 400)
            assert "bytes=first-last" in error.response["Error"]["Message"], improper
        # ceph s3-tests `test_multipart_copy_invalid_range`: 0-21 of a 5-byte source.
        # AWS answers 400 InvalidArgument (ceph's suite also accepts InvalidRange).
        for beyond in ["bytes=0-21", "bytes=0-5", "bytes=5-5"]:
            error = client_error(writer.upload_part_copy, CopySourceRange=beyond, **copy)
            assert_s3_error(error, "InvalidArgument", 400)
            message = error.response["Error"]["Message"]
            assert message == "Range specified is not valid for source object of size: 5", beyond
        listed = writer.list_parts(Bucket=bucket.name, Key=key, UploadId=upload_id)
        assert listed.get("Parts", []) == []

        copied = writer.upload_part_copy(CopySourceRange="bytes=1-4", **copy)
        etag = copied["CopyPartResult"]["ETag"]
        writer.complete_multipart_upload(
            Bucket=bucket.name,
            Key=key,
            UploadId=upload_id,
            MultipartUpload={"Parts": [{"PartNumber": 1, "ETag": etag}]},
        )
        assert writer.get_object(Bucket=bucket.name, Key=key)["Body"].read() == b"1234"
    finally:
        if key not in list_keys(writer, bucket.name, prefix):
            writer.abort_multipart_upload(Bucket=bucket.name, Key=key, UploadId=upload_id)


def test_a_retried_completion_gets_the_first_answer(writer, bucket, prefix):
    if bucket.backend_kind == "s3":
        pytest.skip(
            "an S3 bucket's backend answers retries itself; "
            "the test S3 server forgets completed uploads"
        )
    key = prefix + "retried.bin"
    upload_id = writer.create_multipart_upload(Bucket=bucket.name, Key=key)["UploadId"]
    parts = []
    for number, body in [(1, os.urandom(5 * MIB)), (2, b"tail")]:
        sent = writer.upload_part(
            Bucket=bucket.name, Key=key, UploadId=upload_id, PartNumber=number, Body=body
        )
        parts.append({"PartNumber": number, "ETag": sent["ETag"]})
    complete = {"Bucket": bucket.name, "Key": key, "UploadId": upload_id}
    first = writer.complete_multipart_upload(MultipartUpload={"Parts": parts}, **complete)
    retried = writer.complete_multipart_upload(MultipartUpload={"Parts": parts}, **complete)
    for field in ("Location", "Bucket", "Key", "ETag"):
        assert retried[field] == first[field], field

    error = client_error(
        writer.complete_multipart_upload, MultipartUpload={"Parts": parts[:1]}, **complete
    )
    assert_s3_error(error, "NoSuchUpload", 404)
    writer.put_object(Bucket=bucket.name, Key=key, Body=b"newer")
    error = client_error(
        writer.complete_multipart_upload, MultipartUpload={"Parts": parts}, **complete
    )
    assert_s3_error(error, "NoSuchUpload", 404)


def test_a_directory_cannot_hold_an_object_and_keys_below_it(writer, bucket, prefix):
    if bucket.backend_kind == "s3":
        pytest.skip("S3 holds `a/b` and `a/b/c` side by side")
    writer.put_object(Bucket=bucket.name, Key=prefix + "a/b", Body=b"file")
    writer.put_object(Bucket=bucket.name, Key=prefix + "x/y/z", Body=b"deep")
    for key, code in [
        ("a/b/c", "ParentIsObject"),
        ("x/y", "ObjectExistsAsDirectory"),
    ]:
        error = client_error(writer.put_object, Bucket=bucket.name, Key=prefix + key, Body=b"no")
        assert_s3_error(error, code, 409)
        error = client_error(
            writer.copy_object,
            Bucket=bucket.name,
            Key=prefix + key,
            CopySource={"Bucket": bucket.name, "Key": prefix + "a/b"},
        )
        assert_s3_error(error, code, 409)
    assert list_keys(writer, bucket.name, prefix) == [prefix + "a/b", prefix + "x/y/z"]
    assert writer.get_object(Bucket=bucket.name, Key=prefix + "a/b")["Body"].read() == b"file"
