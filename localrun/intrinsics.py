"""Resolving CloudFormation intrinsic functions against the resources the runner created."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from localrun.template import TemplateError

_NO_VALUE = object()
_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")


@dataclass
class Names:
    """What `Ref` and `Fn::GetAtt` answer for each resource, plus parameters and pseudo values."""

    stack_name: str
    region: str
    account_id: str
    parameters: dict[str, Any]
    mappings: dict[str, Any] = field(default_factory=dict)
    conditions: dict[str, Any] = field(default_factory=dict)
    physical: dict[str, str] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)

    def pseudo(self) -> dict[str, str]:
        return {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": (
                f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/local"
            ),
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return _NO_VALUE
        pseudo = self.pseudo()
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            return self.parameters[name]
        if name in self.refs:
            return self.refs[name]
        raise TemplateError(f"Ref {name}: no parameter or resource of that name was deployed")

    def get_att(self, logical_id: str, attribute: str) -> str:
        try:
            return self.attributes[logical_id][attribute]
        except KeyError:
            raise TemplateError(
                f"Fn::GetAtt {logical_id}.{attribute}: the runner does not provide it "
                f"(known: {', '.join(sorted(self.attributes.get(logical_id, {}))) or 'none'})"
            ) from None

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise TemplateError(f"Condition {name}: not declared in the template")
        return bool(resolve(self.conditions[name], self))


def _sub(template: str, variables: dict[str, Any], names: Names) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in variables:
            return str(variables[name])
        if "." in name and not name.startswith("AWS::"):
            logical_id, attribute = name.split(".", 1)
            return names.get_att(logical_id, attribute)
        return str(names.ref(name))

    return _SUB_VARIABLE.sub(replace, template)


def _function(name: str, argument: Any, names: Names) -> Any:  # noqa: PLR0911, PLR0912
    if name == "Ref":
        return names.ref(argument)
    if name == "Fn::GetAtt":
        logical_id, attribute = argument.split(".", 1) if isinstance(argument, str) else argument
        return names.get_att(logical_id, resolve(attribute, names))
    if name == "Fn::Sub":
        if isinstance(argument, str):
            return _sub(argument, {}, names)
        text, variables = argument
        return _sub(text, resolve(variables, names), names)
    if name == "Fn::Join":
        separator, values = argument
        return separator.join(str(v) for v in resolve(values, names))
    if name == "Fn::Select":
        index, values = resolve(argument, names)
        return values[int(index)]
    if name == "Fn::Split":
        separator, text = resolve(argument, names)
        return text.split(separator)
    if name == "Fn::FindInMap":
        mapping, key, attribute = resolve(argument, names)
        return names.mappings[mapping][key][attribute]
    if name == "Fn::If":
        condition, when_true, when_false = argument
        return resolve(when_true if names.condition(condition) else when_false, names)
    if name == "Fn::Equals":
        left, right = resolve(argument, names)
        return str(left) == str(right)
    if name == "Fn::Not":
        return not resolve(argument[0], names)
    if name == "Fn::And":
        return all(resolve(argument, names))
    if name == "Fn::Or":
        return any(resolve(argument, names))
    if name == "Condition":
        return names.condition(argument)
    raise TemplateError(f"{name}: intrinsic function not supported by the local runner")


_FUNCTIONS = {
    "Ref",
    "Condition",
    "Fn::GetAtt",
    "Fn::Sub",
    "Fn::Join",
    "Fn::Select",
    "Fn::Split",
    "Fn::FindInMap",
    "Fn::If",
    "Fn::Equals",
    "Fn::Not",
    "Fn::And",
    "Fn::Or",
}


def resolve(value: Any, names: Names) -> Any:
    """`value` with every intrinsic function evaluated; `AWS::NoValue` entries removed."""
    if isinstance(value, dict):
        if len(value) == 1:
            (key, argument), *_ = value.items()
            if key in _FUNCTIONS or key.startswith("Fn::"):
                return _function(key, argument, names)
        resolved = {k: resolve(v, names) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not _NO_VALUE}
    if isinstance(value, list):
        return [v for v in (resolve(item, names) for item in value) if v is not _NO_VALUE]
    return value
