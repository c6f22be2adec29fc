"""The orders HTTP API, called with the signed-in user's ID token (as its JWT authorizer wants)."""

from __future__ import annotations

import contextlib
import json
import urllib.error
import urllib.request
import uuid
from typing import Any

_TIMEOUT_SECONDS = 30


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
            text = response.read().decode()
    except urllib.error.HTTPError as error:
        reason = error.read().decode(errors="replace")
        with contextlib.suppress(ValueError, AttributeError):
            reason = str(json.loads(reason).get("message", reason))
        raise ApiError(f"{method} {path}: {error.code} {' '.join(reason.split())}") from None
    except urllib.error.URLError as error:
        raise ApiError(f"{method} {path}: {api_url} unreachable ({error.reason})") from None
    return json.loads(text) if text else None
