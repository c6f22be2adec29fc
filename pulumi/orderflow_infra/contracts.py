"""The orders bus's event contract: a schema registry with one JSON Schema per event version.

The schemas are the repository's files `schemas/<event>.v<N>.json`, registered as read (the
SAM templates carry the same content); a breaking change is a new file and version, never
an edit.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pulumi_aws as aws

from orderflow_infra.deployment import Deployment

SCHEMAS_DIR = Path(__file__).resolve().parents[2] / "schemas"
_SCHEMA_FILE = re.compile(r"^(?P<event>[a-z_]+)\.v(?P<version>\d+)\.json$")


def schema_registry(
    deployment: Deployment, *, source: str, schemas_dir: Path = SCHEMAS_DIR
) -> aws.schemas.Registry:
    """The registry `<prefix>-orders` and, per schema file, `<source>@<event>.v<N>` in it."""
    registry = aws.schemas.Registry(
        "event-schema-registry",
        name=f"{deployment.prefix}-orders",
        description="The orders bus's event contract, one JSON Schema per event and version.",
        tags=deployment.tags,
    )
    for path in sorted(schemas_dir.glob("*.json")):
        match = _SCHEMA_FILE.match(path.name)
        if match is None:  # the published-versions digest file, not a schema
            continue
        event, version = match["event"], match["version"]
        aws.schemas.Schema(
            f"{event.replace('_', '-')}-v{version}-schema",
            name=f"{source}@{event}.v{version}",
            registry_name=registry.name,
            type="JSONSchemaDraft4",
            description=f"{event} (contract version {version})",
            content=json.dumps(json.loads(path.read_text()), separators=(",", ":")),
            tags=deployment.tags,
        )
    return registry
