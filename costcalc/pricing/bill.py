"""Turn a month's usage into priced lines: tiers over the month's total, free tier optional.

The library API the CLI (and ``costcalc compare``) builds on::

    from costcalc.pricing.bill import Usage, price_usage

    usage = Usage()
    usage.add("lambda", "duration-arm64", Decimal("540000"))  # any catalogue (service, item)
    usage.add("lambda", "duration-arm64", Decimal("12000"))  # summed: tiers see the total
    bill = price_usage(usage, "us-east-1", free_tier=False)
    bill.monthly_usd, [line.monthly_usd for line in bill.lines]

``costcalc.pricing.services`` has one function per service that derives these quantities from
the figures a user knows (requests, duration, memory...) and applies the billing rules
(rounding, chunking).

Money is ``Decimal`` throughout and never rounded here; renderers round for display only.
A line covers one tier of one item, so ``quantity * unit_price_usd == monthly_usd`` holds for
every line; with ``free_tier=True`` the always-free units are the month's first units and show as
their own line at price 0.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, localcontext

from costcalc.errors import UsageError
from costcalc.pricing.catalogue import Catalogue, PriceEntry, load_catalogue

#: Digits kept in intermediate results: far beyond a cent at any volume the CLI accepts.
PRECISION = 50


@dataclass(frozen=True)
class Line:
    """One priced line: ``quantity`` units of one tier of one item."""

    service: str
    item: str
    quantity: Decimal
    unit: str
    unit_price_usd: Decimal
    monthly_usd: Decimal
    description: str
    tier: str = ""


@dataclass(frozen=True)
class FreeTierUse:
    """Free units applied from one always-free allowance."""

    pool: str
    quantity: Decimal
    allowance: Decimal
    unit: str


@dataclass(frozen=True)
class Bill:
    """A priced month: its lines, the prices' date and sources, and what was assumed."""

    region: str
    free_tier: bool
    lines: tuple[Line, ...]
    prices_as_of: dt.date
    sources: tuple[str, ...]
    free_tier_applied: tuple[FreeTierUse, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def monthly_usd(self) -> Decimal:
        return sum((line.monthly_usd for line in self.lines), Decimal(0))


@dataclass
class Usage:
    """A month's usage quantities per (service, item), in the order they were first added."""

    quantities: dict[tuple[str, str], Decimal] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def add(self, service: str, item: str, quantity: Decimal) -> None:
        if not quantity.is_finite() or quantity < 0:
            raise UsageError(f"{service}/{item}: quantity {quantity} must be a number >= 0")
        key = (service, item)
        self.quantities[key] = self.quantities.get(key, Decimal(0)) + quantity

    def services(self) -> set[str]:
        return {service for service, _ in self.quantities}


def price_usage(
    usage: Usage, region: str, *, free_tier: bool, catalogue: Catalogue | None = None
) -> Bill:
    """Price every (service, item) of ``usage`` in ``region``; raise if a price is missing."""
    if not usage.quantities:
        raise UsageError("there is no usage to price")
    catalogue = catalogue or load_catalogue(usage.services())
    if region not in catalogue.regions and region not in (known := load_catalogue().regions):
        raise UsageError(
            f"unknown region {region!r}; the catalogue has prices for: {', '.join(sorted(known))}"
        )
    free_left = {a.pool: a.quantity for a in catalogue.allowances} if free_tier else {}
    free_used: dict[str, FreeTierUse] = {}
    lines: list[Line] = []
    entries: list[PriceEntry] = []
    with localcontext() as context:
        context.prec = PRECISION
        for (service, item), quantity in usage.quantities.items():
            entry = catalogue.price(service, item, region)
            entries.append(entry)
            free = Decimal(0)
            allowance = catalogue.allowance_for(service, item) if free_tier else None
            if allowance is not None:
                free = min(quantity, free_left[allowance.pool])
                free_left[allowance.pool] -= free
                before = free_used.get(allowance.pool)
                used = free + (before.quantity if before else 0)
                free_used[allowance.pool] = FreeTierUse(
                    allowance.pool, used, allowance.quantity, entry.unit
                )
            lines.extend(_tier_lines(entry, quantity, free))
    return Bill(
        region=region,
        free_tier=free_tier,
        lines=tuple(lines),
        prices_as_of=min(entry.seen for entry in entries),
        sources=tuple(dict.fromkeys(entry.source for entry in entries)),
        free_tier_applied=tuple(free_used.values()),
        notes=tuple(usage.notes),
    )


def _tier_lines(entry: PriceEntry, quantity: Decimal, free: Decimal) -> Iterator[Line]:
    """Lines for the units ``[free, quantity)`` of the month, split at tier bounds."""

    def line(qty: Decimal, price: Decimal, tier: str) -> Line:
        return Line(
            entry.service, entry.item, qty, entry.unit, price, qty * price, entry.description, tier
        )

    if free > 0:
        yield line(free, Decimal(0), "free tier")
    if quantity == 0:
        yield line(Decimal(0), entry.tiers[0].usd, _tier_label(entry, 0))
        return
    for index, tier in enumerate(entry.tiers):
        low = max(free, tier.start)
        high = quantity if tier.end is None else min(quantity, tier.end)
        if high > low:
            yield line(high - low, tier.usd, _tier_label(entry, index))


def _tier_label(entry: PriceEntry, index: int) -> str:
    if len(entry.tiers) == 1:
        return ""
    tier = entry.tiers[index]
    if tier.end is None:
        return f"over {tier.start:,}"
    if tier.start == 0:
        return f"first {tier.end:,}"
    return f"next {tier.end - tier.start:,}"
