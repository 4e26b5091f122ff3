"""Workers only: an upload over the Worker's request body limit (`MAX_UPLOAD_BYTES`, set to
the plan's limit) gets S3's `EntityTooLarge`, not the platform's bare 413, and changes
nothing."""

from __future__ import annotations

import pytest
from runtimes import RUNTIME, WORKER_MAX_UPLOAD_BYTES
from support import assert_s3_error, client_error, unchanged

pytestmark = pytest.mark.skipif(
    RUNTIME != "workers", reason="MAX_UPLOAD_BYTES is a setting of the Cloudflare Worker"
)


def test_upload_over_the_limit_is_entity_too_large(writer, bucket, prefix):
    limit = WORKER_MAX_UPLOAD_BYTES
    key = prefix + "over-the-limit"
    upload_id = writer.create_multipart_upload(Bucket=bucket.name, Key=key)["UploadId"]
    try:
        with unchanged(writer, bucket):
            error = client_error(writer.put_object, Bucket=bucket.name, Key=key, Body=b"x" * (limit + 1))
            assert_s3_error(error, "EntityTooLarge", 400)
            error = client_error(
                writer.upload_part,
                Bucket=bucket.name,
                Key=key,
                UploadId=upload_id,
                PartNumber=1,
                Body=b"x" * (limit + 1),
            )
            assert_s3_error(error, "EntityTooLarge", 400)
    finally:
        writer.abort_multipart_upload(Bucket=bucket.name, Key=key, UploadId=upload_id)
    # Up to the limit, uploads go through.
    writer.put_object(Bucket=bucket.name, Key=key, Body=b"x" * limit)
    assert writer.head_object(Bucket=bucket.name, Key=key)["ContentLength"] == limit
