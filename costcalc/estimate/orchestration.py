"""Per-order usage of an orchestration stack, read from its state machine's definition.

The order paths are found in the definition: every execution path (each way from ``StartAt``
to an end, ``costcalc.estimate.transitions``) publishes domain events in its
``events:putEvents`` tasks, and runs the order path whose outcome it publishes — the events only
that path of the flow has, beside the paths it extends (``order_accepted`` and
``order_completed``; ``order_rejected``; ``order_timed_out``; ``order_cancelled``; the overdue
path, which publishes all of the accepted path's events, ``order_overdue``). The flow's other
events of that path must be put by a function one of its tasks invokes (a function allowed
``events:PutEvents``).

Per order path: the execution path's billed transitions and one execution; each request runs
the function its route integrates; each event put (a putEvents entry, or one a task's
function puts) is delivered to every matching rule's function targets; each Lambda task
invokes its function once; DynamoDB integrations write their table once, a task's or rule's
function writes each table it may write once per invocation; SNS and SES integrations publish
one notification and send one email, as do functions allowed to. Trace roots are the API
requests (the execution, its tasks and the deliveries join their trace).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costcalc.estimate.deployed import Deployed
from costcalc.estimate.express_limits import express_refusals
from costcalc.estimate.flow import FLOW, OrderPath
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
from costcalc.estimate.transitions import (
    DEFAULT_DURATION_MS,
    Counting,
    ExecutionPath,
    execution_paths,
)

_INTEGRATION_PREFIX = "arn:aws:states:::"
_TABLE_WRITES = {"putitem", "updateitem", "deleteitem", "batchwriteitem"}
_EMAILS = {("ses", "sendemail"), ("ses", "sendrawemail"), ("sesv2", "sendemail")}


@dataclass(frozen=True)
class _Task:
    """What one state does that is billed besides its transition."""

    events: tuple[str, ...] = ()  # detail-types it puts on a bus
    function: str | None = None  # the function (logical id) it invokes
    writes: str | None = None  # the table (logical id) it writes an item to
    notifies: bool = False
    emails: bool = False


def _extends(name: str, other: str) -> bool:
    """Whether order path ``name`` publishes every event of ``other`` (overdue extends accepted)."""
    return other != name and set(FLOW[other].events) <= set(FLOW[name].events)


def _distinctive() -> dict[str, set[str]]:
    """Each order path's outcome: the flow's events no other path has but those extending it."""
    return {
        name: set(flow.events)
        - {
            e
            for other, f in FLOW.items()
            if other != name and not _extends(other, name)
            for e in f.events
        }
        for name, flow in FLOW.items()
    }


class Orchestration:
    def __init__(self, found: Deployed, counting: Counting) -> None:
        self.found = found
        where = found.template.path
        if len(found.state_machines) != 1:
            raise TemplateError(
                f"{where}: {len(found.state_machines)} state machines "
                f"({', '.join(found.state_machines)}); expected the one orders state machine"
            )
        [self.machine] = found.state_machines
        self.definition: Mapping[str, Any] = found.template.definitions.get(self.machine, {})
        self.where = f"{where}: {self.machine}"
        self.paths = execution_paths(self.definition, counting, self.where)
        self.express = self._express(found.state_machines[self.machine].get("Properties") or {})
        if not found.routes:
            raise TemplateError(
                f"{where}: no HTTP API routes; expected the orders API that starts "
                f"{self.machine}'s executions"
            )
        states = self.definition.get("States", {})
        self.tasks = {name: self._task(name, state) for name, state in states.items()}

    def _express(self, properties: Mapping[str, Any]) -> bool:
        """Whether the machine is EXPRESS: billed by requests and duration, not transitions.
        One that Express cannot run is refused with every reason, never priced."""
        kind = str(properties.get("StateMachineType", properties.get("Type", "STANDARD")))
        if kind.upper() != "EXPRESS":
            return False
        longest = max((path.express_duration_ms for path in self.paths), default=Decimal(0))
        reasons = express_refusals(self.definition, longest, self.where)
        if reasons:
            raise TemplateError(
                f"{self.where}: Type EXPRESS, which cannot run this definition (AWS rejects "
                f"it), so it is not priced: {'; '.join(reasons)}"
            )
        return True

    def derivation(self) -> Derivation:
        matched = {name: self._execution_for(name) for name in FLOW}
        per_path = {name: self._path(name, FLOW[name], matched[name]) for name in FLOW}
        triggers = self._triggers(matched.values())
        functions, idle = invoked_functions(self.found, triggers)
        notes = [
            f"{self.machine}: order path <- execution path (states entered, billed): "
            + "; ".join(
                f"{name} <- {' > '.join(path.states)} ({path.transitions.normalize():f})"
                for name, path in matched.items()
            )
        ]
        unused = [p for p in self.paths if p not in matched.values()]
        if unused:
            notes.append(
                "execution paths no order path takes (not priced): "
                + "; ".join(" > ".join(p.states) for p in unused)
            )
        if idle:
            notes.append(f"not invoked by the order flow: {', '.join(idle)}")
        notes += archive_notes(self.found)
        settings = archive_settings(self.found)
        if not self.express:
            return Derivation("orchestration", functions, per_path, tuple(notes), settings)
        notes.append(
            f"{self.machine}: Type EXPRESS: billed per request and by duration; each path's "
            f"duration is its states' (ms per entry: Lambda {DEFAULT_DURATION_MS['lambda']}, "
            f"other tasks {DEFAULT_DURATION_MS['service']}, Wait its Seconds, flow states "
            f"{DEFAULT_DURATION_MS['flow']}; give --state-duration-ms STATE=MS)"
        )
        express = {"runnable": True, **settings}  # its definition is one Express runs
        return Derivation("orchestration-express", functions, per_path, tuple(notes), express)

    # ------------------------------------------------------------------ the definition
    def _task(self, name: str, state: Mapping[str, Any]) -> _Task:
        resource = str(state.get("Resource", "")) if state.get("Type") == "Task" else ""
        parameters = state.get("Parameters") or {}
        named = self.found.template.logical_id(resource)
        if named in self.found.functions:  # "Resource": "${FunctionArn}"
            return _Task(function=named)
        service, action = _service_action(resource)
        if (service, action) == ("events", "putevents"):
            return _Task(events=self._detail_types(name, parameters))
        if (service, action) == ("lambda", "invoke"):
            return _Task(function=self._function(name, parameters.get("FunctionName")))
        if service == "dynamodb" and action in _TABLE_WRITES:
            return _Task(writes=self._table(name, parameters.get("TableName")))
        return _Task(
            notifies=(service, action) == ("sns", "publish"), emails=(service, action) in _EMAILS
        )

    def _detail_types(self, name: str, parameters: Mapping[str, Any]) -> tuple[str, ...]:
        entries = parameters.get("Entries")
        if not isinstance(entries, list) or not entries:
            raise TemplateError(
                f"{self.where}: state {name!r} puts events, but its Entries are not a list the "
                "estimate can read (expected Parameters.Entries with a DetailType each)"
            )
        types = []
        for entry in entries:
            detail_type = entry.get("DetailType") if isinstance(entry, dict) else None
            if not isinstance(detail_type, str):
                raise TemplateError(
                    f"{self.where}: state {name!r}: an entry's DetailType is computed or "
                    "missing; the estimate needs it written in the definition to find the "
                    "rules that match it"
                )
            types.append(detail_type)
        return tuple(types)

    def _function(self, name: str, value: Any) -> str:
        text = str(value)
        named = self.found.template.logical_id(text)
        if named is not None and named in self.found.functions:
            return named
        raise TemplateError(
            f"{self.where}: state {name!r} invokes {text!r}, which is not a function of the "
            f"template (functions: {', '.join(self.found.functions) or 'none'})"
        )

    def _table(self, name: str, value: Any) -> str:
        named = self.found.template.logical_id(value)
        if named is None or named not in self.found.tables:
            raise TemplateError(
                f"{self.where}: state {name!r} writes table {value!r}, which is not a table of "
                f"the template (tables: {', '.join(self.found.tables) or 'none'})"
            )
        return named

    # ------------------------------------------------------------------ order paths
    def _published(self, path: ExecutionPath) -> list[str]:
        return [event for state in path.states for event in self.tasks[state].events]

    def _execution_for(self, name: str) -> ExecutionPath:
        """The execution path of order path `name`: it publishes that path's outcome, no outcome
        of another path but those it extends, and no event outside the order paths' (an overdue
        order that is then cancelled publishes two outcomes: it is listed as not priced)."""
        outcomes = _distinctive()
        known = {event for flow in FLOW.values() for event in flow.events}
        candidates = [
            path
            for path in self.paths
            if outcomes[name] <= set(self._published(path))
            and not any(
                outcomes[o] & set(self._published(path))
                for o in FLOW
                if o != name and not _extends(name, o)
            )
            and set(self._published(path)) <= known
        ]
        if len(candidates) == 1:
            return candidates[0]
        wanted = ", ".join(sorted(outcomes[name]))
        if not candidates:
            published = "; ".join(
                f"{p.end}: {', '.join(self._published(p)) or 'nothing'}" for p in self.paths
            )
            raise TemplateError(
                f"{self.where}: no execution path publishes the {name} path's outcome ({wanted}) "
                "and no other path's but those it extends; the paths (by last state) publish: "
                f"{published}"
            )
        raise TemplateError(
            f"{self.where}: {len(candidates)} execution paths publish the {name} path's "
            f"outcome ({wanted}), ending in {', '.join(p.end for p in candidates)}; pin one "
            "with --choice STATE=NEXT"
        )

    def _path(self, name: str, flow: OrderPath, path: ExecutionPath) -> dict[str, Any]:
        found = self.found
        invocations: Counter[str] = Counter()
        writes: Counter[str] = Counter()
        traces = 0
        for method, route in flow.requests:
            function = route_function(found, name, method, route)
            invocations[function] += 1
            traces += found.functions[function].traced
        notifications = emails = 0
        published: list[str] = []
        for state in path.states:
            task = self.tasks[state]
            published += task.events
            notifications += task.notifies
            emails += task.emails
            if task.writes:
                writes[task.writes] += 1
            if task.function:
                invocations[task.function] += 1
                writes.update(found.functions[task.function].writes)
        put_by_functions = [e for e in flow.events if e not in published]
        publishers = [
            self.tasks[s].function
            for s in path.states
            if self.tasks[s].function
            and found.functions[str(self.tasks[s].function)].may("events:PutEvents")
        ]
        if put_by_functions and not publishers:
            raise TemplateError(
                f"{self.where}: the {name} path publishes {', '.join(published)}; the flow's "
                f"{', '.join(put_by_functions)} is put by no state and no function its tasks "
                "invoke (none is allowed events:PutEvents)"
            )
        rule_matches = 0
        for event in (*published, *put_by_functions):
            for function in deliveries(found, event):
                invocations[function] += 1
                rule_matches += 1
                writes.update(found.functions[function].writes)
        calls = {f: n for f, n in invocations.items() if f not in self._routed()}
        functions = found.functions
        return {
            "api_requests": Decimal(len(flow.requests)),
            "events": Decimal(len(published) + len(put_by_functions)),
            "archived_events": archived(found, (*published, *put_by_functions)),
            "rule_matches": Decimal(rule_matches),
            "invocations": {
                functions[f].name: Decimal(count) for f, count in sorted(invocations.items())
            },
            "transitions": path.transitions,
            "executions": Decimal(1),
            **({"express_duration_ms": path.express_duration_ms} if self.express else {}),
            "writes": {table_name(t): Decimal(n) for t, n in sorted(writes.items())},
            "notifications": Decimal(notifications)
            + allowed_count(calls, functions, ("sns:Publish",)),
            "emails": Decimal(emails) + allowed_count(calls, functions, EMAIL_ACTIONS),
            "traces": Decimal(traces),
        }

    def _routed(self) -> set[str]:
        return set(self.found.routes.values())

    def _triggers(self, paths: Iterable[ExecutionPath]) -> dict[str, str]:
        triggers: dict[str, str] = {}
        for path in paths:
            for state in path.states:
                function = self.tasks[state].function
                if function:
                    triggers[function] = "task"
        for rule in self.found.rules:
            if rule.bus in self.found.buses:
                for function in rule.targets:
                    triggers[function] = "rule"
        for function in self.found.routes.values():
            triggers[function] = "api"
        return triggers


def _service_action(resource: str) -> tuple[str, str]:
    """``arn:aws:states:::aws-sdk:dynamodb:updateItem.waitForTaskToken`` -> dynamodb, updateitem;
    ("", "") for a resource that is no service integration."""
    if not resource.startswith(_INTEGRATION_PREFIX):
        return "", ""
    integration = resource.removeprefix(_INTEGRATION_PREFIX).removeprefix("aws-sdk:")
    service, _, action = integration.partition(":")
    return service, action.split(".", 1)[0].lower()
