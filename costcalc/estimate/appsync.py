"""AWS AppSync GraphQL APIs: each resolver an entry point, and what its data sources reach.

A resolver (``AWS::AppSync::Resolver``, as written or as SAM's ``AWS::Serverless::GraphQLApi``
expands it) answers one root field, ``Query.getNote`` or ``Mutation.addItem``: each request
for it is a query or data modification operation AppSync bills. A unit resolver calls its data
source once per request; a pipeline resolver calls each function's (``FunctionConfiguration``)
in turn. What a call reaches is read from the data source and, where that depends on it, the
operation the mapping template or the JavaScript code writes literally (``"operation":
"GetItem"``, inline or in a local file beside the template): a Lambda data source invokes its
function, a DynamoDB one reads (``GetItem``, ``Query``, ``Scan``, ...) or writes (``PutItem``,
``UpdateItem``, ``DeleteItem``, ...) its table, an EventBridge one puts an event on its bus,
an HTTP data source signed for Step Functions starts the one state machine the resolver's
code names with ``StartExecution`` or ``StartSyncExecution``. HTTP endpoints and NONE data
sources reach nothing billed. A DynamoDB operation not written literally (a file the folder
lacks, two operations chosen at run time) is never guessed: it is ``unknown``.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from costcalc.errors import UsageError
from costcalc.estimate.refs import listed, mentioned
from costcalc.estimate.template import Template, TemplateError
from costcalc.estimate.usage_file import UsageFile
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import SMALL_FILE_BYTES, read_text

API = "AWS::AppSync::GraphQLApi"
_RESOLVER = "AWS::AppSync::Resolver"
_FUNCTION = "AWS::AppSync::FunctionConfiguration"
_DATA_SOURCE = "AWS::AppSync::DataSource"
_SCHEMA = "AWS::AppSync::GraphQLSchema"
#: Root types whose fields a client requests: one billed operation per request.
ROOT_TYPES = ("Query", "Mutation")
_OPERATION = re.compile(r"""\boperation\b["']?\s*:\s*["'](?P<operation>\w+)["']""")
_STATES_ACTION = re.compile(r"AWSStepFunctions\.(?P<action>StartSyncExecution|StartExecution)\b")
_SUBSCRIPTION = re.compile(r"\btype\s+Subscription\b|@aws_subscribe\b")
_READS = {"getitem", "query", "scan", "batchgetitem", "transactgetitems"}
_WRITES = {"putitem", "updateitem", "deleteitem", "batchputitem", "batchdeleteitem",
           "transactwriteitems"}  # fmt: skip
#: Where each data source type names what it reaches, and the action a call of it takes.
_REACHES = {
    "AWS_LAMBDA": (("LambdaConfig", "LambdaFunctionArn"), "function", "invoke"),
    "AMAZON_DYNAMODB": (("DynamoDBConfig", "TableName"), "table", ""),
    "AMAZON_EVENTBRIDGE": (("EventBridgeConfig", "EventBusArn"), "bus", "put"),
}
#: Usage-file keys an API takes per resolver field (``Mutation.addItem``).
PER_FIELD = ("requests_per_unit", "reads_per_request", "writes_per_request")


@dataclass(frozen=True)
class Call:
    """One data source call of a resolver: what it reaches, and how."""

    data_source: str  # logical id
    kind: str  # the data source's Type: AWS_LAMBDA, AMAZON_DYNAMODB, HTTP, NONE, ...
    target: str  # the logical id it reaches; "" for nothing billed or outside the template
    action: str  # invoke, read, write, put, start; "unknown"; "" when it reaches nothing billed
    why: str  # how the action was read, for the trail


@dataclass(frozen=True)
class Resolver:
    api: str
    logical_id: str
    field: str  # "Mutation.addItem"
    calls: tuple[Call, ...]

    @property
    def root(self) -> bool:
        return self.field.split(".", 1)[0] in ROOT_TYPES


def resolvers(
    template: Template, kinds: Mapping[str, str], stand: Mapping[str, str]
) -> tuple[Resolver, ...]:
    """Every resolver of the template's GraphQL APIs, each call's target and action read (a
    data source naming a Lambda alias or version reaches its function: ``stand``)."""
    kinds = {**kinds, **{alias: kinds[real] for alias, real in stand.items() if real in kinds}}
    apis = set(template.of_type(API))
    sources = template.of_type(_DATA_SOURCE)
    functions = template.of_type(_FUNCTION)
    found = []
    for name, resource in sorted(template.of_type(_RESOLVER).items()):
        properties = resource.get("Properties") or {}
        api = next(iter(mentioned(properties.get("ApiId"), apis)), "")
        if not api:
            continue  # a resolver of an API outside the template: nothing here bills it
        field = f"{properties.get('TypeName')}.{properties.get('FieldName')}"
        where = f"{template.path}: {name} ({field})"
        pipeline = properties.get("PipelineConfig")
        if str(properties.get("Kind", "")).upper() == "PIPELINE" or pipeline:
            steps = []
            for value in listed((pipeline or {}).get("Functions")):
                named = mentioned(value, set(functions))
                if not named:
                    raise TemplateError(
                        f"{where}: PipelineConfig names {value!r}, no {_FUNCTION} of the template"
                    )
                steps.append((named[0], functions[named[0]].get("Properties") or {}))
        else:
            steps = [(name, properties)]
        code = "\n".join(_code(template, props) for _, props in steps)
        calls = tuple(
            _call(template, kinds, _source(template, sources, api, props, where), props, code)
            for _, props in steps
        )
        calls = tuple(replace(c, target=stand.get(c.target, c.target)) for c in calls)
        found.append(Resolver(api, name, field, calls))
    return tuple(found)


def check_usage(usage: UsageFile, found: Collection[Resolver]) -> None:
    """Each per-field figure the usage file gives an API names one of its resolvers (a typo
    would price the field with the default without a word)."""
    by_api: dict[str, list[str]] = {}
    for resolver in found:
        by_api.setdefault(resolver.api, []).append(resolver.field)
    for api, fields in by_api.items():
        for key in PER_FIELD:
            unknown = sorted(set(usage.mapping(api, key)) - set(fields))
            if unknown:
                raise UsageError(
                    f'{usage.path}: {api}.{key}."{unknown[0]}": no resolver of {api} answers '
                    f"that field; its resolvers: {', '.join(sorted(fields))}"
                )


def has_subscriptions(template: Template, api: str) -> bool | None:
    """Whether the API's schema declares subscriptions (real-time updates); None when the
    schema cannot be read (a file the folder lacks, an S3 object)."""
    for resource in template.of_type(_SCHEMA).values():
        properties = resource.get("Properties") or {}
        if api not in mentioned(properties.get("ApiId"), {api}):
            continue
        text = _text(properties.get("Definition")) or _local(
            template, properties.get("DefinitionS3Location")
        )
        return None if not text else bool(_SUBSCRIPTION.search(text))
    return None


def _source(
    template: Template,
    sources: Mapping[str, Mapping[str, Any]],
    api: str,
    properties: Mapping[str, Any],
    where: str,
) -> str:
    """The data source a resolver or function names, by reference or by its literal Name."""
    value = properties.get("DataSourceName")
    named = mentioned(value, set(sources))
    if named:
        return named[0]
    for name, source in sources.items():
        source_properties = source.get("Properties") or {}
        if source_properties.get("Name") == value and api in mentioned(
            source_properties.get("ApiId"), {api}
        ):
            return name
    raise TemplateError(
        f"{where}: DataSourceName {value!r} names no {_DATA_SOURCE} of {api} in the template"
    )


def _call(
    template: Template,
    kinds: Mapping[str, str],
    source: str,
    properties: Mapping[str, Any],
    code: str,
) -> Call:
    """What one call of ``source`` reaches; ``code`` is the whole resolver's (a pipeline's
    first function may name the state machine its second one starts)."""
    source_properties = template.resources[source].get("Properties") or {}
    kind = str(source_properties.get("Type", "")).upper()
    if kind == "HTTP":
        return _http(template, kinds, source, source_properties, code)
    config, wanted, action = _REACHES.get(kind, (("", ""), "", ""))
    if not wanted:
        return Call(source, kind, "", "", f"a {kind or 'untyped'} data source")
    value = (source_properties.get(config[0]) or {}).get(config[1])
    targets = [t for t in mentioned(value, set(kinds)) if kinds[t] == wanted] or _by_name(
        template, kinds, wanted, value
    )
    target = targets[0] if targets else ""
    if kind != "AMAZON_DYNAMODB":
        return Call(source, kind, target, action, kind)
    operations = sorted(set(_OPERATION.findall(_code(template, properties))))
    actions = {"read" if o.lower() in _READS else "write" if o.lower() in _WRITES else "?"
               for o in operations}  # fmt: skip
    if len(actions) == 1 and "?" not in actions:
        return Call(source, kind, target, actions.pop(), " or ".join(operations))
    why = (
        f"operations {' and '.join(operations)} chosen at run time"
        if operations
        else "no operation written literally in its mapping template or code"
    )
    return Call(source, kind, target, "unknown", why)


def _http(
    template: Template,
    kinds: Mapping[str, str],
    source: str,
    properties: Mapping[str, Any],
    code: str,
) -> Call:
    """An HTTP data source: Step Functions' endpoint (signed for ``states``) starts the one
    state machine the resolver's code names with a literal StartExecution or
    StartSyncExecution; any other endpoint is outside what the estimate bills."""
    config = properties.get("HttpConfig") or {}
    signing = ((config.get("AuthorizationConfig") or {}).get("AwsIamConfig") or {}).get(
        "SigningServiceName"
    )
    action = _STATES_ACTION.search(code)
    if signing != "states" or action is None:
        return Call(source, "HTTP", "", "", "an HTTP endpoint")
    machines = [m for m in mentioned(code, set(kinds)) if kinds[m] == "state_machine"]
    if len(machines) != 1:
        return Call(source, "HTTP", "", "", f"{action['action']} of a state machine not named once")
    return Call(source, "HTTP", machines[0], "start", action["action"])


def _by_name(template: Template, kinds: Mapping[str, str], wanted: str, value: Any) -> list[str]:
    """Resources of kind ``wanted`` whose literal name (``TableName: Notes``) ``value`` is."""
    return [
        name
        for name, kind in kinds.items()
        if kind == wanted
        and isinstance(value, str)
        and value in ((template.resources[name].get("Properties") or {}).get("TableName"),)
    ]


def _code(template: Template, properties: Mapping[str, Any]) -> str:
    """A resolver's or function's request logic: its mapping template or code, inline or in a
    local file (a missing one reads as nothing)."""
    inline = _text(properties.get("RequestMappingTemplate")) + _text(properties.get("Code"))
    files = (properties.get(k) for k in ("RequestMappingTemplateS3Location", "CodeS3Location"))
    return inline + "".join(_local(template, f) for f in files)


def _local(template: Template, location: Any) -> str:
    if not isinstance(location, str) or location.startswith("s3://"):
        return ""
    path = template.path.parent / Path(location)
    if not path.is_file():
        return ""
    try:
        return read_text(path, "resolver code", SMALL_FILE_BYTES)
    except DefinitionError as error:
        raise TemplateError(str(error)) from None


def _text(value: Any) -> str:
    """Every string inside ``value`` (a ``Fn::Sub`` or ``Fn::Join`` of the code) joined."""
    return "\n".join(_strings(value))


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, Mapping):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
