"""Reading a SAM or CloudFormation template as it would be deployed, offline.

The template is transformed locally with samtranslator (SAM resources become the
CloudFormation resources AWS would create), with parameter values taken, in increasing
precedence, from their defaults, the project's ``samconfig.toml`` (``parameter_overrides`` of
the ``default`` environment's ``deploy`` command) and ``--parameter K=V``. A state machine's
local ``DefinitionUri`` is read and its ``DefinitionSubstitutions`` are filled in, so the
definition counted is the one Step Functions would run. samtranslator is imported here only:
``costcalc``'s other commands never pay for it.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from costcalc.errors import UsageError

_PLACEHOLDER_CODE = "s3://costcalc-estimate/code.zip"
_PSEUDO = {
    "AWS::Region": "us-east-1",
    "AWS::AccountId": "123456789012",
    "AWS::Partition": "aws",
    "AWS::URLSuffix": "amazonaws.com",
    "AWS::StackName": "estimate",
    "AWS::NoValue": None,
}
_SUB = re.compile(r"\$\{([^}!]+)\}")


class TemplateError(UsageError):
    """The template cannot be read as deployed; the message names the file and the item."""


@dataclass(frozen=True)
class Template:
    """A transformed template, its resolved parameters and its state machines' definitions."""

    path: Path
    resources: Mapping[str, Mapping[str, Any]]
    parameters: Mapping[str, str | None]
    definitions: Mapping[str, Mapping[str, Any]]

    def of_type(self, resource_type: str) -> dict[str, Mapping[str, Any]]:
        return {k: r for k, r in self.resources.items() if r.get("Type") == resource_type}

    def resolve(self, value: Any, where: str) -> Any:
        """``value`` with Ref to parameters/pseudo parameters and Fn::Sub filled in.

        ``Ref`` to a resource and ``Fn::GetAtt`` stay symbolic (``{"Ref": id}``); they name
        resources, which is all an estimate needs of them.
        """
        if isinstance(value, list):
            return [self.resolve(item, where) for item in value]
        if not isinstance(value, dict):
            return value
        if set(value) == {"Ref"} and value["Ref"] not in self.resources:
            return self._parameter(str(value["Ref"]), where)
        if set(value) == {"Fn::Sub"}:
            return self._sub(value["Fn::Sub"], where)
        return {key: self.resolve(item, where) for key, item in value.items()}

    def _parameter(self, name: str, where: str) -> Any:
        if name in _PSEUDO:
            return _PSEUDO[name]
        if name not in self.parameters:
            raise TemplateError(f"{self.path}: {where}: Ref {name!r} names nothing declared")
        value = self.parameters[name]
        if value is None:
            raise TemplateError(
                f"{self.path}: {where}: parameter {name!r} has no default and no value; "
                f"give --parameter {name}=VALUE (or parameter_overrides in samconfig.toml)"
            )
        return value

    def _sub(self, spec: Any, where: str) -> Any:
        text, names = (spec[0], spec[1]) if isinstance(spec, list) else (spec, {})
        if not isinstance(text, str):
            return {"Fn::Sub": spec}

        def fill(found: re.Match[str]) -> str:
            name = found.group(1)
            if name in names:
                return str(self.resolve(names[name], where))
            if name in self.resources or "." in name:
                return found.group(0)  # a resource's id or attribute: left symbolic
            return str(self._parameter(name, where))

        return _SUB.sub(fill, text)


def read_template(
    path: Path, overrides: Mapping[str, str] | None = None, samconfig: Path | None = None
) -> Template:
    """Parse, resolve parameters and transform the template at ``path``."""
    from samtranslator.yaml_helper import yaml_parse  # noqa: PLC0415 - estimate only

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(f"{path}: cannot read ({error.strerror or error})") from None
    try:
        raw = yaml_parse(text)
    except Exception as error:
        raise TemplateError(f"{path}: not valid YAML or JSON ({first_line(error)})") from None
    if not isinstance(raw, dict) or not isinstance(raw.get("Resources"), dict):
        raise TemplateError(
            f"{path}: not a CloudFormation or SAM template (expected a mapping with Resources)"
        )
    raw = _dates_as_text(raw)
    declared = raw.get("Parameters") or {}
    values = _parameter_values(path, declared, overrides or {}, samconfig)
    definitions = _definitions(path, raw)
    if "Serverless" in str(raw.get("Transform", "")):
        resources = _transform(path, raw, values)
    else:
        resources = raw["Resources"]
    template = Template(path, resources, values, {})
    resolved = {
        name: _substituted(template, name, definition, raw["Resources"][name])
        for name, definition in definitions.items()
    }
    return Template(path, resources, values, resolved)


def find_samconfig(template: Path, project: Path | None = None) -> Path | None:
    """The ``samconfig.toml`` SAM would use: beside the template, else at the root of the
    ``project`` it was found in (where a generated project keeps it), else in the working folder.
    """
    for folder in (template.parent, *([project] if project else []), Path.cwd()):
        candidate = folder / "samconfig.toml"
        if candidate.is_file():
            return candidate
    return None


def _parameter_values(
    path: Path,
    declared: Mapping[str, Any],
    overrides: Mapping[str, str],
    samconfig: Path | None,
) -> dict[str, str | None]:
    values: dict[str, str | None] = {
        name: None if "Default" not in spec else _text(spec["Default"])
        for name, spec in declared.items()
    }
    given = {**(_samconfig_overrides(samconfig) if samconfig else {}), **overrides}
    for name, value in given.items():
        if name not in declared:
            raise TemplateError(
                f"{path}: parameter {name!r} is not declared; the template declares "
                f"{', '.join(sorted(declared)) or 'none'}"
            )
        allowed = declared[name].get("AllowedValues")
        if allowed is not None and value not in [_text(item) for item in allowed]:
            raise TemplateError(
                f"{path}: parameter {name}={value}: accepted values are "
                f"{', '.join(_text(item) for item in allowed)}"
            )
        values[name] = value
    return values


def _samconfig_overrides(samconfig: Path) -> dict[str, str]:
    try:
        config = tomllib.loads(samconfig.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise TemplateError(f"{samconfig}: cannot read it as TOML ({error})") from None
    found = config.get("default", {}).get("deploy", {}).get("parameters", {})
    raw = found.get("parameter_overrides", [])
    pairs = raw.split() if isinstance(raw, str) else list(raw)
    result = {}
    for pair in pairs:
        name, sep, value = str(pair).partition("=")
        if not sep:
            raise TemplateError(f"{samconfig}: parameter_overrides: {pair!r} is not NAME=VALUE")
        result[name] = value.strip('"')
    return result


def _definitions(path: Path, raw: dict[str, Any]) -> dict[str, Any]:
    """Each state machine's definition, read from a local DefinitionUri and put inline."""
    found: dict[str, Any] = {}
    for name, resource in raw["Resources"].items():
        kind = resource.get("Type") if isinstance(resource, dict) else None
        if kind not in ("AWS::Serverless::StateMachine", "AWS::StepFunctions::StateMachine"):
            continue
        properties = resource.setdefault("Properties", {})
        uri = properties.pop("DefinitionUri", None) or properties.get("DefinitionS3Location")
        if uri is not None:
            found[name] = _read_definition(path, name, uri)
            properties["Definition"] = found[name]
            properties.pop("DefinitionS3Location", None)
        elif isinstance(properties.get("Definition"), dict):
            found[name] = properties["Definition"]
        elif isinstance(properties.get("DefinitionString"), str):
            found[name] = _parse_definition(path, name, properties["DefinitionString"], "json")
        else:
            raise TemplateError(
                f"{path}: {name}: expected Definition, DefinitionUri or DefinitionString"
            )
    return found


def _read_definition(path: Path, name: str, uri: Any) -> Any:
    if not isinstance(uri, str) or uri.startswith("s3://"):
        raise TemplateError(
            f"{path}: {name}: DefinitionUri {uri!r} is not a local file; the estimate reads "
            "the definition it prices"
        )
    file = path.parent / uri
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise TemplateError(
            f"{path}: {name}: DefinitionUri {uri!r} cannot be read ({error.strerror or error})"
        ) from None
    return _parse_definition(path, name, text, file.suffix.lstrip("."))


def _parse_definition(path: Path, name: str, text: str, kind: str) -> Any:
    import yaml  # noqa: PLC0415

    try:
        parsed = json.loads(text) if kind == "json" else yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        raise TemplateError(
            f"{path}: {name}: the definition is not valid {kind.upper()} ({first_line(error)})"
        ) from None
    if not isinstance(parsed, dict):
        raise TemplateError(f"{path}: {name}: the definition is not a mapping of StartAt/States")
    return parsed


def _substituted(
    template: Template, name: str, definition: Any, resource: Mapping[str, Any]
) -> Mapping[str, Any]:
    """The definition with every ``${key}`` of DefinitionSubstitutions filled in."""
    given = resource.get("Properties", {}).get("DefinitionSubstitutions") or {}
    values: dict[str, Any] = {}
    for key, value in given.items():
        try:
            values[key] = template.resolve(value, f"{name}.DefinitionSubstitutions.{key}")
        except TemplateError as unresolved:
            # Only what is priced must resolve (the e-mail sender is not): a state that prices
            # this value is refused later, with this message in it.
            values[key] = f"<{unresolved}>"
    text = json.dumps(definition)

    def fill(found: re.Match[str]) -> str:
        key = found.group(1)
        if key not in values:
            raise TemplateError(
                f"{template.path}: {name}: the definition uses ${{{key}}} but "
                f"DefinitionSubstitutions has no {key!r} (has: {', '.join(values) or 'none'})"
            )
        value = values[key]
        if isinstance(value, dict) and ({"Ref"} == set(value) or {"Fn::GetAtt"} == set(value)):
            # A resource (a table, a function's ARN): the definition names it by logical id.
            target = value.get("Ref") or value["Fn::GetAtt"]
            return str(target[0] if isinstance(target, list) else str(target).split(".")[0])
        return value if isinstance(value, str) else json.dumps(value).strip('"')

    try:
        return cast(dict[str, Any], json.loads(_SUB.sub(fill, text)))
    except json.JSONDecodeError as error:
        raise TemplateError(
            f"{template.path}: {name}: the definition is not valid JSON once its "
            f"DefinitionSubstitutions are filled in ({first_line(error)})"
        ) from None


def _transform(path: Path, raw: dict[str, Any], values: Mapping[str, str | None]) -> Any:
    from samtranslator.translator.transform import transform  # noqa: PLC0415

    # samtranslator logs a warning about its own unpublished usage metrics on every transform
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    globals_function = (raw.get("Globals") or {}).get("Function") or {}
    if "CodeUri" in globals_function:
        globals_function["CodeUri"] = _PLACEHOLDER_CODE
    for resource in raw["Resources"].values():
        if isinstance(resource, dict) and resource.get("Type") == "AWS::Serverless::Function":
            properties = resource.setdefault("Properties", {})
            if "InlineCode" not in properties:
                properties["CodeUri"] = _PLACEHOLDER_CODE
    os.environ.setdefault("AWS_DEFAULT_REGION", _PSEUDO["AWS::Region"] or "us-east-1")
    known = {name: value for name, value in values.items() if value is not None}
    try:
        transformed = transform(raw, known, _BundledPolicies())
    except Exception as error:
        raise TemplateError(f"{path}: the SAM transform failed: {first_line(error)}") from None
    return transformed["Resources"]


class _BundledPolicies:
    """The AWS managed policy ARNs samtranslator ships, so the transform makes no IAM call."""

    def load(self) -> dict[str, str]:
        import samtranslator  # noqa: PLC0415

        data = Path(samtranslator.__file__).parent / "internal/data/aws_managed_policies.json"
        return cast(dict[str, str], json.loads(data.read_text())["aws"])


def _dates_as_text(value: Any) -> Any:
    """Unquoted YAML dates (``Version: 2012-10-17``) as the text CloudFormation reads."""
    if isinstance(value, dict):
        return {key: _dates_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(item) for item in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _text(value: Any) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
