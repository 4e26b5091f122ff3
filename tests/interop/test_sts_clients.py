"""Stock AWS tooling trading an OIDC token for keys at the gateway and using them at once:
aws-cli's `sts assume-role-with-web-identity` then `aws s3`, and boto3's built-in
web-identity credential provider (`AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, the STS
endpoint override), run in a process of its own whose environment holds nothing else."""

from __future__ import annotations

import datetime
import json
import os
import subprocess
import sys
import textwrap

import pytest
from oidc_issuer import CI_SUBJECT
from services import REGION, ROLE_CI, STS_AUDIENCE, die_with_parent
from support import list_keys, role_arn


def test_aws_cli_assume_role_then_s3(aws, oidc_issuer, writer, bucket, prefix, tmp_path):
    shown = aws.run(
        "sts", "assume-role-with-web-identity",
        "--role-arn", role_arn(ROLE_CI),
        "--role-session-name", "aws-cli",
        "--web-identity-token", oidc_issuer.mint(),
        "--duration-seconds", "900",
        "--output", "json",
    )
    answer = json.loads(shown.stdout)
    credentials = answer["Credentials"]
    assert answer["SubjectFromWebIdentityToken"] == CI_SUBJECT
    assert answer["Audience"] == STS_AUDIENCE
    assert answer["Provider"] == oidc_issuer.url
    assert answer["AssumedRoleUser"]["Arn"].endswith(f":assumed-role/{ROLE_CI}/aws-cli")
    expiration = datetime.datetime.fromisoformat(credentials["Expiration"])
    left = expiration - datetime.datetime.now(datetime.timezone.utc)
    assert datetime.timedelta(seconds=800) < left <= datetime.timedelta(seconds=900)

    session = {
        "AWS_ACCESS_KEY_ID": credentials["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": credentials["SecretAccessKey"],
        "AWS_SESSION_TOKEN": credentials["SessionToken"],
    }
    source = tmp_path / "report.csv"
    source.write_bytes(b"id,value\n1,42\n")
    key = prefix + "report.csv"
    aws.run("s3", "cp", str(source), f"s3://{bucket.name}/{key}", "--only-show-errors", env=session)
    listing = aws.run("s3", "ls", f"s3://{bucket.name}/{prefix}", env=session).stdout
    assert listing.split()[-2:] == ["14", "report.csv"], listing
    assert bucket.data_file(key).read_bytes() == source.read_bytes()
    assert list_keys(writer, bucket.name, prefix) == [key]
    aws.run("s3", "rm", f"s3://{bucket.name}/{key}", "--only-show-errors", env=session)
    assert list_keys(writer, bucket.name, prefix) == []


# Run by a fresh interpreter: a default boto3 session must find the web identity on its own.
PROVIDER_SCRIPT = textwrap.dedent("""\
    import json, sys
    import boto3
    from botocore.config import Config

    endpoint, bucket, key = sys.argv[1:]
    session = boto3.session.Session()
    credentials = session.get_credentials()
    s3 = session.client(
        "s3",
        endpoint_url=endpoint,
        config=Config(s3={"addressing_style": "path"}, retries={"total_max_attempts": 1}),
    )
    s3.put_object(Bucket=bucket, Key=key, Body=b"via the web identity provider")
    body = s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode()
    listed = [o["Key"] for o in s3.list_objects_v2(Bucket=bucket, Prefix=key).get("Contents", [])]
    s3.delete_object(Bucket=bucket, Key=key)
    frozen = credentials.get_frozen_credentials()
    print(json.dumps({
        "method": credentials.method,
        "access_key": frozen.access_key,
        "has_session_token": bool(frozen.token),
        "body": body,
        "listed": listed,
    }))
    """)


@pytest.mark.parametrize("endpoint_from", ["environment", "config file"])
def test_boto3_web_identity_provider(
    gateway, oidc_issuer, writer, bucket, prefix, tmp_path, endpoint_from
):
    token_file = tmp_path / "token"
    token_file.write_text(oidc_issuer.mint() + "\n")  # as `echo` writes it
    config = tmp_path / "config"
    credentials = tmp_path / "credentials"
    credentials.write_text("")
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "AWS_CONFIG_FILE": str(config),
        "AWS_SHARED_CREDENTIALS_FILE": str(credentials),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_MAX_ATTEMPTS": "1",
    }
    if endpoint_from == "environment":
        config.write_text("")
        env.update(
            AWS_DEFAULT_REGION=REGION,
            AWS_WEB_IDENTITY_TOKEN_FILE=str(token_file),
            AWS_ROLE_ARN=role_arn(ROLE_CI),
            AWS_ROLE_SESSION_NAME="web-identity-env",
            AWS_ENDPOINT_URL_STS=gateway.endpoint,
        )
    else:
        config.write_text(textwrap.dedent(f"""\
            [default]
            region = {REGION}
            role_arn = {role_arn(ROLE_CI)}
            role_session_name = web-identity-config
            web_identity_token_file = {token_file}
            services = multistore

            [services multistore]
            sts =
              endpoint_url = {gateway.endpoint}
            """))
    key = prefix + "provider.txt"
    result = subprocess.run(
        [sys.executable, "-c", PROVIDER_SCRIPT, gateway.endpoint, bucket.name, key],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=die_with_parent,
    )
    assert result.returncode == 0, f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
    report = json.loads(result.stdout)
    assert report["method"] == "assume-role-with-web-identity"
    assert report["access_key"].startswith("ASIA")
    assert report["has_session_token"]
    assert report["body"] == "via the web identity provider"
    assert report["listed"] == [key]
    assert list_keys(writer, bucket.name, prefix) == []
