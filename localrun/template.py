"""Loading a SAM template and transforming it to plain CloudFormation, offline."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import samtranslator
import yaml
from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

_PLACEHOLDER_BUCKET = "localrun-code"
_SERVERLESS_FUNCTION = "AWS::Serverless::Function"
_SERVERLESS_STATE_MACHINE = "AWS::Serverless::StateMachine"


class TemplateError(Exception):
    """The template cannot be deployed locally; the message says what and where."""


class _BundledPolicies:
    """The AWS managed policy names samtranslator ships, so the transform needs no IAM call."""

    def load(self) -> dict[str, str]:
        data = Path(samtranslator.__file__).parent / "internal/data/aws_managed_policies.json"
        return cast(dict[str, str], json.loads(data.read_text())["aws"])


@dataclass(frozen=True)
class TransformedTemplate:
    """A template as CloudFormation sees it, with each function's local code folder."""

    path: Path
    resources: dict[str, dict[str, Any]]
    parameters: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]
    mappings: dict[str, Any]
    conditions: dict[str, Any]
    code_dirs: dict[str, Path]

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.resources.items() if r["Type"] == resource_type}


def _code_dirs(template: dict[str, Any], base: Path) -> dict[str, Path]:
    """Replace each function's local CodeUri by an S3 placeholder; return the local folders."""
    globals_function = template.get("Globals", {}).get("Function", {})
    default_uri = globals_function.pop("CodeUri", None)
    dirs: dict[str, Path] = {}
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != _SERVERLESS_FUNCTION:
            continue
        properties = resource.setdefault("Properties", {})
        uri = properties.get("CodeUri", default_uri)
        if not isinstance(uri, str) or uri.startswith("s3://"):
            raise TemplateError(
                f"{logical_id}: CodeUri {uri!r} is not a local folder; the runner runs local code"
            )
        folder = (base / uri).resolve()
        if not folder.is_dir():
            raise TemplateError(f"{logical_id}: CodeUri {uri!r} is not a folder ({folder})")
        dirs[logical_id] = folder
        properties["CodeUri"] = f"s3://{_PLACEHOLDER_BUCKET}/{logical_id}.zip"
    return dirs


def _inline_definitions(template: dict[str, Any], base: Path) -> None:
    """Put each state machine's local DefinitionUri file inline, as `sam package` would upload it.

    The definition's `${...}` placeholders stay for DefinitionSubstitutions to fill.
    """
    for logical_id, resource in template.get("Resources", {}).items():
        if resource.get("Type") != _SERVERLESS_STATE_MACHINE:
            continue
        properties = resource.setdefault("Properties", {})
        uri = properties.pop("DefinitionUri", None)
        if uri is None:
            continue
        if not isinstance(uri, str) or uri.startswith("s3://"):
            raise TemplateError(f"{logical_id}: DefinitionUri {uri!r} is not a local file")
        path = (base / uri).resolve()
        try:
            text = path.read_text()
        except OSError as error:
            raise TemplateError(
                f"{logical_id}: DefinitionUri {uri!r} cannot be read ({error.strerror})"
            ) from None
        try:
            properties["Definition"] = (
                json.loads(text) if path.suffix == ".json" else yaml.safe_load(text)
            )
        except (json.JSONDecodeError, yaml.YAMLError) as error:
            raise TemplateError(
                f"{logical_id}: DefinitionUri {uri!r} is not valid: {error}"
            ) from None


def load_template(path: Path, parameters: dict[str, str]) -> TransformedTemplate:
    """Parse and transform the SAM template at `path` with `parameters` (AWS_DEFAULT_REGION set)."""
    try:
        raw = yaml_parse(path.read_text())
    except OSError as error:
        raise TemplateError(f"{path}: cannot read the template ({error.strerror})") from None
    if not isinstance(raw, dict) or "Resources" not in raw:
        raise TemplateError(f"{path}: not a CloudFormation/SAM template (no Resources)")
    code_dirs = _code_dirs(raw, path.parent)
    _inline_definitions(raw, path.parent)
    declared = raw.get("Parameters", {})
    unknown = sorted(set(parameters) - set(declared))
    if unknown:
        raise TemplateError(
            f"{path}: unknown parameter(s) {', '.join(unknown)}; "
            f"the template declares {', '.join(sorted(declared)) or 'none'}"
        )
    try:
        transformed = transform(raw, dict(parameters), _BundledPolicies())
    except Exception as error:
        raise TemplateError(f"{path}: the SAM transform failed: {error}") from None
    return TransformedTemplate(
        path=path,
        resources=transformed["Resources"],
        parameters=transformed.get("Parameters", {}),
        outputs=transformed.get("Outputs", {}),
        mappings=transformed.get("Mappings", {}),
        conditions=transformed.get("Conditions", {}),
        code_dirs=code_dirs,
    )
