"""Nested stacks (``AWS::CloudFormation::Stack``) whose template is on disk, inlined into the
parent as CloudFormation deploys them: one set of resources.

A CDK app's ``cdk.out`` holds each nested stack's ``*.nested.template.json`` beside its parent,
named by the stack resource's asset metadata (``aws:asset:path``) or, without that metadata,
by the asset hash its ``TemplateURL`` ends with and the ``*.assets.json`` manifest maps to the
file; a hand-written template may name a local file in ``TemplateURL``. The nested template's
parameters take the values the parent passes (else their defaults), its logical ids stay as
they are unless the parent has the same id (then prefixed with the stack's id), and the
parent's ``Fn::GetAtt [Stack, Outputs.Name]`` becomes the output's value. A nested stack whose
template is only in S3, or names a local file that is not there, is left as it is (the
estimate notes it as not estimated, naming its template).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import TEMPLATE_BYTES, read_text

STACK = "AWS::CloudFormation::Stack"
#: Metadata key an inlined stack resource gets: its template's file (its resources are in the
#: parent now, so nothing is left unestimated).
INLINED = "orderflow-definitions:inlined"
#: Nested stacks may nest others; a chain longer than this is taken for a loop.
MAX_NESTING = 8
_ASSET_KEY = re.compile(r"([0-9a-f]{64})\.json$")
_SUB_NAME = re.compile(r"\$\{([^!}][^}]*)\}")


def inline_nested_stacks(
    document: dict[str, Any],
    folder: Path,
    source: str,
    read: Callable[[Path], dict[str, Any]],
    depth: int = 0,
) -> dict[str, Any]:
    """``document`` with each nested stack found on disk (relative to ``folder``) merged in;
    ``read`` parses a nested template (includes inlined)."""
    resources = document.get("Resources")
    if not isinstance(resources, dict):
        return document
    stacks = {k: r for k, r in resources.items() if isinstance(r, dict) and r.get("Type") == STACK}
    outputs: dict[str, Any] = {}
    merged = dict(document)
    merged_resources = dict(resources)
    for stack_id, stack in stacks.items():
        path = nested_template(stack, folder)
        if path is None or not path.is_file():  # in S3, or not beside the parent: noted
            continue
        if depth >= MAX_NESTING:
            raise DefinitionError(
                f"{source}: {stack_id}: nested stacks more than {MAX_NESTING} deep"
            )
        where = f"{source}: {stack_id} ({path.name})"
        child = inline_nested_stacks(read(path), path.parent, str(path), read, depth + 1)
        renames = {k: f"{stack_id}{k}" for k in child.get("Resources", {}) if k in merged_resources}
        values = _parameter_values(stack, child, where)
        for logical_id, resource in (child.get("Resources") or {}).items():
            merged_resources[renames.get(logical_id, logical_id)] = _substituted(
                resource, values, renames
            )
        for name, output in (child.get("Outputs") or {}).items():
            if isinstance(output, dict) and "Value" in output:
                outputs[f"{stack_id}.Outputs.{name}"] = _substituted(
                    output["Value"], values, renames
                )
        for section in ("Conditions", "Mappings"):
            for name, item in (child.get(section) or {}).items():
                merged.setdefault(section, {})
                if merged[section].get(name, item) != item:
                    raise DefinitionError(
                        f"{where}: {section[:-1].lower()} {name} differs from the parent's of "
                        "the same name"
                    )
                merged[section] = {**merged[section], name: item}
        if "Transform" in child and "Transform" not in merged:
            merged["Transform"] = child["Transform"]
        metadata = stack.get("Metadata")
        marked = {**(metadata if isinstance(metadata, dict) else {}), INLINED: path.name}
        merged_resources[stack_id] = {**stack, "Metadata": marked}
    merged["Resources"] = _with_outputs(merged_resources, outputs)
    if "Outputs" in merged:
        merged["Outputs"] = _with_outputs(merged["Outputs"], outputs)
    return merged


def nested_template(stack: Mapping[str, Any], folder: Path) -> Path | None:
    """The file on disk holding the nested stack's template, or None (only in S3)."""
    metadata = stack.get("Metadata") or {}
    asset = metadata.get("aws:asset:path") if isinstance(metadata, dict) else None
    if (
        isinstance(asset, str)
        and metadata.get("aws:asset:property", "TemplateURL") == "TemplateURL"
    ):
        return folder / asset
    url = (stack.get("Properties") or {}).get("TemplateURL")
    if isinstance(url, str) and "://" not in url:
        return folder / url
    key = next((m.group(1) for text in _strings(url) if (m := _ASSET_KEY.search(text))), None)
    return _asset_file(folder, key) if key else None


def _asset_file(folder: Path, key: str) -> Path | None:
    """The file a CDK assets manifest beside the template publishes under ``key``."""
    for manifest in sorted(folder.glob("*.assets.json")):
        try:
            files = json.loads(read_text(manifest, "CDK assets manifest", TEMPLATE_BYTES))
        except (DefinitionError, json.JSONDecodeError):
            continue
        entry = (files.get("files") or {}).get(key) if isinstance(files, dict) else None
        path = ((entry or {}).get("source") or {}).get("path") if isinstance(entry, dict) else None
        if isinstance(path, str) and path.endswith(".json"):
            return folder / path
    return None


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [text for item in value for text in _strings(item)]
    if isinstance(value, dict):
        return [text for item in value.values() for text in _strings(item)]
    return []


def _parameter_values(
    stack: Mapping[str, Any], child: Mapping[str, Any], where: str
) -> dict[str, Any]:
    given = (stack.get("Properties") or {}).get("Parameters") or {}
    values = {}
    for name, declared in (child.get("Parameters") or {}).items():
        if name in given:
            values[name] = given[name]
        elif isinstance(declared, dict) and "Default" in declared:
            values[name] = declared["Default"]
        else:
            raise DefinitionError(
                f"{where}: parameter {name} has no default and the parent passes no value; "
                "expected it under the stack's Properties.Parameters"
            )
    return values


def _substituted(value: Any, values: Mapping[str, Any], renames: Mapping[str, str]) -> Any:
    """``value`` (from the nested template) in the parent's terms: parameters replaced by the
    values passed, renamed resources referenced by their new ids."""
    if isinstance(value, list):
        return [_substituted(item, values, renames) for item in value]
    if not isinstance(value, dict):
        return value
    if len(value) == 1:
        intrinsic = _intrinsic(*next(iter(value.items())), values, renames)
        if intrinsic is not None:
            return intrinsic[0]
    result = {}
    for key, item in value.items():
        if key == "DependsOn":
            names = item if isinstance(item, list) else [item]
            renamed = [renames.get(n, n) if isinstance(n, str) else n for n in names]
            result[key] = renamed if isinstance(item, list) else renamed[0]
        else:
            result[key] = _substituted(item, values, renames)
    return result


def _intrinsic(
    key: str, item: Any, values: Mapping[str, Any], renames: Mapping[str, str]
) -> tuple[Any] | None:
    """A ``Ref``, ``Fn::GetAtt`` or ``Fn::Sub`` in the parent's terms (in a 1-tuple), else
    None."""
    if key == "Ref" and isinstance(item, str):
        return (values[item] if item in values else {"Ref": renames.get(item, item)},)
    if key == "Fn::GetAtt":
        return ({"Fn::GetAtt": _renamed_get_att(item, renames)},)
    if key == "Fn::Sub":
        return ({"Fn::Sub": _sub(item, values, renames)},)
    return None


def _renamed_get_att(item: Any, renames: Mapping[str, str]) -> Any:
    if isinstance(item, list) and item and isinstance(item[0], str):
        return [renames.get(item[0], item[0]), *item[1:]]
    if isinstance(item, str):
        head, dot, rest = item.partition(".")
        return f"{renames.get(head, head)}{dot}{rest}"
    return item


def _sub(item: Any, values: Mapping[str, Any], renames: Mapping[str, str]) -> Any:
    text, variables = (
        (item[0], dict(item[1])) if isinstance(item, list) and len(item) == 2 else (item, {})
    )
    if not isinstance(text, str):
        return _substituted(item, values, renames)
    passed = {}

    def rename(match: re.Match[str]) -> str:
        name = match.group(1)
        head, dot, rest = name.partition(".")
        if name in variables:
            return match.group(0)
        if name in values:
            passed[name] = values[name]
            return match.group(0)
        return "${" + renames.get(head, head) + dot + rest + "}"

    text = _SUB_NAME.sub(rename, text)
    variables = {k: _substituted(v, values, renames) for k, v in variables.items()}
    variables.update(passed)
    return [text, variables] if variables else text


def _with_outputs(value: Any, outputs: Mapping[str, Any]) -> Any:
    """``value`` with every ``Fn::GetAtt`` of a nested stack's output replaced by its value."""
    if isinstance(value, list):
        return [_with_outputs(item, outputs) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {"Fn::GetAtt"}:
        item = value["Fn::GetAtt"]
        name = (
            ".".join(item)
            if isinstance(item, list) and all(isinstance(i, str) for i in item)
            else item
        )
        if isinstance(name, str) and name in outputs:
            return _with_outputs(outputs[name], outputs)
    return {key: _with_outputs(item, outputs) for key, item in value.items()}
