"""Per-order usage derived from what a definition deploys, for the order flow's five paths.

Choreography, from the template: each request of a path runs the function its route
integrates; each domain event is one conditional write to the table whose stream feeds the
outbox publisher (one stream invocation per write: at order-flow volumes a batch holds one
record), one event put on the bus, and one delivery per rule on that bus whose pattern matches
it, to each of its function targets; a rule's target that may write a table other than the
outbox (a projection, such as the order timeline) writes one item there per delivery. A
function allowed ``sns:Publish`` publishes one
notification per invocation, one allowed ``ses:SendEmail`` sends one email; a function allowed
``scheduler:CreateSchedule`` creates one schedule on the first event it receives, unless that
event ends the order (a clock is stopped, never started, by it); on the timed-out path the
acceptance schedule (made on ``order_placed``) fires once and invokes the function its creator
names, on the overdue path the deadline schedule (made on ``order_accepted``) does. A schedule
is deleted by the invocation its creator gets on the event that stops the clock (Scheduler
bills neither the creation nor the deletion, only the schedules that fire). Trace
roots are the invocations nothing upstream traced (API requests, stream batches, schedules)
of functions with active tracing.

Orchestration, from the state machine's definition: ``costcalc.estimate.orchestration``.

What a definition cannot say (durations, sizes, idempotency records, reads, path mix, retry
rate) stays the profile's or the user's.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from costcalc.estimate.deployed import Deployed
from costcalc.estimate.flow import FLOW, OrderPath
from costcalc.estimate.orchestration import Orchestration
from costcalc.estimate.reach import (
    EMAIL_ACTIONS,
    Derivation,
    allowed_count,
    archive_notes,
    archive_settings,
    archived,
    deliveries,
    invoked_functions,
    route_function,
    table_name,
)
from costcalc.estimate.template import TemplateError
from costcalc.estimate.transitions import Counting

__all__ = ["Derivation", "derive"]

#: The events that end an order (`orders.model.FINAL_STATUSES`' events).
_ENDING = frozenset({"order_completed", "order_rejected", "order_timed_out", "order_cancelled"})


def derive(found: Deployed, counting: Counting | None = None) -> Derivation:
    """The derivation for the style the template deploys (a refusal when it is neither)."""
    if found.state_machines:
        return Orchestration(found, counting or Counting()).derivation()
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
        functions, idle = invoked_functions(self.found, triggers)
        notes = [
            f"outbox: each domain event is one write to {self.outbox}, whose stream invokes "
            f"{', '.join(self.found.streams[self.outbox])} once per write (batches of one)",
        ]
        if idle:
            notes.append(f"not invoked by the order flow: {', '.join(idle)}")
        notes += archive_notes(self.found)
        settings = archive_settings(self.found)
        return Derivation("choreography", functions, paths, tuple(notes), settings)

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

    def _claims_before_sending(self, function: str) -> bool:
        """An emailing function that writes the order table claims the send on the order first
        (claim-then-send: at most one email), one write more than the event it records (or
        than the mark that the email was sent, when it records none)."""
        deployed = self.found.functions[function]
        return self.outbox in deployed.writes and deployed.may(*EMAIL_ACTIONS)

    def _scheduled_on(self, started: list[str]) -> frozenset[str]:
        """What the schedules made on one event invoke, given the functions that event is the
        first of: the scheduled functions their creators' environment names (placement's clock
        names the time-out function, acceptance's deadline the overdue function); every
        scheduled function when no creator names one."""
        found = self.found
        creators = [f for f in started if found.functions[f].may("scheduler:CreateSchedule")]
        named = frozenset().union(*(found.schedule_targets.get(f, frozenset()) for f in creators))
        return named or found.scheduled

    def _path(self, name: str, flow: OrderPath) -> dict[str, Any]:
        found = self.found
        invocations: Counter[str] = Counter()
        traces = 0
        for method, route in flow.requests:
            function = route_function(found, name, method, route)
            invocations[function] += 1
            traces += found.functions[function].traced
        rule_matches = claims = 0
        first_event: dict[str, str] = {}
        writes: Counter[str] = Counter({self.outbox: len(flow.events)})
        for event in flow.events:
            for function in found.streams[self.outbox]:
                invocations[function] += 1
                traces += found.functions[function].traced
            for function in deliveries(found, event):
                invocations[function] += 1
                rule_matches += 1
                writes.update(found.functions[function].writes - {self.outbox})
                if self._claims_before_sending(function):
                    writes[self.outbox] += 1
                    claims += 1
                first_event.setdefault(function, event)
        # An email no `user_notified` records (the late notice) marks its claim sent instead: one
        # write more, which the stream hands to the publisher (a batch that puts no event).
        for _ in range(claims - flow.events.count("user_notified")):
            writes[self.outbox] += 1
            for function in found.streams[self.outbox]:
                invocations[function] += 1
                traces += found.functions[function].traced
        fired = 0
        clocks = (
            (flow.acceptance_timeout_fires, "order_placed"),
            (flow.deadline_fires, "order_accepted"),
        )
        for fires, started_by in clocks:
            if not fires:
                continue
            started = [f for f, event in first_event.items() if event == started_by]
            for function in sorted(self._scheduled_on(started)):
                invocations[function] += 1
                traces += found.functions[function].traced
                fired += 1
        functions = found.functions
        return {
            "api_requests": Decimal(len(flow.requests)),
            "events": Decimal(len(flow.events)),
            "archived_events": archived(found, flow.events),
            "rule_matches": Decimal(rule_matches),
            "invocations": {
                functions[f].name: Decimal(count) for f, count in sorted(invocations.items())
            },
            "writes": {table_name(t): Decimal(n) for t, n in sorted(writes.items())},
            "notifications": allowed_count(invocations, functions, ("sns:Publish",)),
            "emails": allowed_count(invocations, functions, EMAIL_ACTIONS),
            "schedules_created": allowed_count(
                Counter(f for f, event in first_event.items() if event not in _ENDING),
                functions,
                ("scheduler:CreateSchedule",),
            ),
            "schedules_fired": Decimal(fired),
            "traces": Decimal(traces),
        }
