"""The processes the interop suite runs: the test S3 server (s3s-fs, `multistore-test-s3`),
test OIDC issuers (`multistore-test-oidc`) and the gateway (`multistore-server`), each on a
loopback port, with its output in a log file, and killed with the test process whatever
happens to it."""

from __future__ import annotations

import ctypes
import dataclasses
import os
import signal
import socket
import subprocess
import textwrap
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BIN_DIR = REPO / "target" / "debug"
SERVER_BIN = Path(os.environ.get("MULTISTORE_SERVER_BIN", BIN_DIR / "multistore-server"))
TEST_S3_BIN = Path(os.environ.get("MULTISTORE_TEST_S3_BIN", BIN_DIR / "multistore-test-s3"))
TEST_OIDC_BIN = Path(os.environ.get("MULTISTORE_TEST_OIDC_BIN", BIN_DIR / "multistore-test-oidc"))

REGION = "us-east-1"
# The key pair the gateway signs with towards s3s-fs, which accepts only this one.
BACKEND_ACCESS_KEY = "INTEROPBACKENDKEY"
BACKEND_SECRET_KEY = "interop-backend-secret"
BACKEND_BUCKET = "backend"
# The backend folder of the virtual bucket `s3`: clients must never see it.
S3_BACKEND_PREFIX = "tenant/v1"
PUBLIC_BACKEND_PREFIX = "public-area"

WRITER_ACCESS_KEY = "INTEROPWRITERKEY"
WRITER_SECRET_KEY = "interop-writer-secret"
READER_ACCESS_KEY = "INTEROPREADERKEY"
READER_SECRET_KEY = "interop-reader-secret"

ALL_ACTIONS = [
    "get_object",
    "get_object_version",
    "put_object",
    "delete_object",
    "delete_object_version",
    "list_bucket",
    "list_bucket_versions",
    "list_bucket_multipart_uploads",
    "list_multipart_upload_parts",
    "abort_multipart_upload",
    "get_object_tagging",
    "put_object_tagging",
]
READ_ACTIONS = [
    "get_object",
    "get_object_version",
    "list_bucket",
    "list_bucket_versions",
    "list_bucket_multipart_uploads",
    "list_multipart_upload_parts",
    "get_object_tagging",
]

# The roles of the gateway's STS (`[[roles]]`), all trusting test issuers started by the suite.
# `interop-ci`: the main issuer, audience `multistore-interop`, subjects `repo:example/*`,
#   sessions up to ROLE_CI_MAX_SECS, every action on every bucket.
ROLE_CI = "interop-ci"
ROLE_CI_MAX_SECS = 7200
# `interop-folder`: the main issuer, any subject; only keys under `{folder}/`, the token's
#   `folder` claim.
ROLE_FOLDER = "interop-folder"
# `interop-outsider`: like `interop-ci` but absent from `allowed_roles` of `s3` and `local`.
ROLE_OUTSIDER = "interop-outsider"
# `interop-rotating`: an issuer of its own, whose keys the tests rotate.
ROLE_ROTATING = "interop-rotating"
# `interop-plain-http`: an issuer served over plain HTTP (the gateway must refuse its keys).
ROLE_PLAIN_HTTP = "interop-plain-http"
STS_AUDIENCE = "multistore-interop"
STS_SUBJECT_CONDITION = "repo:example/*"

START_TIMEOUT_SECS = 30
STOP_TIMEOUT_SECS = 10


# ── processes ─────────────────────────────────────────────────────────────────────────


def die_with_parent() -> None:
    """In the child, before exec: get SIGKILL when the test process dies, even by SIGKILL
    (Linux `PR_SET_PDEATHSIG`), so no server outlives an interrupted run."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


class Service:
    """A child process whose output goes to a log file; killed (with its process group)
    by `stop`, and by the kernel if the test process dies first."""

    def __init__(self, name: str, args: list[str], log: Path, env: dict[str, str] | None = None):
        self.name = name
        self.log = log
        self._log_file = open(log, "wb")
        self.process = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
            env=env,
            start_new_session=True,
            preexec_fn=die_with_parent,
        )

    def alive(self) -> bool:
        return self.process.poll() is None

    def output(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""

    def fail(self, why: str) -> None:
        tail = "\n".join(self.output().splitlines()[-40:])
        self.stop()
        raise RuntimeError(f"{self.name}: {why}\n--- last lines of {self.log} ---\n{tail}")

    def stop(self) -> None:
        if self.alive():
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            try:
                self.process.wait(timeout=STOP_TIMEOUT_SECS)
            except subprocess.TimeoutExpired:
                try:
                    os.killpg(self.process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                self.process.wait(timeout=STOP_TIMEOUT_SECS)
        self._log_file.close()


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_binary(path: Path) -> str:
    if not path.is_file():
        pytest.exit(
            f"{path} is missing: build it with "
            "`cargo build -p multistore-server -p multistore-testkit` (scripts/interop does)",
            returncode=2,
        )
    return str(path)


def wait_listening(service: Service, timeout: float) -> str:
    """The address a service prints as `listening on <address>` once it is ready."""
    deadline = time.monotonic() + timeout
    while True:
        for line in service.output().splitlines():
            if line.startswith("listening on "):
                return line.removeprefix("listening on ").strip()
        if not service.alive():
            service.fail("exited before it was ready")
        if time.monotonic() > deadline:
            service.fail("did not print `listening on` in time")
        time.sleep(0.05)


def toml_string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


# ── the two servers ─────────────────────────────────────────────────────────────────────


@dataclasses.dataclass
class S3Backend:
    endpoint: str
    root: Path  # s3s-fs serves each sub-directory as a bucket

    @property
    def bucket_dir(self) -> Path:
        return self.root / BACKEND_BUCKET


@dataclasses.dataclass(frozen=True)
class StsIssuers:
    """The issuer URLs the gateway's roles trust."""

    main: str
    rotating: str
    plain_http: str


@dataclasses.dataclass
class Gateway:
    endpoint: str
    config: Path
    service: Service
    issuers: StsIssuers | None = None


def gateway_config(
    s3_backend: S3Backend, local_root: Path, public_root: Path, sts: StsIssuers | None = None
) -> str:
    # With STS, the private buckets admit temporary credentials of these roles only.
    allowed_roles = ""
    if sts is not None:
        roles = ", ".join(toml_string(r) for r in (ROLE_CI, ROLE_FOLDER, ROLE_ROTATING))
        allowed_roles = f"allowed_roles = [{roles}]\n"
    s3_options = textwrap.dedent(f"""\
        endpoint = {toml_string(s3_backend.endpoint)}
        bucket_name = {toml_string(BACKEND_BUCKET)}
        region = {toml_string(REGION)}
        access_key_id = {toml_string(BACKEND_ACCESS_KEY)}
        secret_access_key = {toml_string(BACKEND_SECRET_KEY)}
        virtual_hosted_style_request = "false"
        """)
    actions = ", ".join(toml_string(a) for a in ALL_ACTIONS)
    read_actions = ", ".join(toml_string(a) for a in READ_ACTIONS)
    return (
        textwrap.dedent(f"""\
        [[buckets]]
        name = "s3"
        backend_type = "s3"
        backend_prefix = {toml_string(S3_BACKEND_PREFIX)}
        """)
        + allowed_roles
        + textwrap.dedent("""
        [buckets.backend_options]
        """)
        + s3_options
        + textwrap.dedent(f"""\

        [[buckets]]
        name = "local"
        backend_type = "local"
        backend_options = {{ root = {toml_string(str(local_root))} }}
        """)
        + allowed_roles
        + textwrap.dedent(f"""
        [[buckets]]
        name = "s3-public"
        backend_type = "s3"
        backend_prefix = {toml_string(PUBLIC_BACKEND_PREFIX)}
        anonymous_access = true

        [buckets.backend_options]
        """)
        + s3_options
        + textwrap.dedent(f"""\

        [[buckets]]
        name = "local-public"
        backend_type = "local"
        anonymous_access = true
        backend_options = {{ root = {toml_string(str(public_root))} }}

        [[credentials]]
        access_key_id = {toml_string(WRITER_ACCESS_KEY)}
        secret_access_key = {toml_string(WRITER_SECRET_KEY)}
        principal_name = "interop-writer"
        created_at = 2025-01-01T00:00:00Z

        [[credentials.allowed_scopes]]
        bucket = "*"
        actions = [{actions}]

        [[credentials]]
        access_key_id = {toml_string(READER_ACCESS_KEY)}
        secret_access_key = {toml_string(READER_SECRET_KEY)}
        principal_name = "interop-reader"
        created_at = 2025-01-01T00:00:00Z

        [[credentials.allowed_scopes]]
        bucket = "*"
        actions = [{read_actions}]
        """)
        + ("" if sts is None else roles_config(sts))
    )


def roles_config(sts: StsIssuers) -> str:
    """The `[[roles]]` of the gateway's STS (see the ROLE_* constants)."""
    actions = ", ".join(toml_string(a) for a in ALL_ACTIONS)

    def role(role_id: str, issuer: str, conditions: str = "", prefixes: str = "") -> str:
        return textwrap.dedent(f"""
            [[roles]]
            role_id = {toml_string(role_id)}
            name = {toml_string(role_id)}
            trusted_oidc_issuers = [{toml_string(issuer)}]
            required_audiences = [{toml_string(STS_AUDIENCE)}]
            max_session_duration_secs = {ROLE_CI_MAX_SECS}
            """) + conditions + textwrap.dedent(f"""
            [[roles.allowed_scopes]]
            bucket = "*"
            actions = [{actions}]
            """) + prefixes

    return (
        role(
            ROLE_CI,
            sts.main,
            conditions=f"subject_conditions = [{toml_string(STS_SUBJECT_CONDITION)}]\n",
        )
        + role(ROLE_FOLDER, sts.main, prefixes='prefixes = ["{folder}/"]\n')
        + role(ROLE_OUTSIDER, sts.main)
        + role(ROLE_ROTATING, sts.rotating)
        + role(ROLE_PLAIN_HTTP, sts.plain_http)
    )


def wait_healthy(service: Service, endpoint: str) -> bool:
    """True once `GET /healthz` answers 200; False if the process exited first."""
    deadline = time.monotonic() + START_TIMEOUT_SECS
    while time.monotonic() < deadline:
        if not service.alive():
            return False
        try:
            with urllib.request.urlopen(endpoint + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, ConnectionError, OSError):
            pass
        time.sleep(0.05)
    service.fail("GET /healthz did not answer 200 in time")
    return False
