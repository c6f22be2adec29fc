"""The HTTP API's JWT authorizer on the runner: a bearer token's claims, or why it is refused.

As API Gateway does for an HTTP API: the token must be an RS256 JWT signed by one of the
issuer's keys (on the runner, moto's cognito-idp keys), from that issuer, for one of the
audiences (`aud`, or `client_id` for an access token), and not expired. The claims are passed
on as strings, a list as `[a b]`, the form the HTTP API hands to Lambda.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

# DER prefix of a PKCS#1 v1.5 DigestInfo for SHA-256 (RFC 8017, section 9.2, note 1).
_SHA256_DIGEST_INFO = bytes.fromhex("3031300d060960864801650304020105000420")


class Unauthorized(Exception):
    """The token was refused; API Gateway answers 401 without calling the integration."""


@dataclass(frozen=True)
class JwtConfig:
    issuer: str
    audience: tuple[str, ...]


def _b64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64url_int(text: str) -> int:
    return int.from_bytes(_b64url(text), "big")


@cache
def _keys() -> dict[str, tuple[int, int]]:
    """moto's cognito-idp signing keys by kid: (modulus, exponent). moto is imported here, not
    at the top: `python -m orderflow_localrun` imports this module before it can name a missing
    extra."""
    from moto.utilities.utils import load_resource  # noqa: PLC0415

    jwks = load_resource("cognitoidp/resources/jwks-public.json")
    return {k["kid"]: (_b64url_int(k["n"]), _b64url_int(k["e"])) for k in jwks["keys"]}


def _signed_by(key: tuple[int, int], signed: bytes, signature: bytes) -> bool:
    """RSASSA-PKCS1-v1_5 with SHA-256: s^e mod n is the padded DigestInfo of the message."""
    modulus, exponent = key
    size = (modulus.bit_length() + 7) // 8
    if len(signature) != size:
        return False
    recovered = pow(int.from_bytes(signature, "big"), exponent, modulus).to_bytes(size, "big")
    digest = _SHA256_DIGEST_INFO + hashlib.sha256(signed).digest()
    expected = b"\x00\x01" + b"\xff" * (size - len(digest) - 3) + b"\x00" + digest
    return recovered == expected


def _as_passed(value: Any) -> str:
    if isinstance(value, list):
        return "[" + " ".join(str(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def verified_claims(authorization: str | None, config: JwtConfig, now: float) -> dict[str, str]:
    """The claims of the token in an Authorization header value, checked as the authorizer does."""
    token = (authorization or "").strip()
    if token[:7].lower() == "bearer ":
        token = token[7:].strip()
    parts = token.split(".")
    if len(parts) != 3:
        raise Unauthorized("no bearer JWT in the Authorization header")
    try:
        header = json.loads(_b64url(parts[0]))
        claims = json.loads(_b64url(parts[1]))
        signature = _b64url(parts[2])
    except ValueError:
        raise Unauthorized("the token is not a JWT") from None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        raise Unauthorized("the token is not a JWT")
    key = _keys().get(str(header.get("kid")))
    if header.get("alg") != "RS256" or key is None:
        raise Unauthorized("the token is not signed with one of the issuer's keys")
    if not _signed_by(key, f"{parts[0]}.{parts[1]}".encode(), signature):
        raise Unauthorized("the token's signature does not verify")
    if claims.get("iss") != config.issuer:
        raise Unauthorized("the token is from another issuer")
    if claims.get("aud", claims.get("client_id")) not in config.audience:
        raise Unauthorized("the token is for another audience")
    expiry = claims.get("exp")
    if not isinstance(expiry, int | float) or expiry <= now:
        raise Unauthorized("the token has expired")
    return {name: _as_passed(value) for name, value in claims.items()}
