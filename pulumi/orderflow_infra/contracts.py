"""An event contract: a schema registry with one JSON Schema per event and contract version.

CloudFormation cannot read a file into a property, so each schema's content lives once, in
sam/contracts/template.yaml; a Pulumi program reads it from there (as state machines read their
ASL file) and says itself which events and versions it registers, so a version the program
leaves out or adds shows in the parity test.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pulumi_aws as aws
import yaml

from orderflow_infra.deployment import Deployment

CONTRACTS_TEMPLATE = Path(__file__).resolve().parents[2] / "sam/contracts/template.yaml"
SCHEMA_TYPE = "JSONSchemaDraft4"


class ContractError(ValueError):
    """A published version has no content in the contracts template; the message names it."""


@dataclass(frozen=True)
class EventVersion:
    """One published version of one event's contract (`order_placed`, 1)."""

    event: str
    version: int

    def schema_name(self, source: str) -> str:
        """`<source>@<event>.v<N>`, as EventBridge's schema discovery names schemas."""
        return f"{source}@{self.event}.v{self.version}"


class _TemplateLoader(yaml.SafeLoader):
    """Reads a CloudFormation template, its short-form intrinsics (`!Ref`) as nothing."""


_TemplateLoader.add_multi_constructor("!", lambda _loader, _suffix, _node: None)


def schema_contents(template: Path = CONTRACTS_TEMPLATE) -> dict[str, str]:
    """Each schema's content in `template`, by its SchemaName."""
    document: dict[str, Any] = yaml.load(template.read_text(), Loader=_TemplateLoader)
    return {
        resource["Properties"]["SchemaName"]: resource["Properties"]["Content"]
        for resource in document["Resources"].values()
        if resource["Type"] == "AWS::EventSchemas::Schema"
    }


def schema_registry(
    deployment: Deployment,
    *,
    description: str,
    source: str,
    published: Sequence[EventVersion],
    contents: Mapping[str, str],
) -> aws.schemas.Registry:
    """The registry named after the stack and, per `published` version, its schema."""
    registry = aws.schemas.Registry(
        "event-schema-registry",
        name=deployment.prefix,
        description=description,
        tags=deployment.tags,
    )
    for published_version in published:
        name = published_version.schema_name(source)
        if name not in contents:
            raise ContractError(
                f"{name}: the contract has no schema of that name "
                f"(it has: {', '.join(sorted(contents)) or 'none'})"
            )
        aws.schemas.Schema(
            f"{published_version.event.replace('_', '-')}-v{published_version.version}-schema",
            name=name,
            registry_name=registry.name,
            type=SCHEMA_TYPE,
            description=f"{published_version.event} (contract version {published_version.version})",
            content=contents[name],
            tags=deployment.tags,
        )
    return registry
