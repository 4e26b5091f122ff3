"""The clients nobody here wrote, set up for the gateway: boto3 clients (SigV4, path
style) and aws-cli run as a subprocess from the venv, neither reading anything of the
machine's AWS configuration."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
from botocore import UNSIGNED
from botocore.config import Config
from services import REGION, WRITER_ACCESS_KEY, WRITER_SECRET_KEY, die_with_parent

def client_config(**extra) -> Config:
    return Config(
        signature_version=extra.pop("signature_version", "s3v4"),
        s3={"addressing_style": "path"},
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=10,
        read_timeout=60,
        **extra,
    )


def make_client(
    endpoint: str,
    access_key: str | None,
    secret_key: str | None,
    session_token: str | None = None,
    **extra,
):
    session = boto3.session.Session(
        aws_access_key_id=access_key,
        aws_secret_access_key=secret_key,
        aws_session_token=session_token,
        region_name=REGION,
    )
    if access_key is None:
        extra["signature_version"] = UNSIGNED
    client = session.client("s3", endpoint_url=endpoint, config=client_config(**extra))
    return client


def make_session_client(endpoint: str, credentials: dict, **extra):
    """An S3 client with the `Credentials` of an STS answer."""
    return make_client(
        endpoint,
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        credentials["SessionToken"],
        **extra,
    )


def make_sts_client(endpoint: str, **extra):
    """boto3's STS client pointed at the gateway. No keys: `AssumeRoleWithWebIdentity` is
    an unsigned call, and botocore sends it unsigned whatever the session holds."""
    session = boto3.session.Session(region_name=REGION)
    config = Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=10,
        read_timeout=60,
        **extra,
    )
    return session.client("sts", endpoint_url=endpoint, config=config)


class AwsCli:
    """aws-cli run as a subprocess from the venv, with the writer's keys only."""

    def __init__(self, endpoint: str, home: Path):
        self.endpoint = endpoint
        config = home / "config"
        credentials = home / "credentials"
        config.write_text("")
        credentials.write_text("")
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith("AWS_") and k not in ("PYTHONPATH",)
        }
        self.env.update(
            AWS_ACCESS_KEY_ID=WRITER_ACCESS_KEY,
            AWS_SECRET_ACCESS_KEY=WRITER_SECRET_KEY,
            AWS_DEFAULT_REGION=REGION,
            AWS_CONFIG_FILE=str(config),
            AWS_SHARED_CREDENTIALS_FILE=str(credentials),
            AWS_EC2_METADATA_DISABLED="true",
            AWS_PAGER="",
            AWS_MAX_ATTEMPTS="1",
        )
        self.command = [sys.executable, "-m", "awscli"]
        aws = Path(sys.executable).parent / "aws"
        if aws.is_file():
            self.command = [str(aws)]

    def run(
        self,
        *args: str,
        check: bool = True,
        timeout: float = 120,
        env: dict[str, str] | None = None,
    ) -> subprocess.CompletedProcess:
        """`aws --endpoint-url <gateway> ARGS`; `env` replaces variables of the writer's
        environment (other keys, say)."""
        result = subprocess.run(
            [*self.command, "--endpoint-url", self.endpoint, *args],
            env={**self.env, **(env or {})},
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=die_with_parent,
        )
        if check and result.returncode != 0:
            raise AssertionError(
                f"aws {' '.join(args)} exited {result.returncode}\n"
                f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
            )
        return result
