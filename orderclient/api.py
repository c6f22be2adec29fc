"""The orders HTTP API, called with the signed-in user's ID token (as its JWT authorizer wants)."""

from __future__ import annotations

import contextlib
import json
import re
import urllib.error
import urllib.request
import uuid
from typing import Any

_TIMEOUT_SECONDS = 30
# API Gateway answers at most 10 MB; a longer answer is not the orders API's.
_RESPONSE_LIMIT_BYTES = 10 * 1024 * 1024
# What a hostile answer could use to rewrite the terminal (escape sequences, bidi overrides).
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


class ApiError(Exception):
    """The API answered with an error status; the message is its status and one-line reason."""


def call(api_url: str, id_token: str, method: str, path: str, body: Any = None) -> Any:
    """The API's JSON answer to one request; a POST carries a fresh Idempotency-Key."""
    headers = {"Authorization": f"Bearer {id_token}", "Accept": "application/json"}
    data = None
    if method == "POST":
        headers["Idempotency-Key"] = str(uuid.uuid4())
        headers["Content-Type"] = "application/json"
        data = json.dumps(body or {}).encode()
    request = urllib.request.Request(f"{api_url}{path}", data, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
            text = _bounded(response, f"{method} {path}")
    except urllib.error.HTTPError as error:
        reason = _bounded(error, f"{method} {path}")
        with contextlib.suppress(ValueError, AttributeError):
            reason = str(json.loads(reason).get("message", reason))
        raise ApiError(f"{method} {path}: {error.code} {_printable(reason)}") from None
    except urllib.error.URLError as error:
        raise ApiError(f"{method} {path}: {api_url} unreachable ({error.reason})") from None
    try:
        return json.loads(text) if text else None
    except (json.JSONDecodeError, RecursionError):
        raise ApiError(
            f"{method} {path}: the answer is not JSON ({_printable(text[:80])!r}); is ApiUrl "
            "the orders API?"
        ) from None


def _bounded(response: Any, what: str) -> str:
    body = bytes(response.read(_RESPONSE_LIMIT_BYTES + 1))
    if len(body) > _RESPONSE_LIMIT_BYTES:
        raise ApiError(f"{what}: the answer is over {_RESPONSE_LIMIT_BYTES:,} bytes; refused")
    return body.decode(errors="replace")


def _printable(text: str) -> str:
    """One line without control or direction characters, so an answer cannot rewrite the
    terminal it is printed on."""
    return " ".join(_UNPRINTABLE.sub(" ", text).split())
