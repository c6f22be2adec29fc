"""The decision report's facts: what ``costcalc report`` shows, gathered from the compare API.

Library API (the renderers and the CLI are thin layers over it)::

    from decimal import Decimal, localcontext
    from costcalc.pricing.bill import PRECISION
    from costcalc.compare.scenario import scenario
    from costcalc.report.decision import decision

    facts = decision(scenario(), Decimal(250_000), (Decimal(1_000), Decimal(10) ** 8), 21)
    facts.answer.designs, facts.across.break_evens, facts.sensitivity.factors, facts.origins

Every workload figure carries its origin: ``profile`` (a bundled workload profile), ``user``
(a ``--usage`` file) or ``definition`` (read from a SAM template or Pulumi program by
``costcalc.estimate``). :func:`decision` takes the origins it is given; ``costcalc report PATH``
hands over :func:`profile_origins` of the derived profiles, told where each design's
definition figures are recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from typing import Any

from costcalc.compare.render import Report
from costcalc.compare.scenario import (
    Comparison,
    CostCurves,
    Scenario,
    check_orders,
    check_range,
    sweep_volumes,
)
from costcalc.errors import UsageError
from costcalc.pricing.age import today
from costcalc.pricing.bill import PRECISION
from costcalc.report.sensitivity import Sensitivity, sensitivity
from costcalc.workload.profiles import COLD_IMPORTS, PROFILE_DIR, Profile

#: Where a figure came from, in order of trust.
ORIGINS = ("definition", "profile", "user")
#: Profile keys that name or describe a design rather than measure it.
_NOT_FIGURES = frozenset({"schema", "design", "title", "runnable", "why_not", "based_on"})
#: The bundled data a profile's figures come from: the profiles, and the measured INIT of each
#: function (benchmarks/cold_import.py), which the figure's ``where`` names.
_BUNDLED = (f"costcalc/data/{PROFILE_DIR.name}/", f"costcalc/data/{COLD_IMPORTS.name}:")


@dataclass(frozen=True)
class FigureOrigin:
    """One workload figure of one design: its value, its origin and the ``file:line`` it is at."""

    design: str
    key: str
    value: str
    origin: str
    where: str


@dataclass(frozen=True)
class PriceSource:
    """Where one service's prices come from and when they were last seen."""

    service: str
    items: tuple[str, ...]
    source: str
    seen: dt.date


@dataclass(frozen=True)
class Decision:
    """Everything the report shows, computed once; renderers only format it."""

    plan: Scenario
    answer: Comparison
    across: CostCurves
    sweep: Sequence[tuple[Decimal, Mapping[str, Decimal]]]
    sensitivity: Sensitivity
    origins: Sequence[FigureOrigin]
    prices: Sequence[PriceSource]
    prices_as_of: str
    prices_source: str
    warnings: Sequence[str]
    generated: dt.date

    @property
    def span(self) -> tuple[Decimal, Decimal]:
        return self.across.curves[0].low, self.across.curves[0].high

    def services(self) -> list[str]:
        """Every service any design's bill prices, in the order the bills list them."""
        return list(
            dict.fromkeys(line.service for d in self.answer.designs for line in d.bill.lines)
        )

    def per_order_by_service(self) -> dict[str, dict[str, Decimal]]:
        """Each design's cost per order split by service (fixed monthly items included)."""
        split: dict[str, dict[str, Decimal]] = {}
        for design in self.answer.designs:
            mine = split.setdefault(design.name, dict.fromkeys(self.services(), Decimal(0)))
            for line in design.bill.lines:
                mine[line.service] += line.monthly_usd
            with localcontext() as context:
                context.prec = PRECISION
                for service in mine:
                    mine[service] /= self.answer.orders_per_month
        return split

    def origin_counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ORIGINS, 0)
        for figure in self.origins:
            counts[figure.origin] += 1
        return counts


def decision(
    plan: Scenario,
    orders: Decimal,
    span: tuple[Decimal, Decimal],
    points: int,
    origins: Sequence[FigureOrigin] | None = None,
) -> Decision:
    """Price ``plan`` at ``orders`` and across ``span`` (``points`` log-spaced volumes).

    ``origins`` defaults to each profile figure's origin as its file says (profile or user).
    """
    orders, (low, high) = check_volume(orders, span)
    answer = plan.price(orders)
    across = plan.across(low, high)
    sweep = [
        (volume, {curve.name: curve.at(volume) for curve in across.curves})
        for volume in sweep_volumes(low, high, points)
    ]
    summary = Report(plan, [answer])
    return Decision(
        plan=plan,
        answer=answer,
        across=across,
        sweep=sweep,
        sensitivity=sensitivity(plan, orders),
        origins=list(origins) if origins is not None else profile_origins(plan),
        prices=price_sources(plan, answer),
        prices_as_of=summary.prices_as_of,
        prices_source=summary.prices_source,
        warnings=summary.warnings,
        generated=today(),
    )


def check_volume(
    orders: Decimal, span: tuple[Decimal, Decimal]
) -> tuple[Decimal, tuple[Decimal, Decimal]]:
    """The volume and the sweep, checked as ``compare`` checks them, the volume inside."""
    orders, (low, high) = check_orders(orders), check_range(*span)
    if not low <= orders <= high:
        raise UsageError(
            f"--orders-per-month {orders:,} lies outside the sweep {low:,}:{high:,}; "
            "give a volume inside the range or widen --sweep"
        )
    return orders, (low, high)


def profile_origins(
    plan: Scenario, definitions: Mapping[str, str] | None = None
) -> list[FigureOrigin]:
    """Every figure of every design, with its origin.

    ``definitions`` maps a design to the source its derived figures are recorded under (as
    ``costcalc.estimate`` records them): those are ``definition``; the rest are ``profile`` or
    ``user`` as their file says.
    """
    definitions = definitions or {}
    return [
        FigureOrigin(
            load.profile.design,
            key,
            value,
            _origin(where, definitions.get(load.profile.design)),
            where,
        )
        for load in plan.workloads
        for key, value, where in _figures(load.profile)
    ]


def price_sources(plan: Scenario, answer: Comparison) -> list[PriceSource]:
    """The catalogue source and date of each service the answer's bills price."""
    items: dict[str, dict[str, None]] = {}
    for design in answer.designs:
        for line in design.bill.lines:
            items.setdefault(line.service, {})[line.item] = None
    found = []
    for service, names in items.items():
        entries = [plan.catalogue.price(service, item, plan.region) for item in names]
        for source in dict.fromkeys(entry.source for entry in entries):
            mine = [entry for entry in entries if entry.source == source]
            found.append(
                PriceSource(
                    service,
                    tuple(entry.item for entry in mine),
                    source,
                    min(entry.seen for entry in mine),
                )
            )
    return found


def _origin(where: str, definition: str | None = None) -> str:
    if definition is not None and where.startswith(definition):
        return "definition"
    return "profile" if where.startswith(_BUNDLED) else "user"


def _figures(profile: Profile) -> Iterator[tuple[str, str, str]]:
    def walk(value: Any, key: str) -> Iterator[tuple[str, str, str]]:
        if isinstance(value, Mapping):
            for name, child in value.items():
                yield from walk(child, f"{key}.{name}" if key else str(name))
        else:
            yield key, _shown(value), profile.at(key)

    for name, value in profile.settings.items():
        if name not in _NOT_FIGURES:
            yield from walk(value, name)


def _shown(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
