"""What an object carries besides its bytes comes back as S3 returns it: `Content-Encoding`
exactly as sent."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize("encoding", ["gzip, br", "gzip,br", "br"])
def test_content_encoding_comes_back_as_sent(writer, bucket, prefix, encoding):
    key = prefix + "encoded"
    writer.put_object(Bucket=bucket.name, Key=key, Body=b"compressed", ContentEncoding=encoding)
    assert writer.head_object(Bucket=bucket.name, Key=key)["ContentEncoding"] == encoding
    assert writer.get_object(Bucket=bucket.name, Key=key)["ContentEncoding"] == encoding
