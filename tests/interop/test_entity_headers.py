"""What an object carries besides its bytes comes back as S3 returns it: `Content-Encoding`
exactly as sent, and user metadata that is not US-ASCII as RFC 2047 encoded-words.

AWS, "Working with object metadata": metadata values that are not US-ASCII are decoded per
RFC 2047 when they are stored and encoded per RFC 2047 when they are returned. botocore
refuses non-ASCII metadata before sending (`validate_ascii_metadata` in
`botocore/handlers.py`), so boto3 users send encoded-words; curl and other raw clients may
send UTF-8 bytes."""

from __future__ import annotations

import base64
import email.header
import hashlib
import http.client
import urllib.parse

import pytest
from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ParamValidationError
from services import REGION, WRITER_ACCESS_KEY, WRITER_SECRET_KEY

TEXT = "café ☕ 日本語"
ENCODED = "=?UTF-8?B?" + base64.b64encode(TEXT.encode()).decode() + "?="


def rfc2047_decoded(value: str) -> str:
    """A header value as a mail reader decodes it (Python's `email.header`)."""
    return str(email.header.make_header(email.header.decode_header(value)))


def assert_content_encoding_round_trips(writer, bucket, key, encoding):
    writer.put_object(Bucket=bucket.name, Key=key, Body=b"compressed", ContentEncoding=encoding)
    assert writer.head_object(Bucket=bucket.name, Key=key)["ContentEncoding"] == encoding
    assert writer.get_object(Bucket=bucket.name, Key=key)["ContentEncoding"] == encoding


@pytest.mark.parametrize("encoding", ["gzip, br", "gzip,br", "x-custom"])
def test_content_encoding_comes_back_as_sent(writer, bucket, prefix, encoding):
    assert_content_encoding_round_trips(writer, bucket, prefix + "encoded", encoding)


@pytest.mark.parametrize("encoding", ["gzip", "br"])
def test_compression_coding_comes_back_as_sent(writer, bucket, prefix, encoding):
    assert_content_encoding_round_trips(writer, bucket, prefix + "compressed", encoding)


def test_boto3_refuses_non_ascii_metadata_before_sending(writer, bucket, prefix):
    with pytest.raises(ParamValidationError):
        writer.put_object(Bucket=bucket.name, Key=prefix + "never", Body=b"x", Metadata={"note": TEXT})


def test_encoded_word_metadata_round_trips(writer, bucket, prefix):
    key = prefix + "unicode-meta"
    metadata = {"note": ENCODED, "plain": "ascii stays"}
    writer.put_object(Bucket=bucket.name, Key=key, Body=b"x", Metadata=metadata)
    for response in (
        writer.head_object(Bucket=bucket.name, Key=key),
        writer.get_object(Bucket=bucket.name, Key=key),
    ):
        assert response["Metadata"] == metadata
        assert rfc2047_decoded(response["Metadata"]["note"]) == TEXT
    # A copy keeps the stored (decoded) value and returns it encoded again.
    writer.copy_object(Bucket=bucket.name, Key=key + ".copy", CopySource={"Bucket": bucket.name, "Key": key})
    assert writer.head_object(Bucket=bucket.name, Key=key + ".copy")["Metadata"] == metadata


def test_raw_utf8_metadata_comes_back_as_encoded_words(gateway, writer, bucket, prefix):
    key = prefix + "raw-utf8-meta"
    path = f"/{bucket.name}/{urllib.parse.quote(key)}"
    body = b"x"
    request = AWSRequest(
        method="PUT",
        url=gateway.endpoint + path,
        data=body,
        headers={"x-amz-content-sha256": hashlib.sha256(body).hexdigest(), "x-amz-meta-note": TEXT},
    )
    S3SigV4Auth(Credentials(WRITER_ACCESS_KEY, WRITER_SECRET_KEY), "s3", REGION).add_auth(request)
    host = urllib.parse.urlsplit(gateway.endpoint).netloc
    connection = http.client.HTTPConnection(host, timeout=30)
    try:
        connection.putrequest("PUT", path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", host)
        for name, value in request.headers.items():
            # The value as UTF-8 bytes, as curl sends it (http.client would send Latin-1).
            connection.putheader(name, value.encode() if isinstance(value, str) else value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        assert response.status == 200, response.read()
    finally:
        connection.close()
    note = writer.head_object(Bucket=bucket.name, Key=key)["Metadata"]["note"]
    assert note == ENCODED
    assert rfc2047_decoded(note) == TEXT
