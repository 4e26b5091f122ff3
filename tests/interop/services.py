"""The processes the interop suite runs: the test S3 server (s3s-fs, `multistore-test-s3`)
and the gateway (`multistore-server`), each on a loopback port, with its output in a log
file, and killed with the test process whatever happens to it."""

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
    "put_object",
    "delete_object",
    "list_bucket",
    "list_bucket_multipart_uploads",
    "list_multipart_upload_parts",
    "abort_multipart_upload",
    "get_object_tagging",
    "put_object_tagging",
]
READ_ACTIONS = [
    "get_object",
    "list_bucket",
    "list_bucket_multipart_uploads",
    "list_multipart_upload_parts",
    "get_object_tagging",
]

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


@dataclasses.dataclass
class Gateway:
    endpoint: str
    config: Path
    service: Service


def gateway_config(s3_backend: S3Backend, local_root: Path, public_root: Path) -> str:
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

        [buckets.backend_options]
        """)
        + s3_options
        + textwrap.dedent(f"""\

        [[buckets]]
        name = "local"
        backend_type = "local"
        backend_options = {{ root = {toml_string(str(local_root))} }}

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
