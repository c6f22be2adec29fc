"""What one estimate costs per resource: the side of a diff, and the base file a pull request's
cost gate compares with (``estimate --format json --out base.json``, ``diff --compare-to``).

The base file is the estimate's whole JSON; the diff reads only its ``diff_base`` member, whose
shape is defined here and nowhere else. It carries every figure the diff needs (the settings the
head must be priced with, and each resource's billed items and money), a version, and a digest
of that content: a base written by another shape of costcalc, or changed by hand after it was
written, is refused rather than compared.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from pathlib import Path
from typing import Any

from costcalc.compare.scenario import DesignCost
from costcalc.errors import UsageError
from costcalc.estimate.breakdown import Breakdown
from costcalc.pricing.bill import PRECISION
from costcalc.pricing.render import JsonNumber, exact
from costcalc.workload.metering import MONITORING, Key, Part, Workload

FORMAT = "costcalc-diff-base"
VERSION = 1
MEMBER = "diff_base"
UNATTRIBUTED: Part = ("unattributed", "-")
WRITE_IT = "write it with `costcalc estimate PATH --format json --out FILE` (one workflow)"


@dataclass(frozen=True)
class ItemCost:
    item: str  # service/item, as the catalogue names it
    monthly_usd: Decimal | None  # None: no sourced price (the graph model lists it unpriced)


@dataclass(frozen=True)
class ResourceCost:
    resource: str
    type: str
    items: tuple[ItemCost, ...]

    @property
    def key(self) -> tuple[str, str]:
        return (self.resource, self.type)

    @property
    def monthly_usd(self) -> Decimal:
        return sum((i.monthly_usd or Decimal(0) for i in self.items), Decimal(0))


@dataclass(frozen=True)
class Snapshot:
    """One definition's month, per resource, and the settings it was priced with."""

    model: str  # "orderflow" or "graph": the head of a diff is read the same way
    source: str
    volume: Decimal
    region: str
    free_tier: bool
    prices_as_of: str
    resources: tuple[ResourceCost, ...]

    @property
    def monthly_usd(self) -> Decimal:
        return sum((r.monthly_usd for r in self.resources), Decimal(0))


def from_design(source: str, design: DesignCost, load: Workload, free_tier: bool) -> Snapshot:
    """The order-flow estimate per resource: each billed item's money (all its tiers) is shared
    among the resources its quantity is metered for, in proportion, so resources add up to the
    bill exactly; the fixed monthly quantities are the monitoring part's."""
    with localcontext() as context:  # exact sums: a residue would show as a resource
        context.prec = PRECISION
        money: dict[Key, Decimal] = {}
        for line in design.bill.lines:
            key = (line.service, line.item)
            money[key] = money.get(key, Decimal(0)) + line.monthly_usd
        orders = design.orders
        parts: dict[Part, dict[Key, Decimal]] = {
            part: {key: quantity * orders for key, quantity in quantities.items()}
            for part, quantities in load.parts.items()
        }
        totals = load.usage(orders).quantities
        for key, total in totals.items():
            known = sum((q.get(key, Decimal(0)) for q in parts.values()), Decimal(0))
            if total - known:
                # The month's fixed quantities are the alarms, metrics and dashboards; anything
                # else no resource was metered for (a workload built by hand) is said as such.
                rest = parts.setdefault(MONITORING if key in load.fixed else UNATTRIBUTED, {})
                rest[key] = rest.get(key, Decimal(0)) + total - known
        resources = []
        for (name, kind), quantities in parts.items():
            items = tuple(
                ItemCost(
                    f"{service}/{item}",
                    _kept(money.get((service, item), Decimal(0)) * q / totals[service, item]),
                )
                for (service, item), q in quantities.items()
                if totals.get((service, item))
            )
            if items:
                resources.append(ResourceCost(name, kind, items))
    return Snapshot(
        "orderflow",
        source,
        orders,
        design.bill.region,
        free_tier,
        design.bill.prices_as_of.isoformat(),
        tuple(resources),
    )


def from_breakdown(source: str, breakdown: Breakdown, free_tier: bool) -> Snapshot:
    """The general estimate per resource (its logical id and type), items summed over the
    workflows that reach it."""
    resources: dict[tuple[str, str], dict[str, Decimal | None]] = {}
    for estimate in breakdown.estimates:
        for priced in estimate.priced:
            charge = priced.charge
            items = resources.setdefault((charge.resource, charge.type), {})
            item = f"{charge.service}/{charge.item}"
            before = items.get(item, Decimal(0))
            if priced.monthly_usd is None or (item in items and before is None):
                items[item] = None
            else:
                items[item] = (before or Decimal(0)) + priced.monthly_usd
    return Snapshot(
        "graph",
        source,
        breakdown.volume,
        breakdown.region,
        free_tier,
        breakdown.prices_as_of,
        tuple(
            ResourceCost(
                name,
                kind,
                tuple(ItemCost(i, None if usd is None else _kept(usd)) for i, usd in items.items()),
            )
            for (name, kind), items in resources.items()
        ),
    )


def _kept(usd: Decimal) -> Decimal:
    """Money as the base file keeps it, so a saved base and a fresh one compare equal."""
    return Decimal(exact(usd))


# ---------------------------------------------------------------------------- the base file
def _content(snapshot: Snapshot) -> dict[str, Any]:
    """Everything the digest covers, in plain JSON types (decimals as exact strings)."""

    def text(value: Decimal | None) -> str | None:
        return None if value is None else exact(value)

    return {
        "model": snapshot.model,
        "source": snapshot.source,
        "volume": text(snapshot.volume),
        "region": snapshot.region,
        "free_tier": snapshot.free_tier,
        "prices_as_of": snapshot.prices_as_of,
        "resources": [
            {
                "resource": r.resource,
                "type": r.type,
                "items": [{"item": i.item, "monthly_usd": text(i.monthly_usd)} for i in r.items],
            }
            for r in snapshot.resources
        ],
    }


def digest(snapshot: Snapshot) -> str:
    canonical = json.dumps(_content(snapshot), sort_keys=True, separators=(",", ":"))
    return "sha256:" + hashlib.sha256(canonical.encode()).hexdigest()


def to_json(snapshot: Snapshot) -> dict[str, Any]:
    """The ``diff_base`` member of an estimate's JSON."""

    def number(value: Decimal | None) -> JsonNumber | None:
        return None if value is None else JsonNumber(exact(value))

    return {
        "format": FORMAT,
        "version": VERSION,
        "model": snapshot.model,
        "source": snapshot.source,
        "volume": number(snapshot.volume),
        "region": snapshot.region,
        "free_tier": snapshot.free_tier,
        "prices_as_of": snapshot.prices_as_of,
        "monthly_usd": number(snapshot.monthly_usd),
        "resources": [
            {
                "resource": r.resource,
                "type": r.type,
                "monthly_usd": number(r.monthly_usd),
                "items": [{"item": i.item, "monthly_usd": number(i.monthly_usd)} for i in r.items],
            }
            for r in snapshot.resources
        ],
        "digest": digest(snapshot),
    }


def read_base(path: Path) -> Snapshot:
    """The snapshot saved in ``path``; anything else is refused, naming the file and the fix."""
    where = f"--compare-to {path}"
    try:
        document = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    except FileNotFoundError:
        raise UsageError(f"{where}: no such file; {WRITE_IT}") from None
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError(f"{where}: cannot be read ({error})") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{where}: not JSON ({error}); {WRITE_IT}") from None
    base = document.get(MEMBER) if isinstance(document, dict) else None
    if not isinstance(base, dict):
        raise UsageError(f"{where}: holds no {MEMBER}; {WRITE_IT}")
    if base.get("format") != FORMAT or base.get("version") != VERSION:
        raise UsageError(
            f"{where}: {MEMBER} is format {base.get('format')!r} version {base.get('version')!r}; "
            f"this costcalc reads {FORMAT!r} version {VERSION}: write the base again with this "
            "costcalc"
        )
    try:
        snapshot = _parse(base)
    except (KeyError, TypeError, ValueError, InvalidOperation, AttributeError) as error:
        raise UsageError(
            f"{where}: {MEMBER} is not of the shape costcalc writes ({type(error).__name__}: "
            f"{error}); {WRITE_IT}"
        ) from None
    if base.get("digest") != digest(snapshot):
        raise UsageError(
            f"{where}: {MEMBER} does not match its digest: the file was changed after costcalc "
            f"wrote it; {WRITE_IT}"
        )
    return snapshot


def _parse(base: Mapping[str, Any]) -> Snapshot:
    def money(value: Any) -> Decimal | None:
        return None if value is None else _decimal(value)

    return Snapshot(
        _text(base["model"]),
        _text(base["source"]),
        _decimal(base["volume"]),
        _text(base["region"]),
        bool(base["free_tier"]),
        _text(base["prices_as_of"]),
        tuple(
            ResourceCost(
                _text(r["resource"]),
                _text(r["type"]),
                tuple(ItemCost(_text(i["item"]), money(i["monthly_usd"])) for i in r["items"]),
            )
            for r in base["resources"]
        ),
    )


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError(f"expected a string, got {value!r}")
    return value


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise TypeError(f"expected a number, got {value!r}")
    return Decimal(value)
