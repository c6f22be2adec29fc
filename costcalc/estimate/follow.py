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

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from typing import Any

from costcalc.errors import UsageError
from costcalc.estimate.appsync import API, Resolver, check_usage, has_subscriptions
from costcalc.estimate.archives import INDEFINITE_MONTHS, Archive
from costcalc.estimate.express_limits import express_refusals
from costcalc.estimate.feeds import (
    ALARMS,
    alarm_targets,
    aws_source,
    detail_type,
    feeders,
    invokers,
    piped,
    put_detail,
    sample,
    upstream,
)
from costcalc.estimate.fixed_items import FIXED_WORKFLOW, fixed_items
from costcalc.estimate.log_groups import access_log_groups, group_retention_months, retention_months
from costcalc.estimate.reach import EMAIL_ACTIONS
from costcalc.estimate.refs import mentioned
from costcalc.estimate.schedule_rate import monthly_firings
from costcalc.estimate.template import TemplateError
from costcalc.estimate.topology import DEFAULT_BUS, Route, RuleWiring, Topology
from costcalc.estimate.tracing import DEFAULT_RULE, default_share, traced_resources
from costcalc.estimate.transitions import Counting, TransitionEstimate, expected_transitions
from costcalc.estimate.triggered import check_routes, event_keys, overlays, triggered
from costcalc.estimate.usage_file import UsageFile
from costcalc.estimate.visits import Given, Walk, walk
from costcalc.pricing.bill import Usage
from costcalc.pricing.services import (
    SNS_PROTOCOLS,
    add_apigw_http,
    add_apigw_rest,
    add_appsync,
    add_dynamodb,
    add_eventbridge,
    add_eventbridge_archive,
    add_lambda,
    add_logs,
    add_scheduler,
    add_ses,
    add_sqs,
    add_stepfunctions_express,
    add_stepfunctions_standard,
    add_xray,
)
from orderflow_definitions.nested_stacks import INLINED
from orderflow_definitions.patterns import matches

#: Steps of one trail at most: a guard (loops are caught by ``_looped``); an outbox chain takes
#: five or so steps per hop (write, record, relay, rule, delivery).
_MAX_DEPTH = 64
#: Calls followed in one estimate at most. Each path is followed on its own, so fan-out upon
#: fan-out multiplies them: 16 layers of two functions that each call both of the next layer
#: are 2^16 paths (about 30 s under load, before this bound); 25 layers would run for hours. The
#: kit's choreography stack, the largest graph we know, takes 1,350; past this the estimate
#: stops with the reason rather than hang a CI job (25 layers: refused 3.9 s after the start,
#: the transform included, on an idle 2-core machine; 14 layers, 2^15 calls, priced in 4.9 s).
MAX_CALLS = 50_000
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


#: An entry point: its resource, the kind of work it takes, the usage-file key of that work per
#: unit, and what follows it (called with the resource, the monthly quantity and the trail).
_Source = tuple[str, str, str, Any]
#: The kind of entry a function started from outside the template is, by how it is started.
_STARTED_OUTSIDE = {
    "url": "function URL requests",
    "mapping": "records from outside the template",
}


class _Follower:
    def __init__(self, topo: Topology, usage: UsageFile, volume: Decimal) -> None:
        self.topo = topo
        #: The usage file as given; ``usage`` is it as the function being followed reads it
        #: (its figures for the route or event that invoked it laid over its own).
        self.given = usage
        self.usage = usage
        check_usage(usage, topo.resolvers)
        for name in topo.functions:
            routed = [r.key for r in topo.routes if topo.resolved(r.target) == name]
            routed += (r.field for r in topo.resolvers for c in r.calls if c.target == name)
            check_routes(usage, name, routed)
        #: (function, detail-type) of each ``by_event`` figure set some event used.
        self.triggered_by: set[tuple[str, str]] = set()
        self.result = Followed(volume)
        self.workflow = ""
        self.walks: dict[str, Walk] = {}
        self.alarm_targets = alarm_targets(topo)
        self.feeders = feeders(topo)
        for by, target in self._given_feeds():
            self.feeders.setdefault(topo.resolved(target), set()).add(by)
        self.fed = set(self.feeders)
        #: Every resource billed or reached so far: what a loop's entry is checked against.
        self.visited: set[str] = {ALARMS}
        traced_functions = {name for name, f in topo.functions.items() if f.traced}
        self.traced = traced_resources(topo.template, traced_functions)
        self.in_trace = False  # a traced resource upstream passes its trace header on
        self.roots: dict[tuple[str, str], tuple[Decimal, tuple[Step, ...]]] = {}
        #: (resource, detail-type carried) of each resource being followed, outermost first.
        self.carrying: list[tuple[str, str | None]] = []
        #: Per relay, the records or events it received that carried no detail-type.
        self.unrelayed: dict[str, Decimal] = {}
        self.calls = 0  # calls followed so far, held to MAX_CALLS

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
        self._graphql()
        for rule in topo.rules:
            if rule.schedule:
                self._scheduled(
                    rule.logical_id,
                    "schedule rule",
                    rule.schedule,
                    lambda q, t, r=rule: self._targets(r.logical_id, r.targets, q, t, "rule"),
                )
            elif rule.pattern is not None and rule.logical_id not in self.fed:
                self._start(*self._rule_entry(rule))
        for name, (expression, target) in topo.schedules.items():
            self._scheduled(
                name,
                "Scheduler schedule",
                expression,
                lambda q, t, n=name, g=target: self._schedule(n, g, q, t),
            )
        self._external()
        self._started_outside()
        self._outside_records()
        self._loops()
        for name, quantity in self.unrelayed.items():
            self.result.notes.append(
                f"{name}: {_short(quantity)} of the records or events it receives a month carry "
                'no detail-type (writes or events given as a number, or as "-"): it relays no '
                "event for them"
            )
        self._unused_events()
        self._traces()
        self._fixed()
        for name, resource in sorted(topo.template.of_type("AWS::CloudFormation::Stack").items()):
            if INLINED in (resource.get("Metadata") or {}):
                continue  # its resources were read into this template
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
                "event source, bucket notification, subscribed topic or function started from "
                "outside the template"
            )
        return self.result

    def _graphql(self) -> None:
        """AppSync resolvers (costcalc.estimate.appsync): each root field an entry point, and
        each API's real-time updates and connection minutes as the usage file gives them."""
        for resolver in self.topo.resolvers:
            if not resolver.root:
                self.result.notes.append(
                    f"{resolver.logical_id}: resolves {resolver.field} within the requests "
                    "that select it or the subscriptions that use it: not estimated"
                )
                continue
            self._enter(
                f"{resolver.api} {resolver.field}",
                "GraphQL resolver",
                resolver.api,
                ("requests_per_unit", resolver.field),
                lambda q, t, r=resolver: self._resolver(r, q, t),
            )
        for api in sorted(self.topo.template.of_type(API)):
            self._realtime(api)

    def _resolver(self, resolver: Resolver, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        usage = Usage()
        add_appsync(usage, requests=_whole(quantity))
        self._bill(resolver.api, usage, trail)
        for call in resolver.calls:
            text = f"{resolver.api}: {resolver.field} calls {call.data_source} ({call.why})"
            step = Step(text, "definition")
            if not call.target:
                self.result.notes.append(f"{text}: reaches nothing the estimate bills")
            elif call.action == "unknown":
                self._operations(resolver, call.target, quantity, (*trail, step))
            else:
                how, field = call.action, resolver.field
                self._reach(call.target, quantity, (*trail, step), how, route=field)

    def _operations(
        self, resolver: Resolver, table: str, quantity: Decimal, trail: tuple[Step, ...]
    ) -> None:
        """A table call whose operation is not written literally: the reads and writes per
        request the usage file gives the field, unknown until it does."""
        api, field = resolver.api, resolver.field
        given = {
            how: self.usage.figure(api, f"{how}s_per_request", field) for how in ("read", "write")
        }
        for how, count in given.items():
            if count is None and all(n is None for n in given.values()):
                self._unknown(
                    api, f"{field}: {how}s of {table} per request", f"{how}s_per_request.{field}"
                )
            elif count:
                step = Step(f"{api}: {field}: {_short(count)} {how}s per request (user)", "user")
                self._reach(table, quantity * count, (*trail, step), how)

    def _realtime(self, api: str) -> None:
        """Real-time updates and connection minutes per unit of work, from the usage file;
        unknown, where the schema may have subscriptions, until it gives them."""
        self.workflow = f"{api} real-time"
        keys = ("realtime_updates_per_unit", "connection_minutes_per_unit")
        updates, minutes = (self.usage.figure(api, key) for key in keys)
        whats = ("real-time updates (subscription messages delivered)",
                 "connection minutes (clients connected for subscriptions)")  # fmt: skip
        if has_subscriptions(self.topo.template, api) is not False:
            for what, key, given in zip(whats, keys, (updates, minutes), strict=True):
                if given is None:
                    self._unknown(api, f"{what} per unit of work", key)
        if not updates and not minutes:
            return
        usage = Usage()
        volume = self.result.volume
        add_appsync(
            usage,
            realtime_updates=_whole(volume * (updates or 0)),
            connection_minutes=volume * (minutes or 0),
        )
        text = (
            f"{api}: {_short(updates or Decimal(0))} real-time updates and "
            f"{_short(minutes or Decimal(0))} connection minutes per unit (user)"
        )
        self._bill(api, usage, (Step(text, "user"),))

    def _unused_events(self) -> None:
        """A ``by_event`` detail-type nothing followed delivers: a typo, or work from outside."""
        for name in self.topo.functions:
            for event in sorted(event_keys(self.given, name)):
                if (name, event) not in self.triggered_by:
                    self.result.notes.append(
                        f"{name}.by_event.{event}: no {event} event or record the estimate "
                        "follows reaches it: those figures are not used"
                    )

    def _given_feeds(self) -> list[tuple[str, str]]:
        """(function, what it sends work to) that only the usage file says: its calls, the
        schedules it creates, the buses it relays to and their rules."""
        found: list[tuple[str, str]] = []
        for name in self.topo.functions:
            relayed: set[str] = set()
            for figures in overlays(self.usage, name):
                for key in ("calls", "schedules", "relays"):
                    given = figures.get(key)
                    targets = list(map(str, given)) if isinstance(given, Mapping) else []
                    found += ((name, target) for target in targets)
                    if key == "relays":
                        relayed.update(targets)
            found += ((name, r.logical_id) for r in self.topo.rules if r.bus in relayed)
        return found

    def _rule_entry(self, rule: RuleWiring) -> _Source:
        aws = aws_source(rule.pattern or {})
        outside = rule.bus != DEFAULT_BUS and rule.bus not in self.topo.types
        on = f"{rule.bus} (a bus outside the template)" if outside else f"{rule.bus} bus"
        kind = "AWS service events" if aws else f"events on {on}"
        return (
            rule.logical_id,
            kind,
            "events_per_unit",
            lambda _, q, t, r=rule, a=aws: self._external_events(r, q, t, a),
        )

    def _sources(self) -> list[_Source]:
        """State machines, event sources, buckets and topics: entry points where nothing in
        the template feeds them."""
        topo = self.topo
        return [
            *((n, "state machine", "executions_per_unit", self._machine) for n in topo.machines),
            *(
                (
                    s,
                    f"{topo.kind(s) or topo.types.get(s, 'event source')} records",
                    "records_per_unit",
                    lambda s_, q, t: self._arrive(s_, q, t, "external"),
                )
                for s in topo.consumers
            ),
            *((b, "S3 objects", "objects_per_unit", self._bucket) for b in topo.notifications),
            *((n, "SNS publishes", "publishes_per_unit", self._topic) for n in topo.subscriptions),
        ]

    def _start(self, name: str, kind: str, key: str, handler: Any) -> None:
        self._enter(name, kind, name, (key, None), lambda q, t: handler(name, q, t))

    def _external(self) -> None:
        for name in sorted(self.alarm_targets & set(self.topo.subscriptions)):
            self.result.notes.append(
                f"{name}: published by alarms when their state changes, not per unit of work; "
                "its deliveries are not priced"
            )
        for source in self._sources():
            if source[0] not in self.fed or source[1] == "S3 objects":
                self._start(*source)

    def _started_outside(self) -> None:
        """Functions nothing the estimate follows invokes: started from outside the template
        (hit once per unit of work unless the usage file says otherwise), by resources the
        estimate does not follow (unknown until the usage file says how often), or by a
        custom resource when the stack deploys (not per unit of work)."""
        for name, invoker in invokers(self.topo, self.feeders).items():
            by = ", ".join(f"{n} ({self.topo.types[n]})" for n in invoker.by)
            given = self.usage.figure(name, "invocations_per_unit")
            if invoker.how == "deploy":
                self.result.notes.append(
                    f"{name}: invoked by {by} when the stack is created, updated or deleted, "
                    "not per unit of work: not billed"
                )
            elif invoker.how == "other" and given is None:
                self.workflow = name
                self._unknown(
                    name,
                    f"invocations per unit of work: named by {by}, which invokes it in a way "
                    "the estimate does not follow",
                    "invocations_per_unit",
                )
            else:
                kind = _STARTED_OUTSIDE.get(invoker.how, "function started outside the template")
                self._start(name, kind, "invocations_per_unit", self._started)

    def _outside_records(self) -> None:
        """Event source mappings reading a queue or stream of another stack: each an entry of
        its own (``records_per_unit`` on the mapping), also for a function something in the
        template invokes too (one nothing else invokes is started outside, above)."""
        for mapping, function, source in self.topo.outside_mappings:
            if function not in self.feeders:
                continue
            self._start(
                mapping,
                f"records from {source}",
                "records_per_unit",
                lambda _, q, t, f=function, m=mapping: self._consume_outside(m, f, q, t),
            )

    def _consume_outside(
        self, mapping: str, function: str, records: Decimal, trail: tuple[Step, ...]
    ) -> None:
        """The consumer's invocations for ``records`` read from outside: batches of the
        mapping's ``records_per_batch`` (1 when not given); the source bills its owner."""
        given = self.usage.figure(mapping, "records_per_batch")
        per_batch = Decimal(1) if given is None else given
        if per_batch <= 0:
            raise UsageError(
                f"{self.usage.path}: {mapping}.records_per_batch: {given}: expected a number "
                "of records above 0"
            )
        label = "default" if given is None else "user"
        step = Step(f"{mapping}: {_short(per_batch)} records per batch ({label})", label)
        with self._untraced():
            self._reach(function, records / per_batch, (*trail, step), "invoke", records=records)

    def _started(self, name: str, quantity: Decimal, trail: tuple[Step, ...]) -> None:
        self.carrying.append((name, None))
        try:
            self._function(name, quantity, trail, None)
        finally:
            self.carrying.pop()

    def _loops(self) -> None:
        """Entry points whose feeders nothing the estimate follows reaches: a loop (a stream
        whose only writer is its own consumer; a rule whose only putter is the function it
        triggers) or a chain from a custom resource's function. Something outside the template
        starts that work, so the most upstream of them is entered as if nothing fed it, with
        a note saying why, and what it reaches is followed from there (never entered again)."""
        candidates = [
            *(self._rule_entry(r) for r in self.topo.rules if r.pattern and not r.schedule),
            *self._sources(),
        ]
        # what feeds each candidate does not change as work is entered: worked out once
        fed = {
            source[0]: (source, upstream(self.feeders, source[0]))
            for source in candidates
            if source[0] in self.feeders
        }
        while True:
            unfed = {
                name: (source, up)
                for name, (source, up) in fed.items()
                if name not in self.visited and not up & self.visited
            }
            if not unfed:
                return
            upstream_first = (n for n, (_, up) in unfed.items() if not up & (set(unfed) - {n}))
            first = next(upstream_first, next(iter(unfed)))  # in a loop, each is upstream
            source, _ = unfed[first]
            by = ", ".join(sorted(self.feeders[first]))
            self.result.notes.append(
                f"{first}: fed only by {by}, which nothing the estimate follows reaches: entered "
                "as if nothing in the template fed it"
            )
            self._start(*source)

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
        self.visited.add(resource)
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

    # ------------------------------------------------------------------ billing
    def _bill(self, resource: str, usage: Usage, trail: tuple[Step, ...]) -> None:
        self.visited.add(resource)
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
        route: str | None = None,
    ) -> None:
        """``quantity`` calls (invoke, start, put, send, publish, write) reaching ``target``
        (a consumer's invocations: batches holding ``records`` records in all; a route's
        integration: the ``route`` key)."""
        if not target or quantity == 0:
            return
        target = self.topo.resolved(target)
        self.visited.add(target)
        carried = (target, detail_type(detail))
        if len(trail) > _MAX_DEPTH or self._looped(target, carried, trail):
            self.result.notes.append(
                f"{target}: reached again through {trail[-1].text}: a loop, followed once"
            )
            return
        self.calls += 1
        if self.calls > MAX_CALLS:
            raise TemplateError(
                f"{self.topo.template.path}: {target}: more than {MAX_CALLS:,} calls to follow "
                f"(the last through {trail[-1].text}): each path is followed on its own, and this "
                "graph's paths multiply at every layer of fan-out; estimate a smaller part of it"
            )
        kind = self.topo.kind(target)
        handlers: dict[str, Callable[[str, Decimal, tuple[Step, ...]], None]] = {
            "function": lambda t, q, tr: self._function(
                t, q, tr, detail, records=records, route=route
            ),
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
        if route.websocket:  # messages, not requests
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
        self._reach(
            route.target,
            quantity,
            (*trail, step),
            route.action,
            route.detail or None,
            route=route.key,
        )

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
        route: str | None = None,
    ) -> None:
        """A function's invocations, with the figures the usage file gives it for the route or
        the event that invoked it (costcalc.estimate.triggered)."""
        usage, trigger = triggered(self.given, name, route, detail_type(detail))
        trail = (*trail, Step(f"{name}: {_short(quantity)} invocations", "definition"))
        if trigger is not None:
            if trigger != route:
                self.triggered_by.add((name, trigger))
            trail = (*trail, Step(f"{name}: its figures for {trigger} (user)", "user"))
        outer, self.usage = self.usage, usage
        try:
            self._invocations(name, quantity, trail, detail, records)
        finally:
            self.usage = outer

    def _invocations(
        self,
        name: str,
        quantity: Decimal,
        trail: tuple[Step, ...],
        detail: Mapping[str, Any] | None,
        records: Decimal | None,
    ) -> None:
        function = self.topo.functions[name]
        duration = self.usage.figure(name, "duration_ms")
        usage = Usage()
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
            if given is None and callee in self._sent_otherwise(name):
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

    def _sent_otherwise(self, name: str) -> set[str]:
        """What the usage file says ``name`` reaches by the schedules it creates or the events it
        relays, for any route or event (a function that schedules on one kind of event calls
        the schedule's target on none: no call of it is unknown)."""
        return {
            str(target)
            for figures in overlays(self.given, name)
            for key in ("schedules", "relays")
            if isinstance(figures.get(key), Mapping)
            for target in figures[key]
        }

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
        carried = detail_type(detail)
        if carried is None:
            self.unrelayed[name] = self.unrelayed.get(name, Decimal(0)) + quantity
            return
        for bus, count in relays.items():
            step = Step(f"{name}: relays {carried} to {bus} (user)", "user")
            self._reach(bus, quantity * count, (*trail, step), "put", {"detail-type": carried})

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
        trail = (*trail, Step(f"{name}: {_short(quantity)} executions", "definition"))
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
                bus = self.topo.bus_named(entry.get("EventBusName"), f"{machine}.{state}")
                self._bus(bus, quantity, trail, put_detail(entry) or None)
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
        self._bill(bus if bus in self.topo.types else f"({bus} bus)", usage, (*trail, *sized))
        self._archive(bus, quantity, trail, detail)
        if detail is None:
            self.result.notes.append(
                f"{trail[-1].text}: events put on {where} with no literal "
                "detail-type: matched against no rule"
            )
            return
        for rule in self.topo.rules:
            if rule.bus != bus or rule.pattern is None:
                continue
            event = sample(rule.pattern, detail)
            path = f"{self.topo.template.path}: {rule.logical_id}.EventPattern"
            if matches(rule.pattern, event, path):
                step = Step(f"{rule.logical_id}: matches {detail.get('detail-type')}", "definition")
                self._targets(
                    rule.logical_id, rule.targets, quantity, (*trail, step), "rule", detail=detail
                )

    def _archive(
        self, bus: str, quantity: Decimal, trail: tuple[Step, ...], detail: Mapping[str, Any] | None
    ) -> None:
        """Events put on ``bus`` that its archives take: the GB processed into each (events at
        their own size, the bus's ``event_kb``) and its steady-state storage
        (costcalc.estimate.archives)."""
        size = self.usage.figure(bus, "event_kb")
        kilobytes = quantity * (Decimal(1) if size is None else size)
        for archive in self.topo.archives:
            if archive.bus != bus:
                continue
            if archive.pattern is not None and detail is None:
                self.result.notes.append(
                    f"{trail[-1].text}: events with no literal detail-type: not matched "
                    f"against {archive.logical_id}'s pattern, not archived"
                )
                continue
            where = f"{self.topo.template.path}: {archive.logical_id}.EventPattern"
            if archive.pattern is not None and not archive.takes(
                sample(archive.pattern, detail or {}), where
            ):
                continue
            months, why = self._months_stored(archive)
            archived = kilobytes / _KB_PER_GB
            usage = Usage()
            add_eventbridge_archive(
                usage, archived_gb=archived, archive_storage_gb_months=archived * months
            )
            takes = (
                "every event" if archive.pattern is None else detail and detail.get("detail-type")
            )
            steps = (
                Step(f"{archive.logical_id}: archives {takes}", "definition"),
                Step(f"{archive.logical_id}: {_short(months)} months stored ({why[0]})", why[1]),
            )
            self._bill(archive.logical_id, usage, (*trail, *steps))

    def _months_stored(self, archive: Archive) -> tuple[Decimal, tuple[str, str]]:
        """GB-months an archive stores per GB archived a month, and where that comes from."""
        given = self.usage.figure(archive.logical_id, "months_stored")
        if given is not None:
            return given, ("user", "user")
        if archive.retention_days:
            days = f"RetentionDays {archive.retention_days}"
            return archive.months_stored(), (days, "definition")
        self._default(
            f"{archive.logical_id}.months_stored",
            INDEFINITE_MONTHS,
            "RetentionDays 0 keeps events indefinitely: priced as holding a year of them",
        )
        return INDEFINITE_MONTHS, ("kept indefinitely: a year's events, default", "default")

    def _external_events(
        self, rule: Any, quantity: Decimal, trail: tuple[Step, ...], aws: bool
    ) -> None:
        if not aws:
            usage = Usage()
            bus = rule.bus if rule.bus in self.topo.types else f"({rule.bus} bus)"
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
        enrichment = self.topo.enrichments.get(pipe)
        if enrichment:  # called once per batch, before the target, with what it enriches
            step = Step(f"{pipe}: enriched by {enrichment}", "definition")
            self._reach(enrichment, quantity, (*trail, step), "invoke", detail)
        target = self.topo.pipes[pipe][1]
        if self.topo.kind(target) == "bus":
            detail = piped(self.topo.pipe_events.get(pipe, {}), detail)
        self._targets(pipe, (target,), quantity, trail, "pipe", detail=detail)


def _numbers(usage: UsageFile, resource: str, key: str, sub: str) -> dict[str, Decimal]:
    """``resource.key.sub`` of the usage file: a mapping of names to numbers."""
    raw = usage.mapping(resource, key).get(sub)
    if not isinstance(raw, Mapping):
        raise UsageError(f"{usage.path}: {resource}.{key}.{sub}: expected a mapping of numbers")
    return UsageFile(usage.path, {f"{resource}.{key}": {sub: raw}}).numbers(
        f"{resource}.{key}", sub
    )


def _short(value: Decimal) -> str:
    """A per-execution figure for people: four decimals at most."""
    return f"{value.quantize(Decimal('0.0001')).normalize():f}"


def _whole(quantity: Decimal) -> Decimal:
    """A month's expected count as AWS bills it: whole requests (rounded up)."""
    return quantity.to_integral_value(rounding=ROUND_CEILING)
