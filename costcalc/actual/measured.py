"""What the deployment really did in the window, per unit of work, named as the estimate names it.

Path figures are per unit of work (``invocations.api``, ``transitions``, ``write_units.orders``
...), function figures per invocation (``functions.api.duration_ms``, ``functions.api.log_kb``).
A figure no metric or billed usage measured is absent, never zero by default.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from costcalc.actual.billing import Billed
from costcalc.actual.insights import Inits
from costcalc.actual.metrics import OVERDUE, PLACE, ROUTES, Query
from costcalc.errors import UsageError
from costcalc.workload.profiles import PATHS

UNITS_HELP = (
    "executions (Step Functions executions started), requests (POST /orders requests) or "
    "invocations:FUNCTION (a function's invocations, by its estimate name)"
)
_ANSWERS = {"accepted": ROUTES[1], "rejected": ROUTES[2], "cancelled": ROUTES[3]}
_PER_UNIT = {
    ("state_machine", "ExecutionsStarted"): "executions",
    ("http_api", "Count"): "api_requests",
    ("rule", "Invocations"): "rule_matches",
    ("topic", "NumberOfMessagesPublished"): "notifications",
    ("topic", "NumberOfNotificationsDelivered"): "deliveries",
    ("schedule_group", "InvocationAttemptCount"): "schedules_fired",
    ("account_email", "Send"): "emails",
}
_BILLED_PER_UNIT = {"StateTransition": "transitions", "Event-64K-Chunks": "events"}


@dataclass(frozen=True)
class Measured:
    unit: str  # what one unit of work is
    units: Decimal  # how many the window holds
    per_unit: Mapping[str, Decimal]
    per_invocation: Mapping[str, Decimal]
    rates: Mapping[str, Decimal]  # path -> share, when the answer routes were measured (_rates)
    outcomes: Mapping[str, Mapping[str, Decimal]]  # state machine -> metric -> total
    billed: Sequence[Billed]
    notes: Sequence[str] = field(default_factory=tuple)
    billed_resources: Mapping[str, Decimal] = field(default_factory=dict)  # USD per resource tag


def measure(
    totals: Mapping[Query, Decimal],
    billed: Sequence[Billed],
    unit: str | None,
    inits: Inits | None = None,
) -> Measured:
    """The per-unit figures of the metric totals, the billed usage and the REPORT lines' INIT
    (``unit``: see UNITS_HELP; ``inits`` None: not read, ``--no-init``)."""
    sums: dict[str, Decimal] = defaultdict(Decimal)
    functions: dict[str, dict[str, Decimal]] = defaultdict(dict)
    routes: dict[str, Decimal] = defaultdict(Decimal)
    outcomes: dict[str, dict[str, Decimal]] = defaultdict(dict)
    for query, total in totals.items():
        kind, name, metric = query.resource.kind, query.resource.name, query.metric
        if (kind, metric) in _PER_UNIT:
            sums[_PER_UNIT[kind, metric]] += total
        if kind == "function":
            functions[name][metric] = total
        elif kind == "log_group":
            functions[name]["IncomingBytes"] = total
        elif kind == "route":
            routes[query.resource.physical.partition("|")[2]] += total
        elif kind == "table":
            short = "write_units" if "Write" in metric else "read_units"
            sums[f"{short}.{name}"] += total
        if kind == "state_machine":
            outcomes[name][metric] = total
    for key, quantity in _billed_usage(billed).items():
        sums[key] += quantity
    for name, values in functions.items():
        sums[f"invocations.{name}"] += values.get("Invocations", Decimal(0))
    per_invocation = _per_invocation(functions) | (_cold_starts(inits) if inits else {})
    label, units = _units(unit, sums, routes, functions)
    if units <= 0:
        raise UsageError(
            f"no {label} in the window: nothing to divide by; pick another --unit ({UNITS_HELP}) "
            "or a window when the stack ran"
        )
    per_unit = {key: total / units for key, total in sorted(sums.items())}
    notes = list(inits.notes) if inits else []
    if inits is None:
        notes.append("INIT not read (--no-init): cold starts are the forecast's alone")
    if "emails" in per_unit:
        notes.append("SES sends are the account's in the region (SES has no per-stack metric)")
    overdue = sum((total for query, total in totals.items() if query.metric == OVERDUE), Decimal(0))
    return Measured(label, units, per_unit, per_invocation, _rates(routes, overdue), outcomes,
                    billed, tuple(notes))  # fmt: skip


def _billed_usage(billed: Sequence[Billed]) -> dict[str, Decimal]:
    """The usage only the bill measures (state transitions, events put), by figure."""
    found: dict[str, Decimal] = defaultdict(Decimal)
    for item in billed:
        for suffix, key in _BILLED_PER_UNIT.items():
            if item.usage_type.endswith(suffix):
                found[key] += item.quantity
    return found


def _per_invocation(functions: Mapping[str, Mapping[str, Decimal]]) -> dict[str, Decimal]:
    """Mean duration (ms) and log output (KB) per invocation, of the functions invoked."""
    found: dict[str, Decimal] = {}
    for name, values in functions.items():
        invocations = values.get("Invocations", Decimal(0))
        if not invocations:
            continue
        if "Duration" in values:
            found[f"functions.{name}.duration_ms"] = values["Duration"] / invocations
        if "IncomingBytes" in values:
            found[f"functions.{name}.log_kb"] = values["IncomingBytes"] / 1024 / invocations
    return found


def _cold_starts(inits: Inits) -> dict[str, Decimal]:
    """Per function: the share of REPORT lines with an INIT, and the mean INIT (ms)."""
    found: dict[str, Decimal] = {}
    for name, reports in inits.reports.items():
        if not reports:
            continue
        cold = inits.cold_starts.get(name, Decimal(0))
        found[f"functions.{name}.cold_start_rate"] = cold / reports
        if cold:
            found[f"functions.{name}.init_ms"] = inits.init_ms[name] / cold
    return found


def _units(
    unit: str | None,
    sums: Mapping[str, Decimal],
    routes: Mapping[str, Decimal],
    functions: Mapping[str, Mapping[str, Decimal]],
) -> tuple[str, Decimal]:
    if unit is None:
        unit = "executions" if "executions" in sums else "requests"
    if unit == "executions":
        return "executions started", sums.get("executions", Decimal(0))
    if unit == "requests":
        return f"{PLACE} requests", routes.get(PLACE, Decimal(0))
    kind, _, name = unit.partition(":")
    if kind == "invocations" and name:
        if name not in functions:
            known = ", ".join(sorted(functions)) or "none"
            raise UsageError(f"--unit {unit}: no function {name!r} measured; measured: {known}")
        return f"invocations of {name}", functions[name].get("Invocations", Decimal(0))
    raise UsageError(f"--unit {unit!r}: expected {UNITS_HELP}")


def _rates(routes: Mapping[str, Decimal], overdue: Decimal) -> dict[str, Decimal]:
    """Each path's share of the orders placed: the answer routes' counts, the overdue orders
    (``OrdersOverdue``; 0 when none was counted) taken out of the accepted ones, the time-outs
    the rest. An overdue order that is then cancelled counts on two paths (the rest is 0 then
    sooner), as an accepted order that is cancelled does."""
    placed = routes.get(PLACE, Decimal(0))
    if not placed:
        return {}
    rates = {path: routes.get(route, Decimal(0)) / placed for path, route in _ANSWERS.items()}
    rates["overdue"] = overdue / placed
    rates["accepted"] = max(Decimal(0), rates["accepted"] - rates["overdue"])
    rates["timed_out"] = max(Decimal(0), 1 - sum(rates.values(), Decimal(0)))
    return {path: rates[path] for path in PATHS}
