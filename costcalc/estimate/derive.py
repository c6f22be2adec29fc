"""Per-order usage derived from what a definition deploys, for the order flow's four paths.

Choreography, from the template: each request of a path runs the function its route
integrates; each domain event is one conditional write to the table whose stream feeds the
outbox publisher (one stream invocation per write: at order-flow volumes a batch holds one
record), one event put on the bus, and one delivery per rule on that bus whose pattern matches
it, to each of its function targets; a rule's target that may write a table other than the
outbox (a projection, such as the order timeline) writes one item there per delivery. A
function allowed ``sns:Publish`` publishes one
notification per invocation, one allowed ``ses:SendEmail`` sends one email; on the timed-out
path the acceptance schedule fires once and invokes the function Scheduler may invoke. Trace
roots are the invocations nothing upstream traced (API requests, stream batches, schedules)
of functions with active tracing.

What a definition cannot say (durations, sizes, idempotency records, reads, path mix, retry
rate) stays the profile's or the user's.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costcalc.estimate.deployed import Deployed, Function, snake
from costcalc.estimate.flow import FLOW, SOURCE, OrderPath
from costcalc.estimate.patterns import matches
from costcalc.estimate.template import TemplateError
from costcalc.estimate.transitions import Counting, execution_paths

_EMAIL_ACTIONS = ("ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail")
_PARAMETER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Derivation:
    """Profile-schema figures read from a definition (``functions`` and ``paths``)."""

    design: str
    functions: Mapping[str, Mapping[str, Any]]
    paths: Mapping[str, Mapping[str, Any]]
    notes: tuple[str, ...]


def derive(found: Deployed, counting: Counting | None = None) -> Derivation:
    """The derivation for the style the template deploys (a refusal when it is neither)."""
    if found.state_machines:
        template = found.template
        counted = []
        for name in found.state_machines:
            definition = template.definitions.get(name, {})
            paths = execution_paths(definition, counting or Counting(), f"{template.path}: {name}")
            counted.append(
                f"{name}: " + ", ".join(f"{p.end} {p.transitions.normalize():f}" for p in paths)
            )
        raise TemplateError(
            f"{template.path}: billed transitions per execution path: {'; '.join(counted)}. "
            "Mapping executions to the order paths arrives with the orchestration stack "
            "(issue 7), not on this branch yet: give them with --usage (paths.PATH.transitions)"
        )
    return _Choreography(found).derivation()


class _Choreography:
    def __init__(self, found: Deployed) -> None:
        self.found = found
        path = found.template.path
        if not found.buses:
            raise TemplateError(
                f"{path}: no AWS::Events::EventBus; expected the orders bus of a choreography "
                "stack or a state machine of an orchestration stack"
            )
        if not found.routes:
            raise TemplateError(f"{path}: no HTTP API routes; expected the orders API")
        outboxes = [
            table
            for table, readers in found.streams.items()
            if any(found.functions[f].may("events:PutEvents") for f in readers)
        ]
        if len(outboxes) != 1:
            raise TemplateError(
                f"{path}: expected one table whose stream feeds a function allowed "
                f"events:PutEvents (the outbox); found {', '.join(outboxes) or 'none'}"
            )
        self.outbox = outboxes[0]

    def derivation(self) -> Derivation:
        paths = {name: self._path(name, flow) for name, flow in FLOW.items()}
        triggers = self._triggers()
        functions = {
            function.name: {
                "trigger": triggers[logical_id],
                "memory_mb": function.memory_mb,
                "arch": function.arch,
                "ephemeral_storage_mb": function.ephemeral_storage_mb,
            }
            for logical_id, function in self.found.functions.items()
            if logical_id in triggers
        }
        idle = sorted(set(self.found.functions) - set(triggers))
        notes = [
            f"outbox: each domain event is one write to {self.outbox}, whose stream invokes "
            f"{', '.join(self.found.streams[self.outbox])} once per write (batches of one)",
        ]
        if idle:
            notes.append(f"not invoked by the order flow: {', '.join(idle)}")
        return Derivation("choreography", functions, paths, tuple(notes))

    def _triggers(self) -> dict[str, str]:
        found = self.found
        triggers: dict[str, str] = {}
        for function in found.streams.get(self.outbox, ()):
            triggers[function] = "stream"
        for function in found.scheduled:
            triggers[function] = "schedule"
        for rule in found.rules:
            for function in rule.targets:
                triggers[function] = "rule"
        for function in found.routes.values():
            triggers[function] = "api"
        return triggers

    def _path(self, name: str, flow: OrderPath) -> dict[str, Any]:
        found = self.found
        invocations: Counter[str] = Counter()
        traces = 0
        for method, route in flow.requests:
            function = self._route(name, method, route)
            invocations[function] += 1
            traces += found.functions[function].traced
        rule_matches = 0
        placed_deliveries: Counter[str] = Counter()
        writes: Counter[str] = Counter({self.outbox: len(flow.events)})
        for event in flow.events:
            for function in found.streams[self.outbox]:
                invocations[function] += 1
                traces += found.functions[function].traced
            for function in self._deliveries(event):
                invocations[function] += 1
                rule_matches += 1
                writes.update(found.functions[function].writes - {self.outbox})
                if event == "order_placed":
                    placed_deliveries[function] += 1
        fired = 0
        if flow.acceptance_timeout_fires:
            for function in sorted(found.scheduled):
                invocations[function] += 1
                traces += found.functions[function].traced
                fired += 1
        functions = found.functions
        return {
            "api_requests": Decimal(len(flow.requests)),
            "events": Decimal(len(flow.events)),
            "rule_matches": Decimal(rule_matches),
            "invocations": {
                functions[f].name: Decimal(count) for f, count in sorted(invocations.items())
            },
            "writes": {_table_name(t): Decimal(n) for t, n in sorted(writes.items())},
            "notifications": self._count(invocations, functions, ("sns:Publish",)),
            "emails": self._count(invocations, functions, _EMAIL_ACTIONS),
            "schedules_created": self._count(
                placed_deliveries, functions, ("scheduler:CreateSchedule",)
            ),
            "schedules_fired": Decimal(fired),
            "traces": Decimal(traces),
        }

    @staticmethod
    def _count(
        invocations: Mapping[str, int], functions: Mapping[str, Function], actions: tuple[str, ...]
    ) -> Decimal:
        return Decimal(sum(n for f, n in invocations.items() if functions[f].may(*actions)))

    def _route(self, path_name: str, method: str, route: str) -> str:
        shape = _PARAMETER.sub("{}", route)
        for (declared_method, declared), function in self.found.routes.items():
            if declared_method in (method, "ANY") and _PARAMETER.sub("{}", declared) == shape:
                return function
        declared_routes = ", ".join(f"{m} {p}" for m, p in sorted(self.found.routes))
        raise TemplateError(
            f"{self.found.template.path}: the {path_name} path requests {method} {route}, and "
            f"no route serves it (routes: {declared_routes})"
        )

    def _deliveries(self, event: str) -> list[str]:
        sample = {"source": SOURCE, "detail-type": event, "detail": {"order_id": "o-1"}}
        targets: list[str] = []
        for rule in self.found.rules:
            if rule.bus not in self.found.buses:
                continue
            where = f"{self.found.template.path}: {rule.logical_id}.EventPattern"
            if matches(rule.pattern, sample, where):
                targets.extend(rule.targets)
        return targets


def _table_name(logical_id: str) -> str:
    return snake(logical_id.removesuffix("Table"))
