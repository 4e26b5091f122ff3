"""The test OIDC issuer (`multistore-test-oidc`) as a process: an HTTPS server on loopback
with a CA made up for the run, serving discovery and JWKS, minting tokens on request and
rotating its keys."""

from __future__ import annotations

import ssl
import urllib.parse
import urllib.request
from pathlib import Path

from services import STS_AUDIENCE, START_TIMEOUT_SECS, Service, require_binary, wait_listening

# A subject that satisfies the `interop-ci` role's `repo:example/*` condition.
CI_SUBJECT = "repo:example/data:ref:refs/heads/main"


class OidcIssuer:
    """A running `multistore-test-oidc`. `url` is the issuer (the tokens' `iss`)."""

    def __init__(self, binary: Path, workdir: Path, name: str, plain_http: bool = False):
        self.ca_pem = workdir / f"{name}-ca.pem"
        args = [require_binary(binary), "--ca-pem", str(self.ca_pem), "--port", "0"]
        if plain_http:
            args.append("--plain-http")
        self.service = Service(f"multistore-test-oidc ({name})", args, workdir / f"{name}.log")
        try:
            self.url = wait_listening(self.service, START_TIMEOUT_SECS)
        except BaseException:
            self.service.stop()
            raise
        self._tls = ssl.create_default_context(cafile=str(self.ca_pem))

    def stop(self) -> None:
        self.service.stop()

    def _call(self, method: str, path: str, params: dict[str, str]) -> str:
        url = f"{self.url}{path}?{urllib.parse.urlencode(params)}"
        request = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
        context = self._tls if url.startswith("https:") else None
        with urllib.request.urlopen(request, timeout=10, context=context) as response:
            return response.read().decode()

    def mint(
        self,
        sub: str = CI_SUBJECT,
        aud: str | None = STS_AUDIENCE,
        alg: str = "RS256",
        exp_in: int | str = 300,
        claims: dict[str, str] | None = None,
        **more: str | int,
    ) -> str:
        """A token from `GET /mint` (`more`: nbf_in, iat_in, kid, iss)."""
        params: dict[str, str] = {"sub": sub, "alg": alg, "exp_in": str(exp_in)}
        if aud is not None:
            params["aud"] = aud
        params.update({name: str(value) for name, value in more.items()})
        for name, value in (claims or {}).items():
            params[f"claim.{name}"] = value
        return self._call("GET", "/mint", params)

    def rotate(self, alg: str) -> str:
        """Replaces the key of `alg`; answers the new `kid`."""
        return self._call("POST", "/rotate", {"alg": alg})
