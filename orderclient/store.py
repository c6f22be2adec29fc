"""Where a signed-in user's tokens are kept between commands: one file per user, owner-only.

Tokens are credentials: they are written to files only the user can read and never printed.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict
from pathlib import Path

from orderclient.signin import Tokens

_LAST_ORDER = "last-order"


class StoreError(Exception):
    """The tokens cannot be kept where they belong; the message names the file."""


def _file(directory: Path, email: str) -> Path:
    return directory / (re.sub(r"[^A-Za-z0-9@._-]", "_", email) + ".json")


def save(directory: Path, email: str, tokens: Tokens) -> None:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = _file(directory, email)
    # Never through a symlink someone planted, and owner-only even if the file was there before
    # with a looser mode (O_CREAT's mode applies only to a file it creates).
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    except OSError as error:
        raise StoreError(
            f"{path}: cannot keep the tokens there ({error.strerror or error}); remove it if it "
            "is a link or not yours"
        ) from None
    os.fchmod(descriptor, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        json.dump(asdict(tokens), file)


def load(directory: Path, email: str) -> Tokens | None:
    path = _file(directory, email)
    try:
        return Tokens(**json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, TypeError):
        return None


def remember_order(directory: Path, order_id: str) -> None:
    directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    (directory / _LAST_ORDER).write_text(order_id, encoding="utf-8")


def last_order(directory: Path) -> str | None:
    try:
        return (directory / _LAST_ORDER).read_text(encoding="utf-8").strip() or None
    except OSError:
        return None
