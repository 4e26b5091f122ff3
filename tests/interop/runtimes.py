"""The runtime of the gateway under test, and what cannot apply to it.

`MULTISTORE_RUNTIME` says which gateway `MULTISTORE_SERVER_BIN` starts: `native` (the
default, multistore-server) or `workers` (the Cloudflare Worker of examples/cf-workers
under `wrangler dev`, started by scripts/worker-dev; scripts/workers sets both). The same
cases run against both, with the same expectations, except those listed here.
"""

from __future__ import annotations

import os

import pytest

RUNTIME = os.environ.get("MULTISTORE_RUNTIME", "native")
if RUNTIME not in ("native", "workers"):
    raise RuntimeError(f"MULTISTORE_RUNTIME must be `native` or `workers`, not {RUNTIME!r}")

# The Worker's MAX_UPLOAD_BYTES (scripts/workers sets it above the suite's largest single
# upload, so that only the case that means to cross it does).
WORKER_MAX_UPLOAD_BYTES = int(os.environ.get("MAX_UPLOAD_BYTES", "100000000"))

# A Worker has no file system: its `local` buckets answer NotImplemented, so the cases run
# against bucket `s3` only.
BUCKET_KINDS = ["s3", "local"] if RUNTIME == "native" else ["s3"]

# Cases that cannot apply on Workers: test name → why.
NOT_ON_WORKERS: dict[str, str] = {
    "test_dot_dot_path_is_refused": (
        "the runtime parses the request URL as WHATWG URLs are parsed before the Worker "
        "runs, resolving `.`/`..` segments (and `%2e%2e`): the gateway never sees them, so "
        "a request signed over `/b/a/../k` fails its signature (403) and an unsigned one is "
        "served as `/b/k`, where the native server refuses the path (400 InvalidArgument)"
    ),
    "test_refused_upload_leaves_connection_usable": (
        "the runtime owns the connection: it answers `Expect: 100-continue` with `100 "
        "Continue` itself and sends the Worker's refusal only once the body has arrived, so "
        "a refusal never leaves an unsent body on the connection (a client that withholds "
        "the body after `100 Continue` waits)"
    ),
    "test_compression_coding_comes_back_as_sent": (
        "under `wrangler dev` a response whose `Content-Encoding` is a single `gzip` or `br` "
        "is re-encoded for the client's `Accept-Encoding` after the Worker answers (the "
        "Worker's `encodeBody: manual` does not stop it): for boto3, which accepts neither, "
        "the header is dropped and the body does not arrive whole. Codings the runtime does "
        "not know (`gzip, br`, `x-custom`) pass through untouched"
    ),
}


def skip_inapplicable(items) -> None:
    """Marks the collected cases that cannot apply on this runtime as skipped, with why."""
    if RUNTIME != "workers":
        return
    for item in items:
        reason = NOT_ON_WORKERS.get(item.originalname if hasattr(item, "originalname") else item.name)
        if reason is not None:
            item.add_marker(pytest.mark.skip(reason=f"on Workers: {reason}"))
