"""A project's architecture and per-path costs, read from its SAM template (never drawn by hand).

The Mermaid flowchart has a node per function, API, table, bus, topic, queue and schedule group,
and an edge for every wire the template declares: API routes, EventBridge rules (labelled with
the events they match), stream mappings, the resources each function's or state machine's
policies name, dead-letter queues, and the schedules a Scheduler role lets fire.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from orderflow_definitions.patterns import matches

SHAPES = {
    "AWS::Serverless::Function": ('["{id}<br/>Lambda: {handler}"]'),
    "AWS::Serverless::HttpApi": '(["{id}<br/>HTTP API"])',
    "AWS::DynamoDB::Table": '[("{id}<br/>DynamoDB")]',
    "AWS::Events::EventBus": '[["{id}<br/>EventBridge bus"]]',
    "AWS::SNS::Topic": '>"{id}<br/>SNS topic"]',
    "AWS::SQS::Queue": '[/"{id}<br/>SQS queue"/]',
    "AWS::Scheduler::ScheduleGroup": '[/"{id}<br/>Scheduler group"\\]',
    "AWS::Serverless::StateMachine": '["{id}<br/>Step Functions"]',
    "AWS::Events::Archive": '[("{id}<br/>event archive")]',
}
SES = "SES"
SCHEDULE_GROUP = "AWS::Scheduler::ScheduleGroup"


def references(value: Any) -> Iterator[str]:
    """Logical ids `value` refers to through Ref, GetAtt or ${...} in Sub (not pseudo
    parameters such as AWS::Region)."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if key == "Ref" and isinstance(inner, str) and not inner.startswith("AWS::"):
                yield inner
            elif key == "Fn::GetAtt":
                yield (inner if isinstance(inner, list) else str(inner).split("."))[0]
            elif key == "Fn::Sub":
                text = inner[0] if isinstance(inner, list) else inner
                names = re.findall(r"\$\{([^!}]+)\}", str(text))
                yield from (n.split(".")[0] for n in names if not n.startswith("AWS::"))
            else:
                yield from references(inner)
    elif isinstance(value, list):
        for inner in value:
            yield from references(inner)


def _statements(properties: Mapping[str, Any]) -> Iterator[tuple[str, Any]]:
    """(label, resource) for every statement and SAM policy template in a function's policies."""
    for policy in properties.get("Policies", []):
        if not isinstance(policy, dict):
            continue
        for name, body in policy.items():
            if name == "Statement":
                for statement in body:
                    actions = statement.get("Action", [])
                    actions = actions if isinstance(actions, list) else [actions]
                    verbs = sorted({str(a).split(":", 1)[1] for a in actions})
                    yield ", ".join(verbs), statement.get("Resource")
                    if any(str(a).startswith("ses:") for a in actions):
                        yield "SendEmail", {"Ref": SES}
            else:
                yield name.removesuffix("Policy"), body


def _rule_patterns(resources: Mapping[str, Any]) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
    """(bus, function, pattern) for every EventBridge rule event of a function, and for every
    rule declared on its own (as a template does to tag it) whose target is a function."""
    for logical_id, resource in resources.items():
        properties = resource.get("Properties", {})
        if resource["Type"] == "AWS::Serverless::Function":
            for event in properties.get("Events", {}).values():
                if event["Type"] == "EventBridgeRule":
                    rule = event["Properties"]
                    yield _bus(rule), logical_id, rule["Pattern"]
        elif resource["Type"] == "AWS::Events::Rule" and "EventPattern" in properties:
            for target in properties.get("Targets", []):
                for function in references(target.get("Arn")):
                    if resources.get(function, {}).get("Type") == "AWS::Serverless::Function":
                        yield _bus(properties), function, properties["EventPattern"]


def _bus(rule: Mapping[str, Any]) -> str:
    [bus] = list(references(rule.get("EventBusName"))) or ["default"]
    return bus


Edges = dict[tuple[str, str, str], list[str]]


def _function_edges(
    logical_id: str, properties: Mapping[str, Any], resources: Mapping[str, Any], edges: Edges
) -> None:
    for event in properties.get("Events", {}).values():
        if event["Type"] == "HttpApi":
            api = next(references(event["Properties"].get("ApiId")), "HttpApi")
            route = f"{event['Properties']['Method']} {event['Properties']['Path']}"
            edges[(api, logical_id, "-->")].append(route)
    for label, target in _statements(properties):
        for ref in references(target):
            if ref == SES or resources.get(ref, {}).get("Type") in SHAPES:
                edges[(logical_id, ref, "-->")].append(label)
    for ref in references(properties.get("DeadLetterQueue", {}).get("TargetArn")):
        edges[(logical_id, ref, "-.->")].append("failed events")


def _scheduler_edges(
    properties: Mapping[str, Any], resources: Mapping[str, Any], edges: Edges
) -> None:
    """A role Scheduler assumes: each schedule group fires the functions the role may invoke."""
    principal = properties["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]
    if principal.get("Service") != "scheduler.amazonaws.com":
        return
    groups = [r for r, v in resources.items() if v["Type"] == SCHEDULE_GROUP]
    for policy in properties.get("Policies", []):
        for function in references(policy["PolicyDocument"]):
            for group in groups:
                edges[(group, function, "-->")].append("schedule fires")


def edges_of(resources: Mapping[str, Any]) -> Edges:
    """(source, target, arrow) -> labels, for every wire the template declares."""
    edges: Edges = defaultdict(list)
    for logical_id, resource in resources.items():
        properties = resource.get("Properties", {})
        if resource["Type"] in ("AWS::Serverless::Function", "AWS::Serverless::StateMachine"):
            _function_edges(logical_id, properties, resources, edges)
        elif resource["Type"] == "AWS::Lambda::EventSourceMapping":
            [source] = list(references(properties["EventSourceArn"]))
            [function] = list(references(properties["FunctionName"]))
            edges[(source, function, "-->")].append("stream")
        elif resource["Type"] == "AWS::IAM::Role":
            _scheduler_edges(properties, resources, edges)
    for bus, function, pattern in _rule_patterns(resources):
        edges[(bus, function, "-->")].append(", ".join(pattern.get("detail-type", ["any"])))
    return edges


def _edge(source: str, target: str, arrow: str, labels: list[str]) -> str:
    separator = "<br/>" if arrow == "-->" and " /" in "".join(labels) else "; "
    text = separator.join(dict.fromkeys(label for label in labels if label))
    return f'  {source} {arrow}|"{text}"| {target}' if text else f"  {source} {arrow} {target}"


def mermaid(template: Mapping[str, Any]) -> str:
    """The template as a Mermaid flowchart: a node per resource that takes part in a wire."""
    resources: Mapping[str, Any] = template["Resources"]
    edges = edges_of(resources)
    used = {node for source, target, _ in edges for node in (source, target)}
    lines = ["flowchart LR", '  clients(["customers and restaurants"])']
    for logical_id, resource in resources.items():
        shape = SHAPES.get(resource["Type"])
        if shape and logical_id in used:
            handler = resource.get("Properties", {}).get("Handler", "")
            lines.append(f"  {logical_id}" + shape.format(id=logical_id, handler=handler))
    if SES in used:
        lines.append(f'  {SES}>"Amazon SES<br/>customer email"]')
    apis = [r for r, v in resources.items() if v["Type"] == "AWS::Serverless::HttpApi"]
    lines.extend(f"  clients --> {api}" for api in apis if api in used)
    lines.extend(_edge(*key, labels) for key, labels in edges.items())
    return "\n".join(lines)


def path_rows(
    template: Mapping[str, Any], paths: Mapping[str, Sequence[str]], source: str
) -> list[tuple[str, int, int, str]]:
    """(path, events put on the bus, rule deliveries they cause, the events in order)."""
    patterns = [pattern for _, _, pattern in _rule_patterns(template["Resources"])]
    rows = []
    for name, events in paths.items():
        deliveries = sum(
            1
            for e in events
            for p in patterns
            if matches(p, {"source": source, "detail-type": e}, "rule pattern")
        )
        rows.append((name, len(events), deliveries, " → ".join(events)))
    return rows
