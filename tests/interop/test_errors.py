"""Bad requests get the right S3 error and change nothing: neither what the bucket lists
(through the writer) nor any file of the backend."""

from __future__ import annotations

import hashlib
import http.client
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from botocore.auth import S3SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.exceptions import ClientError
import socket

from clients import make_client
from services import REGION, WRITER_ACCESS_KEY, WRITER_SECRET_KEY
from support import assert_s3_error, client_error, unchanged, xml_error


def seed(writer, bucket, prefix) -> str:
    key = prefix + "existing.txt"
    writer.put_object(Bucket=bucket.name, Key=key, Body=b"original")
    return key


def assert_original(writer, bucket, key):
    assert writer.get_object(Bucket=bucket.name, Key=key)["Body"].read() == b"original"


def http_error(request: urllib.request.Request | str) -> urllib.error.HTTPError:
    try:
        urllib.request.urlopen(request, timeout=30).close()
    except urllib.error.HTTPError as error:
        error.body = error.read()
        return error
    raise AssertionError(f"{getattr(request, 'full_url', request)} succeeded")


def test_wrong_secret(writer, wrong_secret, bucket, prefix):
    key = seed(writer, bucket, prefix)
    with unchanged(writer, bucket):
        for call, kwargs in [
            (wrong_secret.put_object, {"Key": prefix + "new", "Body": b"x"}),
            (wrong_secret.put_object, {"Key": key, "Body": b"overwritten"}),
            (wrong_secret.delete_object, {"Key": key}),
            (wrong_secret.get_object, {"Key": key}),
            (wrong_secret.list_objects_v2, {}),
            (wrong_secret.create_multipart_upload, {"Key": prefix + "mpu"}),
            (wrong_secret.delete_objects, {"Delete": {"Objects": [{"Key": key}]}}),
        ]:
            error = client_error(call, Bucket=bucket.name, **kwargs)
            assert_s3_error(error, "SignatureDoesNotMatch", 403)
    assert_original(writer, bucket, key)


def test_unknown_access_key(gateway, writer, bucket, prefix):
    stranger = make_client(gateway.endpoint, "INTEROPNOSUCHKEY", WRITER_SECRET_KEY)
    with unchanged(writer, bucket):
        error = client_error(stranger.put_object, Bucket=bucket.name, Key=prefix + "new", Body=b"x")
        assert_s3_error(error, "InvalidAccessKeyId", 403)


def test_read_only_key_cannot_write(writer, reader, bucket, prefix):
    key = seed(writer, bucket, prefix)
    # It may read.
    assert reader.get_object(Bucket=bucket.name, Key=key)["Body"].read() == b"original"
    assert [i["Key"] for i in reader.list_objects_v2(Bucket=bucket.name, Prefix=prefix)["Contents"]] == [key]

    with unchanged(writer, bucket):
        for call, kwargs in [
            (reader.put_object, {"Key": prefix + "new", "Body": b"x"}),
            (reader.put_object, {"Key": key, "Body": b"overwritten"}),
            (reader.delete_object, {"Key": key}),
            (reader.copy_object, {"Key": prefix + "copy", "CopySource": {"Bucket": bucket.name, "Key": key}}),
            (reader.create_multipart_upload, {"Key": prefix + "mpu"}),
        ]:
            error = client_error(call, Bucket=bucket.name, **kwargs)
            assert_s3_error(error, "AccessDenied", 403)

        # DeleteObjects authorizes key by key: S3 answers 200 with an AccessDenied per key
        # (or refuses the whole request).
        try:
            response = reader.delete_objects(Bucket=bucket.name, Delete={"Objects": [{"Key": key}]})
        except ClientError as error:
            assert_s3_error(error, "AccessDenied", 403)
        else:
            assert response.get("Deleted", []) == []
            assert [(e["Key"], e["Code"]) for e in response["Errors"]] == [(key, "AccessDenied")]
    assert_original(writer, bucket, key)


def test_anonymous_cannot_write_public_bucket(writer, anonymous, bucket, prefix):
    key = prefix + "public.txt"
    writer.put_object(Bucket=bucket.public_name, Key=key, Body=b"original")
    try:
        # Anyone may read it.
        assert anonymous.get_object(Bucket=bucket.public_name, Key=key)["Body"].read() == b"original"
        assert [i["Key"] for i in anonymous.list_objects_v2(Bucket=bucket.public_name, Prefix=prefix)["Contents"]] == [key]
        with urllib.request.urlopen(f"{anonymous.meta.endpoint_url}/{bucket.public_name}/{key}", timeout=30) as r:
            assert r.read() == b"original"

        with unchanged(writer, bucket):
            for call, kwargs in [
                (anonymous.put_object, {"Key": prefix + "new", "Body": b"x"}),
                (anonymous.put_object, {"Key": key, "Body": b"overwritten"}),
                (anonymous.delete_object, {"Key": key}),
                (anonymous.create_multipart_upload, {"Key": prefix + "mpu"}),
                (anonymous.copy_object, {"Key": prefix + "copy", "CopySource": {"Bucket": bucket.public_name, "Key": key}}),
            ]:
                error = client_error(call, Bucket=bucket.public_name, **kwargs)
                assert_s3_error(error, "AccessDenied", 403)
            # And the private bucket is closed to anonymous callers altogether.
            for call, kwargs in [
                (anonymous.get_object, {"Key": key}),
                (anonymous.list_objects_v2, {}),
                (anonymous.put_object, {"Key": prefix + "new", "Body": b"x"}),
            ]:
                error = client_error(call, Bucket=bucket.name, **kwargs)
                assert_s3_error(error, "AccessDenied", 403)
        assert writer.get_object(Bucket=bucket.public_name, Key=key)["Body"].read() == b"original"
    finally:
        writer.delete_object(Bucket=bucket.public_name, Key=key)


def test_expired_presigned_urls(writer, bucket, prefix):
    key = seed(writer, bucket, prefix)
    get_url = writer.generate_presigned_url("get_object", Params={"Bucket": bucket.name, "Key": key}, ExpiresIn=1)
    put_url = writer.generate_presigned_url("put_object", Params={"Bucket": bucket.name, "Key": key}, ExpiresIn=1)
    new_url = writer.generate_presigned_url(
        "put_object", Params={"Bucket": bucket.name, "Key": prefix + "new"}, ExpiresIn=1
    )
    delete_url = writer.generate_presigned_url(
        "delete_object", Params={"Bucket": bucket.name, "Key": key}, ExpiresIn=1
    )
    time.sleep(2.2)
    with unchanged(writer, bucket):
        for request in [
            urllib.request.Request(get_url),
            urllib.request.Request(put_url, data=b"overwritten", method="PUT"),
            urllib.request.Request(new_url, data=b"x", method="PUT"),
            urllib.request.Request(delete_url, method="DELETE"),
        ]:
            error = http_error(request)
            assert error.code == 403, (request.get_method(), error.body)
            code, request_id = xml_error(error.body)
            assert code == "AccessDenied", (request.get_method(), error.body)
            assert request_id, error.body
    assert_original(writer, bucket, key)


def test_tampered_presigned_urls(writer, bucket, prefix):
    key = seed(writer, bucket, prefix)
    put_url = writer.generate_presigned_url("put_object", Params={"Bucket": bucket.name, "Key": key}, ExpiresIn=300)
    # The same signature for another key.
    other_key = put_url.replace("existing.txt", "other.txt", 1)
    # A changed signature.
    parts = urllib.parse.urlsplit(put_url)
    query = urllib.parse.parse_qs(parts.query)
    signature = query["X-Amz-Signature"][0]
    flipped = put_url.replace(signature, ("0" if signature[0] != "0" else "1") + signature[1:])
    with unchanged(writer, bucket):
        for url in (other_key, flipped):
            error = http_error(urllib.request.Request(url, data=b"overwritten", method="PUT"))
            assert error.code == 403, error.body
            assert xml_error(error.body)[0] == "SignatureDoesNotMatch", error.body
    assert_original(writer, bucket, key)


def raw_request(endpoint: str, method: str, path: str, body: bytes = b"", headers=None):
    """Sends `path` exactly as given (no normalization) and returns (status, body)."""
    host = urllib.parse.urlsplit(endpoint).netloc
    connection = http.client.HTTPConnection(host, timeout=30)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        headers = dict(headers or {})
        headers.setdefault("Host", host)
        headers["Content-Length"] = str(len(body))
        for name, value in headers.items():
            connection.putheader(name, value)
        connection.endheaders(body)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def signed_headers(endpoint: str, method: str, path: str, body: bytes) -> dict[str, str]:
    """SigV4 headers for `path` as it is (botocore's S3 signer does not normalize it)."""
    request = AWSRequest(
        method=method,
        url=endpoint + path,
        data=body,
        headers={"x-amz-content-sha256": hashlib.sha256(body).hexdigest()},
    )
    S3SigV4Auth(Credentials(WRITER_ACCESS_KEY, WRITER_SECRET_KEY), "s3", REGION).add_auth(request)
    return dict(request.headers.items())


def test_dot_dot_path_is_refused(gateway, writer, bucket, prefix):
    key = seed(writer, bucket, prefix)
    path = f"/{bucket.name}/a/../b"
    dotted_key_path = f"/{bucket.name}/{prefix}x/../existing.txt"
    # The signing helper is right: the same kind of request on a plain path succeeds.
    control = f"/{bucket.name}/{prefix}control"
    status, body = raw_request(
        gateway.endpoint, "PUT", control, b"ok", signed_headers(gateway.endpoint, "PUT", control, b"ok")
    )
    assert status == 200, body
    with unchanged(writer, bucket):
        status, body = raw_request(gateway.endpoint, "GET", path)
        assert (status, xml_error(body)[0]) == (400, "InvalidArgument"), body
        assert xml_error(body)[1], body

        for target in (path, dotted_key_path):
            payload = b"through the dots"
            headers = signed_headers(gateway.endpoint, "PUT", target, payload)
            status, body = raw_request(gateway.endpoint, "PUT", target, payload, headers)
            assert (status, xml_error(body)[0]) == (400, "InvalidArgument"), (target, body)

            headers = signed_headers(gateway.endpoint, "DELETE", target, b"")
            status, body = raw_request(gateway.endpoint, "DELETE", target, b"", headers)
            assert (status, xml_error(body)[0]) == (400, "InvalidArgument"), (target, body)
    assert_original(writer, bucket, key)


def test_refused_upload_leaves_connection_usable(gateway, writer, bucket, prefix):
    """boto3 sends PutObject with `Expect: 100-continue` and, given a final answer instead of
    `100 Continue`, does not send the body and reuses the connection (as S3 allows). So the
    gateway must either announce `Connection: close` with the refusal or serve the next
    request on that connection as it is."""
    host, port = urllib.parse.urlsplit(gateway.endpoint).netloc.split(":")
    with unchanged(writer, bucket):
        for _ in range(3):
            with socket.create_connection((host, int(port)), timeout=10) as sock:
                sock.sendall(
                    f"PUT /{bucket.name}/{prefix}refused HTTP/1.1\r\nHost: {host}:{port}\r\n"
                    "Expect: 100-continue\r\nContent-Length: 11\r\n\r\n".encode()
                )
                refused = http.client.HTTPResponse(sock)
                refused.begin()
                body = refused.read()
                assert refused.status == 403, body
                assert xml_error(body)[0] == "AccessDenied", body
                if (refused.getheader("Connection") or "").lower() == "close":
                    continue
                # Kept open: the next request must be read as it is.
                sock.sendall(f"GET /healthz HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
                following = http.client.HTTPResponse(sock)
                try:
                    following.begin()
                except (http.client.HTTPException, OSError) as error:
                    raise AssertionError(
                        "the gateway closed the connection after a refusal it sent without "
                        f"`Connection: close`: {error!r}"
                    ) from error
                assert (following.status, following.read()) == (200, b"ok\n")
