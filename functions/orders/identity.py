"""Who is calling: the one function every API handler uses to read the caller's identity.

Authorisation lands here and only here. Without an authorizer on the route the caller is
anonymous; with a JWT authorizer the `sub` claim names the caller, with IAM auth the user ARN.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal


@dataclass(frozen=True)
class Caller:
    kind: Literal["jwt", "iam", "anonymous"]
    principal: str


ANONYMOUS = Caller("anonymous", "anonymous")


def caller_from(request_context: dict[str, Any]) -> Caller:
    """The caller named by an API Gateway HTTP API (payload 2.0) request context."""
    authorizer = request_context.get("authorizer") or {}
    claims = (authorizer.get("jwt") or {}).get("claims") or {}
    if claims.get("sub"):
        return Caller("jwt", str(claims["sub"]))
    iam = authorizer.get("iam") or {}
    if iam.get("userArn"):
        return Caller("iam", str(iam["userArn"]))
    return ANONYMOUS
