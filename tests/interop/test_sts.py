"""STS `AssumeRoleWithWebIdentity` through boto3's STS client, then S3 through the gateway
with the credentials it answers: the answer's fields, every signature algorithm, session
lengths, `{claim}` templates in role scopes, `allowed_roles`, key rotation at the identity
provider, and session tokens that were tampered with."""

from __future__ import annotations

import base64
import datetime
import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest
from clients import make_client, make_session_client, make_sts_client
from oidc_issuer import CI_SUBJECT
from services import (
    ROLE_CI,
    ROLE_CI_MAX_SECS,
    ROLE_FOLDER,
    ROLE_OUTSIDER,
    ROLE_ROTATING,
    STS_AUDIENCE,
)
from support import (
    ACCOUNT,
    assert_s3_error,
    assume_role,
    client_error,
    flip_base64url,
    list_keys,
    unchanged,
    xml_error,
)

ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "ES256", "ES384"]
MIB = 1024 * 1024


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc)


def jwt_header(token: str) -> dict:
    header = token.split(".")[0]
    return json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))


def assert_denied(call, **kwargs) -> None:
    assert_s3_error(client_error(call, **kwargs), "AccessDenied", 403)


def test_boto3_assume_role_then_s3(gateway, sts, oidc_issuer, writer, bucket, prefix):
    before = now()
    answer = assume_role(sts, oidc_issuer.mint(), ROLE_CI, session="boto3-session")
    after = now()

    credentials = answer["Credentials"]
    assert re.fullmatch(r"ASIA[A-Z2-7]{16}", credentials["AccessKeyId"]), credentials
    assert len(credentials["SecretAccessKey"]) == 40
    assert credentials["SessionToken"]
    # Default session: an hour; boto3 parsed `Expiration` into an aware datetime.
    expiration = credentials["Expiration"]
    assert expiration.tzinfo is not None
    hour = datetime.timedelta(hours=1)
    assert before + hour - datetime.timedelta(seconds=2) <= expiration <= after + hour
    assert answer["SubjectFromWebIdentityToken"] == CI_SUBJECT
    assert answer["Audience"] == STS_AUDIENCE
    assert answer["Provider"] == oidc_issuer.url
    user = answer["AssumedRoleUser"]
    assert user["Arn"] == f"arn:aws:sts::{ACCOUNT}:assumed-role/{ROLE_CI}/boto3-session"
    assert re.fullmatch(r"AROA[A-Z2-7]{17}:boto3-session", user["AssumedRoleId"]), user
    assert answer["ResponseMetadata"]["RequestId"]

    s3 = make_session_client(gateway.endpoint, credentials)
    key = prefix + "from-sts.txt"
    s3.put_object(Bucket=bucket.name, Key=key, Body=b"minted by STS")
    assert bucket.data_file(key).read_bytes() == b"minted by STS"
    assert s3.get_object(Bucket=bucket.name, Key=key)["Body"].read() == b"minted by STS"
    assert s3.head_object(Bucket=bucket.name, Key=key)["ContentLength"] == 13
    assert list_keys(s3, bucket.name, prefix) == [key]
    assert list_keys(writer, bucket.name, prefix) == [key]
    s3.delete_object(Bucket=bucket.name, Key=key)
    assert list_keys(writer, bucket.name, prefix) == []


def test_session_credentials_on_every_plan(gateway, sts, oidc_issuer, writer, bucket, prefix):
    """Presigned URLs (the token in the query), CopyObject, multipart and DeleteObjects
    (bodies the gateway reads) with temporary credentials."""
    credentials = assume_role(sts, oidc_issuer.mint(), ROLE_CI)["Credentials"]
    s3 = make_session_client(gateway.endpoint, credentials)
    key = prefix + "presigned.txt"
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": bucket.name, "Key": key}, ExpiresIn=300
    )
    assert "X-Amz-Security-Token=" in put_url
    request = urllib.request.Request(put_url, data=b"presigned with a session", method="PUT")
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 200
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": bucket.name, "Key": key}, ExpiresIn=300
    )
    with urllib.request.urlopen(get_url, timeout=30) as response:
        assert response.read() == b"presigned with a session"
    # The presigned URL with its token tampered with.
    tampered = re.sub(
        r"X-Amz-Security-Token=([^&]+)",
        lambda m: "X-Amz-Security-Token=" + flip_base64url(urllib.parse.unquote(m[1]), 20),
        get_url,
    )
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(tampered, timeout=30)
    assert refused.value.code == 400
    assert xml_error(refused.value.read())[0] == "InvalidToken"

    source = {"Bucket": bucket.name, "Key": key}
    s3.copy_object(Bucket=bucket.name, Key=prefix + "copy.txt", CopySource=source)
    assert s3.get_object(Bucket=bucket.name, Key=prefix + "copy.txt")["Body"].read() == (
        b"presigned with a session"
    )

    parts = [os.urandom(5 * MIB), b"tail"]
    multipart = prefix + "multipart.bin"
    upload_id = s3.create_multipart_upload(Bucket=bucket.name, Key=multipart)["UploadId"]
    etags = [
        s3.upload_part(
            Bucket=bucket.name, Key=multipart, UploadId=upload_id, PartNumber=n, Body=part
        )["ETag"]
        for n, part in enumerate(parts, start=1)
    ]
    s3.complete_multipart_upload(
        Bucket=bucket.name,
        Key=multipart,
        UploadId=upload_id,
        MultipartUpload={"Parts": [{"PartNumber": n, "ETag": e} for n, e in enumerate(etags, 1)]},
    )
    assert bucket.data_file(multipart).read_bytes() == b"".join(parts)

    deleted = s3.delete_objects(
        Bucket=bucket.name,
        Delete={"Objects": [{"Key": k} for k in (key, prefix + "copy.txt", multipart)]},
    )
    assert sorted(d["Key"] for d in deleted.get("Deleted", [])) == sorted(
        [key, prefix + "copy.txt", multipart]
    ), deleted
    assert list_keys(writer, bucket.name, prefix) == []


def test_sts_at_its_own_path(gateway, oidc_issuer):
    # An STS endpoint URL with a path (`--sts-path`, default `/.sts`) instead of `/`.
    sts_at_path = make_sts_client(gateway.endpoint + "/.sts")
    answer = assume_role(sts_at_path, oidc_issuer.mint(), ROLE_CI, session="at-path")
    assert answer["AssumedRoleUser"]["Arn"].endswith("/at-path")


@pytest.mark.parametrize("algorithm", ALGORITHMS)
def test_each_signature_algorithm(sts, oidc_issuer, algorithm):
    token = oidc_issuer.mint(alg=algorithm)
    assert jwt_header(token)["alg"] == algorithm
    answer = assume_role(sts, token, ROLE_CI, session=f"alg-{algorithm}")
    assert answer["SubjectFromWebIdentityToken"] == CI_SUBJECT


@pytest.mark.parametrize(
    "requested, granted",
    [
        (None, 3600),
        (60, 900),  # below AWS's minimum: botocore refuses to send it unless told not to check
        (900, 900),
        (5000, 5000),
        (43200, ROLE_CI_MAX_SECS),  # above the role's maximum
    ],
)
def test_session_duration_is_clamped(gateway, sts, oidc_issuer, requested, granted):
    client = sts if requested is None or requested >= 900 else (
        make_sts_client(gateway.endpoint, parameter_validation=False)
    )
    extra = {} if requested is None else {"DurationSeconds": requested}
    before = now()
    answer = assume_role(client, oidc_issuer.mint(), ROLE_CI, **extra)
    after = now()
    expiration = answer["Credentials"]["Expiration"]
    length = datetime.timedelta(seconds=granted)
    assert before + length - datetime.timedelta(seconds=2) <= expiration <= after + length


def test_claim_template_confines_session_to_its_folder(
    gateway, sts, oidc_issuer, writer, bucket, prefix
):
    # Role `interop-folder` grants keys under `{folder}/`; this session's folder is the
    # test's prefix.
    folder = prefix.rstrip("/")
    token = oidc_issuer.mint(sub="notebook-user", claims={"folder": folder})
    s3 = make_session_client(gateway.endpoint, assume_role(sts, token, ROLE_FOLDER)["Credentials"])

    key = prefix + "mine.txt"
    s3.put_object(Bucket=bucket.name, Key=key, Body=b"mine")
    assert s3.get_object(Bucket=bucket.name, Key=key)["Body"].read() == b"mine"
    assert list_keys(s3, bucket.name, prefix) == [key]

    # A sibling whose name merely starts like the folder is outside it.
    outside = folder + "-outside.txt"
    writer.put_object(Bucket=bucket.name, Key=outside, Body=b"not yours")
    try:
        with unchanged(writer, bucket):
            assert_denied(s3.get_object, Bucket=bucket.name, Key=outside)
            assert_denied(s3.put_object, Bucket=bucket.name, Key=outside, Body=b"x")
            assert_denied(s3.put_object, Bucket=bucket.name, Key="elsewhere.txt", Body=b"x")
            assert_denied(s3.delete_object, Bucket=bucket.name, Key=outside)
            assert_denied(s3.list_objects_v2, Bucket=bucket.name)
            assert_denied(s3.list_objects_v2, Bucket=bucket.name, Prefix=folder)
    finally:
        writer.delete_object(Bucket=bucket.name, Key=outside)


# Claim values that would widen `{folder}/` if pasted in: each drops the scope instead.
CRAFTED_FOLDERS = ["*", "..", "a/b", "{sub}", ""]


def test_crafted_claims_grant_nothing(gateway, sts, oidc_issuer, writer, bucket, prefix):
    writer.put_object(Bucket=bucket.name, Key=prefix + "seed.txt", Body=b"seed")
    for folder in [*CRAFTED_FOLDERS, None]:
        claims = {} if folder is None else {"folder": folder}
        token = oidc_issuer.mint(sub="notebook-user", claims=claims)
        answer = assume_role(sts, token, ROLE_FOLDER)
        s3 = make_session_client(gateway.endpoint, answer["Credentials"])
        with unchanged(writer, bucket):
            assert_denied(s3.list_objects_v2, Bucket=bucket.name, Prefix=f"{folder}/")
            assert_denied(s3.list_objects_v2, Bucket=bucket.name, Prefix=prefix)
            assert_denied(s3.get_object, Bucket=bucket.name, Key=prefix + "seed.txt")
            assert_denied(s3.put_object, Bucket=bucket.name, Key=prefix + "x", Body=b"x")


def test_role_not_in_allowed_roles(gateway, sts, oidc_issuer, writer, bucket, prefix):
    key = prefix + "private.txt"
    writer.put_object(Bucket=bucket.name, Key=key, Body=b"private")
    answer = assume_role(sts, oidc_issuer.mint(), ROLE_OUTSIDER)
    s3 = make_session_client(gateway.endpoint, answer["Credentials"])
    with unchanged(writer, bucket):
        assert_denied(s3.get_object, Bucket=bucket.name, Key=key)
        # HEAD answers have no body, so no code: the status says it.
        head = client_error(s3.head_object, Bucket=bucket.name, Key=key)
        assert head.response["ResponseMetadata"]["HTTPStatusCode"] == 403
        assert_denied(s3.put_object, Bucket=bucket.name, Key=prefix + "new.txt", Body=b"x")
        assert_denied(s3.delete_object, Bucket=bucket.name, Key=key)
        assert_denied(s3.list_objects_v2, Bucket=bucket.name, Prefix=prefix)
        head = client_error(s3.head_bucket, Bucket=bucket.name)
        assert head.response["ResponseMetadata"]["HTTPStatusCode"] == 403
    # The same credentials work where the role is not excluded (no `allowed_roles`), and
    # ListBuckets shows only those buckets.
    assert list_keys(s3, bucket.public_name, prefix) == []
    listed = {b["Name"] for b in s3.list_buckets()["Buckets"]}
    assert bucket.public_name in listed and bucket.name not in listed, listed
    admitted = make_session_client(
        gateway.endpoint, assume_role(sts, oidc_issuer.mint(), ROLE_CI)["Credentials"]
    )
    assert {bucket.name, bucket.public_name} <= {
        b["Name"] for b in admitted.list_buckets()["Buckets"]
    }


def tampered_tokens(token: str, other_token: str) -> dict[str, str]:
    return {
        "ciphertext bit": flip_base64url(token, len(token) * 3 // 8),
        "tag bit": flip_base64url(token, -1),
        "key id": flip_base64url(token, 1),
        "truncated": token[:-8],
        "another session's token": other_token,
        "garbage": "not-a-session-token",
    }


def test_tampered_session_token(gateway, sts, oidc_issuer, writer, bucket, prefix):
    key = prefix + "existing.txt"
    writer.put_object(Bucket=bucket.name, Key=key, Body=b"original")
    credentials = assume_role(sts, oidc_issuer.mint(), ROLE_CI)["Credentials"]
    other = assume_role(sts, oidc_issuer.mint(), ROLE_CI)["Credentials"]
    for what, bad in tampered_tokens(credentials["SessionToken"], other["SessionToken"]).items():
        s3 = make_client(
            gateway.endpoint, credentials["AccessKeyId"], credentials["SecretAccessKey"], bad
        )
        with unchanged(writer, bucket):
            for call, kwargs in [
                (s3.get_object, {"Key": key}),
                (s3.put_object, {"Key": key, "Body": b"overwritten"}),
                (s3.delete_object, {"Key": key}),
                (s3.list_objects_v2, {"Prefix": prefix}),
            ]:
                error = client_error(call, Bucket=bucket.name, **kwargs)
                assert error.response["Error"]["Code"] == "InvalidToken", (what, error.response)
                assert_s3_error(error, "InvalidToken", 400)
    # The untouched token still works.
    s3 = make_session_client(gateway.endpoint, credentials)
    assert s3.get_object(Bucket=bucket.name, Key=key)["Body"].read() == b"original"


def test_key_rotation_at_the_identity_provider(sts, rotating_issuer):
    # The gateway caches the issuer's keys; a token signed with a key published after that
    # names an unknown `kid`, which makes the gateway refetch the keys once.
    before = rotating_issuer.mint(alg="ES256")
    assume_role(sts, before, ROLE_ROTATING, session="before-rotation")
    new_kid = rotating_issuer.rotate("ES256").strip()
    after = rotating_issuer.mint(alg="ES256")
    assert jwt_header(after)["kid"] == new_kid != jwt_header(before)["kid"]
    answer = assume_role(sts, after, ROLE_ROTATING, session="after-rotation")
    assert answer["Credentials"]["AccessKeyId"].startswith("ASIA")
