"""The event contract as published: the JSON Schemas in schemas/, one file per event and version."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import jsonschema
from stack_helpers import ROOT

SCHEMAS = ROOT / "schemas"
PUBLISHED = SCHEMAS / "published.json"


def schema_path(detail_type: str, version: str) -> Path:
    return SCHEMAS / f"{detail_type}.v{version}.json"


def load_schema(detail_type: str, version: str) -> dict[str, Any]:
    path = schema_path(detail_type, version)
    if not path.is_file():
        raise AssertionError(f"{detail_type} version {version!r}: no schema {path.name}")
    return json.loads(path.read_text())  # type: ignore[no-any-return]


def violations(event: dict[str, Any]) -> list[str]:
    """Every way `event` ({source, detail-type, detail}) breaks the schema of its version."""
    schema = load_schema(event["detail-type"], str(event["detail"].get("version")))
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '(event)'}: {error.message}"
        for error in validator.iter_errors(event)
    ]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
