"""Who sends work to what in a template: the edges that decide where its workflows start.

A resource something in the template feeds (a route's integration, a rule's target, a
function's callee, a bus's rules that a put can match, ...) is no entry point of its own, as
long as what feeds it is itself reached: a stream whose only writer is its own consumer, or a
rule whose only putter is the function it triggers, is fed from inside a loop that something
outside the template must start. A function nothing in the template invokes is started from
outside it; one that only resources the estimate does not follow invoke (a user pool's
trigger, an AppSync data source, a load balancer's target group) is invoked as often as those
are used, which no definition says; a custom resource's function runs when the stack deploys.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from costcalc.estimate.refs import mentioned
from costcalc.estimate.topology import DEFAULT_BUS, Topology
from orderflow_definitions.patterns import matches

#: Feeder of what alarms act on: alarms publish on a change of state, never per unit of work.
ALARMS = "(alarms)"
#: Resource types that name a function without invoking it (or invoke it as the estimate
#: already follows: an event source mapping's source, an alias or version standing for it).
_NAMING_ONLY = (
    "AWS::Lambda::Permission",
    "AWS::Lambda::Alias",
    "AWS::Lambda::Version",
    "AWS::Lambda::EventInvokeConfig",
    "AWS::Logs::LogGroup",
    "AWS::CloudWatch::Alarm",
    "AWS::CloudWatch::CompositeAlarm",
    "AWS::CloudWatch::Dashboard",
    "AWS::SSM::Parameter",
    "AWS::CodeDeploy::DeploymentGroup",
    "AWS::ApiGateway::Deployment",
    "AWS::ApiGateway::Stage",
    "AWS::ApiGatewayV2::Stage",
    "AWS::ApiGatewayV2::Integration",
    "AWS::ApiGatewayV2::Route",
    "AWS::ApiGateway::Method",
)

#: Resources through which a function is started from outside the template, by the ``how``
#: they give it: its URL's requests, an event source mapping's records from a source outside it.
_ENTERED_BY = {"AWS::Lambda::Url": "url", "AWS::Lambda::EventSourceMapping": "mapping"}


@dataclass(frozen=True)
class Invoker:
    """How a function nothing in the followed graph invokes is started."""

    #: "outside": nothing in the template invokes it; "url": its function URL; "mapping": an
    #: event source mapping from a source outside the template; "deploy": a custom resource;
    #: "other": resources the estimate does not follow
    how: str
    by: tuple[str, ...] = ()  # the resources that invoke it


def alarm_targets(topo: Topology) -> set[str]:
    """What alarms act on (a topic, mostly)."""
    known = set(topo.types)
    found: set[str] = set()
    for kind in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
        for resource in topo.template.of_type(kind).values():
            properties = resource.get("Properties") or {}
            for key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
                found.update(mentioned(properties.get(key), known))
    return found


def feeders(topo: Topology) -> dict[str, set[str]]:
    """Per resource, the resources in the template that send it work (``ALARMS`` for alarms)."""
    known = set(topo.types)
    edges: list[tuple[str, str]] = [(route.target, route.api) for route in topo.routes]
    edges += ((t, rule.logical_id) for rule in topo.rules for t in rule.targets)
    edges += ((t, name) for name, (_, t) in (*topo.schedules.items(), *topo.pipes.items()))
    edges += ((enrichment, pipe) for pipe, enrichment in topo.enrichments.items())
    edges += (
        (t, owner)
        for owner, targets in (*topo.subscriptions.items(), *topo.notifications.items())
        for t in targets
    )
    edges += ((callee, f) for f, callees in topo.calls.items() for callee in callees)
    edges += ((c, source) for source, consumers in topo.consumers.items() for c in consumers)
    edges += ((target, ALARMS) for target in alarm_targets(topo))
    edges += (
        (named, machine)
        for machine, (definition, _) in topo.machines.items()
        for named in mentioned(definition.get("States"), known)
        if topo.resolved(named) != machine
    )
    edges += _rule_feeders(topo)
    edges += ((call.target, r.api) for r in topo.resolvers for call in r.calls)
    found: dict[str, set[str]] = {}
    for target, by in edges:
        if target:
            found.setdefault(topo.resolved(target), set()).add(by)
    return found


def _rule_feeders(topo: Topology) -> list[tuple[str, str]]:
    """(rule, what puts events it can match) for each rule on events put in the template."""
    found: list[tuple[str, str]] = []
    literal = literal_puts(topo)
    for rule in topo.rules:
        if rule.pattern is None or aws_source(rule.pattern):
            continue
        where = f"{topo.template.path}: {rule.logical_id}.EventPattern"
        found += ((rule.logical_id, by) for by in sorted(_putters(topo, rule.bus)))
        found += (
            (rule.logical_id, by)
            for bus, put, by in literal
            if bus == rule.bus and matches(rule.pattern, sample(rule.pattern, put), where)
        )
    return found


def upstream(fed: Mapping[str, set[str]], name: str) -> set[str]:
    """Everything that sends work to ``name``, directly or through others."""
    found: set[str] = set()
    pending = list(fed.get(name, ()))
    while pending:
        by = pending.pop()
        if by not in found:
            found.add(by)
            pending.extend(fed.get(by, ()))
    return found


def invokers(topo: Topology, fed: Mapping[str, set[str]]) -> dict[str, Invoker]:
    """Per function that nothing the estimate follows invokes, how it is started."""
    alone = {f for f in topo.functions if f not in fed}
    named: dict[str, list[str]] = {}
    entered: dict[str, Invoker] = {}
    for name, resource in topo.template.resources.items():
        kind = str(resource.get("Type", ""))
        for function in mentioned(resource.get("Properties"), alone - {name}):
            if kind in _ENTERED_BY:
                entered.setdefault(function, Invoker(_ENTERED_BY[kind], (name,)))
            elif kind not in _NAMING_ONLY and not kind.startswith("AWS::IAM::"):
                named.setdefault(function, []).append(name)
    found: dict[str, Invoker] = {}
    for function in sorted(alone):
        by = tuple(named.get(function, ()))
        deploy = tuple(n for n in by if _custom_resource(topo.types[n]))
        if by and len(deploy) == len(by):
            found[function] = Invoker("deploy", deploy)
        elif by:
            found[function] = Invoker("other", by)
        else:
            found[function] = entered.get(function, Invoker("outside"))
    return found


def _custom_resource(kind: str) -> bool:
    return kind == "AWS::CloudFormation::CustomResource" or kind.startswith("Custom::")


def _putters(topo: Topology, bus: str) -> set[str]:
    """What may put events of any detail-type on ``bus``: a function allowed ``PutEvents``
    that names it (any such function, for the default bus), a pipe putting each record's own
    detail-type on it."""
    found = {
        f
        for f, callees in topo.calls.items()
        if topo.functions[f].may("events:PutEvents") and (bus in callees or bus == DEFAULT_BUS)
    }
    for pipe, (_, target) in topo.pipes.items():
        if target == bus and topo.pipe_events.get(pipe, {}).get("detail-type", "").startswith("$"):
            found.add(pipe)
    return found


def literal_puts(topo: Topology) -> list[tuple[str, Mapping[str, Any], str]]:
    """(bus, source/detail-type, who puts it) of every put the definitions spell out (routes,
    state machine tasks, pipes)."""
    found: list[tuple[str, Mapping[str, Any], str]] = [
        (route.target or DEFAULT_BUS, route.detail, route.api)
        for route in topo.routes
        if route.action == "put" and route.detail
    ]
    for pipe, (_, target) in topo.pipes.items():
        event = piped(topo.pipe_events.get(pipe, {}), None)
        if event and topo.kind(target) == "bus":
            found.append((target, event, pipe))
    for machine, (definition, _) in topo.machines.items():
        pending: list[Any] = [definition]
        while pending:
            value = pending.pop()
            if isinstance(value, list):
                pending.extend(value)
            elif isinstance(value, Mapping):
                if "events:putEvents" in str(value.get("Resource", "")):
                    parameters = value.get("Parameters") or value.get("Arguments") or {}
                    for entry in parameters.get("Entries") or []:
                        bus = topo.bus_named(entry.get("EventBusName"), machine)
                        found.append((bus, put_detail(entry), machine))
                pending.extend(value.values())
    return found


def piped(event: Mapping[str, str], carried: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The event a pipe puts on a bus: the literal source and detail-type its target parameters
    give; where the detail-type is a JSON path into the record, the one the record carries."""
    found: dict[str, Any] = {k: v for k, v in event.items() if not v.startswith("$")}
    from_record = detail_type(carried)
    if event.get("detail-type", "").startswith("$") and from_record is not None:
        found["detail-type"] = from_record
    return found or None


def detail_type(detail: Mapping[str, Any] | None) -> str | None:
    """The detail-type an event or a record carries, when it is known."""
    value = (detail or {}).get("detail-type")
    return value if isinstance(value, str) else None


def put_detail(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The literal Source and DetailType of a put's entry."""
    return {
        key: value
        for key, value in (
            ("source", entry.get("Source")),
            ("detail-type", entry.get("DetailType")),
        )
        if isinstance(value, str)
    }


def aws_source(pattern: Mapping[str, Any]) -> bool:
    sources = pattern.get("source")
    return (
        isinstance(sources, list)
        and bool(sources)
        and all(isinstance(s, str) and s.startswith("aws.") for s in sources)
    )


def sample(pattern: Mapping[str, Any], detail: Mapping[str, Any]) -> dict[str, Any]:
    """The event a literal put sends, its source taken from the rule when the put names none."""
    event: dict[str, Any] = {"detail": {}, "account": "123456789012", "region": "us-east-1"}
    sources = pattern.get("source")
    if "source" in detail:
        event["source"] = detail["source"]
    elif isinstance(sources, list) and sources and isinstance(sources[0], str):
        event["source"] = sources[0]
    if "detail-type" in detail:
        event["detail-type"] = detail["detail-type"]
    if isinstance(pattern.get("detail"), Mapping):
        event["detail"] = _satisfying(pattern["detail"])
    return event


def _satisfying(pattern: Mapping[str, Any]) -> dict[str, Any]:
    """A detail that meets the pattern's literal values (what a put's detail is unknown)."""
    found: dict[str, Any] = {}
    for key, wanted in pattern.items():
        if isinstance(wanted, Mapping):
            found[key] = _satisfying(wanted)
        elif isinstance(wanted, list) and wanted and not isinstance(wanted[0], Mapping):
            found[key] = wanted[0]
    return found
