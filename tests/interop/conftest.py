"""Fixtures of the interop suite: a real S3 server (s3s-fs) and the gateway in front of it,
both started on loopback for the session and stopped at its end, and the clients nobody
here wrote (boto3, aws-cli) pointed at the gateway.

Every test that takes the `bucket` fixture runs twice: against the virtual bucket `s3`
(the s3s-fs server, behind a `backend_prefix`) and against `local` (a directory); against
`s3` only when the gateway is the Cloudflare Worker (`runtimes.py`).

The gateway serves STS too (`SESSION_TOKEN_KEY` set): its roles trust test OIDC issuers
(`multistore-test-oidc`, HTTPS with a CA of the run that the gateway trusts through
`SSL_CERT_FILE`), started with it.

The binaries come from `MULTISTORE_SERVER_BIN`, `MULTISTORE_TEST_S3_BIN` and
`MULTISTORE_TEST_OIDC_BIN`, else from `target/debug/` of this checkout (`scripts/interop`
builds them).
"""

from __future__ import annotations

import base64
import dataclasses
import os
import shutil
import signal
import sys
import uuid
from pathlib import Path

import pytest
from botocore.exceptions import ClientError
from clients import AwsCli, make_client, make_sts_client
from oidc_issuer import OidcIssuer
from rig_limits import Rig, probe_rig_limits
from runtimes import BUCKET_KINDS, RUNTIME, skip_inapplicable
from services import (
    BACKEND_ACCESS_KEY,
    BACKEND_BUCKET,
    BACKEND_SECRET_KEY,
    READER_ACCESS_KEY,
    READER_SECRET_KEY,
    S3_BACKEND_PREFIX,
    START_TIMEOUT_SECS,
    TEST_OIDC_BIN,
    TEST_S3_BIN,
    SERVER_BIN,
    WRITER_ACCESS_KEY,
    WRITER_SECRET_KEY,
    Gateway,
    S3Backend,
    Service,
    StsIssuers,
    free_port,
    gateway_config,
    require_binary,
    wait_healthy,
    wait_listening,
)


def _stop_on_sigterm(signum, frame):
    # Turn SIGTERM (a CI timeout, `kill`) into an interruption pytest tears down after, so
    # the fixtures' finalizers stop the servers.
    raise KeyboardInterrupt(f"signal {signum}")


signal.signal(signal.SIGTERM, _stop_on_sigterm)


def pytest_report_header(config):
    return f"gateway runtime: {RUNTIME} (buckets: {', '.join(BUCKET_KINDS)})"


def pytest_collection_modifyitems(config, items):
    skip_inapplicable(items)


@dataclasses.dataclass(frozen=True)
class Bucket:
    """A virtual bucket of the gateway, and where its objects land on disk."""

    name: str
    public_name: str  # the anonymous-read bucket on the same kind of backend
    data_dir: Path  # where the bucket's keys live (its backend prefix included)
    watch_dirs: tuple[Path, ...]  # all the backends keep: compared before and after bad requests
    backend_kind: str

    def data_file(self, key: str) -> Path:
        return self.data_dir / key


@pytest.fixture(scope="session")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("interop")


@pytest.fixture(scope="session")
def s3_backend(workdir):
    root = workdir / "s3s-root"
    (root / BACKEND_BUCKET).mkdir(parents=True)
    service = Service(
        "multistore-test-s3",
        [
            require_binary(TEST_S3_BIN),
            "--root", str(root),
            "--port", "0",
            "--access-key", BACKEND_ACCESS_KEY,
            "--secret-key", BACKEND_SECRET_KEY,
        ],
        workdir / "s3s.log",
    )
    try:
        endpoint = wait_listening(service, START_TIMEOUT_SECS)
        yield S3Backend(endpoint=endpoint, root=root)
    finally:
        service.stop()


def _issuer(workdir, name: str, **options):
    issuer = OidcIssuer(TEST_OIDC_BIN, workdir, name, **options)
    try:
        yield issuer
    finally:
        issuer.stop()


@pytest.fixture(scope="session")
def oidc_issuer(workdir):
    """The issuer the roles `interop-ci`, `interop-folder` and `interop-outsider` trust."""
    yield from _issuer(workdir, "oidc-main")


@pytest.fixture(scope="session")
def rotating_issuer(workdir):
    """The issuer of role `interop-rotating` only, so that rotating its keys (and the
    gateway's rate-limited refetch) touches no other test."""
    yield from _issuer(workdir, "oidc-rotating")


@pytest.fixture(scope="session")
def plain_http_issuer(workdir):
    """An issuer over plain HTTP (role `interop-plain-http`): the gateway, started without
    `--insecure-allow-http-oidc-issuers`, must not fetch its keys."""
    yield from _issuer(workdir, "oidc-plain-http", plain_http=True)


@pytest.fixture(scope="session")
def gateway(workdir, s3_backend, oidc_issuer, rotating_issuer, plain_http_issuer):
    local_root = workdir / "local-root"
    public_root = workdir / "public-root"
    local_root.mkdir()
    public_root.mkdir()
    config = workdir / "multistore.toml"
    issuers = StsIssuers(
        main=oidc_issuer.url, rotating=rotating_issuer.url, plain_http=plain_http_issuer.url
    )
    config.write_text(gateway_config(s3_backend, local_root, public_root, issuers))
    env = dict(os.environ)
    env.setdefault("RUST_LOG", "info")
    # STS on, with a key of this run; both HTTPS issuers share no CA, so the gateway trusts
    # a bundle of the two.
    env["SESSION_TOKEN_KEY"] = base64.b64encode(os.urandom(32)).decode()
    ca_bundle = workdir / "oidc-ca-bundle.pem"
    ca_bundle.write_bytes(oidc_issuer.ca_pem.read_bytes() + rotating_issuer.ca_pem.read_bytes())
    env["SSL_CERT_FILE"] = str(ca_bundle)
    binary = require_binary(SERVER_BIN)
    service = None
    try:
        # The port is free when probed; another process may take it before the gateway
        # binds, so try a few.
        for attempt in range(5):
            port = free_port()
            endpoint = f"http://127.0.0.1:{port}"
            service = Service(
                "multistore-server",
                [binary, "--config", str(config), "--listen", f"127.0.0.1:{port}"],
                workdir / f"gateway-{attempt}.log",
                env=env,
            )
            if wait_healthy(service, endpoint):
                break
            if "cannot listen" not in service.output():
                service.fail("exited before it was ready")
            service.stop()
            service = None
        else:
            raise RuntimeError("could not find a free port for the gateway")
        yield Gateway(endpoint=endpoint, config=config, service=service, issuers=issuers)
    finally:
        if service is not None:
            service.stop()


@pytest.fixture(params=BUCKET_KINDS)
def bucket(request, s3_backend, gateway, workdir) -> Bucket:
    if request.param == "s3":
        return Bucket(
            name="s3",
            public_name="s3-public",
            data_dir=s3_backend.bucket_dir / S3_BACKEND_PREFIX,
            watch_dirs=(s3_backend.root,),
            backend_kind="s3",
        )
    return Bucket(
        name="local",
        public_name="local-public",
        data_dir=workdir / "local-root",
        watch_dirs=(workdir / "local-root", workdir / "public-root"),
        backend_kind="local",
    )


# ── clients ─────────────────────────────────────────────────────────────────────────────


@pytest.fixture(scope="session", autouse=True)
def isolated_aws_environment(tmp_path_factory):
    """Nothing from the machine's AWS configuration reaches boto3 or aws-cli."""
    home = tmp_path_factory.mktemp("aws-home")
    config = home / "config"
    credentials = home / "credentials"
    config.write_text("")
    credentials.write_text("")
    saved = {k: v for k, v in os.environ.items() if k.startswith("AWS_")}
    for name in saved:
        del os.environ[name]
    os.environ["AWS_CONFIG_FILE"] = str(config)
    os.environ["AWS_SHARED_CREDENTIALS_FILE"] = str(credentials)
    os.environ["AWS_EC2_METADATA_DISABLED"] = "true"
    yield
    for name in [k for k in os.environ if k.startswith("AWS_")]:
        del os.environ[name]
    os.environ.update(saved)


@pytest.fixture(scope="session")
def writer(gateway):
    return make_client(gateway.endpoint, WRITER_ACCESS_KEY, WRITER_SECRET_KEY)


@pytest.fixture(scope="session")
def reader(gateway):
    return make_client(gateway.endpoint, READER_ACCESS_KEY, READER_SECRET_KEY)


@pytest.fixture(scope="session")
def anonymous(gateway):
    return make_client(gateway.endpoint, None, None)


@pytest.fixture(scope="session")
def wrong_secret(gateway):
    return make_client(gateway.endpoint, WRITER_ACCESS_KEY, "not-the-secret")


@pytest.fixture(scope="session")
def sts(gateway):
    """boto3's STS client, pointed at the gateway."""
    return make_sts_client(gateway.endpoint)


@pytest.fixture
def prefix(request):
    """A key prefix of this test's own, so tests never see each other's objects. What a
    test leaves under it in its bucket (and that bucket's public sibling) is deleted
    afterwards, even when the test failed half-way."""
    prefix = f"t-{uuid.uuid4().hex[:12]}/"
    yield prefix
    if "bucket" in request.fixturenames:
        bucket = request.getfixturevalue("bucket")
        writer = request.getfixturevalue("writer")
        for name in (bucket.name, bucket.public_name):
            remove_prefix(writer, bucket, name, prefix)


def remove_prefix(writer, bucket: Bucket, name: str, prefix: str) -> None:
    keys = set()
    try:
        for page in writer.get_paginator("list_objects_v2").paginate(Bucket=name, Prefix=prefix):
            keys.update(item["Key"] for item in page.get("Contents", []))
    except ClientError:
        pass  # e.g. s3s-fs keys the gateway cannot list (S3S_LIST_NOT_ENCODED)
    # s3s-fs keeps each key as a file under its own name: find the ones listing missed.
    folder = bucket.data_dir / prefix
    if name == bucket.name and bucket.backend_kind == "s3" and folder.is_dir():
        keys.update(
            prefix + str(path.relative_to(folder)) for path in folder.rglob("*") if path.is_file()
        )
    for key in keys:
        try:
            writer.delete_object(Bucket=name, Key=key)
        except ClientError:
            pass


@pytest.fixture(scope="session")
def aws(gateway, tmp_path_factory) -> AwsCli:
    if shutil.which("aws", path=str(Path(sys.executable).parent)) is None:
        pytest.fail("aws-cli is not installed next to this python (pip install awscli)")
    return AwsCli(gateway.endpoint, tmp_path_factory.mktemp("aws-cli-home"))


# ── the test S3 server's limits ─────────────────────────────────────────────────────────


@pytest.fixture(scope="session")
def direct(s3_backend):
    """A boto3 client straight to the test S3 server (not through the gateway)."""
    return make_client(s3_backend.endpoint, BACKEND_ACCESS_KEY, BACKEND_SECRET_KEY)


RIG_LIMITS_FOUND: set[str] = set()


@pytest.fixture(scope="session")
def rig_limits(direct) -> frozenset[str]:
    """Which limits (see `rig_limits.py`) the test S3 server has."""
    limits = probe_rig_limits(direct)
    RIG_LIMITS_FOUND.update(limits)
    return limits


def pytest_terminal_summary(terminalreporter):
    if RIG_LIMITS_FOUND:
        terminalreporter.section("limits of the test S3 server (its `s3` cases are strict xfails)")
        for limit in sorted(RIG_LIMITS_FOUND):
            terminalreporter.write_line(f"- {limit}")


@pytest.fixture
def rig(request, bucket, rig_limits):
    """`rig.lacks(LIMIT)`: whether the running case's backend has LIMIT; `rig.xfail(LIMIT)`
    makes the case a strict xfail when it does."""
    return Rig(request, bucket, rig_limits)
