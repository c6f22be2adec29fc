"""What changed between two snapshots: per resource (added, removed, changed), per billed item
within each resource, and per billed item over the whole bill.

A resource is matched by its name and type. An item one side does not bill is 0 there; an item
the catalogue has no sourced price for is ``None`` (counted as no money, and said so)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from costcalc.estimate.snapshot import ResourceCost, Snapshot

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True)
class ItemChange:
    item: str  # service/item
    base_usd: Decimal | None
    head_usd: Decimal | None

    @property
    def delta_usd(self) -> Decimal:
        return (self.head_usd or Decimal(0)) - (self.base_usd or Decimal(0))


@dataclass(frozen=True)
class ResourceChange:
    resource: str
    type: str
    change: str  # ADDED, REMOVED or CHANGED
    base_usd: Decimal
    head_usd: Decimal
    items: tuple[ItemChange, ...]

    @property
    def delta_usd(self) -> Decimal:
        return self.head_usd - self.base_usd


@dataclass(frozen=True)
class Diff:
    base: Snapshot
    head: Snapshot
    resources: tuple[ResourceChange, ...]  # only those that changed, in the head's order
    items: tuple[ItemChange, ...]  # per billed item over the whole bill, only those that changed

    @property
    def delta_usd(self) -> Decimal:
        return self.head.monthly_usd - self.base.monthly_usd


def diff(base: Snapshot, head: Snapshot) -> Diff:
    before = {r.key: r for r in base.resources}
    after = {r.key: r for r in head.resources}
    keys = list(dict.fromkeys([*after, *before]))
    resources = []
    for key in keys:
        change = _resource(before.get(key), after.get(key))
        if change is not None:
            resources.append(change)
    return Diff(base, head, tuple(resources), _changed(_items(base), _items(head)))


def _resource(before: ResourceCost | None, after: ResourceCost | None) -> ResourceChange | None:
    known = before or after
    assert known is not None  # one side at least holds the key
    old = {i.item: i.monthly_usd for i in before.items} if before else {}
    new = {i.item: i.monthly_usd for i in after.items} if after else {}
    items = _changed(old, new)
    if before is not None and after is not None and not items:
        return None
    kind = ADDED if before is None else REMOVED if after is None else CHANGED
    return ResourceChange(
        known.resource,
        known.type,
        kind,
        before.monthly_usd if before else Decimal(0),
        after.monthly_usd if after else Decimal(0),
        items,
    )


def _items(snapshot: Snapshot) -> dict[str, Decimal | None]:
    totals: dict[str, Decimal | None] = {}
    for resource in snapshot.resources:
        for item in resource.items:
            if item.item in totals and totals[item.item] is None:
                continue
            if item.monthly_usd is None:
                totals[item.item] = None
            else:
                totals[item.item] = (totals.get(item.item) or Decimal(0)) + item.monthly_usd
    return totals


def _changed(
    old: dict[str, Decimal | None], new: dict[str, Decimal | None]
) -> tuple[ItemChange, ...]:
    names = list(dict.fromkeys([*new, *old]))
    return tuple(
        ItemChange(name, old.get(name, Decimal(0)), new.get(name, Decimal(0)))
        for name in names
        if name not in old or name not in new or old[name] != new[name]
    )
