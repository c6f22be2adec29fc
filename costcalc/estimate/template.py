"""The estimate's view of a template: the kit's one reader (``orderflow_definitions``) plus
where SAM keeps parameter values.

Parameter values are taken, in increasing precedence, from their defaults, the project's
``samconfig.toml`` (``parameter_overrides`` of the ``default`` environment's ``deploy``
command) and ``--parameter K=V``. The reader transforms the template (samtranslator is
imported only when a template asks for the SAM transform: ``costcalc``'s other commands never
pay for it), inlines local definition files and ``AWS::Include``, and reads every state
machine's definition as Step Functions would run it, resources named by placeholder ARNs that
carry their logical ids (``Template.logical_id`` reads them back).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

from costcalc.errors import UsageError
from costcalc.estimate.declared_usage import from_metadata
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import SMALL_FILE_BYTES, read_text
from orderflow_definitions.intrinsics import PlaceholderScope, Scope, resolve
from orderflow_definitions.reader import (
    PLACEHOLDER_ACCOUNT,
    PLACEHOLDER_REGION,
    PLACEHOLDER_STACK,
    read_definition,
)


class TemplateError(UsageError):
    """The template cannot be read as deployed; the message names the file and the item."""


class _Symbolic(Scope):
    """Resources stay symbolic (``{"Ref": id}``, ``{"Fn::GetAtt": [id, attribute]}``): they
    name resources, which is all an estimate needs of them."""

    def resource_ref(self, logical_id: str) -> Any:
        return {"Ref": logical_id}

    def get_att(self, logical_id: str, attribute: str) -> Any:
        return {"Fn::GetAtt": [logical_id, attribute]}


@dataclass(frozen=True)
class Template:
    """A transformed template, its resolved parameters and its state machines' definitions."""

    path: Path
    resources: Mapping[str, Mapping[str, Any]]
    parameters: Mapping[str, Any]
    definitions: Mapping[str, Mapping[str, Any]]
    #: Resources read from a Pulumi program whose type maps onto no CloudFormation type the
    #: estimate reads (logical id -> Pulumi type): listed as not billed, never dropped.
    unread: Mapping[str, str] = field(default_factory=dict)
    #: The template's Mappings and Conditions: ``Fn::FindInMap`` and ``Fn::If`` outside a
    #: definition (a rule's schedule, a queue's target) read them as the deploy would.
    mappings: Mapping[str, Any] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)
    #: The usage file the definition names for itself (costcalc.estimate.declared_usage).
    usage: str | None = None
    _placeholders: PlaceholderScope = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        types = {k: str(r.get("Type")) for k, r in self.resources.items()}
        object.__setattr__(
            self,
            "_placeholders",
            _scope(PlaceholderScope, self, resource_types=types),
        )

    def of_type(self, resource_type: str) -> dict[str, Mapping[str, Any]]:
        return {k: r for k, r in self.resources.items() if r.get("Type") == resource_type}

    def resolve(self, value: Any, where: str) -> Any:
        """``value`` with parameters, pseudo parameters and intrinsics filled in; resources
        stay symbolic."""
        try:
            return resolve(value, _scope(_Symbolic, self))
        except DefinitionError as error:
            raise TemplateError(f"{self.path}: {where}: {error}") from None

    def with_placeholders(self, value: Any, where: str) -> Any:
        """``value`` with resources named by placeholder ARNs, as definitions name them."""
        try:
            return resolve(value, self._placeholders)
        except DefinitionError as error:
            raise TemplateError(f"{self.path}: {where}: {error}") from None

    def as_deployed(self) -> dict[str, Mapping[str, Any]]:
        """The resources the deploy creates: one whose ``Condition`` is false is left out, and
        each ``Fn::If`` is the branch its condition picks (a condition that cannot be known
        offline, on a parameter without a value, leaves both as written)."""
        scope = _scope(_Symbolic, self)
        return {
            name: _picked(resource, scope)
            for name, resource in self.resources.items()
            if _holds(resource.get("Condition"), scope)
        }

    def logical_id(self, value: Any) -> str | None:
        """The resource a definition's value names (a placeholder ARN, a name, ``Id:alias``)."""
        return self._placeholders.logical_id(value)


_S = TypeVar("_S", bound=Scope)


def _holds(condition: Any, scope: Scope) -> bool:
    if not isinstance(condition, str):
        return True
    try:
        return scope.condition(condition)
    except DefinitionError:
        return True


def _picked(value: Any, scope: Scope) -> Any:
    if isinstance(value, list):
        return [_picked(item, scope) for item in value]
    if not isinstance(value, Mapping):
        return value
    choice = value.get("Fn::If") if len(value) == 1 else None
    if isinstance(choice, list) and len(choice) == 3 and isinstance(choice[0], str):
        try:
            return _picked(choice[1] if scope.condition(choice[0]) else choice[2], scope)
        except DefinitionError:
            pass
    return {key: _picked(item, scope) for key, item in value.items()}


def _scope(kind: type[_S], template: Template, **resources: Any) -> _S:
    return kind(
        stack_name=PLACEHOLDER_STACK,
        region=PLACEHOLDER_REGION,
        account_id=PLACEHOLDER_ACCOUNT,
        parameters=template.parameters,
        mappings=template.mappings,
        conditions=template.conditions,
        **resources,
    )


def read_template(
    path: Path,
    overrides: Mapping[str, str] | None = None,
    samconfig: Path | None = None,
    definitions: Mapping[str, Path] | None = None,
) -> Template:
    """Parse, resolve parameters and transform the template at ``path``; ``definitions``
    (state machine logical id -> local file, as ``--definition ID=PATH`` gives them) replace
    the definitions the template names."""
    given = {**(_samconfig_overrides(samconfig) if samconfig else {}), **(overrides or {})}
    try:
        found = read_definition(path, given, definitions)
    except DefinitionError as error:
        raise TemplateError(str(error)) from None
    machines = {k: machine.definition for k, machine in found.state_machines.items()}
    read = Template(
        path,
        found.resources,
        found.parameters,
        machines,
        mappings=found.mappings,
        conditions=found.conditions,
        usage=from_metadata(found.written, path),
    )
    resources = read.as_deployed()
    return replace(
        read,
        resources=resources,
        definitions={k: d for k, d in machines.items() if k in resources},
    )


def find_samconfig(template: Path, project: Path | None = None) -> Path | None:
    """The ``samconfig.toml`` SAM would use: beside the template, else at the root of the
    ``project`` it was found in (where a generated project keeps it), else in the working
    folder when the template lies under it (one in an unrelated folder is not this
    template's, and a broken one there must not stop its estimate)."""
    folders = [template.parent, *([project] if project else [])]
    if template.resolve().is_relative_to(Path.cwd()):
        folders.append(Path.cwd())
    for folder in folders:
        candidate = folder / "samconfig.toml"
        if candidate.is_file():
            return candidate
    return None


def _samconfig_overrides(samconfig: Path) -> dict[str, str]:
    try:
        config = tomllib.loads(read_text(samconfig, "SAM configuration", SMALL_FILE_BYTES))
    except DefinitionError as error:
        raise TemplateError(str(error)) from None
    except tomllib.TOMLDecodeError as error:
        raise TemplateError(f"{samconfig}: cannot read it as TOML ({error})") from None
    found: Any = config
    for key in ("default", "deploy", "parameters"):
        found = found.get(key, {}) if isinstance(found, dict) else {}
    raw = found.get("parameter_overrides", []) if isinstance(found, dict) else []
    pairs = raw.split() if isinstance(raw, str) else list(raw) if isinstance(raw, list) else []
    result = {}
    for pair in pairs:
        name, sep, value = str(pair).partition("=")
        if not sep:
            raise TemplateError(f"{samconfig}: parameter_overrides: {pair!r} is not NAME=VALUE")
        result[name] = value.strip('"')
    return result


def first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
