"""What the interop tests share: S3 error checks, listings, proof that a refused request
changed nothing, and STS calls."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from botocore.exceptions import ClientError

S3_NS = "{http://s3.amazonaws.com/doc/2006-03-01/}"


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


def quoted_md5(data: bytes) -> str:
    return f'"{md5_hex(data)}"'


def multipart_etag(parts: list[bytes]) -> str:
    digest = hashlib.md5(b"".join(hashlib.md5(p).digest() for p in parts)).hexdigest()
    return f'"{digest}-{len(parts)}"'


def client_error(call, *args, **kwargs) -> ClientError:
    """The ClientError that `call` raises (fails the test if it succeeds)."""
    with pytest.raises(ClientError) as raised:
        call(*args, **kwargs)
    return raised.value


def assert_s3_error(error: ClientError, code: str, status: int) -> None:
    """`error` is the S3 error `code` with HTTP `status`, and carries a request id."""
    response = error.response
    got_code = response.get("Error", {}).get("Code")
    got_status = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
    assert (got_code, got_status) == (code, status), f"expected {code}/{status}, got {response}"
    if status != 304:
        request_id = response.get("ResponseMetadata", {}).get("RequestId") or response.get(
            "Error", {}
        ).get("RequestId")
        assert request_id, f"S3 error without a request id: {response}"


def xml_error(body: bytes) -> tuple[str | None, str | None]:
    """(Code, RequestId) of an S3 XML error document."""
    root = ET.fromstring(body)

    def text(name: str) -> str | None:
        node = root.find(name)
        if node is None:
            node = root.find(S3_NS + name)
        return None if node is None else node.text

    assert root.tag in ("Error", S3_NS + "Error"), body
    return text("Code"), text("RequestId")


def list_keys(client, bucket: str, prefix: str = "") -> list[str]:
    keys = []
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        keys.extend(item["Key"] for item in page.get("Contents", []))
    return keys


def list_objects(client, bucket: str, prefix: str = "") -> dict[str, tuple]:
    """key → (ETag, Size, LastModified), everything the bucket lists under `prefix`."""
    objects = {}
    for page in client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            objects[item["Key"]] = (item.get("ETag"), item["Size"], item["LastModified"])
    return objects


def disk_snapshot(root: Path) -> dict[str, tuple]:
    """Every file and directory under `root`: path → (kind, size, content digest)."""
    snapshot = {}
    for directory, dirs, files in os.walk(root):
        for name in dirs:
            path = Path(directory, name)
            snapshot[str(path.relative_to(root))] = ("dir",)
        for name in files:
            path = Path(directory, name)
            stat = path.stat()
            if stat.st_size <= 1 << 20:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                digest = stat.st_mtime_ns
            snapshot[str(path.relative_to(root))] = ("file", stat.st_size, digest)
    return snapshot


@contextlib.contextmanager
def unchanged(writer, bucket):
    """Asserts that the block changes neither what the writer lists in `bucket` (and its
    public sibling) nor anything in the backend's directory."""
    names = [bucket.name, bucket.public_name]
    before_lists = {name: list_objects(writer, name) for name in names}
    before_disk = {d: disk_snapshot(d) for d in bucket.watch_dirs}
    yield
    after_lists = {name: list_objects(writer, name) for name in names}
    after_disk = {d: disk_snapshot(d) for d in bucket.watch_dirs}
    assert after_lists == before_lists, "a refused request changed what the bucket lists"
    for directory in bucket.watch_dirs:
        before, after = before_disk[directory], after_disk[directory]
        added = sorted(set(after) - set(before))
        removed = sorted(set(before) - set(after))
        changed = sorted(k for k in before.keys() & after.keys() if before[k] != after[k])
        assert (added, removed, changed) == ([], [], []), (
            f"a refused request changed the backend directory {directory}: "
            f"added {added}, removed {removed}, changed {changed}"
        )


@contextlib.contextmanager
def raw_responses(client, event: str = "after-call.s3"):
    """Collects the raw HTTP bodies of the responses `client` receives in the block."""
    bodies: list[bytes] = []

    def keep(http_response=None, **_):
        if http_response is not None:
            bodies.append(http_response.content)

    client.meta.events.register(event, keep)
    try:
        yield bodies
    finally:
        client.meta.events.unregister(event, keep)


# ── STS ─────────────────────────────────────────────────────────────────────────────────

ACCOUNT = "000000000000"


def role_arn(role_id: str) -> str:
    """The ARN AWS clients insist on (they check its shape); the gateway reads the role id
    after `role/`."""
    return f"arn:aws:iam::{ACCOUNT}:role/{role_id}"


def assume_role(sts, token: str, role_id: str, session: str = "interop", **extra) -> dict:
    """boto3's `assume_role_with_web_identity` against the gateway."""
    return sts.assume_role_with_web_identity(
        RoleArn=role_arn(role_id), RoleSessionName=session, WebIdentityToken=token, **extra
    )


def flip_base64url(text: str, byte_index: int) -> str:
    """`text` (base64url, no padding) with one bit of its `byte_index`-th byte flipped;
    negative indices count from the end."""
    raw = bytearray(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    raw[byte_index] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).decode().rstrip("=")
