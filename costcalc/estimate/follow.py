"""Following a template's graph from its entry points to every billed item, per unit of work.

Entry points are what something outside the template starts (API routes, state machines
nothing in the template starts, rules on buses nothing in it feeds, queues, streams, tables and
topics nothing in it writes, bucket notifications) — each hit once per unit of work unless the
usage file says otherwise, labelled ``default`` — and schedules, whose rate is their
expression's. From each, what the definition determines is followed and labelled
``definition``: a route to its integration, a state machine's tasks (expected entries per
execution, costcalc.estimate.visits) to their services, a literal ``events:putEvents`` to
every rule whose pattern matches it, a rule or a schedule to its targets, a queue, stream or
table stream to its consumers, a topic to its subscriptions. What a function does inside (its
duration, the tables it writes, the events it puts) is the usage file's (``user``) or listed
as unknown with the key that fills it; it is never guessed.

Work can carry a detail-type along: an event from the bus to its rules' targets, a write given
by detail-type in the usage file through the table's stream to its consumers, and on from a
function that ``relays`` it (an outbox's publisher) or a pipe whose target parameters take it
from the record. A resource reached again carrying another detail-type is followed again, not
taken for a loop: an outbox's table and publisher see every kind of event the flow writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from costcalc.errors import UsageError
from costcalc.estimate.entry_points import fed
from costcalc.estimate.express_limits import express_refusals
from costcalc.estimate.fixed_items import FIXED_WORKFLOW, fixed_items
from costcalc.estimate.log_groups import access_log_groups, group_retention_months, retention_months
from costcalc.estimate.reach import EMAIL_ACTIONS
from costcalc.estimate.refs import mentioned
from costcalc.estimate.schedule_rate import monthly_firings
from costcalc.estimate.template import TemplateError
from costcalc.estimate.topology import DEFAULT_BUS, Route, Topology
from costcalc.estimate.tracing import DEFAULT_RULE, default_share, traced_resources
from costcalc.estimate.transitions import Counting, TransitionEstimate, expected_transitions
from costcalc.estimate.usage_file import UsageFile
from costcalc.estimate.visits import Given, Walk, walk
from costcalc.pricing.bill import Usage
from costcalc.pricing.services import (
    SNS_PROTOCOLS,
    add_apigw_http,
    add_apigw_rest,
    add_dynamodb,
    add_eventbridge,
    add_lambda,
    add_logs,
    add_scheduler,
    add_ses,
    add_sqs,
    add_stepfunctions_express,
    add_stepfunctions_standard,
    add_xray,
)
from orderflow_definitions.patterns import matches

#: Steps of one trail at most: a guard (loops are caught by ``_looped``); an outbox chain takes
#: five or so steps per hop (write, record, relay, rule, delivery).
_MAX_DEPTH = 64
_KB_PER_GB = Decimal(1024 * 1024)  # logs: 1 GB = 1,048,576 KB, as the profile's metering
_INTEGRATION = "arn:aws:states:::"
_TABLE_WRITES = {"putitem", "updateitem", "deleteitem", "batchwriteitem", "transactwriteitems"}
_TABLE_READS = {"getitem", "query", "scan", "batchgetitem", "transactgetitems"}
#: Billed items with no price in the catalogue: listed with their quantity and what is
#: missing, never priced (the catalogue holds only prices read from AWS's own pages or its
#: Price List; for these only third-party pages were found).
UNPRICED_ITEMS = {
    ("kinesis", "put-payload-units"): (
        "PUT payload unit (25 KB)",
        "no sourced Kinesis Data Streams price in the catalogue: its PUT payload units, and "
        "the stream's own hours (shard-hours when provisioned; stream-hours and GB written "
        "and read when on-demand), which also depend on its capacity mode and shard count",
    ),
    ("apigateway", "websocket-messages"): (
        "message (32 KB)",
        "no sourced API Gateway WebSocket price in the catalogue: its messages (each 32 KB "
        "counted as one) and its connection minutes",
    ),
    ("pipes", "requests"): (
        "request",
        "no sourced EventBridge Pipes price in the catalogue: its requests (one per 64 KB "
        "chunk of each batch, after filtering)",
    ),
    ("eventbridge", "api-destination-invocations"): (
        "invocation",
        "no sourced EventBridge API destinations price in the catalogue: its invocations "
        "(and the HTTP endpoint's own charges, outside AWS)",
    ),
    ("cloudwatch", "alarms-high-resolution"): (
        "alarm-month",
        "no sourced price for high-resolution CloudWatch alarms (a period under 60 s) in the "
        "catalogue: one alarm-month per metric evaluated",
    ),
    ("cloudwatch", "composite-alarms"): (
        "alarm-month",
        "no sourced price for CloudWatch composite alarms in the catalogue",
    ),
}
WEAKEST = ("default", "user", "definition")
#: In ``calls: {Table: {detail-type: n}}``: writes whose stream record carries no event.
UNTYPED = "-"


@dataclass(frozen=True)
class Step:
    """One link of how a figure came about: its text and label."""

    text: str
    label: str  # definition, default or user


@dataclass(frozen=True)
class Entry:
    workflow: str  # "<logical id>" or "<api> <METHOD path>"
    kind: str
    resource: str
    per_unit: Decimal | None  # None for a schedule (a fixed monthly rate)
    monthly: Decimal
    label: str
    source: str


@dataclass(frozen=True)
class Charge:
    """One billed quantity of one catalogue item, caused by ``resource`` within ``workflow``."""

    workflow: str
    resource: str
    type: str
    service: str
    item: str
    monthly: Decimal
    label: str
    source: str


@dataclass(frozen=True)
class Unknown:
    workflow: str
    resource: str
    what: str
    key: str  # usage-file key: "<logical id>.<figure>"


@dataclass(frozen=True)
class Default:
    key: str
    value: Decimal
    reason: str


@dataclass
class Followed:
    """Everything one template's graph bills, per workflow, for a month of ``volume`` units."""

    volume: Decimal
    entries: list[Entry] = field(default_factory=list)
    charges: list[Charge] = field(default_factory=list)
    unknowns: list[Unknown] = field(default_factory=list)
    defaults: list[Default] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def follow(topo: Topology, usage: UsageFile, volume: Decimal) -> Followed:
    return _Follower(topo, usage, volume).run()


def _label(trail: tuple[Step, ...]) -> str:
    labels = {step.label for step in trail}
    return next(label for label in WEAKEST if label in labels or label == "definition")


class _Follower:
    def __init__(self, topo: Topology, usage: UsageFile, volume: Decimal) -> None:
        self.topo = topo
        self.usage = usage
        self.result = Followed(volume)
        self.workflow = ""
        self.walks: dict[str, Walk] = {}
        self.alarm_targets = self._alarm_targets()
        self.fed = self._fed()
        traced_functions = {name for name, f in topo.functions.items() if f.traced}
        self.traced = traced_resources(topo.template, traced_functions)
        self.in_trace = False  # a traced resource upstream passes its trace header on
        self.roots: dict[tuple[str, str], tuple[Decimal, tuple[Step, ...]]] = {}
        #: (resource, detail-type carried) of each resource being followed, outermost first.
        self.carrying: list[tuple[str, str | None]] = []
        #: Per relay, the records or events it received that carried no detail-type.
        self.unrelayed: dict[str, Decimal] = {}

    # ------------------------------------------------------------------ entries
    def run(self) -> Followed:
        topo = self.topo
        for route in topo.routes:
            self._enter(
                f"{route.api} {route.key}",
                "API route",
                route.api,
                ("requests_per_unit", route.key),
                lambda q, t, r=route: self._route(r, q, t),
            )
        for rule in topo.rules:
            if rule.schedule:
                self._scheduled(
                    rule.logical_id,
                    "schedule rule",
                    rule.schedule,
                    lambda q, t, r=rule: self._targets(r.logical_id, r.targets, q, t, "rule"),
                )
            elif rule.pattern is not None and rule.logical_id not in self.fed:
                aws = _aws_source(rule.pattern)
                kind = "AWS service events" if aws else f"events on {rule.bus} bus"
                self._enter(
                    rule.logical_id,
                    kind,
                    rule.logical_id,
                    ("events_per_unit", None),
                    lambda q, t, r=rule, a=aws: self._external_events(r, q, t, a),
                )
        for name, (expression, target) in topo.schedules.items():
            self._scheduled(
                name,
                "Scheduler schedule",
                expression,
                lambda q, t, n=name, g=target: self._schedule(n, g, q, t),
            )
        self._external()
        for name, quantity in self.unrelayed.items():
            self.result.notes.append(
                f"{name}: {_short(quantity)} of the records or events it receives a month carry "
                'no detail-type (writes or events given as a number, or as "-"): it relays no '
                "event for them"
            )
        self._traces()
        self._fixed()
        for name, resource in sorted(topo.template.of_type("AWS::CloudFormation::Stack").items()):
            url = (resource.get("Properties") or {}).get("TemplateURL")
            where = f" ({url})" if isinstance(url, str) else ""
            self.result.notes.append(
                f"{name} (AWS::CloudFormation::Stack): a nested stack{where}: its resources are "
                "not in this template and not estimated; estimate its template on its own"
            )
        for name, kind in sorted(topo.template.unread.items()):
            self.result.notes.append(
                f"{name} ({kind}): a Pulumi resource type the estimate does not read: not billed"
            )
        if not self.result.entries:
            self.result.notes.append(
                "nothing billable per unit of work: no API route, state machine, rule, schedule, "
                "event source, bucket notification or subscribed topic"
            )
        return self.result

    def _external(self) -> None:
        """State machines, event sources, buckets and topics nothing in the template feeds."""
        topo = self.topo
        entries: list[tuple[str, str, str, Any]] = [
            *((n, "state machine", "executions_per_unit", self._machine) for n in topo.machines),
            *(
                (
                    s,
                    f"{topo.kind(s)} records",
                    "records_per_unit",
                    lambda s_, q, t: self._arrive(s_, q, t, "external"),
                )
                for s in topo.consumers
            ),
            *((b, "S3 objects", "objects_per_unit", self._bucket) for b in topo.notifications),
            *((n, "SNS publishes", "publishes_per_unit", self._topic) for n in topo.subscriptions),
        ]
        for name in sorted(self.alarm_targets & set(topo.subscriptions)):
            self.result.notes.append(
                f"{name}: published by alarms when their state changes, not per unit of work; "
                "its deliveries are not priced"
            )
        for name, kind, key, handler in entries:
            if name not in self.fed or kind == "S3 objects":
                self._enter(
                    name, kind, name, (key, None), lambda q, t, n=name, h=handler: h(n, q, t)
                )

    def _fixed(self) -> None:
        """Alarms, dashboards and custom metrics: billed by the month, not per unit."""
        self.workflow = FIXED_WORKFLOW
        for fixed in fixed_items(self.topo.template, self.usage, list(self.topo.functions)):
            usage = Usage()
            usage.add(fixed.service, fixed.item, fixed.quantity)
            self._bill(fixed.resource, usage, (Step(fixed.why, fixed.label),))

    def _enter(
        self, workflow: str, kind: str, resource: str, key: tuple[str, str | None], go: Any
    ) -> None:
        given = self.usage.figure(resource, *key)
        per_unit = Decimal(1) if given is None else given
        label = "default" if given is None else "user"
        why = (
            "default: an externally started entry point is hit once per unit of work"
            if given is None
            else f"user: {self.usage.path}"
        )
        if given is None:
            dotted = ".".join(part for part in key if part)
            self._default(f"{resource}.{dotted}", per_unit, "hit once per unit of work")
        monthly = per_unit * self.result.volume
        self.result.entries.append(Entry(workflow, kind, resource, per_unit, monthly, label, why))
        self.workflow = workflow
        trail = (Step(f"{workflow}: {per_unit.normalize():f} per unit ({label})", label),)
        with self._trace(resource, monthly, trail):
            go(monthly, trail)

    def _scheduled(self, name: str, kind: str, expression: str, go: Any) -> None:
        where = f"{self.topo.template.path}: {name}"
        monthly = monthly_firings(expression, where)
        source = f"definition: {expression} fires {monthly.normalize():f} times a month"
        self.result.entries.append(Entry(name, kind, name, None, monthly, "definition", source))
        if monthly == 0:
            self.result.notes.append(f"{name}: {expression} fires once, not monthly: not priced")
            return
        self.workflow = name
        go(monthly, (Step(f"{name}: {expression}", "definition"),))

    def _alarm_targets(self) -> set[str]:
        """What alarms act on (a topic, mostly): they publish on a state change, never per unit
        of work, so such a topic is fed, not an entry point hit once per unit."""
        known = set(self.topo.types)
        found: set[str] = set()
        for kind in ("AWS::CloudWatch::Alarm", "AWS::CloudWatch::CompositeAlarm"):
            for resource in self.topo.template.of_type(kind).values():
                properties = resource.get("Properties") or {}
                for key in ("AlarmActions", "OKActions", "InsufficientDataActions"):
                    found.update(mentioned(properties.get(key), known))
        return found

    def _fed(self) -> set[str]:
        """Resources work reaches from inside the template (so they are not entries):
        ``costcalc.estimate.entry_points`` over what each resource may send to."""
        topo = self.topo
        known = set(topo.types)
        sends: dict[str, set[str]] = {}

        def send(sender: str, targets: Iterable[str]) -> None:
            sends.setdefault(sender, set()).update(t for t in targets if t)

        started = {route.target for route in topo.routes if route.target}
        started |= {
            DEFAULT_BUS for route in topo.routes if route.action == "put" and not route.target
        }
        started |= {target for _, target in topo.schedules.values() if target}
        started |= self.alarm_targets
        for rule in topo.rules:
            send(rule.logical_id, rule.targets)
        for pipe, (_, target) in topo.pipes.items():
            send(pipe, [target])
        for source, consumers in topo.consumers.items():
            send(source, consumers)
        for name, targets in (*topo.subscriptions.items(), *topo.notifications.items()):
            send(name, targets)
        for function, callees in topo.calls.items():
            send(function, callees)
            if topo.functions[function].may("events:PutEvents"):
                send(function, [DEFAULT_BUS])
        for name, (definition, _) in topo.machines.items():
            states = definition.get("States")
            send(name, [m for m in mentioned(states, known) if m != name])
            if "events:putEvents" in str(states):
                send(name, [DEFAULT_BUS])
        putters = _putters(topo)
        literal = _literal_puts(topo)
        for rule in topo.rules:
            if rule.pattern is None or _aws_source(rule.pattern):
                continue
            where = f"{topo.template.path}: {rule.logical_id}.EventPattern"
            if rule.bus in putters or any(
                bus == rule.bus and matches(rule.pattern, _sample(rule.pattern, detail), where)
                for bus, detail in literal
            ):
                send(rule.bus, [rule.logical_id])
        candidates = [
            *(r.logical_id for r in topo.rules if r.pattern is not None and not r.schedule),
            *topo.subscriptions,
            *topo.notifications,
            *topo.consumers,
            *topo.machines,
        ]
        return fed(sends, started, candidates, silent=set(topo.functions))

    # ------------------------------------------------------------------ billing
    def _bill(self, resource: str, usage: Usage, trail: tuple[Step, ...]) -> None:
        source = " > ".join(step.text for step in trail)
        for (service, item), quantity in usage.quantities.items():
            if quantity:
                self.result.charges.append(
                    Charge(
                        self.workflow,
                        resource,
                        self.topo.types.get(resource, ""),
                        service,
                        item,
                        quantity,
                        _label(trail),
                        source,
                    )
                )

    def _unknown(self, resource: str, what: str, key: str) -> None:
        unknown = Unknown(self.workflow, resource, what, f"{resource}.{key}")
        if unknown not in self.result.unknowns:
            self.result.unknowns.append(unknown)

    def _default(self, key: str, value: Decimal, reason: str) -> None:
        default = Default(key, value, reason)
        if default not in self.result.defaults:
            self.result.defaults.append(default)

    # ------------------------------------------------------------------ nodes
    def _reach(
        self,
        target: str,
        quantity: Decimal,
        trail: tuple[Step, ...],
        how: str,
        detail: Mapping[str, Any] | None = None,
        *,
        records: Decimal | None = None,
    ) -> None:
        """``quantity`` calls (invoke, start, put, send, publish, write) reaching ``target``
        (a consumer's invocations: batches holding ``records`` records in all)."""
        if not target or quantity == 0:
            return
        carried = (target, _detail_type(detail))
        if len(trail) > _MAX_DEPTH or self._looped(target, carried, trail):
            self.result.notes.append(
                f"{target}: reached again through {trail[-1].text}: a loop, followed once"
            )
            return
        kind = self.topo.kind(target)
        handlers: dict[str, Callable[[str, Decimal, tuple[Step, ...]], None]] = {
            "function": lambda t, q, tr: self._function(t, q, tr, detail, records=records),
            "state_machine": self._machine,
            "queue": lambda t, q, tr: self._arrive(t, q, tr, "send", detail),
            "stream": lambda t, q, tr: self._arrive(t, q, tr, "put", detail),
            "topic": self._topic,
            "bus": lambda t, q, tr: self._bus(t, q, tr, detail),
            "table": lambda t, q, tr: self._table(t, q, tr, how, detail),
            "bucket": self._bucket,
            "pipe": lambda t, q, tr: self._pipe(t, q, tr, detail),
        }
        handler = handlers.get(kind)
        if handler is None:
            self.result.notes.append(
                f"{target} ({self.topo.types.get(target)}): reached by "
                f"{trail[-1].text}, not billed by the estimate"
            )
            return
        self.carrying.append(carried)
        try:
            with self._trace(target, quantity, trail):
                handler(target, quantity, trail)
        finally:
            self.carrying.pop()

    def _looped(
        self, target: str, carried: tuple[str, str | None], trail: tuple[Step, ...]
    ) -> bool:
        """Whether reaching ``target`` again goes round a loop. Work that carries a detail-type
        (an event, or a stream record of a write that carries one) reaches a resource again
        without looping when it carries another (or none): a table's stream feeds its relay
        once per kind of event written, as an outbox does."""
        if not any(step.text.startswith(f"{target}:") for step in trail):
            return False
        return carried in self.carrying or all(name != target for name, _ in self.carrying)

    def _route(self, route: Route, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        usage = Usage()
        if route.websocket:
            usage.add("apigateway", "websocket-messages", _whole(quantity))
            sized: tuple[Step, ...] = ()
        else:
            sized = self._sized(
                route.api,
                "request_kb",
                add_apigw_rest if route.rest else add_apigw_http,
                usage,
                requests=_whole(quantity),
            )
        self._bill(route.api, usage, (*trail, *sized))
        self._access_logs(route.api, quantity, trail)
        step = Step(
            f"{route.api}: {route.key} integrates {route.target or 'nothing billed'} "
            f"({route.action})",
            "definition",
        )
        if route.action == "put" and route.target == "":
            self._bus(DEFAULT_BUS, quantity, (*trail, step), route.detail or None)
            return
        self._reach(route.target, quantity, (*trail, step), route.action, route.detail or None)

    @contextmanager
    def _trace(self, resource: str, quantity: Decimal, trail: tuple[Step, ...]) -> Iterator[None]:
        """While ``resource`` is followed: a trace root when it traces and nothing upstream did,
        and what it reaches joins its trace."""
        was = self.in_trace
        if resource in self.traced and not was:
            key = (self.workflow, resource)
            before, first_trail = self.roots.get(key, (Decimal(0), trail))
            self.roots[key] = (before + quantity, first_trail)
        self.in_trace = was or resource in self.traced
        try:
            yield
        finally:
            self.in_trace = was

    @contextmanager
    def _untraced(self) -> Iterator[None]:
        """A hop that carries no trace header (stream records, S3 notifications)."""
        was, self.in_trace = self.in_trace, False
        try:
            yield
        finally:
            self.in_trace = was

    def _traces(self) -> None:
        """X-Ray traces recorded, at each root (costcalc.estimate.tracing says how many)."""
        shared = default_share(sum((q for q, _ in self.roots.values()), Decimal(0)))
        for (workflow, resource), (roots, trail) in self.roots.items():
            given = self.usage.figure(resource, "traced_share")
            if given is not None and given > 1:
                raise UsageError(
                    f"{self.usage.path}: {resource}.traced_share: {given}: expected a share "
                    "from 0 to 1"
                )
            share, label = (shared, "default") if given is None else (given, "user")
            if given is None:
                self._default(f"{resource}.traced_share", shared, DEFAULT_RULE)
            usage = Usage()
            add_xray(usage, traces=_whole(roots * share))
            self.workflow = workflow
            text = f"{resource}: {_short(share)} of {_short(roots)} trace roots recorded ({label})"
            self._bill(resource, usage, (*trail, Step(text, label)))

    def _function(
        self,
        name: str,
        quantity: Decimal,
        trail: tuple[Step, ...],
        detail: Mapping[str, Any] | None = None,
        *,
        records: Decimal | None = None,
    ) -> None:
        function = self.topo.functions[name]
        duration = self.usage.figure(name, "duration_ms")
        usage = Usage()
        trail = (*trail, Step(f"{name}: {quantity.normalize():f} invocations", "definition"))
        if duration is None:
            self._unknown(
                name, "duration per invocation (ms): the GB-seconds billed", "duration_ms"
            )
            add_lambda(
                usage,
                requests=_whole(quantity),
                duration_ms=Decimal(1),
                memory_mb=function.memory_mb,
                arch=function.arch,
            )
            usage.quantities = {
                k: v for k, v in usage.quantities.items() if not k[1].startswith("duration")
            }
        else:
            add_lambda(
                usage,
                requests=_whole(quantity),
                duration_ms=duration,
                memory_mb=function.memory_mb,
                arch=function.arch,
                ephemeral_storage_mb=function.ephemeral_storage_mb,
                **self._cold_starts(name),
            )
        self._logs(name, quantity, usage)
        self._bill(name, usage, trail)
        self._emails(name, quantity, trail)
        calls = self.usage.mapping(name, "calls")
        relays = self._relays(name)
        schedules = self.usage.numbers(name, "schedules")
        unknown_call = set(calls) - set(self.topo.calls[name]) - set(self.topo.types)
        if unknown_call:
            raise UsageError(
                f"{self.usage.path}: {name}.calls.{sorted(unknown_call)[0]}: no "
                "such resource in the template"
            )
        for callee in (
            *self.topo.calls[name],
            *(c for c in calls if c not in self.topo.calls[name]),
        ):
            given = calls.get(callee)
            if given is None and (callee in relays or callee in schedules):
                continue
            if given is None:
                self._unknown(
                    name,
                    f"calls to {callee} ({self.topo.types[callee]}) per invocation",
                    f"calls.{callee}",
                )
                continue
            step = Step(f"{name}: calls {callee} (user)", "user")
            if isinstance(given, Mapping):
                for detail_type, count in _numbers(self.usage, name, "calls", callee).items():
                    self._reach(
                        callee,
                        quantity * count,
                        (*trail, step),
                        "call",
                        None if detail_type == UNTYPED else {"detail-type": detail_type},
                    )
            else:
                number = self.usage.figure(name, "calls", callee) or Decimal(0)
                self._reach(callee, quantity * number, (*trail, step), "call")
        self._relay(name, relays, quantity if records is None else records, trail, detail)
        self._reads(name, quantity, trail)
        self._schedules(name, schedules, quantity, trail)

    def _schedules(
        self,
        name: str,
        schedules: Mapping[str, Decimal],
        quantity: Decimal,
        trail: tuple[Step, ...],
    ) -> None:
        """``schedules: {Target: n}``: one-time EventBridge Scheduler schedules the function
        creates at run time that fire, per invocation: each firing billed as a Scheduler
        invocation (creating and deleting are free) and invoking its target, which starts a
        trace of its own (a schedule carries no trace header)."""
        for target, count in schedules.items():
            if target not in self.topo.types:
                raise UsageError(
                    f"{self.usage.path}: {name}.schedules.{target}: no such resource in the "
                    "template"
                )
            usage = Usage()
            add_scheduler(usage, invocations=_whole(quantity * count))
            step = Step(f"{name}: {_short(count)} schedules fire per invocation (user)", "user")
            self._bill(name, usage, (*trail, step))
            with self._untraced():
                self._reach(target, quantity * count, (*trail, step), "schedule")

    def _reads(self, name: str, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        """``reads: {Table: n}``: the items a function reads per invocation (none when the usage
        file gives none), billed as the table's read request units."""
        for table, count in self.usage.numbers(name, "reads").items():
            if self.topo.kind(table) != "table":
                raise UsageError(
                    f"{self.usage.path}: {name}.reads.{table}: not a DynamoDB table of the template"
                )
            step = Step(f"{name}: reads {table} (user)", "user")
            self._reach(table, quantity * count, (*trail, step), "read")

    def _emails(self, name: str, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        """The emails a function allowed to send them sends (``emails`` per invocation, from
        the usage file; unknown until given): SES outbound messages."""
        given = self.usage.figure(name, "emails")
        if given is None:
            if self.topo.functions[name].may(*EMAIL_ACTIONS):
                self._unknown(name, "emails sent per invocation (SES)", "emails")
            return
        usage = Usage()
        add_ses(usage, emails=_whole(quantity * given))
        self._bill(
            name, usage, (*trail, Step(f"{name}: {_short(given)} emails each (user)", "user"))
        )

    def _relays(self, name: str) -> dict[str, Decimal]:
        """``relays: {Bus: n}``: events the function puts on each bus per record or event it
        receives, of the detail-type that record or event carries (an outbox's publisher)."""
        relays = self.usage.numbers(name, "relays")
        for bus in relays:
            if self.topo.kind(bus) != "bus":
                raise UsageError(
                    f"{self.usage.path}: {name}.relays.{bus}: not an event bus of the template "
                    "(relays names the buses a function puts what it receives on)"
                )
        return relays

    def _relay(
        self,
        name: str,
        relays: Mapping[str, Decimal],
        quantity: Decimal,
        trail: tuple[Step, ...],
        detail: Mapping[str, Any] | None,
    ) -> None:
        """The events a relay puts: as many as it is given per record or event it receives
        (``quantity``), each carrying that record's or event's detail-type, matched against
        the bus's rules like any put."""
        if not relays:
            return
        detail_type = _detail_type(detail)
        if detail_type is None:
            self.unrelayed[name] = self.unrelayed.get(name, Decimal(0)) + quantity
            return
        for bus, count in relays.items():
            step = Step(f"{name}: relays {detail_type} to {bus} (user)", "user")
            self._reach(bus, quantity * count, (*trail, step), "put", {"detail-type": detail_type})

    def _logs(self, name: str, quantity: Decimal, usage: Usage) -> None:
        """The function's log lines (``log_kb`` per invocation, from the usage file): vended
        ingestion, and storage for as long as its log group keeps them."""
        log_kb = self.usage.figure(name, "log_kb")
        if not log_kb:
            return
        ingested = quantity * log_kb / _KB_PER_GB
        months = retention_months(self.topo.template, name)
        add_logs(usage, ingested_gb=ingested, vended=True, stored_gb=ingested * (months or 0))
        if months is None:
            self.result.notes.append(
                f"{name}: its log group keeps logs forever (the template sets no "
                "RetentionInDays for it): their storage grows every month and is not billed"
            )

    def _access_logs(self, api: str, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        """One access-log line per request for each stage of ``api`` that logs (``access_log_kb``
        per request, from the usage file): standard ingestion, billed to the group written to,
        and its storage for as long as that group keeps it."""
        groups = access_log_groups(self.topo.template, api)
        if not groups:
            return
        line_kb = self.usage.figure(api, "access_log_kb")
        if line_kb is None:
            self._unknown(
                api, "access-log line per request (KB): the logs ingested", "access_log_kb"
            )
            return
        step = Step(f"{api}: {_short(line_kb)} KB of access log per request (user)", "user")
        for group in groups:
            ingested = quantity * line_kb / _KB_PER_GB
            months = group_retention_months(self.topo.template, group) if group else None
            usage = Usage()
            add_logs(usage, ingested_gb=ingested, stored_gb=ingested * (months or 0))
            self._bill(group or api, usage, (*trail, step))
            if months is None:
                where = group or "a destination outside the template"
                self.result.notes.append(
                    f"{api}: its access logs go to {where}, which keeps them forever or is not "
                    "declared with a RetentionInDays: their storage is not billed"
                )

    def _sized(
        self, resource: str, key: str, add: Callable[..., None], usage: Usage, **figures: Decimal
    ) -> tuple[Step, ...]:
        """``add`` the figures with the payload size the usage file gives ``resource`` (an API's
        ``request_kb``, a bus's ``event_kb``, a queue's ``message_kb``: each chunk the service
        meters billed as one); the service's own default size (1 KB) when it gives none.
        Returns the step that says so, for the trail of what it bills."""
        size = self.usage.figure(resource, key)
        if size is None:
            add(usage, **figures)
            return ()
        parameter = {"request_kb": "request_size_kb", "event_kb": "event_size_kb"}.get(
            key, "message_size_kb"
        )
        try:
            add(usage, **figures, **{parameter: size})
        except UsageError as error:
            accepted = str(error).split(": ", 1)[-1]
            raise UsageError(f"{self.usage.path}: {resource}.{key}: {accepted}") from None
        return (Step(f"{resource}: {_short(size)} KB per payload (user)", "user"),)

    def _cold_starts(self, name: str) -> dict[str, Decimal]:
        """INIT, billed as duration since 2025-08-01: the share of invocations that are cold
        starts and their INIT duration, from the usage file (none when it gives none)."""
        rate = self.usage.figure(name, "cold_start_rate") or Decimal(0)
        init = self.usage.figure(name, "init_ms") or Decimal(0)
        where = f"{self.usage.path}: {name}"
        if rate > 1:
            raise UsageError(f"{where}.cold_start_rate: {rate}: expected a share from 0 to 1")
        if rate > 0 and init == 0:
            raise UsageError(f"{where}.cold_start_rate: {rate} needs {name}.init_ms > 0")
        return {"cold_start_rate": rate, "init_duration_ms": init}

    def _machine(self, name: str, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        definition, express = self.topo.machines[name]
        done = self._walk(name, definition)
        counted = self._count(name, definition, done)
        where = f"{self.topo.template.path}: {name}"
        reasons = express_refusals(definition, None, where) if express else []
        if reasons:
            raise TemplateError(
                f"{where}: Type EXPRESS, which cannot run this definition (AWS rejects it), so "
                f"it is not priced: {'; '.join(reasons)}"
            )
        trail = (*trail, Step(f"{name}: {quantity.normalize():f} executions", "definition"))
        self._executions(name, quantity, express=express, done=done, counted=counted, trail=trail)

    def _walk(self, name: str, definition: Mapping[str, Any]) -> Walk:
        if name not in self.walks:
            given = Given(
                choices={
                    state: _numbers(self.usage, name, "choices", state)
                    for state in self.usage.mapping(name, "choices")
                },
                map_items=self.usage.numbers(name, "map_items"),
            )
            where = f"{self.topo.template.path}: {name}"
            self.walks[name] = walk(definition, given, where)
            for assumed in self.walks[name].assumed:
                if assumed.label == "default":
                    self._default(f"{name}.{assumed.key}", assumed.value, assumed.reason)
        return self.walks[name]

    def _count(self, name: str, definition: Mapping[str, Any], done: Walk) -> TransitionEstimate:
        """The transition counter's estimate under the scenario the walk read (same shares,
        same items), with the usage file's retry and redrive rates."""
        choices: dict[str, dict[str, Decimal]] = {}
        items: dict[str, Decimal] = {}
        for assumed in done.assumed:
            kind, _, rest = assumed.key.partition(".")
            if kind == "map_items":
                items[rest] = assumed.value
            elif kind == "choices":
                state, _, target = rest.rpartition(".")
                choices.setdefault(state, {})[target] = assumed.value
        scenario = Counting(
            map_items=items,
            choices=choices,
            retry_rate=self.usage.figure(name, "retry_rate") or Decimal(0),
            redrive_rate=self.usage.figure(name, "redrive_rate") or Decimal(0),
        )
        return expected_transitions(definition, scenario, f"{self.topo.template.path}: {name}")

    def _executions(
        self,
        name: str,
        quantity: Decimal,
        *,
        express: bool,
        done: Walk,
        counted: TransitionEstimate,
        trail: tuple[Step, ...],
    ) -> None:
        usage = Usage()
        label = "default" if any(a.label == "default" for a in done.assumed) else "definition"
        if express:
            duration = self._express_duration(name, counted.express_duration_ms)
            label = "default" if self.usage.figure(name, "duration_ms") is None else label
            add_stepfunctions_express(
                usage,
                requests=_whole(quantity),
                duration_ms=duration,
                memory_mb=self.usage.figure(name, "memory_mb") or Decimal(64),
            )
            text = f"{name}: Express, {_short(duration)} ms per execution"
        else:
            add_stepfunctions_standard(usage, transitions=_whole(quantity * counted.expected))
            text = f"{name}: {_short(counted.expected)} transitions per execution"
        for child in counted.children:
            if child.execution_type == "EXPRESS":
                add_stepfunctions_express(
                    usage,
                    requests=_whole(quantity * child.executions),
                    duration_ms=max(child.duration_ms, Decimal(1)),
                )
            else:
                add_stepfunctions_standard(usage, transitions=_whole(quantity * child.transitions))
        step = Step(text, label)
        self._bill(name, usage, (*trail, step))
        visits = [*done.visits, *(v for child in done.children for v in child.walk.visits)]
        for visit in visits:
            if visit.state.get("Type") == "Task":
                self._task(name, visit.name, visit.state, quantity * visit.visits, (*trail, step))

    def _express_duration(self, name: str, counted_ms: Decimal) -> Decimal:
        given = self.usage.figure(name, "duration_ms")
        if given is not None:
            return given
        duration = max(counted_ms, Decimal(1))
        self._default(
            f"{name}.duration_ms",
            duration,
            "the transition counter's default duration per state entered (Express bills it)",
        )
        return duration

    def _task(
        self,
        machine: str,
        state: str,
        state_def: Mapping[str, Any],
        quantity: Decimal,
        trail: tuple[Step, ...],
    ) -> None:
        resource = str(state_def.get("Resource", ""))
        parameters = state_def.get("Parameters") or state_def.get("Arguments") or {}
        known = set(self.topo.types)
        step = Step(f"{machine}.{state}: {resource.removeprefix(_INTEGRATION)}", "definition")
        trail = (*trail, step)
        if not resource.startswith(_INTEGRATION):
            self._invoked(machine, state, resource, quantity, trail)
            return
        integration = resource.removeprefix(_INTEGRATION).removeprefix("aws-sdk:")
        service, _, action_text = integration.partition(":")
        action = action_text.split(".", 1)[0].lower()
        targets = mentioned(parameters, known)
        if service == "events" and action == "putevents":
            for entry in parameters.get("Entries") or [{}]:
                bus = next(iter(mentioned(entry.get("EventBusName"), known)), DEFAULT_BUS)
                self._bus(bus, quantity, trail, _detail(entry) or None)
            return
        if service == "states" and action.startswith("startexecution"):
            self._reach(targets[0] if targets else "", quantity, trail, "start")
            return
        if service == "apigateway" and action == "invoke":
            self._api_call(machine, state, parameters, quantity, trail)
            return
        if service in ("ses", "sesv2") and action.startswith("send"):
            usage = Usage()
            add_ses(usage, emails=_whole(quantity))
            self._bill(machine, usage, trail)
            return
        if service == "dynamodb":
            how = "write" if action in _TABLE_WRITES else "read" if action in _TABLE_READS else ""
            if how and targets:
                self._table(targets[0], quantity, trail, how)
            return
        if targets:
            self._reach(targets[0], quantity, trail, action)
        else:
            self.result.notes.append(
                f"{machine}.{state}: {integration}: no resource of the template; not billed"
            )

    def _invoked(
        self, machine: str, state: str, resource: str, quantity: Decimal, trail: tuple[Step, ...]
    ) -> None:
        """A task whose Resource is a function (or an activity) rather than an integration."""
        named = mentioned(resource, set(self.topo.types))
        if named:
            self._reach(named[0], quantity, trail, "invoke")
        else:
            self.result.notes.append(
                f"{machine}.{state}: {resource or 'an activity'} is outside the template: "
                "not billed"
            )

    def _api_call(
        self,
        machine: str,
        state: str,
        parameters: Mapping[str, Any],
        quantity: Decimal,
        trail: tuple[Step, ...],
    ) -> None:
        """An ``apigateway:invoke`` task: a request to the API its endpoint names, billed at
        the API's rate; which route it takes (and so what runs behind it) is not followed."""
        apis = [
            name
            for name in mentioned(parameters.get("ApiEndpoint"), set(self.topo.types))
            if self.topo.types[name] in ("AWS::ApiGatewayV2::Api", "AWS::ApiGateway::RestApi")
        ]
        if not apis:
            self.result.notes.append(
                f"{machine}.{state}: apigateway:invoke: an API outside the template; not billed"
            )
            return
        usage = Usage()
        rest = self.topo.types[apis[0]] == "AWS::ApiGateway::RestApi"
        (add_apigw_rest if rest else add_apigw_http)(usage, requests=_whole(quantity))
        self._bill(apis[0], usage, trail)
        self.result.notes.append(
            f"{machine}.{state}: calls {apis[0]}; the route it takes is not followed (what runs "
            "behind it is not estimated from this call)"
        )

    def _bus(
        self, bus: str, quantity: Decimal, trail: tuple[Step, ...], detail: Mapping[str, Any] | None
    ) -> None:
        usage = Usage()
        sized = self._sized(bus, "event_kb", add_eventbridge, usage, events=_whole(quantity))
        where = bus if bus != DEFAULT_BUS else "the default bus"
        self._bill(bus if bus in self.topo.types else "(default bus)", usage, (*trail, *sized))
        if detail is None:
            self.result.notes.append(
                f"{trail[-1].text}: events put on {where} with no literal "
                "detail-type: matched against no rule"
            )
            return
        for rule in self.topo.rules:
            if rule.bus != bus or rule.pattern is None:
                continue
            sample = _sample(rule.pattern, detail)
            path = f"{self.topo.template.path}: {rule.logical_id}.EventPattern"
            if matches(rule.pattern, sample, path):
                step = Step(f"{rule.logical_id}: matches {detail.get('detail-type')}", "definition")
                self._targets(
                    rule.logical_id, rule.targets, quantity, (*trail, step), "rule", detail=detail
                )

    def _external_events(
        self, rule: Any, quantity: Decimal, trail: tuple[Step, ...], aws: bool
    ) -> None:
        if not aws:
            usage = Usage()
            bus = rule.bus if rule.bus in self.topo.types else "(default bus)"
            sized = self._sized(bus, "event_kb", add_eventbridge, usage, events=_whole(quantity))
            self._bill(bus, usage, (*trail, *sized))
        self._targets(rule.logical_id, rule.targets, quantity, trail, "rule")

    def _targets(
        self,
        owner: str,
        targets: tuple[str, ...],
        quantity: Decimal,
        trail: tuple[Step, ...],
        how: str,
        *,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        for target in targets:
            if not target:
                self.result.notes.append(f"{owner}: a target outside the template: not billed")
                continue
            self._reach(
                target,
                quantity,
                (*trail, Step(f"{owner}: delivers to {target}", "definition")),
                how,
                detail,
            )

    def _schedule(self, name: str, target: str, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        usage = Usage()
        add_scheduler(usage, invocations=_whole(quantity))
        self._bill(name, usage, trail)
        self._targets(name, (target,), quantity, trail, "schedule")

    def _arrive(
        self,
        source: str,
        quantity: Decimal,
        trail: tuple[Step, ...],
        how: str,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        """Messages or records arriving at a queue, stream or table stream (each carrying the
        detail-type of what was sent or written, when that is known)."""
        kind = self.topo.kind(source)
        consumers = self.topo.consumers.get(source, ())
        usage = Usage()
        sized: tuple[Step, ...] = ()
        per_batch = self._records_per_batch(source)
        batches = quantity / per_batch
        if kind == "queue":
            requests = quantity + 2 * batches * bool(consumers)
            sized = self._sized(source, "message_kb", add_sqs, usage, requests=_whole(requests))
            text = f"{source}: {1 + 2 * bool(consumers)} requests per message (send" + (
                ", receive, delete: batches of one)" if consumers else ")"
            )
            if consumers and per_batch != 1:
                text = f"{source}: a send per message, a receive and a delete per batch"
        elif kind == "stream":
            usage.add("kinesis", "put-payload-units", quantity)
            text = f"{source}: one PUT payload unit per record"
        else:
            text = f"{source}: one stream record per write"
        self._bill(source, usage, (*trail, *sized))
        step = Step(text, "definition")
        batched: tuple[Step, ...] = ()
        if per_batch != 1:
            batched = (Step(f"{source}: {_short(per_batch)} records per batch (user)", "user"),)
        carried = self._untraced() if kind != "queue" else nullcontext()
        with carried:
            for consumer in consumers:
                self._reach(
                    consumer,
                    batches,
                    (*trail, step, *batched),
                    "consume",
                    detail,
                    records=quantity,
                )

    def _records_per_batch(self, source: str) -> Decimal:
        """Records a consumer of ``source`` receives per invocation: ``records_per_batch`` from
        the usage file (records written or sent together, such as two writes of one
        invocation, arrive in one batch), 1 when it gives none (batches of one)."""
        given = self.usage.figure(source, "records_per_batch")
        if given is None:
            return Decimal(1)
        if given < 1:
            raise UsageError(
                f"{self.usage.path}: {source}.records_per_batch: {given}: expected 1 or more "
                "records per invocation"
            )
        return given

    def _table(
        self,
        table: str,
        quantity: Decimal,
        trail: tuple[Step, ...],
        how: str,
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        usage = Usage()
        reads = how == "read"
        units, step = self._request_units(table, how)
        add_dynamodb(
            usage,
            write_units=Decimal(0) if reads else _whole(quantity * units),
            read_units=_whole(quantity * units) if reads else Decimal(0),
        )
        self._bill(table, usage, (*trail, step))
        if not reads and table in self.topo.consumers:
            self._arrive(table, quantity, trail, "write", detail)

    def _request_units(self, table: str, how: str) -> tuple[Decimal, Step]:
        """Request units one call takes: a write unit per KB of item, a strongly consistent
        read unit per 4 KB, an eventually consistent read half of one; items of 1 KB and
        strong reads unless the usage file gives ``item_kb`` and ``eventual_reads`` (0-1)."""
        item_kb = self.usage.figure(table, "item_kb")
        eventual = self.usage.figure(table, "eventual_reads") or Decimal(0)
        if eventual > 1:
            raise UsageError(
                f"{self.usage.path}: {table}.eventual_reads: {eventual}: expected a share "
                "from 0 to 1"
            )
        size = item_kb or Decimal(1)
        if how == "read":
            units = max((size / 4).to_integral_value(rounding=ROUND_CEILING), Decimal(1))
            units *= 1 - eventual / 2
        else:
            units = max(size.to_integral_value(rounding=ROUND_CEILING), Decimal(1))
        if item_kb is None and not eventual:
            return units, Step(
                f"{table}: one request unit per {how or 'call'} (items up to 1 KB)", "definition"
            )
        text = f"{table}: {_short(units)} request units per {how or 'call'} of {_short(size)} KB"
        return units, Step(f"{text} (user)", "user")

    def _topic(self, topic: str, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        usage = Usage()
        usage.add("sns", "publish-requests", quantity)
        targets = self.topo.subscriptions.get(topic, ())
        for protocol in self.topo.protocols.get(topic, ()):
            item = SNS_PROTOCOLS.get(protocol)
            if item:
                usage.add("sns", item, quantity)
            else:
                self.result.notes.append(
                    f"{topic}: deliveries over {protocol or 'a protocol not written literally'}"
                    " have no price in the catalogue: not billed"
                )
        self._bill(topic, usage, trail)
        self._outside_subscribers(topic, quantity, trail)
        self._targets(topic, targets, quantity, trail, "publish")

    def _outside_subscribers(self, topic: str, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        """``subscribers: {protocol: n}``: subscriptions made outside the template (an endpoint
        that subscribes itself at run time), each delivery billed by its protocol."""
        for protocol, count in self.usage.numbers(topic, "subscribers").items():
            item = SNS_PROTOCOLS.get(protocol.lower())
            if item is None:
                raise UsageError(
                    f"{self.usage.path}: {topic}.subscribers.{protocol}: not a protocol with a "
                    f"price (accepted: {', '.join(SNS_PROTOCOLS)})"
                )
            usage = Usage()
            usage.add("sns", item, quantity * count)
            step = Step(
                f"{topic}: {_short(count)} {protocol} subscribers outside it (user)", "user"
            )
            self._bill(topic, usage, (*trail, step))

    def _bucket(self, bucket: str, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        usage = Usage()
        usage.add("s3", "put-requests", quantity)
        self._bill(bucket, usage, trail)
        with self._untraced():
            self._targets(
                bucket, self.topo.notifications.get(bucket, ()), quantity, trail, "notify"
            )

    def _pipe(
        self,
        pipe: str,
        quantity: Decimal,
        trail: tuple[Step, ...],
        detail: Mapping[str, Any] | None = None,
    ) -> None:
        usage = Usage()
        usage.add("pipes", "requests", quantity)
        self._bill(pipe, usage, trail)
        target = self.topo.pipes[pipe][1]
        if self.topo.kind(target) == "bus":
            detail = _piped(self.topo.pipe_events.get(pipe, {}), detail)
        self._targets(pipe, (target,), quantity, trail, "pipe", detail=detail)


def _numbers(usage: UsageFile, resource: str, key: str, sub: str) -> dict[str, Decimal]:
    """``resource.key.sub`` of the usage file: a mapping of names to numbers."""
    raw = usage.mapping(resource, key).get(sub)
    if not isinstance(raw, Mapping):
        raise UsageError(f"{usage.path}: {resource}.{key}.{sub}: expected a mapping of numbers")
    return UsageFile(usage.path, {f"{resource}.{key}": {sub: raw}}).numbers(
        f"{resource}.{key}", sub
    )


def _piped(event: Mapping[str, str], carried: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """The event a pipe puts on a bus: the literal source and detail-type its target parameters
    give; where the detail-type is a JSON path into the record, the one the record carries."""
    found: dict[str, Any] = {k: v for k, v in event.items() if not v.startswith("$")}
    from_record = _detail_type(carried)
    if event.get("detail-type", "").startswith("$") and from_record is not None:
        found["detail-type"] = from_record
    return found or None


def _detail_type(detail: Mapping[str, Any] | None) -> str | None:
    """The detail-type an event or a record carries, when it is known."""
    value = (detail or {}).get("detail-type")
    return value if isinstance(value, str) else None


def _short(value: Decimal) -> str:
    """A per-execution figure for people: four decimals at most."""
    return f"{value.quantize(Decimal('0.0001')).normalize():f}"


def _whole(quantity: Decimal) -> Decimal:
    """A month's expected count as AWS bills it: whole requests (rounded up)."""
    return quantity.to_integral_value(rounding=ROUND_CEILING)


def _putters(topo: Topology) -> set[str]:
    """Buses that get events of any detail-type: those a function allowed ``PutEvents`` may
    name (the default bus with any such function), and those a pipe puts each record's own
    detail-type on."""
    putters = {
        c
        for f, callees in topo.calls.items()
        for c in callees
        if topo.functions[f].may("events:PutEvents")
    }
    if any(topo.functions[f].may("events:PutEvents") for f in topo.functions):
        putters.add(DEFAULT_BUS)
    for pipe, (_, target) in topo.pipes.items():
        if topo.pipe_events.get(pipe, {}).get("detail-type", "").startswith("$"):
            putters.add(target)
    return putters


def _literal_puts(topo: Topology) -> list[tuple[str, Mapping[str, Any]]]:
    """(bus, source/detail-type) of every put the definitions spell out (routes, tasks,
    pipes)."""
    found: list[tuple[str, Mapping[str, Any]]] = [
        (route.target or DEFAULT_BUS, route.detail)
        for route in topo.routes
        if route.action == "put" and route.detail
    ]
    for pipe, (_, target) in topo.pipes.items():
        event = _piped(topo.pipe_events.get(pipe, {}), None)
        if event and topo.kind(target) == "bus":
            found.append((target, event))
    known = set(topo.types)
    pending: list[Any] = [definition for definition, _ in topo.machines.values()]
    while pending:
        value = pending.pop()
        if isinstance(value, list):
            pending.extend(value)
        elif isinstance(value, Mapping):
            if "events:putEvents" in str(value.get("Resource", "")):
                parameters = value.get("Parameters") or value.get("Arguments") or {}
                for entry in parameters.get("Entries") or []:
                    bus = next(iter(mentioned(entry.get("EventBusName"), known)), DEFAULT_BUS)
                    found.append((bus, _detail(entry)))
            pending.extend(value.values())
    return found


def _detail(entry: Mapping[str, Any]) -> dict[str, Any]:
    """The literal Source and DetailType of a put's entry."""
    return {
        key: value
        for key, value in (
            ("source", entry.get("Source")),
            ("detail-type", entry.get("DetailType")),
        )
        if isinstance(value, str)
    }


def _aws_source(pattern: Mapping[str, Any]) -> bool:
    sources = pattern.get("source")
    return (
        isinstance(sources, list)
        and bool(sources)
        and all(isinstance(s, str) and s.startswith("aws.") for s in sources)
    )


def _sample(pattern: Mapping[str, Any], detail: Mapping[str, Any]) -> dict[str, Any]:
    """The event a literal put sends, its source taken from the rule when the put names none."""
    sample: dict[str, Any] = {"detail": {}, "account": "123456789012", "region": "us-east-1"}
    sources = pattern.get("source")
    if "source" in detail:
        sample["source"] = detail["source"]
    elif isinstance(sources, list) and sources and isinstance(sources[0], str):
        sample["source"] = sources[0]
    if "detail-type" in detail:
        sample["detail-type"] = detail["detail-type"]
    if isinstance(pattern.get("detail"), Mapping):
        sample["detail"] = _satisfying(pattern["detail"])
    return sample


def _satisfying(pattern: Mapping[str, Any]) -> dict[str, Any]:
    """A detail that meets the pattern's literal values (what a put's detail is unknown)."""
    found: dict[str, Any] = {}
    for key, wanted in pattern.items():
        if isinstance(wanted, Mapping):
            found[key] = _satisfying(wanted)
        elif isinstance(wanted, list) and wanted and not isinstance(wanted[0], Mapping):
            found[key] = wanted[0]
    return found
