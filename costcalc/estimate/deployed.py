"""What a transformed template deploys, in the terms an estimate needs.

Functions with their memory, architecture, ephemeral storage and tracing; what invokes each
(HTTP API routes, EventBridge rules, table streams, Scheduler schedules); what each may do
(the actions its role allows); tables, buses and state machines.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from costcalc.estimate.archives import Archive, archives
from costcalc.estimate.refs import listed, referenced
from costcalc.estimate.template import Template, TemplateError

LAMBDA_DEFAULT_MEMORY_MB = 128
LAMBDA_DEFAULT_EPHEMERAL_MB = 512
#: DynamoDB actions that write an item (each call is one billed write request).
TABLE_WRITES = frozenset(
    {"dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem"}
)
_FUNCTION_IN_URI = re.compile(r"\$\{(\w+)\.Arn\}")


@dataclass(frozen=True)
class Function:
    """A Lambda function as deployed (logical id, configuration, allowed actions)."""

    logical_id: str
    memory_mb: Decimal
    arch: str
    ephemeral_storage_mb: Decimal
    traced: bool
    actions: frozenset[str]
    writes: frozenset[str] = frozenset()  # tables (logical ids) its role may write items to

    @property
    def name(self) -> str:
        """The profile's name for it: the logical id without ``Function``, in snake_case."""
        return snake(self.logical_id.removesuffix("Function"))

    def may(self, *actions: str) -> bool:
        return any(action in self.actions or _covered(action, self.actions) for action in actions)


@dataclass(frozen=True)
class Rule:
    logical_id: str
    bus: str | None
    pattern: Mapping[str, Any]
    targets: tuple[str, ...]  # function logical ids; other targets are not invocations


@dataclass(frozen=True)
class Deployed:
    template: Template
    functions: Mapping[str, Function]
    routes: Mapping[tuple[str, str], str]  # (METHOD, path) -> function logical id
    rules: tuple[Rule, ...]
    streams: Mapping[str, tuple[str, ...]]  # table logical id -> functions reading its stream
    scheduled: frozenset[str]  # functions Scheduler schedules may invoke
    tables: tuple[str, ...]
    buses: tuple[str, ...]
    state_machines: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    #: function -> the scheduled functions its environment names: the targets of the schedules
    #: it creates (the acceptance clock's creator names the time-out function, the deadline's
    #: the overdue function)
    schedule_targets: Mapping[str, frozenset[str]] = field(default_factory=dict)
    #: the archives on the stack's own buses
    archives: tuple[Archive, ...] = ()


def deployed(template: Template) -> Deployed:
    functions = _functions(template)
    scheduled = _scheduled(template, functions)
    return Deployed(
        template=template,
        functions=functions,
        routes=_routes(template, functions),
        rules=_rules(template, functions),
        streams=_streams(template),
        scheduled=scheduled,
        tables=tuple(template.of_type("AWS::DynamoDB::Table")),
        buses=tuple(template.of_type("AWS::Events::EventBus")),
        state_machines=dict(template.of_type("AWS::StepFunctions::StateMachine")),
        schedule_targets=_schedule_targets(template, scheduled),
        archives=archives(template, set(template.of_type("AWS::Events::EventBus")), ""),
    )


def _schedule_targets(template: Template, scheduled: frozenset[str]) -> dict[str, frozenset[str]]:
    found = {}
    for logical_id, resource in template.of_type("AWS::Lambda::Function").items():
        variables = (resource.get("Properties", {}).get("Environment") or {}).get("Variables")
        named = {referenced(value) for value in (variables or {}).values()} & scheduled
        if named:
            found[logical_id] = frozenset(named)
    return found


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _functions(template: Template) -> dict[str, Function]:
    found = {}
    for logical_id, resource in template.of_type("AWS::Lambda::Function").items():
        where = f"{logical_id}.Properties"
        raw = resource.get("Properties", {})
        properties = {  # only what is priced: an unresolved e-mail address elsewhere is fine
            key: template.resolve(raw.get(key), f"{where}.{key}")
            for key in ("MemorySize", "Architectures", "EphemeralStorage", "TracingConfig", "Role")
        }
        architectures = properties.get("Architectures") or ["x86_64"]
        storage = (properties.get("EphemeralStorage") or {}).get("Size")
        found[logical_id] = Function(
            logical_id=logical_id,
            memory_mb=_number(template, properties.get("MemorySize"), LAMBDA_DEFAULT_MEMORY_MB,
                              f"{where}.MemorySize"),
            arch=str(architectures[0]),
            ephemeral_storage_mb=_number(template, storage, LAMBDA_DEFAULT_EPHEMERAL_MB,
                                         f"{where}.EphemeralStorage.Size"),
            traced=(properties.get("TracingConfig") or {}).get("Mode") == "Active",
            actions=_role_actions(template, properties.get("Role")),
            writes=_role_writes(template, properties.get("Role")),
        )  # fmt: skip
    return found


def _number(template: Template, value: Any, default: int, where: str) -> Decimal:
    if value is None:
        return Decimal(default)
    try:
        return Decimal(str(value))
    except ArithmeticError:
        raise TemplateError(f"{template.path}: {where}: {value!r} is not a number") from None


def _role_actions(template: Template, role: Any) -> frozenset[str]:
    actions: set[str] = set()
    for statement in _allowed(template, role):
        actions.update(str(action) for action in listed(statement.get("Action")))
    return frozenset(actions)


def _role_writes(template: Template, role: Any) -> frozenset[str]:
    """The tables of the template whose items the role may write (Ref/GetAtt resources)."""
    tables = set(template.of_type("AWS::DynamoDB::Table"))
    found: set[str] = set()
    for statement in _allowed(template, role):
        if TABLE_WRITES & {str(action) for action in listed(statement.get("Action"))}:
            found.update(referenced(r) for r in listed(statement.get("Resource")))
    return frozenset(found & tables)


def _allowed(template: Template, role: Any) -> list[Mapping[str, Any]]:
    """The Allow statements of the inline policies of the role ``role`` references."""
    resource = template.resources.get(referenced(role), {})
    return [
        statement
        for policy in resource.get("Properties", {}).get("Policies", []) or []
        for statement in listed(policy.get("PolicyDocument", {}).get("Statement"))
        if statement.get("Effect", "Allow") == "Allow"
    ]


def _routes(template: Template, functions: Mapping[str, Function]) -> dict[tuple[str, str], str]:
    routes = {}
    for api in template.of_type("AWS::ApiGatewayV2::Api").values():
        for path, methods in (api.get("Properties", {}).get("Body") or {}).get("paths", {}).items():
            for method, operation in methods.items():
                uri = str((operation.get("x-amazon-apigateway-integration") or {}).get("uri"))
                found = _FUNCTION_IN_URI.search(uri)
                if found and found.group(1) in functions:
                    routes[(method.upper(), path)] = found.group(1)
    for route in template.of_type("AWS::ApiGatewayV2::Route").values():
        key = str(route.get("Properties", {}).get("RouteKey", ""))
        method, _, path = key.partition(" ")
        function = _integration_function(template, route, functions)
        if function is not None:
            routes[(method.upper(), path)] = function
    return routes


def _integration_function(
    template: Template, route: Mapping[str, Any], functions: Mapping[str, Function]
) -> str | None:
    target = str(route.get("Properties", {}).get("Target", ""))
    for logical_id, integration in template.of_type("AWS::ApiGatewayV2::Integration").items():
        if logical_id in target:
            match = _FUNCTION_IN_URI.search(str(integration.get("Properties", {})))
            by_ref = referenced(integration.get("Properties", {}).get("IntegrationUri"))
            for candidate in (match.group(1) if match else "", by_ref):
                if candidate in functions:
                    return candidate
    return None


def _rules(template: Template, functions: Mapping[str, Function]) -> tuple[Rule, ...]:
    rules = []
    for logical_id, resource in template.of_type("AWS::Events::Rule").items():
        properties = resource.get("Properties", {})
        pattern = template.resolve(properties.get("EventPattern"), f"{logical_id}.EventPattern")
        if pattern is None or properties.get("State", "ENABLED") != "ENABLED":
            continue  # a scheduled rule, or a disabled one: no event deliveries
        targets = tuple(
            target_id
            for target in properties.get("Targets", [])
            if (target_id := referenced(target.get("Arn"))) in functions
        )
        rules.append(Rule(logical_id, referenced(properties.get("EventBusName")), pattern,
                          targets))  # fmt: skip
    return tuple(rules)


def _streams(template: Template) -> dict[str, tuple[str, ...]]:
    streams: dict[str, tuple[str, ...]] = {}
    for mapping in template.of_type("AWS::Lambda::EventSourceMapping").values():
        properties = mapping.get("Properties", {})
        source = properties.get("EventSourceArn")
        table = referenced(source)
        if table not in template.resources or "StreamArn" not in str(source):
            continue
        function = referenced(properties.get("FunctionName"))
        if function:
            streams[table] = (*streams.get(table, ()), function)
    return streams


def _scheduled(template: Template, functions: Mapping[str, Function]) -> frozenset[str]:
    """Functions a role that Scheduler assumes may invoke, plus static schedules' targets."""
    found: set[str] = set()
    for role in template.of_type("AWS::IAM::Role").values():
        properties = role.get("Properties", {})
        trust = str(properties.get("AssumeRolePolicyDocument", {}))
        if "scheduler.amazonaws.com" not in trust:
            continue
        for policy in properties.get("Policies", []) or []:
            for statement in listed(policy.get("PolicyDocument", {}).get("Statement")):
                if "lambda:InvokeFunction" in listed(statement.get("Action")):
                    found.update(
                        target
                        for resource in listed(statement.get("Resource"))
                        if (target := referenced(resource)) in functions
                    )
    for schedule in template.of_type("AWS::Scheduler::Schedule").values():
        target = referenced(schedule.get("Properties", {}).get("Target", {}).get("Arn"))
        if target in functions:
            found.add(target)
    return frozenset(found)


def _covered(action: str, allowed: frozenset[str]) -> bool:
    service = action.split(":", maxsplit=1)[0]
    return "*" in allowed or f"{service}:*" in allowed
