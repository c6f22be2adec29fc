"""``read_definition``: a SAM, CloudFormation or CDK template as the deploy would see it.

What it does, in order: reads the file (bounded: ``files``, ``documents``), inlines local
``AWS::Include`` files and state machine definition files, checks the parameters, runs the SAM
transform when the template asks for it, and reads every state machine's definition with its
intrinsics resolved against placeholder names (``intrinsics.PlaceholderScope``).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orderflow_definitions.documents import parse_document
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import TEMPLATE_BYTES, read_text
from orderflow_definitions.include import inline_includes
from orderflow_definitions.intrinsics import PlaceholderScope, resolve
from orderflow_definitions.nested_stacks import inline_nested_stacks
from orderflow_definitions.parameters import parameter_values
from orderflow_definitions.state_machines import (
    StateMachine,
    inline_definition_files,
    state_machines,
)
from orderflow_definitions.transform import (
    inline_api_definitions,
    name_repository_applications,
    needs_transform,
    replace_code_uris,
    sam_transform,
)

#: What pseudo parameters resolve to when nothing was deployed.
PLACEHOLDER_REGION = "us-east-1"
PLACEHOLDER_ACCOUNT = "123456789012"
PLACEHOLDER_STACK = "stack"


@dataclass(frozen=True)
class Definition:
    """A template read as deployed.

    - ``written``: the template as written, includes and definition files inline (SAM
      resources as SAM resources: what a picture of the template shows);
    - ``resources``: CloudFormation's resources (after the SAM transform, if any);
    - ``parameters``: each declared parameter's checked value (None: no default, not given);
    - ``state_machines``: every state machine by logical id, its definition resolved;
    - ``code_uris``: each SAM function's and layer's code location as written.
    """

    path: Path
    written: Mapping[str, Any]
    resources: Mapping[str, Mapping[str, Any]]
    parameters: Mapping[str, Any]
    declared_parameters: Mapping[str, Mapping[str, Any]]
    outputs: Mapping[str, Any]
    mappings: Mapping[str, Any]
    conditions: Mapping[str, Any]
    state_machines: Mapping[str, StateMachine]
    code_uris: Mapping[str, Any]
    scope: PlaceholderScope

    def of_type(self, resource_type: str) -> dict[str, Mapping[str, Any]]:
        return {k: r for k, r in self.resources.items() if r.get("Type") == resource_type}

    def resolve(self, value: Any, where: str) -> Any:
        """``value`` with its intrinsics resolved to placeholders; ``where`` prefixes errors."""
        try:
            return resolve(value, self.scope)
        except DefinitionError as error:
            raise DefinitionError(f"{self.path}: {where}: {error}") from None

    def logical_id(self, value: Any) -> str | None:
        """The resource a resolved placeholder (name, ARN, URL) names, if any."""
        return self.scope.logical_id(value)


def read_document(path: Path) -> dict[str, Any]:
    """The template at ``path`` as plain data (intrinsics in long form, local includes and
    nested stacks on disk inlined), not transformed."""
    document = inline_nested_stacks(_parsed(path), path.parent, str(path), _parsed)
    for logical_id, resource in document["Resources"].items():
        if not isinstance(resource, dict) or not isinstance(resource.get("Type"), str):
            raise DefinitionError(f"{path}: {logical_id}: a resource needs a Type")
    return document


def _parsed(path: Path) -> dict[str, Any]:
    document = parse_document(read_text(path, "template", TEMPLATE_BYTES), str(path))
    if not isinstance(document, dict) or not isinstance(document.get("Resources"), dict):
        raise DefinitionError(
            f"{path}: not a CloudFormation or SAM template (expected a mapping with Resources)"
        )
    return dict(inline_includes(document, path.parent, str(path)))


def read_definition(
    path: Path,
    parameters: Mapping[str, str] | None = None,
    definitions: Mapping[str, Path] | None = None,
    region: str = PLACEHOLDER_REGION,
) -> Definition:
    """Read the template at ``path`` with ``parameters`` (name -> value, as ``--parameter``
    gives them) and ``definitions`` (state machine logical id -> a local copy of its
    definition, as ``--definition`` gives them). Raises ``DefinitionError`` naming the file,
    the resource and the cause."""
    source = str(path)
    written = read_document(path)
    inline_definition_files(written, path.parent, source, definitions or {})
    inline_api_definitions(written, path.parent, source)
    declared = written.get("Parameters") or {}
    values = parameter_values(source, declared, parameters or {})
    types = {k: str(r["Type"]) for k, r in written["Resources"].items()}
    if needs_transform(written):
        transformed = copy.deepcopy(written)
        code_uris = replace_code_uris(transformed)
        name_repository_applications(transformed)
        known = {
            name: ",".join(value) if isinstance(value, list) else value
            for name, value in values.items()
            if value is not None
        }
        cloudformation = sam_transform(transformed, known, region, source)
    else:
        cloudformation, code_uris = written, {}
    resources = cloudformation["Resources"]
    types.update({k: str(r.get("Type")) for k, r in resources.items()})
    scope = PlaceholderScope(
        stack_name=PLACEHOLDER_STACK,
        region=region,
        account_id=PLACEHOLDER_ACCOUNT,
        parameters=values,
        mappings=cloudformation.get("Mappings") or {},
        conditions=cloudformation.get("Conditions") or {},
        resource_types=types,
    )
    return Definition(
        path=path,
        written=written,
        resources=resources,
        parameters=values,
        declared_parameters=declared,
        outputs=cloudformation.get("Outputs") or {},
        mappings=scope.mappings,
        conditions=scope.conditions,
        state_machines=state_machines(written["Resources"], scope, source),
        code_uris=code_uris,
        scope=scope,
    )


def parse_assignments(pairs: list[str], flag: str) -> dict[str, str]:
    """``["K=V", ...]`` as given to a repeatable ``flag`` (``--parameter``, ``--definition``)."""
    found: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name:
            raise DefinitionError(f"{flag} {pair!r}: expected NAME=VALUE")
        found[name] = value
    return found
