"""CloudFormation's intrinsic functions, evaluated against a ``Scope``.

A scope says what ``Ref`` and ``Fn::GetAtt`` answer. The local runner's scope answers with the
names it deployed; ``PlaceholderScope`` answers with ARNs built from the logical ids (an
estimate needs to know which resource a value names, not its deployed name).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from orderflow_definitions.errors import DefinitionError

#: What ``Ref AWS::NoValue`` resolves to; ``resolve`` drops the entries that hold it.
NO_VALUE: Any = object()
_SUB_VARIABLE = re.compile(r"\$\{([^}]+)\}")


@dataclass
class Scope:
    """Parameters, pseudo parameters, mappings and conditions; resources are the subclass's."""

    stack_name: str
    region: str
    account_id: str
    parameters: Mapping[str, Any]
    mappings: Mapping[str, Any] = field(default_factory=dict)
    conditions: Mapping[str, Any] = field(default_factory=dict)

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
            "AWS::NotificationARNs": "",
        }

    def ref(self, name: str) -> Any:
        if name == "AWS::NoValue":
            return NO_VALUE
        pseudo = self.pseudo()
        if name in pseudo:
            return pseudo[name]
        if name in self.parameters:
            value = self.parameters[name]
            if value is None:
                raise DefinitionError(
                    f"parameter {name}: required (no default); pass a value for it "
                    f"(--parameter {name}=VALUE)"
                )
            return value
        return self.resource_ref(name)

    def resource_ref(self, logical_id: str) -> Any:
        raise DefinitionError(f"Ref {logical_id}: no parameter or resource of that name")

    def get_att(self, logical_id: str, attribute: str) -> Any:
        raise DefinitionError(f"Fn::GetAtt {logical_id}.{attribute}: not known here")

    def condition(self, name: str) -> bool:
        if name not in self.conditions:
            raise DefinitionError(f"Condition {name}: not declared in the template")
        return bool(resolve(self.conditions[name], self))


#: The ARN each resource type's ``Fn::GetAtt X.Arn`` has, as (service, resource part); the
#: placeholder keeps the logical id as the resource's name so that it can be found again.
_ARN_FORMS = {
    "AWS::Lambda::Function": ("lambda", "function:{}"),
    "AWS::Serverless::Function": ("lambda", "function:{}"),
    "AWS::StepFunctions::StateMachine": ("states", "stateMachine:{}"),
    "AWS::Serverless::StateMachine": ("states", "stateMachine:{}"),
    "AWS::SNS::Topic": ("sns", "{}"),
    "AWS::SQS::Queue": ("sqs", "{}"),
    "AWS::DynamoDB::Table": ("dynamodb", "table/{}"),
    "AWS::Serverless::SimpleTable": ("dynamodb", "table/{}"),
    "AWS::Events::EventBus": ("events", "event-bus/{}"),
    "AWS::Events::Rule": ("events", "rule/{}"),
    "AWS::IAM::Role": ("iam", "role/{}"),
    "AWS::S3::Bucket": ("s3", "{}"),
    "AWS::Kinesis::Stream": ("kinesis", "stream/{}"),
    "AWS::Logs::LogGroup": ("logs", "log-group:{}"),
}
#: Types whose ``Ref`` is their ARN rather than their name.
_REF_IS_ARN = {
    "AWS::SNS::Topic",
    "AWS::StepFunctions::StateMachine",
    "AWS::Serverless::StateMachine",
    "AWS::IAM::ManagedPolicy",
}


@dataclass
class PlaceholderScope(Scope):
    """Resources answer with placeholder names and ARNs that carry their logical ids:
    ``Ref Fn`` is ``Fn``, ``!GetAtt Fn.Arn`` is ``arn:aws:lambda:REGION:ACCOUNT:function:Fn``
    and ``!Ref Topic`` (an ARN) ``arn:aws:sns:REGION:ACCOUNT:Topic``. ``logical_id`` reads a
    logical id back out of any of them."""

    resource_types: Mapping[str, str] = field(default_factory=dict)

    def arn(self, logical_id: str) -> str:
        kind = self.resource_types[logical_id]
        service, resource = _ARN_FORMS.get(kind, (kind.split("::")[1].lower(), "{}"))
        region = "" if service in ("iam", "s3") else self.region
        account = "" if service == "s3" else self.account_id
        return f"arn:aws:{service}:{region}:{account}:{resource.format(logical_id)}"

    def resource_ref(self, logical_id: str) -> Any:
        if logical_id not in self.resource_types:
            return super().resource_ref(logical_id)
        if self.resource_types[logical_id] in _REF_IS_ARN:
            return self.arn(logical_id)
        if self.resource_types[logical_id] == "AWS::SQS::Queue":
            return f"https://sqs.{self.region}.amazonaws.com/{self.account_id}/{logical_id}"
        return logical_id

    def get_att(self, logical_id: str, attribute: str) -> Any:
        if logical_id not in self.resource_types:
            raise DefinitionError(f"Fn::GetAtt {logical_id}.{attribute}: no resource of that name")
        if attribute.endswith("Arn"):
            arn = self.arn(logical_id)
            return f"{arn}/stream/placeholder" if attribute == "StreamArn" else arn
        if attribute.endswith("Name"):  # Name, QueueName, TopicName: the resource's name
            return logical_id
        if attribute.endswith("Url"):
            return self.resource_ref(logical_id)
        return f"{logical_id}.{attribute}"

    def logical_id(self, value: Any) -> str | None:
        """The resource a placeholder name, ARN or URL (or ARN with a qualifier) names."""
        text = str(value)
        if text in self.resource_types:
            return text
        for part in reversed(re.split(r"[:/]", text)):
            if part in self.resource_types:
                return part
        return None


def _sub(template: str, variables: Mapping[str, Any], scope: Scope) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        if name.startswith("!"):
            return "${" + name[1:] + "}"
        if name in variables:
            return str(variables[name])
        if "." in name and not name.startswith("AWS::"):
            logical_id, attribute = name.split(".", 1)
            value = scope.get_att(logical_id, attribute)
        else:
            value = scope.ref(name)
        # a scope that keeps a resource symbolic ({"Ref": id}) keeps its ${...} too
        return match.group(0) if isinstance(value, dict) else str(value)

    return _SUB_VARIABLE.sub(replace, template)


def _pair(name: str, argument: Any, size: int) -> list[Any]:
    if not isinstance(argument, list) or len(argument) != size:
        raise DefinitionError(f"{name}: expected a list of {size}, got {argument!r}")
    return argument


def _function(name: str, argument: Any, scope: Scope) -> Any:  # noqa: PLR0911, PLR0912
    if name == "Ref":
        return scope.ref(str(resolve(argument, scope)))
    if name == "Fn::GetAtt":
        if isinstance(argument, str):
            argument = argument.split(".", 1)
        logical_id, attribute = _pair(name, argument, 2)
        return scope.get_att(str(logical_id), str(resolve(attribute, scope)))
    if name == "Fn::Sub":
        if isinstance(argument, str):
            return _sub(argument, {}, scope)
        text, variables = _pair(name, argument, 2)
        return _sub(str(text), resolve(variables, scope), scope)
    if name == "Fn::Join":
        separator, values = _pair(name, argument, 2)
        return str(separator).join(str(v) for v in resolve(values, scope))
    if name == "Fn::Select":
        index, values = _pair(name, resolve(argument, scope), 2)
        return values[int(index)]
    if name == "Fn::Split":
        separator, text = _pair(name, resolve(argument, scope), 2)
        return str(text).split(str(separator))
    if name == "Fn::FindInMap":
        mapping, key, attribute = _pair(name, resolve(argument, scope), 3)
        try:
            return scope.mappings[mapping][key][attribute]
        except (KeyError, TypeError):
            raise DefinitionError(
                f"Fn::FindInMap {mapping}.{key}.{attribute}: no such entry"
            ) from None
    if name == "Fn::If":
        condition, when_true, when_false = _pair(name, argument, 3)
        return resolve(when_true if scope.condition(str(condition)) else when_false, scope)
    if name == "Fn::Equals":
        left, right = _pair(name, resolve(argument, scope), 2)
        return str(left) == str(right)
    if name == "Fn::Not":
        return not resolve(_pair(name, argument, 1)[0], scope)
    if name == "Fn::And":
        return all(resolve(argument, scope))
    if name == "Fn::Or":
        return any(resolve(argument, scope))
    if name == "Condition":
        return scope.condition(str(argument))
    if name == "Fn::GetAZs":
        return [f"{scope.region}{zone}" for zone in "abc"]
    if name == "Fn::Base64":
        return resolve(argument, scope)
    raise DefinitionError(f"{name}: an intrinsic function the reader does not evaluate")


def resolve(value: Any, scope: Scope) -> Any:
    """``value`` with every intrinsic function evaluated; ``AWS::NoValue`` entries removed."""
    if isinstance(value, dict):
        if len(value) == 1:
            (key, argument), *_ = value.items()
            if key in ("Ref", "Condition") or key.startswith("Fn::"):
                return _function(key, argument, scope)
        resolved = {k: resolve(v, scope) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}
    if isinstance(value, list):
        return [v for v in (resolve(item, scope) for item in value) if v is not NO_VALUE]
    return value
