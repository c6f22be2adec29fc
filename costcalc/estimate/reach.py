"""What a request or an event reaches in a deployed stack: the route's function, the rules'.

Shared by both styles' derivations (``costcalc.estimate.derive``): an HTTP request runs the
function its route integrates; a domain event is delivered once to each function target of
every rule on the stack's buses whose pattern matches it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from costcalc.estimate.deployed import Deployed, Function, snake
from costcalc.estimate.flow import SOURCE
from costcalc.estimate.template import TemplateError
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.patterns import matches

EMAIL_ACTIONS = ("ses:SendEmail", "ses:SendRawEmail", "ses:SendTemplatedEmail")
_PARAMETER = re.compile(r"\{[^}]*\}")


@dataclass(frozen=True)
class Derivation:
    """Profile-schema figures read from a definition (``functions`` and ``paths``, and the
    top-level ``settings`` it decides, such as an Express machine's runnability)."""

    design: str
    functions: Mapping[str, Mapping[str, Any]]
    paths: Mapping[str, Mapping[str, Any]]
    notes: tuple[str, ...]
    settings: Mapping[str, Any] = field(default_factory=dict)


def invoked_functions(
    found: Deployed, triggers: Mapping[str, str]
) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The profile's `functions` entry of each function the flow invokes, and the idle ones."""
    functions = {
        function.name: {
            "trigger": triggers[logical_id],
            "memory_mb": function.memory_mb,
            "arch": function.arch,
            "ephemeral_storage_mb": function.ephemeral_storage_mb,
        }
        for logical_id, function in found.functions.items()
        if logical_id in triggers
    }
    return functions, sorted(set(found.functions) - set(triggers))


def route_function(found: Deployed, path_name: str, method: str, route: str) -> str:
    """The function (logical id) the route serving ``method route`` integrates."""
    shape = _PARAMETER.sub("{}", route)
    for (declared_method, declared), function in found.routes.items():
        if declared_method in (method, "ANY") and _PARAMETER.sub("{}", declared) == shape:
            return function
    declared_routes = ", ".join(f"{m} {p}" for m, p in sorted(found.routes))
    raise TemplateError(
        f"{found.template.path}: the {path_name} path requests {method} {route}, and "
        f"no route serves it (routes: {declared_routes})"
    )


def deliveries(found: Deployed, event: str) -> list[str]:
    """The functions (logical ids) the stack's rules deliver the domain event ``event`` to."""
    sample = {"source": SOURCE, "detail-type": event, "detail": {"order_id": "o-1"}}
    targets: list[str] = []
    for rule in found.rules:
        if rule.bus not in found.buses:
            continue
        where = f"{found.template.path}: {rule.logical_id}.EventPattern"
        try:
            matched = matches(rule.pattern, sample, where)
        except DefinitionError as error:
            raise TemplateError(str(error)) from None
        if matched:
            targets.extend(rule.targets)
    return targets


def archived(found: Deployed, events: Iterable[str]) -> Decimal:
    """How many of the domain events ``events`` the stack's archives take (an event two
    archives take counts twice: each bills it)."""
    count = 0
    for event in events:
        sample = {"source": SOURCE, "detail-type": event, "detail": {"order_id": "o-1"}}
        for archive in found.archives:
            where = f"{found.template.path}: {archive.logical_id}.EventPattern"
            count += archive.takes(sample, where)
    return Decimal(count)


def archive_settings(found: Deployed) -> dict[str, Any]:
    """The profile's ``archive`` figure the stack's archives decide: the GB-months each stores
    per GB archived, when their retention says it (an indefinite archive leaves the profile's
    horizon). Archives that keep their events for different times are refused: the profile has
    one figure; ``--model graph`` prices each archive on its own."""
    kept = {a.months_stored() for a in found.archives if a.retention_days}
    if len(kept) > 1:
        names = ", ".join(a.logical_id for a in found.archives)
        raise TemplateError(
            f"{found.template.path}: archives {names} keep events for different times; the "
            "order-flow profile has one archive.months_stored (use --model graph)"
        )
    return {"archive": {"months_stored": kept.pop()}} if kept else {}


def archive_notes(found: Deployed) -> list[str]:
    """What the derivation says of each archive: the bus, its pattern, how long it keeps."""
    notes = []
    for archive in found.archives:
        months = _months(archive.months_stored())
        kept = (
            f"keeps {archive.retention_days} days: {months} months stored per month archived "
            "(steady state)"
            if archive.retention_days
            else "keeps events indefinitely: priced as holding archive.months_stored months of "
            "them (the profile: a year; --usage sets it)"
        )
        takes = "every event" if archive.pattern is None else "the events its pattern matches"
        notes.append(f"archive: {archive.logical_id} takes {takes} on {archive.bus}, {kept}")
    return notes


def _months(months: Decimal) -> str:
    return f"{months.quantize(Decimal('0.01')).normalize():f}"


def allowed_count(
    invocations: Mapping[str, int], functions: Mapping[str, Function], actions: tuple[str, ...]
) -> Decimal:
    """Invocations of the functions allowed any of ``actions`` (one call each)."""
    return Decimal(sum(n for f, n in invocations.items() if functions[f].may(*actions)))


def table_name(logical_id: str) -> str:
    """The profile's name for a table: its logical id without ``Table``, in snake_case."""
    return snake(logical_id.removesuffix("Table"))
