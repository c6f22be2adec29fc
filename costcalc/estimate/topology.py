"""What a template wires to what, read from the resources alone: the edges an estimate follows.

API routes to their integrations (a function, or a direct StartExecution, StartSyncExecution,
PutEvents or SendMessage), rules on any bus (the default bus included) to their targets,
schedules to theirs, event source mappings and pipes from their sources, topic subscriptions,
bucket notifications, the buses' archives, and the resources each function's role or
environment names (what it may call: how often it does is never in a definition).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from costcalc.estimate.appsync import Resolver, resolvers
from costcalc.estimate.archives import Archive, archives
from costcalc.estimate.deployed import Function, deployed
from costcalc.estimate.refs import listed, mentioned, referenced
from costcalc.estimate.template import Template, TemplateError

DEFAULT_BUS = "default"
#: Resource types an estimate bills or follows, by the kind it treats them as.
KINDS = {
    "AWS::Lambda::Function": "function",
    "AWS::StepFunctions::StateMachine": "state_machine",
    "AWS::Events::EventBus": "bus",
    "AWS::SQS::Queue": "queue",
    "AWS::SNS::Topic": "topic",
    "AWS::DynamoDB::Table": "table",
    "AWS::DynamoDB::GlobalTable": "table",
    "AWS::Kinesis::Stream": "stream",
    "AWS::S3::Bucket": "bucket",
    "AWS::Events::Rule": "rule",
    "AWS::Scheduler::Schedule": "schedule",
    "AWS::Pipes::Pipe": "pipe",
}
#: What a function may call, by the kind of resource its role or environment names.
CALLABLE = ("table", "bus", "queue", "topic", "state_machine", "bucket", "stream", "function")
_HTTP_METHODS = {
    "get",
    "put",
    "post",
    "delete",
    "patch",
    "head",
    "options",
    "any",
    "x-amazon-apigateway-any-method",
}
#: What a direct service integration does, by its action: the verb the follower bills it by.
_DIRECT = {
    "startexecution": "start",
    "startsyncexecution": "start",
    "putevents": "put",
    "sendmessage": "send",
    "putrecord": "record",
    "putrecords": "record",
    "publish": "publish",
    "putitem": "write",
    "updateitem": "write",
    "deleteitem": "write",
    "batchwriteitem": "write",
    "transactwriteitems": "write",
    "getitem": "read",
    "query": "read",
    "scan": "read",
    "batchgetitem": "read",
}
#: An AWS service integration's URI (REST APIs): arn:aws:apigateway:REGION:SERVICE:action/NAME,
#: or :path/... with the action in the request (SQS's Action=SendMessage).
_SERVICE_URI = re.compile(
    r":apigateway:(?:\$\{[^}]*\}|[^:]*):(?P<service>[\w.-]+):(?:action/(?P<action>\w+))?"
)
#: An HTTP API's first-class integration: IntegrationSubtype SERVICE-ACTION.
_SUBTYPE = re.compile(r"^(?P<service>\w+)-(?P<action>\w+)$")
_QUERY_ACTION = re.compile(r"\bAction=(?P<action>\w+)")
#: The action of a path-style integration that names none, by service: SQS's path is the
#: queue, and a request to it with no Action sends.
_PATH_ACTIONS = {"sqs": "SendMessage"}
#: Keys of an integration naming what API Gateway acts as or goes through, not what it calls.
_CREDENTIALS = ("Credentials", "credentials", "CredentialsArn", "ApiId", "ConnectionId",
                "connectionId")  # fmt: skip
#: Integration types that call no AWS service: billed as the API's requests alone.
_NOT_AWS = ("HTTP", "HTTP_PROXY", "MOCK")
#: The kind of resource each direct action reaches.
_REACHES = {
    "start": "state_machine",
    "put": "bus",
    "send": "queue",
    "record": "stream",
    "publish": "topic",
    "write": "table",
    "read": "table",
}
#: Where each kind keeps the name a mapping template may spell out literally.
_NAME_FIELDS = ("TableName", "QueueName", "Name", "StateMachineName", "StreamName", "TopicName")


@dataclass(frozen=True)
class Route:
    """One API route and what it integrates (``target`` is a logical id, or "")."""

    api: str
    rest: bool
    method: str
    path: str
    action: str  # invoke, start, put, send, write, read, or other (an HTTP proxy, a mock)
    target: str
    detail: Mapping[str, Any] = field(default_factory=dict)  # PutEvents: literal Source/DetailType
    websocket: bool = False  # a WebSocket API's route: billed by message, not by request

    @property
    def key(self) -> str:
        return f"{self.method} {self.path}"


@dataclass(frozen=True)
class RuleWiring:
    logical_id: str
    bus: str
    pattern: Mapping[str, Any] | None
    schedule: str | None
    targets: tuple[str, ...]  # logical ids; "" for a target outside the template


@dataclass(frozen=True)
class Topology:
    template: Template
    types: Mapping[str, str]
    kinds: Mapping[str, str]
    functions: Mapping[str, Function]
    routes: tuple[Route, ...]
    rules: tuple[RuleWiring, ...]
    consumers: Mapping[str, tuple[str, ...]]  # queue/stream/table -> functions or pipes
    subscriptions: Mapping[str, tuple[str, ...]]  # topic -> targets
    protocols: Mapping[str, tuple[str, ...]]  # topic -> each subscription's protocol
    notifications: Mapping[str, tuple[str, ...]]  # bucket -> targets
    schedules: Mapping[str, tuple[str, str]]  # schedule id -> (expression, target)
    pipes: Mapping[str, tuple[str, str]]  # pipe id -> (source, target)
    machines: Mapping[str, tuple[Mapping[str, Any], bool]]  # id -> (definition, express)
    calls: Mapping[str, tuple[str, ...]]  # function -> resources it may call
    batch_sizes: Mapping[tuple[str, str], int] = field(default_factory=dict)
    #: pipe id -> the event it puts on a bus: its literal ``source`` and ``detail-type``, or
    #: a JSON path (``$.dynamodb...``) where each record supplies its own.
    pipe_events: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    #: Lambda alias or version id -> its function (SAM's ``AutoPublishAlias`` wires every event
    #: to the alias): invoking either runs, and bills, the function.
    aliases: Mapping[str, str] = field(default_factory=dict)
    #: the archives on the template's buses (the default bus included)
    archives: tuple[Archive, ...] = ()
    #: Event source mappings reading a queue or stream of another stack (or account): (mapping
    #: logical id, function, what the mapping names as its source).
    outside_mappings: tuple[tuple[str, str, str], ...] = ()
    #: pipe -> the function or state machine of the template that enriches its batches
    enrichments: Mapping[str, str] = field(default_factory=dict)
    #: the resolvers of the template's AppSync GraphQL APIs (costcalc.estimate.appsync)
    resolvers: tuple[Resolver, ...] = ()

    def kind(self, logical_id: str) -> str:
        return self.kinds.get(self.resolved(logical_id), "")

    def bus_named(self, value: Any, where: str) -> str:
        """The bus an ``EventBusName`` (or ``EventBusArn``) names: a bus of the template, by
        reference or by its name; the default bus when none is named; else the name, ARN or
        import of a bus outside the template."""
        return named_bus(self.template, set(self.types), value, where)

    def resolved(self, logical_id: str) -> str:
        """The function an alias or version stands for; any other id as it is."""
        return self.aliases.get(logical_id, logical_id)


#: Resources that stand for another one, by the property that names it: an alias or a version
#: runs its function's code, an enhanced fan-out consumer reads its stream.
_STANDS_FOR = {
    "AWS::Lambda::Alias": "FunctionName",
    "AWS::Lambda::Version": "FunctionName",
    "AWS::Kinesis::StreamConsumer": "StreamARN",
}


def topology(template: Template) -> Topology:
    resources = template.resources
    types = {name: str(r.get("Type", "")) for name, r in resources.items()}
    kinds = {name: KINDS[t] for name, t in types.items() if t in KINDS}
    functions = deployed(template).functions
    known = set(resources)
    stand = _standing_for(template, known)

    def real(name: str) -> str:
        return stand.get(name, name)

    consumers: dict[str, list[str]] = {}
    batch: dict[tuple[str, str], int] = {}
    outside: list[tuple[str, str, str]] = []
    for name, mapping in template.of_type("AWS::Lambda::EventSourceMapping").items():
        properties = mapping.get("Properties", {})
        source = real(next(iter(mentioned(properties.get("EventSourceArn"), known)), ""))
        function = real(next(iter(mentioned(properties.get("FunctionName"), known)), ""))
        if function and not source:
            outside.append((name, function, outside_name(properties.get("EventSourceArn"))))
        if source and function:
            consumers.setdefault(source, []).append(function)
            size = properties.get("BatchSize")
            batch[(source, function)] = int(size) if str(size).isdigit() else 1
    pipes: dict[str, tuple[str, str]] = {}
    pipe_events: dict[str, dict[str, str]] = {}
    enrichments: dict[str, str] = {}
    for name, pipe in template.of_type("AWS::Pipes::Pipe").items():
        properties = pipe.get("Properties", {})
        bus = (properties.get("TargetParameters") or {}).get("EventBridgeEventBusParameters")
        if isinstance(bus, Mapping):
            pipe_events[name] = {
                key: value
                for key, value in (
                    ("source", bus.get("Source")),
                    ("detail-type", bus.get("DetailType")),
                )
                if isinstance(value, str)
            }
        source = real(next(iter(mentioned(properties.get("Source"), known)), ""))
        target = real(next(iter(mentioned(properties.get("Target"), known)), ""))
        pipes[name] = (source, target)
        enrichment = real(next(iter(mentioned(properties.get("Enrichment"), known)), ""))
        if enrichment:
            enrichments[name] = enrichment
        if source:
            consumers.setdefault(source, []).append(name)
    return Topology(
        template=template,
        types=types,
        kinds=kinds,
        functions=functions,
        routes=tuple(replace(r, target=real(r.target)) for r in _routes(template, known)),
        rules=tuple(
            replace(r, targets=tuple(map(real, r.targets))) for r in _rules(template, known)
        ),
        consumers={k: tuple(v) for k, v in consumers.items()},
        subscriptions={k: tuple(map(real, v)) for k, v in _subscriptions(template, known).items()},
        protocols=_protocols(template, known),
        notifications={k: tuple(map(real, v)) for k, v in _notifications(template, known).items()},
        schedules={
            name: (expression, real(target))
            for name, (expression, target) in _schedules(template, known).items()
        },
        pipes=pipes,
        machines=_machines(template),
        calls={f: tuple(_callable(template, f, kinds)) for f in functions},
        batch_sizes=batch,
        pipe_events=pipe_events,
        aliases=stand,
        archives=archives(template, {n for n, k in kinds.items() if k == "bus"}, DEFAULT_BUS),
        outside_mappings=tuple(outside),
        enrichments=enrichments,
        resolvers=resolvers(template, kinds, stand),
    )


def outside_name(value: Any) -> str:
    """What a reference to a resource of another stack or account says of it: the export it
    imports, or the ARN or name it gives."""
    if isinstance(value, Mapping) and set(value) == {"Fn::ImportValue"}:
        export = value["Fn::ImportValue"]
        return f"Fn::ImportValue {export}" if isinstance(export, str) else "an imported value"
    if isinstance(value, str) and value:
        return value
    return "a resource outside the template"


def _standing_for(template: Template, known: set[str]) -> dict[str, str]:
    """The resource each alias, version or stream consumer stands for."""
    found: dict[str, str] = {}
    for name, resource in template.resources.items():
        key = _STANDS_FOR.get(str(resource.get("Type")))
        named = mentioned((resource.get("Properties") or {}).get(key), known) if key else []
        if named and named[0] != name:
            found[name] = named[0]
    return found


def _machines(template: Template) -> dict[str, tuple[Mapping[str, Any], bool]]:
    found = {}
    for name, resource in template.of_type("AWS::StepFunctions::StateMachine").items():
        properties = resource.get("Properties", {})
        express = str(properties.get("StateMachineType", "STANDARD")).upper() == "EXPRESS"
        found[name] = (template.definitions.get(name, {}), express)
    return found


def _routes(template: Template, known: set[str]) -> list[Route]:
    routes: list[Route] = []
    for rest, kind in ((False, "AWS::ApiGatewayV2::Api"), (True, "AWS::ApiGateway::RestApi")):
        for api, resource in template.of_type(kind).items():
            body = resource.get("Properties", {}).get("Body") or {}
            paths = body.get("paths") if isinstance(body, Mapping) else None
            for path, methods in (paths or {}).items():
                for method, operation in (methods or {}).items():
                    if str(method).lower() not in _HTTP_METHODS or not isinstance(operation, dict):
                        continue
                    integration = operation.get("x-amazon-apigateway-integration") or {}
                    if _preflight(str(method), integration):
                        continue
                    verb = "ANY" if "any" in str(method).lower() else str(method).upper()
                    routes.append(
                        _route(template, api, rest, verb, str(path), integration=integration)
                    )
    for api, resource in template.of_type("AWS::ApiGatewayV2::Api").items():
        properties = resource.get("Properties", {})
        if properties.get("Target"):  # quick create: one route and its integration, implied
            key = str(properties.get("RouteKey") or "$default")
            method, _, path = key.partition(" ")
            integration = {"IntegrationUri": properties["Target"]}
            routes.append(
                _route(template, api, False, method.upper() if path else "ANY", path or method,
                       integration=integration)
            )  # fmt: skip
    integrations = template.of_type("AWS::ApiGatewayV2::Integration")
    for route in template.of_type("AWS::ApiGatewayV2::Route").values():
        properties = route.get("Properties", {})
        method, _, path = str(properties.get("RouteKey", "")).partition(" ")
        if not path:  # "$default", or a WebSocket route ("$connect", "sendmessage")
            method, path = "ANY", method
        api = next(iter(mentioned(properties.get("ApiId"), known)), "")
        used = mentioned(properties.get("Target"), set(integrations))
        integration = integrations[used[0]].get("Properties", {}) if used else {}
        found = _route(
            template,
            api,
            False,
            method.upper() or "ANY",
            path or method,
            integration=integration,
        )
        protocol = (template.resources.get(api) or {}).get("Properties", {}).get("ProtocolType")
        routes.append(replace(found, websocket=str(protocol).upper() == "WEBSOCKET"))
    for method in template.of_type("AWS::ApiGateway::Method").values():
        properties = method.get("Properties", {})
        api = next(iter(mentioned(properties.get("RestApiId"), known)), "")
        path = _rest_path(template, properties.get("ResourceId"))
        verb = str(properties.get("HttpMethod", "ANY")).upper()
        if _preflight(verb, properties.get("Integration") or {}):
            continue
        routes.append(
            _route(template, api, True, verb, path, integration=properties.get("Integration") or {})
        )
    return routes


def _preflight(method: str, integration: Any) -> bool:
    """A CORS preflight answered by API Gateway alone (an OPTIONS mock): not an entry point."""
    kind = str(integration.get("type") or integration.get("Type") or "").lower()
    return method.upper() == "OPTIONS" and kind in ("mock", "")


def _rest_path(template: Template, resource_id: Any) -> str:
    parts: list[str] = []
    current = referenced(resource_id)
    for _ in range(64):
        resource = template.resources.get(current)
        if resource is None or resource.get("Type") != "AWS::ApiGateway::Resource":
            break
        properties = resource.get("Properties", {})
        parts.append(str(properties.get("PathPart", "")))
        current = referenced(properties.get("ParentId"))
    return "/" + "/".join(reversed(parts))


def _route(
    template: Template,
    api: str,
    rest: bool,
    method: str,
    path: str,
    *,
    integration: Mapping[str, Any],
) -> Route:
    """The route and what its integration reaches. A direct integration names its service and
    action in the URI or the subtype (the action in the request for a path-style URI:
    ``Action=SendMessage``), in CloudFormation's or OpenAPI's spelling; its target is the
    resource of the kind that action reaches (never the role it runs as, nor the API itself),
    named by reference or by its literal name in the mapping template."""
    kinds = {name: KINDS.get(str(r.get("Type")), "") for name, r in template.resources.items()}
    kind = str(_field(integration, "type", "Type", "IntegrationType") or "").upper()
    if kind in _NOT_AWS:  # a proxy to an HTTP endpoint (through a VPC link or not), a mock
        return Route(api, rest, method, path, kind.lower(), "")
    service, action = _service_action(integration)
    if service is None or service == "lambda":
        called = {k: v for k, v in integration.items() if k not in _CREDENTIALS}
        functions = [
            name
            for name in mentioned(called, set(kinds))
            if kinds[name] == "function" or str(template.resources[name].get("Type")) in _STANDS_FOR
        ]
        kind = "invoke" if functions else "other"
        return Route(api, rest, method, path, kind, functions[0] if functions else "")
    verb = _DIRECT.get(action.lower())
    if verb is None:  # an action the estimate does not bill: named, reaching nothing
        return Route(api, rest, method, path, f"{service}:{action or '?'}", "")
    uri = _field(integration, "Uri", "uri", "IntegrationUri")
    parameters = _field(integration, "RequestParameters", "requestParameters") or {}
    templates = _field(integration, "RequestTemplates", "requestTemplates") or {}
    wanted = _REACHES.get(verb, "")
    named = [t for t in mentioned([uri, parameters, templates], set(kinds)) if kinds[t] == wanted]
    targets = named or _by_name(template, kinds, wanted, f"{_flat(uri)} {templates}")
    detail = {
        key: value
        for key, value in (
            ("source", parameters.get("Source")),
            ("detail-type", parameters.get("DetailType")),
        )
        if isinstance(value, str) and not value.startswith("$")
    }
    return Route(api, rest, method, path, verb, targets[0] if targets else "", detail)


def _flat(value: Any) -> str:
    """A URI as text, its intrinsics spelled as ``Fn::Sub`` would (CDK writes the service URI
    as an ``Fn::Join`` of its parts and ``Ref``s)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(_flat(part) for part in value)
    if not isinstance(value, Mapping) or len(value) != 1:
        return ""
    ((function, argument),) = value.items()
    spell = _SPELLED.get(function)
    return spell(argument) if spell else ""


def _joined(argument: Any) -> str:
    if not isinstance(argument, list) or len(argument) != 2:
        return ""
    return str(argument[0]).join(_flat(part) for part in listed(argument[1]))


_SPELLED: dict[str, Callable[[Any], str]] = {
    "Fn::Join": _joined,
    "Fn::Sub": lambda a: _flat(a[0] if isinstance(a, list) and a else a),
    "Ref": lambda a: f"${{{a}}}",
    "Fn::GetAtt": lambda a: f"${{{'.'.join(map(str, listed(a)))}}}",
}


def _service_action(integration: Mapping[str, Any]) -> tuple[str | None, str]:
    """The AWS service an integration calls and the action it calls (``None``: an HTTP proxy,
    a mock, or nothing), from an HTTP API's subtype or a REST API's service URI."""
    subtype = _SUBTYPE.match(str(_field(integration, "IntegrationSubtype", "integrationSubtype")))
    if subtype:
        return subtype["service"].lower(), subtype["action"]
    text = _flat(_field(integration, "Uri", "uri", "IntegrationUri"))
    uri = _SERVICE_URI.search(text)
    if uri is None:
        return None, ""
    action = uri["action"] or ""
    if not action:  # path/...: the action rides in the request (SQS's Action=SendMessage)
        keys = ("RequestParameters", "RequestTemplates", "requestParameters", "requestTemplates")
        request = str([integration.get(k) for k in keys])
        found = _QUERY_ACTION.search(request)
        action = found["action"] if found else _PATH_ACTIONS.get(uri["service"].lower(), "")
    return uri["service"].lower(), action


def _field(integration: Mapping[str, Any], *spellings: str) -> Any:
    return next((integration[name] for name in spellings if name in integration), None)


def _by_name(template: Template, kinds: Mapping[str, str], wanted: str, text: str) -> list[str]:
    """Resources of kind ``wanted`` whose literal name (``TableName: Music``) ``text`` quotes."""
    found = []
    for name, kind in kinds.items():
        if kind != wanted or not wanted:
            continue
        properties = template.resources[name].get("Properties") or {}
        for key in _NAME_FIELDS:
            value = properties.get(key)
            if isinstance(value, str) and re.search(rf"\b{re.escape(value)}\b", text):
                found.append(name)
                break
    return found


def _resolved_or_raw(template: Template, value: Any, where: str) -> Any:
    """``value`` with parameters filled in, or as written when it cannot be (an import)."""
    try:
        return template.resolve(value, where)
    except TemplateError:
        return value


def named_bus(template: Template, known: set[str], value: Any, where: str) -> str:
    """The bus ``value`` names (``Topology.bus_named``)."""
    found = next(iter(mentioned(value, known)), "")
    if found:
        return found
    value = _resolved_or_raw(template, value, where)
    if not isinstance(value, str):
        return DEFAULT_BUS if value is None else outside_name(value)
    name = value.rsplit("/", 1)[-1]  # a name, or an ARN ending in event-bus/NAME
    for logical_id, resource in template.of_type("AWS::Events::EventBus").items():
        given = (resource.get("Properties") or {}).get("Name")
        if _resolved_or_raw(template, given, f"{logical_id}.Name") == name:
            return logical_id
    return name or DEFAULT_BUS


def _rules(template: Template, known: set[str]) -> list[RuleWiring]:
    rules = []
    for name, resource in template.of_type("AWS::Events::Rule").items():
        properties = resource.get("Properties", {})
        if str(properties.get("State", "ENABLED")).upper() != "ENABLED":
            continue
        bus_value = properties.get("EventBusName")
        bus = named_bus(template, known, bus_value, f"{name}.EventBusName")
        pattern = properties.get("EventPattern")
        if pattern is not None:
            pattern = template.resolve(pattern, f"{name}.EventPattern")
        schedule = template.resolve(
            properties.get("ScheduleExpression"), f"{name}.ScheduleExpression"
        )
        targets = tuple(
            next(iter(mentioned(target.get("Arn"), known)), "")
            for target in listed(properties.get("Targets"))
            if isinstance(target, Mapping)
        )
        rules.append(
            RuleWiring(
                name,
                bus,
                pattern if isinstance(pattern, Mapping) else None,
                str(schedule) if schedule else None,
                targets,
            )
        )
    return rules


def _subscriptions(template: Template, known: set[str]) -> dict[str, tuple[str, ...]]:
    found: dict[str, list[str]] = {}
    for topic, resource in template.of_type("AWS::SNS::Topic").items():
        for sub in listed(resource.get("Properties", {}).get("Subscription")):
            found.setdefault(topic, []).extend(mentioned(sub.get("Endpoint"), known) or [""])
    for sub in template.of_type("AWS::SNS::Subscription").values():
        properties = sub.get("Properties", {})
        topic = next(iter(mentioned(properties.get("TopicArn"), known)), "")
        if topic:
            found.setdefault(topic, []).extend(mentioned(properties.get("Endpoint"), known) or [""])
    return {k: tuple(v) for k, v in found.items()}


def _protocols(template: Template, known: set[str]) -> dict[str, tuple[str, ...]]:
    """Per topic, the protocol of each of its subscriptions (lower case; ``""`` where it is
    not a literal): SNS bills each delivery by its protocol, to endpoints in the template or
    outside it (an HTTPS webhook, an email address) alike."""
    found: dict[str, list[str]] = {}
    for topic, resource in template.of_type("AWS::SNS::Topic").items():
        for sub in listed(resource.get("Properties", {}).get("Subscription")):
            found.setdefault(topic, []).append(_protocol(sub.get("Protocol")))
    for sub in template.of_type("AWS::SNS::Subscription").values():
        properties = sub.get("Properties", {})
        topic = next(iter(mentioned(properties.get("TopicArn"), known)), "")
        if topic:
            found.setdefault(topic, []).append(_protocol(properties.get("Protocol")))
    return {k: tuple(v) for k, v in found.items()}


def _protocol(value: Any) -> str:
    return value.lower() if isinstance(value, str) else ""


#: A bucket notification's target, by configuration list and field: CloudFormation's names,
#: and S3's own that CDK's ``Custom::S3BucketNotifications`` resource passes to the API.
_NOTIFICATION_FIELDS = (
    ("LambdaConfigurations", "Function"),
    ("QueueConfigurations", "Queue"),
    ("TopicConfigurations", "Topic"),
    ("LambdaFunctionConfigurations", "LambdaFunctionArn"),
    ("QueueConfigurations", "QueueArn"),
    ("TopicConfigurations", "TopicArn"),
)


def _notifications(template: Template, known: set[str]) -> dict[str, tuple[str, ...]]:
    configs = [
        (bucket, resource.get("Properties", {}).get("NotificationConfiguration"))
        for bucket, resource in template.of_type("AWS::S3::Bucket").items()
    ]
    for resource in template.of_type("Custom::S3BucketNotifications").values():
        properties = resource.get("Properties", {})
        bucket = next(iter(mentioned(properties.get("BucketName"), known)), "")
        if bucket:
            configs.append((bucket, properties.get("NotificationConfiguration")))
    found: dict[str, tuple[str, ...]] = {}
    for bucket, config in configs:
        targets = [
            target
            for key, field_name in _NOTIFICATION_FIELDS
            for item in listed((config or {}).get(key) if isinstance(config, Mapping) else None)
            if isinstance(item, Mapping)
            for target in mentioned(item.get(field_name), known)
        ]
        if targets:
            found[bucket] = (*found.get(bucket, ()), *targets)
    return found


def _schedules(template: Template, known: set[str]) -> dict[str, tuple[str, str]]:
    found = {}
    for name, resource in template.of_type("AWS::Scheduler::Schedule").items():
        properties = resource.get("Properties", {})
        if str(properties.get("State", "ENABLED")).upper() != "ENABLED":
            continue
        target = next(iter(mentioned((properties.get("Target") or {}).get("Arn"), known)), "")
        expression = template.resolve(
            properties.get("ScheduleExpression", ""), f"{name}.ScheduleExpression"
        )
        found[name] = (str(expression), target)
    return found


def _callable(template: Template, function: str, kinds: Mapping[str, str]) -> list[str]:
    """Resources the function's role policies or environment name (what it may call)."""
    properties = template.resources[function].get("Properties", {})
    role = template.resources.get(referenced(properties.get("Role")), {})
    role_properties = role.get("Properties", {})
    named = mentioned(
        [role_properties.get("Policies"), (properties.get("Environment") or {}).get("Variables")],
        set(kinds),
    )
    policies = [
        policy.get("Properties", {}).get("PolicyDocument")
        for policy in template.of_type("AWS::IAM::Policy").values()
        if referenced(properties.get("Role"))
        in mentioned(policy.get("Properties", {}).get("Roles"), set(template.resources))
    ]
    named += mentioned(policies, set(kinds))
    return [
        name for name in dict.fromkeys(named) if kinds.get(name) in CALLABLE and name != function
    ]
