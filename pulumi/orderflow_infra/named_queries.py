"""Athena named queries read from the SAM template that declares them: their one source.

The reports are written once, in Athena's SQL, as the `QueryString`s of the template's
`AWS::Athena::NamedQuery` resources (CloudFormation cannot read SQL from a file);
`python -m orderflow_localrun analytics` runs them from there on DuckDB, and the Pulumi program
deploys them from there too, so no query is kept twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

NAMED_QUERY = "AWS::Athena::NamedQuery"
_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


class NamedQueryError(ValueError):
    """The template holds no named query, or one whose SQL is not written out literally."""


@dataclass(frozen=True)
class NamedQuery:
    """One report: `resource_name` is its logical id in kebab case (`OrdersPerHourQuery` ->
    `orders-per-hour-query`), `name` and `description` as Athena lists it, `sql` verbatim."""

    resource_name: str
    name: str
    description: str
    sql: str


class _TemplateLoader(yaml.SafeLoader):
    """YAML with CloudFormation's short forms (`!Ref X` -> {"Ref": "X"}, `!Sub` -> Fn::Sub)."""


def _intrinsic(loader: yaml.SafeLoader, tag: str, node: yaml.Node) -> dict[str, Any]:
    name = "Ref" if tag == "Ref" else f"Fn::{tag}"
    value: Any
    if isinstance(node, yaml.ScalarNode):
        value = loader.construct_scalar(node)
    elif isinstance(node, yaml.SequenceNode):
        value = loader.construct_sequence(node, deep=True)
    else:
        value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
    return {name: value}


_TemplateLoader.add_multi_constructor("!", _intrinsic)


def named_queries(template: Path) -> list[NamedQuery]:
    """The named queries `template` declares, in template order."""
    document = yaml.load(template.read_text(), Loader=_TemplateLoader)  # a SafeLoader
    queries = []
    for logical_id, resource in (document.get("Resources") or {}).items():
        if resource.get("Type") != NAMED_QUERY:
            continue
        properties = resource.get("Properties", {})
        fields = (properties.get("Name"), properties.get("QueryString"))
        if not all(isinstance(f, str) for f in fields):
            raise NamedQueryError(
                f"{template}: {logical_id}: Name and QueryString must be literal strings"
            )
        queries.append(
            NamedQuery(
                resource_name=_WORD_BOUNDARY.sub("-", logical_id).lower(),
                name=properties["Name"],
                description=str(properties.get("Description", "")),
                sql=properties["QueryString"],
            )
        )
    if not queries:
        raise NamedQueryError(f"{template}: no {NAMED_QUERY} resource (the reports live there)")
    return queries
