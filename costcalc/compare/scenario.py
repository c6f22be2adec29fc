"""Both styles priced side by side: per order and per month, at one volume or across a sweep.

Library API (the ``costcalc compare`` command is a thin layer over it)::

    from decimal import Decimal
    from costcalc.compare.scenario import scenario

    plan = scenario(region="us-east-1", free_tier=False)   # all bundled designs, default mix
    result = plan.price(Decimal(250_000))                  # full bills, line by line
    [(d.name, d.monthly_usd, d.per_order_usd) for d in result.designs]
    curves = plan.curves(Decimal(1_000), Decimal(10) ** 8) # exact monthly cost at any volume
    plan.break_evens(curves)                               # where runnable designs cross
    plan.across(Decimal(1_000), Decimal(10) ** 8)          # both, and the verdict, at once

A design's monthly bill is linear in the order volume except where a volume tier or a free
allowance starts, so :class:`CostCurve` prices the month exactly (``price_usage``) at every such
boundary inside the range and interpolates between them, which is exact too. That is how a
10,000-volume sweep costs a few dozen bills instead of 30,000.
"""

from __future__ import annotations

import bisect
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from costcalc.errors import MissingPriceError, UsageError
from costcalc.pricing.bill import PRECISION, Bill, price_usage
from costcalc.pricing.catalogue import Catalogue, load_catalogue
from costcalc.workload.contexts import (
    ANALYTICS_METERING,
    CONTEXTS,
    Context,
    load_context,
    with_analytics,
)
from costcalc.workload.metering import Workload, workload
from costcalc.workload.path_mix import RULE, PathMix, path_mix
from costcalc.workload.profiles import Profile, load_profiles

#: Largest monthly order volume accepted: above it a figure is a typo, not a plan.
MAX_ORDERS = Decimal(10) ** 11
#: Most volumes in one sweep (the library's curves make 10,000 cheap; a CLI table is long).
MAX_POINTS = 100_000
#: The range charted when no sweep is given.
DEFAULT_SWEEP = (Decimal(1_000), Decimal(100_000_000))
NOT_PRICED = (
    "SES pricing plans ESSENTIALS, PRO and ENTERPRISE (named by AWS's SES API v2, "
    "PutAccountPricingAttributes; no AWS page read confirms their per-message prices): emails "
    "are priced per feature (plan NONE)",
    "DynamoDB storage, backups and streams reads (stream reads by Lambda triggers are free)",
    "data transfer out, KMS requests and the promo bounded context",
    "creating and deleting Scheduler schedules (free API calls; only invocations are billed)",
    "EventBridge rule deliveries (EventBridge bills events put, not deliveries)",
)


@dataclass(frozen=True)
class DesignCost:
    """One design's month at one volume."""

    profile: Profile
    orders: Decimal
    bill: Bill

    @property
    def name(self) -> str:
        return self.profile.design

    @property
    def monthly_usd(self) -> Decimal:
        return self.bill.monthly_usd

    @property
    def per_order_usd(self) -> Decimal:
        with localcontext() as context:
            context.prec = PRECISION
            return self.bill.monthly_usd / self.orders


@dataclass(frozen=True)
class Comparison:
    """Every design's month at one order volume."""

    orders_per_month: Decimal
    designs: tuple[DesignCost, ...]

    @property
    def cheapest_runnable(self) -> DesignCost | None:
        runnable = [design for design in self.designs if design.profile.runnable]
        return min(runnable, key=lambda design: design.monthly_usd, default=None)


@dataclass(frozen=True)
class BreakEven:
    """A volume where two designs cost the same per month."""

    designs: tuple[str, str]
    orders_per_month: Decimal
    monthly_usd: Decimal


class CostCurve:
    """A design's exact monthly cost at any volume in ``[low, high]`` (see module docstring)."""

    def __init__(self, plan: Scenario, load: Workload, low: Decimal, high: Decimal) -> None:
        self.workload = load
        self.low, self.high = low, high
        knots = {low, high, *_kinks(load, plan.catalogue, plan.region, plan.free_tier)}
        self.volumes = sorted(volume for volume in knots if low <= volume <= high)
        self.costs = [plan.bill(load, volume).monthly_usd for volume in self.volumes]

    @property
    def name(self) -> str:
        return self.workload.profile.design

    def at(self, orders: Decimal) -> Decimal:
        if not self.low <= orders <= self.high:
            raise UsageError(f"{orders} orders is outside this curve's {self.low}..{self.high}")
        index = bisect.bisect_left(self.volumes, orders)
        if self.volumes[index] == orders:
            return self.costs[index]
        x0, x1 = self.volumes[index - 1], self.volumes[index]
        y0, y1 = self.costs[index - 1], self.costs[index]
        with localcontext() as context:
            context.prec = PRECISION
            return y0 + (y1 - y0) * (orders - x0) / (x1 - x0)


@dataclass(frozen=True)
class CostCurves:
    """A volume range priced once: each design's curve, the break-evens, the verdict."""

    curves: Sequence[CostCurve]
    break_evens: Sequence[BreakEven]
    verdict: str


@dataclass(frozen=True)
class Scenario:
    """Everything but the volume: designs' workloads, region, free tier, mix, transition rule."""

    workloads: tuple[Workload, ...]
    region: str
    free_tier: bool
    mix: PathMix
    count_start_end: bool
    catalogue: Catalogue
    contexts: tuple[Context, ...] = ()

    def bill(self, load: Workload, orders: Decimal) -> Bill:
        return price_usage(
            load.usage(orders), self.region, free_tier=self.free_tier, catalogue=self.catalogue
        )

    def price(self, orders: Decimal) -> Comparison:
        orders = check_orders(orders)
        return Comparison(
            orders,
            tuple(
                DesignCost(load.profile, orders, self.bill(load, orders)) for load in self.workloads
            ),
        )

    def curves(self, low: Decimal, high: Decimal) -> list[CostCurve]:
        low, high = check_range(low, high)
        return [CostCurve(self, load, low, high) for load in self.workloads]

    def across(self, low: Decimal, high: Decimal) -> CostCurves:
        """Every design's curve from ``low`` to ``high``, where they cross, and the verdict."""
        curves = self.curves(low, high)
        crossings = self.break_evens(curves)
        return CostCurves(curves, crossings, verdict(curves, crossings))

    def break_evens(self, curves: Sequence[CostCurve]) -> list[BreakEven]:
        """Volumes where two runnable designs' monthly costs cross, in increasing order."""
        runnable = [curve for curve in curves if curve.workload.profile.runnable]
        found = []
        for index, first in enumerate(runnable):
            for second in runnable[index + 1 :]:
                found.extend(_crossings(first, second))
        return sorted(found, key=lambda point: point.orders_per_month)

    def assumptions(self) -> dict[str, Any]:
        rule = (
            "states entered plus the Start and End of every execution (the seed article's "
            "reading, --count-start-end)"
            if self.count_start_end
            else "states entered, as the execution history shows them (docs/design.md; "
            "--count-start-end adds Start and End as the seed article does)"
        )
        return {
            "transitions_counted": rule,
            "path_mix": dict(self.mix.rates),
            "path_mix_derived": list(self.mix.derived),
            "path_mix_rule": RULE,
            "quantities": "per-order figures are averages over the path mix; monthly "
            "quantities are orders x average, not rounded to whole requests",
            "logs": "1 GB = 1,048,576 KB; stored GB-months = ingested GB x retention months "
            "(steady state, before CloudWatch's compression)",
            "not_priced": [*NOT_PRICED, *_unpriced_contexts(self.contexts)],
            "contexts": {
                context.name: {
                    "title": context.title,
                    "sources": list(context.sources),
                    "metering": ANALYTICS_METERING,
                }
                for context in self.contexts
            },
            "profiles": {
                load.profile.design: list(load.profile.sources) for load in self.workloads
            },
        }


def scenario(
    *,
    region: str = "us-east-1",
    free_tier: bool = False,
    designs: list[str] | None = None,
    rates: Mapping[str, Decimal | None] | None = None,
    usage_files: list[Path] | None = None,
    count_start_end: bool = False,
    profiles: Sequence[Profile] | None = None,
    contexts: Sequence[str] = (),
) -> Scenario:
    """Load the designs' profiles (or take ``profiles`` as given, as ``costcalc estimate``
    does with profiles derived from definitions), plus the ``contexts``, and check that the
    region prices all they use.
    """
    mix = path_mix(rates or {})
    if profiles is None:
        profiles = load_profiles(designs, usage_files)
    loaded = tuple(load_context(name, usage_files) for name in dict.fromkeys(contexts))
    loads = tuple(workload(p, mix, count_start_end=count_start_end) for p in profiles)
    for context in loaded:  # analytics is the only context so far
        loads = tuple(with_analytics(load, context, mix) for load in loads)
    catalogue = load_catalogue({service for load in loads for service, _ in _keys(load)})
    _check_region(loads, catalogue, region)
    return Scenario(loads, region, free_tier, mix, count_start_end, catalogue, loaded)


def _unpriced_contexts(included: Sequence[Context]) -> list[str]:
    names = {context.name for context in included}
    return [
        f"the {name} bounded context (add it with --with {name})"
        for name in CONTEXTS
        if name not in names
    ] + [
        "Glue Data Catalog requests and Athena's query-result objects (the analytics stack's; "
        "within Glue's free million a month, results expire after 30 days)"
        for _ in names & {"analytics"}
    ]


def sweep_volumes(low: Decimal, high: Decimal, points: int) -> list[Decimal]:
    """``points`` whole volumes from ``low`` to ``high``, evenly spaced on a log scale."""
    low, high = check_range(low, high)
    if not 2 <= points <= MAX_POINTS:
        raise UsageError(f"sweep points {points}: accepted values are 2 to {MAX_POINTS:,}")
    ratio = float(high / low)
    volumes = {low, high}
    for step in range(1, points - 1):
        volumes.add(Decimal(round(float(low) * ratio ** (step / (points - 1)))))
    return sorted(volumes)


def check_orders(orders: Decimal) -> Decimal:
    if not orders.is_finite() or not 1 <= orders <= MAX_ORDERS:
        raise UsageError(
            f"--orders-per-month {orders}: accepted values are whole numbers from 1 to "
            f"{MAX_ORDERS:,}"
        )
    if orders != orders.to_integral_value():
        raise UsageError(f"--orders-per-month {orders}: must be a whole number of orders")
    return orders.quantize(Decimal(1))


def check_range(low: Decimal, high: Decimal) -> tuple[Decimal, Decimal]:
    low, high = check_orders(low), check_orders(high)
    if low >= high:
        raise UsageError(f"--sweep {low}:{high}: the low bound must be below the high bound")
    return low, high


def _keys(load: Workload) -> list[tuple[str, str]]:
    return [*load.per_order, *load.fixed]


def _check_region(loads: Sequence[Workload], catalogue: Catalogue, region: str) -> None:
    known = load_catalogue().regions
    if region not in known:
        raise UsageError(
            f"unknown region {region!r}; the catalogue has prices for: {', '.join(sorted(known))}"
        )
    missing: dict[str, list[str]] = {}
    for load in loads:
        for service, item in _keys(load):
            try:
                catalogue.price(service, item, region)
            except MissingPriceError:
                missing.setdefault(f"{service}/{item}", []).append(load.profile.design)
    if missing:
        named = ", ".join(missing)
        raise UsageError(
            f"cannot compare in {region}: the bundled catalogue has no sourced price there for "
            f"{named}; prices are never guessed or copied from another region "
            f"(regions with every price: {', '.join(_complete_regions(loads, catalogue))})"
        )


def _complete_regions(loads: Sequence[Workload], catalogue: Catalogue) -> list[str]:
    keys = {key for load in loads for key in _keys(load)}
    return sorted(
        region
        for region in catalogue.regions
        if all((service, item, region) in catalogue.entries for service, item in keys)
    )


def _kinks(load: Workload, catalogue: Catalogue, region: str, free_tier: bool) -> set[Decimal]:
    """Volumes where the bill's slope may change: tier bounds and free-allowance limits.

    A quantity is ``fixed + slope x orders``. It changes price where it crosses a tier bound;
    with the free tier, where the items sharing an allowance exhaust it together, and where the
    free units left for an item cross one of its tier bounds. A superset is harmless (one more
    exact bill); a missing kink would not be, and tests compare against direct pricing.
    """
    usage = load.usage(Decimal(0))
    lines: list[tuple[Decimal, Decimal, Decimal]] = []  # (quantity at 0, slope, threshold)
    pool_sums: dict[str, tuple[Decimal, Decimal]] = {}
    for key in usage.quantities:
        fixed, slope = load.fixed.get(key, Decimal(0)), load.per_order.get(key, Decimal(0))
        entry = catalogue.price(*key, region)
        bounds = [tier.start for tier in entry.tiers if tier.start > 0]
        lines.extend((fixed, slope, bound) for bound in bounds)
        allowance = catalogue.allowance_for(*key) if free_tier else None
        if allowance is None:
            continue
        before = pool_sums.get(allowance.pool, (Decimal(0), Decimal(0)))
        # free units left for this item: allowance - before; crossing each tier bound
        lines.extend(
            (before[0], before[1], allowance.quantity - bound)
            for bound in bounds
            if bound < allowance.quantity
        )
        total = (before[0] + fixed, before[1] + slope)
        lines.append((*total, allowance.quantity))
        pool_sums[allowance.pool] = total
    kinks = set()
    with localcontext() as context:
        context.prec = PRECISION
        for fixed, slope, threshold in lines:
            if slope > 0 and threshold > fixed:
                kinks.add((threshold - fixed) / slope)
    return kinks


def _crossings(first: CostCurve, second: CostCurve) -> list[BreakEven]:
    volumes = sorted(set(first.volumes) | set(second.volumes))
    gaps = [first.at(volume) - second.at(volume) for volume in volumes]
    found: list[BreakEven] = []
    names = (first.name, second.name)
    with localcontext() as context:
        context.prec = PRECISION
        for index, (x1, d1) in enumerate(zip(volumes, gaps, strict=True)):
            if d1 == 0:
                found.append(BreakEven(names, x1, first.at(x1)))
                continue
            if index == 0 or gaps[index - 1] == 0 or (gaps[index - 1] > 0) == (d1 > 0):
                continue
            x0, d0 = volumes[index - 1], gaps[index - 1]
            volume = x0 + d0 * (x1 - x0) / (d0 - d1)
            found.append(BreakEven(names, volume, first.at(volume)))
    return found


def verdict(curves: Sequence[CostCurve], break_evens: Sequence[BreakEven]) -> str:
    """One sentence on the runnable designs across the range: where they cross, or who wins."""
    runnable = [curve for curve in curves if curve.workload.profile.runnable]
    if len(runnable) < 2:
        return "only one runnable design is compared"
    if break_evens:
        return "; ".join(
            f"{a} and {b} cost the same at {_volume(point.orders_per_month)} orders/month"
            for point in break_evens
            for a, b in [point.designs]
        )
    first, second = runnable[0], runnable[1]
    volumes = sorted(set(first.volumes) | set(second.volumes))
    cheap, dear = (
        (first, second)
        if first.at(volumes[-1]) < second.at(volumes[-1])
        else (
            second,
            first,
        )
    )
    savings = [1 - cheap.at(volume) / dear.at(volume) for volume in volumes]
    low, high = (round(100 * min(savings)), round(100 * max(savings)))
    spread = f"{low}%" if low == high else f"{low}\N{EN DASH}{high}%"
    return f"{cheap.name} is cheaper than {dear.name} throughout, by {spread}"


def _volume(orders: Decimal) -> str:
    return f"{orders.to_integral_value():,}"
