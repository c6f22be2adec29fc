"""A function's figures by what invoked it: ``by_route`` and ``by_event`` in a usage file.

One function behind several routes, or reacting to several kinds of event, does different work
for each: the orders API writes an order on ``POST /orders`` and only reads on ``GET``. Given as
one average per invocation, every route would carry a share of every write and what follows
from it, so the figures can be given per route (the route key, as ``requests_per_unit`` names
it) and per detail-type of the event or stream record that invoked the function::

    ApiFunction:
      duration_ms: 50
      calls: {IdempotencyTable: 1}
      by_route:
        "POST /orders": {calls: {OrdersTable: {order_placed: 1}}}
        "GET /orders/{order_id}": {reads: {OrdersTable: 1}}
    AcceptanceTimerFunction:
      by_event:
        order_placed: {schedules: {OrderTimeoutFunction: 0.03}}

The figures under a route or a detail-type are laid over the function's own for those
invocations: a number replaces the function's, a mapping (``calls``, ``reads``, ``schedules``,
``relays``) replaces the entries it names and keeps the others.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import replace
from typing import Any

from costcalc.errors import UsageError
from costcalc.estimate.usage_file import UsageFile

BY_ROUTE = "by_route"
BY_EVENT = "by_event"
TRIGGERS = (BY_ROUTE, BY_EVENT)


def overlays(usage: UsageFile, function: str) -> list[Mapping[str, Any]]:
    """Every set of figures the usage file gives ``function``: its own and each trigger's."""
    found: list[Mapping[str, Any]] = [usage.resources.get(function, {})]
    for trigger in TRIGGERS:
        found += _figures(usage, function, trigger).values()
    return found


def check_routes(usage: UsageFile, function: str, routes: Collection[str]) -> None:
    """``by_route`` names only routes that integrate ``function`` (a typo would price the
    route with the function's own figures without a word)."""
    given = _figures(usage, function, BY_ROUTE)
    unknown = sorted(set(given) - set(routes))
    if unknown:
        accepted = ", ".join(f'"{r}"' for r in sorted(routes)) or "none: no route integrates it"
        raise UsageError(
            f'{usage.path}: {function}.{BY_ROUTE}."{unknown[0]}": no route of the template '
            f"integrates {function} so; its routes: {accepted}"
        )


def triggered(
    usage: UsageFile, function: str, route: str | None, event: str | None
) -> tuple[UsageFile, str | None]:
    """The usage file as ``function`` reads it when ``route`` or an event of detail-type
    ``event`` invoked it, and which trigger's figures were laid over (None: its own only)."""
    for trigger, key in ((BY_ROUTE, route), (BY_EVENT, event)):
        over = _figures(usage, function, trigger).get(key) if key is not None else None
        if over is not None:
            merged = _laid_over(usage.resources.get(function, {}), over)
            return replace(usage, resources={**usage.resources, function: merged}), key
    return usage, None


def event_keys(usage: UsageFile, function: str) -> set[str]:
    """The detail-types ``by_event`` gives ``function`` figures for."""
    return set(_figures(usage, function, BY_EVENT))


def _laid_over(own: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    merged = {k: v for k, v in own.items() if k not in TRIGGERS}
    for key, value in over.items():
        base = merged.get(key)
        if isinstance(base, Mapping) and isinstance(value, Mapping):
            merged[key] = {**base, **value}
        else:
            merged[key] = value
    return merged


def _figures(usage: UsageFile, function: str, trigger: str) -> dict[str, Mapping[str, Any]]:
    """``function.trigger`` checked: a mapping of route or detail-type to a mapping of figures,
    with no trigger inside a trigger."""
    found = usage.mapping(function, trigger)
    for key, figures in found.items():
        where = f'{usage.path}: {function}.{trigger}."{key}"'
        if not isinstance(figures, Mapping):
            raise UsageError(f"{where}: expected a mapping of figures, got {figures!r}")
        nested = sorted(set(map(str, figures)) & set(TRIGGERS))
        if nested:
            raise UsageError(f"{where}.{nested[0]}: figures by trigger do not nest")
    return found
