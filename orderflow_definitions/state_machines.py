"""A state machine's definition (ASL), wherever the template keeps it, as Step Functions runs it.

Sources, in the order a deploy reads them:
- ``DefinitionUri`` (SAM) naming a local JSON or YAML file: read and put inline, as
  ``sam package`` uploads it; in S3 (``s3://...`` or ``{Bucket, Key}``), and
  ``DefinitionS3Location`` (CloudFormation), refused naming the bucket and key and the
  ``--definition LOGICAL_ID=PATH`` flag that supplies a local copy;
- ``Definition``: a mapping, whose ``!Sub``/``!GetAtt``/``!Ref`` and pseudo parameters resolve;
- ``DefinitionString``: text, or the ``!Sub``/``!Join`` that CDK emits, resolved then parsed;
then ``DefinitionSubstitutions`` fill each ``${key}`` left in it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orderflow_definitions.documents import parse_document
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import ASL_BYTES, read_text
from orderflow_definitions.intrinsics import Scope, resolve

SERVERLESS = "AWS::Serverless::StateMachine"
STEP_FUNCTIONS = "AWS::StepFunctions::StateMachine"
STATE_MACHINE_TYPES = (SERVERLESS, STEP_FUNCTIONS)
#: The flag a command takes to supply a definition the template keeps in S3.
DEFINITION_FLAG = "--definition"
_SUBSTITUTION = re.compile(r"\$\{([^}!]+)\}")


@dataclass(frozen=True)
class StateMachine:
    """One state machine: its logical id, STANDARD or EXPRESS, and its definition."""

    logical_id: str
    type: str
    definition: Mapping[str, Any]


def read_asl(path: Path, where: str) -> dict[str, Any]:
    """The ASL file at ``path`` (JSON or YAML); ``where`` says who names it."""
    try:
        text = read_text(path, "state machine definition", ASL_BYTES)
    except DefinitionError as error:
        raise DefinitionError(f"{where}: {error}") from None
    parsed = parse_document(text, where)
    return _checked(parsed, where)


def _checked(parsed: Any, where: str) -> dict[str, Any]:
    if not isinstance(parsed, dict) or not isinstance(parsed.get("States"), dict):
        raise DefinitionError(f"{where}: the definition is not a mapping with StartAt and States")
    return parsed


def _s3_location(uri: Any) -> str | None:
    if isinstance(uri, str) and uri.startswith("s3://"):
        return uri
    if isinstance(uri, dict) and "Bucket" in uri:
        return f"s3://{uri.get('Bucket')}/{uri.get('Key')}"
    return None


def inline_definition_files(
    template: dict[str, Any], base: Path, source: str, supplied: Mapping[str, Path]
) -> None:
    """Put each state machine's definition file inline (``supplied`` maps a logical id to a
    local copy given with ``--definition``, which takes precedence over what the template
    says). Its ``${...}`` placeholders stay for DefinitionSubstitutions to fill."""
    resources = template.get("Resources") or {}
    unknown = sorted(set(supplied) - {k for k, r in resources.items() if _is_machine(r)})
    if unknown:
        raise DefinitionError(
            f"{source}: {DEFINITION_FLAG} {', '.join(unknown)}: no state machine of that name "
            f"(state machines: {', '.join(k for k, r in resources.items() if _is_machine(r))})"
        )
    for logical_id, resource in resources.items():
        if not _is_machine(resource):
            continue
        properties = resource.setdefault("Properties", {})
        where = f"{source}: {logical_id}"
        if logical_id in supplied:
            for key in ("DefinitionUri", "DefinitionS3Location", "DefinitionString"):
                properties.pop(key, None)
            properties["Definition"] = read_asl(
                supplied[logical_id], f"{where}: {supplied[logical_id]}"
            )
            continue
        key = "DefinitionUri" if "DefinitionUri" in properties else "DefinitionS3Location"
        uri = properties.get(key)
        if uri is None:
            continue
        s3 = _s3_location(uri)
        if s3 is not None:
            raise DefinitionError(
                f"{where}: {key} is in S3 ({s3}); the reader reads the definition it uses: "
                f"supply a local copy with {DEFINITION_FLAG} {logical_id}=PATH"
            )
        if not isinstance(uri, str):
            raise DefinitionError(f"{where}: {key} {uri!r} is neither a local file nor S3")
        properties["Definition"] = read_asl((base / uri).resolve(), f"{where}: {key} {uri}")
        del properties[key]


def _is_machine(resource: Any) -> bool:
    return isinstance(resource, dict) and resource.get("Type") in STATE_MACHINE_TYPES


def state_machines(
    resources: Mapping[str, Any], scope: Scope, source: str
) -> dict[str, StateMachine]:
    """Every state machine of ``resources`` (as written, definition files already inline)."""
    found = {}
    for logical_id, resource in resources.items():
        if not _is_machine(resource):
            continue
        properties = resource.get("Properties") or {}
        where = f"{source}: {logical_id}"
        kind = properties.get("Type" if resource["Type"] == SERVERLESS else "StateMachineType")
        definition = _substituted(_definition(properties, scope, where), properties, scope, where)
        found[logical_id] = StateMachine(logical_id, str(kind or "STANDARD").upper(), definition)
    return found


def _definition(properties: Mapping[str, Any], scope: Scope, where: str) -> dict[str, Any]:
    if isinstance(properties.get("Definition"), dict):
        return _checked(_resolved(properties["Definition"], scope, where), where)
    if "DefinitionString" in properties:
        text = _resolved(properties["DefinitionString"], scope, where)
        if not isinstance(text, str):
            raise DefinitionError(f"{where}: DefinitionString does not resolve to text")
        return _checked(parse_document(text, f"{where}: DefinitionString"), where)
    raise DefinitionError(
        f"{where}: no definition (expected Definition, DefinitionString, DefinitionUri or "
        "DefinitionS3Location)"
    )


def _resolved(value: Any, scope: Scope, where: str) -> Any:
    try:
        return resolve(value, scope)
    except DefinitionError as error:
        raise DefinitionError(f"{where}: {error}") from None


def _substituted(
    definition: dict[str, Any], properties: Mapping[str, Any], scope: Scope, where: str
) -> dict[str, Any]:
    """``definition`` with each ``${key}`` of DefinitionSubstitutions filled in. A placeholder
    no key names stays as written: CloudFormation replaces only the keys it is given, so such
    a template deploys (the literal ``${Key}`` reaches Step Functions)."""
    written = properties.get("DefinitionSubstitutions") or {}
    if not isinstance(written, dict):
        raise DefinitionError(f"{where}: DefinitionSubstitutions is not a mapping")
    given: dict[str, Any] = {}
    for key, value in written.items():
        try:
            given[key] = _resolved(value, scope, f"{where}: DefinitionSubstitutions.{key}")
        except DefinitionError as unresolved:
            # Not every value can be known offline (a parameter without a default, such as an
            # e-mail sender): it reads as this message, so that whoever uses it says why.
            given[key] = f"<{unresolved}>"
    text = json.dumps(definition)

    def fill(found: re.Match[str]) -> str:
        key = found.group(1)
        if key not in given:
            return found.group(0)
        value = given[key]
        return json.dumps(value if isinstance(value, str) else json.dumps(value))[1:-1]

    return _checked(json.loads(_SUBSTITUTION.sub(fill, text)), where)
