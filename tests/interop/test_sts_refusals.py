"""Web identity tokens the gateway must refuse, as boto3's STS client (and aws-cli) report
them: each case gets AWS's error code and status, and no credentials."""

from __future__ import annotations

import dataclasses
import json
from typing import Callable

import pytest
from oidc_issuer import OidcIssuer
from services import ROLE_CI, ROLE_PLAIN_HTTP
from support import assert_s3_error, assume_role, client_error, flip_base64url, role_arn


# A subject outside the `repo:example/*` that role `interop-ci` admits.
INTRUDER = "repo:intruder/data:ref:refs/heads/main"


@dataclasses.dataclass(frozen=True)
class Issuers:
    main: OidcIssuer
    rotating: OidcIssuer
    plain_http: OidcIssuer


@pytest.fixture(scope="module")
def issuers(oidc_issuer, rotating_issuer, plain_http_issuer) -> Issuers:
    return Issuers(oidc_issuer, rotating_issuer, plain_http_issuer)


def tampered_signature(issuers: Issuers) -> str:
    header, payload, signature = issuers.main.mint().split(".")
    return ".".join([header, payload, flip_base64url(signature, 10)])


def swapped_payload(issuers: Issuers) -> str:
    # A signed token for a subject the role refuses, with the payload of one it admits.
    refused = issuers.main.mint(sub=INTRUDER).split(".")
    admitted = issuers.main.mint().split(".")
    return ".".join([refused[0], admitted[1], refused[2]])


@dataclasses.dataclass(frozen=True)
class Refusal:
    token: Callable[[Issuers], str]
    code: str
    reason: str  # in the message: proof that the check meant was the one that refused
    status: int = 400
    role: str = ROLE_CI


INVALID = "InvalidIdentityToken"
BAD_SIGNATURE = "signature is not valid"
UNTRUSTED = "No OpenIDConnect provider trusted by the role"
REFUSALS = {
    "wrong audience": Refusal(lambda i: i.main.mint(aud="someone-else"), INVALID, "audience"),
    "no audience": Refusal(lambda i: i.main.mint(aud=None), INVALID, "audience"),
    "subject not matching": Refusal(
        lambda i: i.main.mint(sub=INTRUDER), "AccessDenied", "subject", status=403
    ),
    "expired": Refusal(lambda i: i.main.mint(exp_in=-600), "ExpiredTokenException", "expired"),
    "not yet valid": Refusal(lambda i: i.main.mint(nbf_in=600), INVALID, "(nbf)"),
    "issued in the future": Refusal(lambda i: i.main.mint(iat_in=600), INVALID, "(iat)"),
    "no exp": Refusal(lambda i: i.main.mint(exp_in="none"), INVALID, "(exp)"),
    "alg none": Refusal(lambda i: i.main.mint(alg="none"), INVALID, "alg none"),
    "HS256 with the RSA public key": Refusal(lambda i: i.main.mint(alg="HS256"), INVALID, "HS256"),
    "unknown kid": Refusal(lambda i: i.main.mint(kid="not-published"), INVALID, "key id"),
    "tampered signature": Refusal(tampered_signature, INVALID, BAD_SIGNATURE),
    "swapped payload": Refusal(swapped_payload, INVALID, BAD_SIGNATURE),
    "not a JWT": Refusal(lambda i: "not.a.jwt", INVALID, "malformed"),
    # Issued and signed by another (working) issuer the role does not trust.
    "wrong issuer": Refusal(lambda i: i.rotating.mint(), INVALID, UNTRUSTED),
    # The trusted issuer's key, but an `iss` naming someone else.
    "forged iss": Refusal(
        lambda i: i.main.mint(iss="https://token.actions.githubusercontent.com"), INVALID, UNTRUSTED
    ),
    "unknown role": Refusal(
        lambda i: i.main.mint(), "AccessDenied", "No such role", status=403, role="no-such-role"
    ),
    # The issuer is trusted, but its keys are not fetched without TLS.
    "JWKS over plain HTTP": Refusal(
        lambda i: i.plain_http.mint(), "IDPCommunicationError", "HTTPS", role=ROLE_PLAIN_HTTP
    ),
}


@pytest.mark.parametrize("case", list(REFUSALS), ids=list(REFUSALS))
def test_refused_web_identity_token(sts, issuers, case):
    refusal = REFUSALS[case]
    error = client_error(assume_role, sts, refusal.token(issuers), refusal.role)
    assert_s3_error(error, refusal.code, refusal.status)
    assert refusal.reason in error.response["Error"]["Message"], error.response
    assert "Credentials" not in error.response


def test_refusal_through_aws_cli(aws, oidc_issuer):
    result = aws.run(
        "sts", "assume-role-with-web-identity",
        "--role-arn", role_arn(ROLE_CI),
        "--role-session-name", "cli-refused",
        "--web-identity-token", oidc_issuer.mint(aud="someone-else"),
        "--output", "json",
        check=False,
    )
    assert result.returncode != 0, result.stdout
    assert "(InvalidIdentityToken)" in result.stderr, result.stderr
    with pytest.raises(json.JSONDecodeError):
        json.loads(result.stdout or "")
