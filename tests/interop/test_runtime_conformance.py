"""The runtime conformance suite (`multistore::conformance`) inside the Worker runtime.

The Worker that scripts/workers builds (feature `conformance` of examples/cf-workers)
answers `GET /__conformance` by running the suite against its own `WorkerBackend`, which
talks to the test S3 server with the Workers `fetch`, and reports one line per case. The
native runtime runs the same suite in `cargo test -p multistore-server`
(crates/server/tests/conformance.rs), so this case runs on Workers only.
"""

from __future__ import annotations

import socket
import urllib.error
import urllib.parse
import urllib.request

import pytest

from runtimes import RUNTIME
from services import BACKEND_ACCESS_KEY, BACKEND_BUCKET, BACKEND_SECRET_KEY, REGION

# The suite moves two objects of 16 MiB through wasm memory; a slow machine needs time.
SUITE_TIMEOUT_SECS = 600


@pytest.mark.skipif(
    RUNTIME != "workers",
    reason="the native runtime runs the suite in `cargo test -p multistore-server`",
)
def test_worker_backend_conforms(gateway, s3_backend):
    # Bound but never listening: connections to it are refused.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as closed:
        closed.bind(("127.0.0.1", 0))
        refused_port = closed.getsockname()[1]
        query = urllib.parse.urlencode(
            {
                "bucket_url": f"{s3_backend.endpoint}/{BACKEND_BUCKET}",
                "access_key": BACKEND_ACCESS_KEY,
                "secret_key": BACKEND_SECRET_KEY,
                "region": REGION,
                "refused_url": f"http://127.0.0.1:{refused_port}/{BACKEND_BUCKET}/key",
            }
        )
        try:
            with urllib.request.urlopen(
                f"{gateway.endpoint}/__conformance?{query}", timeout=SUITE_TIMEOUT_SECS
            ) as response:
                status, report = response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            status, report = error.code, error.read().decode()
    lines = report.splitlines()
    failures = [line for line in lines if not line.startswith("ok ")]
    assert status == 200 and lines and not failures, (
        f"the Worker's conformance run answered {status}:\n{report}"
    )
