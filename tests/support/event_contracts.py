"""The event contract as published: the schemas the contracts stack registers.

`sam/contracts/template.yaml` is the one copy of every schema (each `AWS::EventSchemas::Schema`'s
`Content`); the tests read them from there, as `orderflow_localrun/analytics/lake.py` reads the
analytics SQL from its template. `sam/contracts/published.json` records a digest per published
version.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from typing import Any

import jsonschema
from samtranslator.yaml_helper import yaml_parse
from stack_helpers import ROOT

CONTRACTS = ROOT / "sam/contracts/template.yaml"
PUBLISHED = ROOT / "sam/contracts/published.json"
SOURCE = "orderflow.orders"
SCHEMA_TYPE = "AWS::EventSchemas::Schema"


def schema_name(detail_type: str, version: str) -> str:
    """The registry's name for a version of an event's schema: `orderflow.orders@<event>.v<N>`."""
    return f"{SOURCE}@{detail_type}.v{version}"


def registered_resources(template: str) -> dict[str, dict[str, Any]]:
    """The schema resources of a template's text, by logical id."""
    resources = yaml_parse(template).get("Resources", {})
    return {k: r for k, r in resources.items() if r.get("Type") == SCHEMA_TYPE}


@cache
def registered_schemas() -> dict[str, dict[str, Any]]:
    """Every schema the contracts stack registers, by SchemaName, its Content parsed."""
    return {
        r["Properties"]["SchemaName"]: json.loads(r["Properties"]["Content"])
        for r in registered_resources(CONTRACTS.read_text()).values()
    }


def load_schema(detail_type: str, version: str) -> dict[str, Any]:
    name = schema_name(detail_type, version)
    schemas = registered_schemas()
    if name not in schemas:
        raise AssertionError(f"{detail_type} version {version!r}: no schema {name} registered")
    return schemas[name]


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


def digest(schema: dict[str, Any]) -> str:
    """SHA-256 of a schema's canonical JSON: layout in the template is free, content is not."""
    canonical = json.dumps(schema, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def edited_versions(published: dict[str, str], registered: dict[str, dict[str, Any]]) -> list[str]:
    """The published versions (name -> digest) whose registered content changed or is gone."""
    return sorted(
        name
        for name, sha in published.items()
        if name not in registered or digest(registered[name]) != sha
    )
