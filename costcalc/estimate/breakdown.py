"""Every workflow a source holds, followed and priced per resource: the general estimate.

Quantities of all workflows are priced together (volume tiers see the month's total), and each
priced line's money is shared among the charges that make it up, by quantity, so per-resource,
per-workflow and total figures add up exactly. An item the catalogue has no sourced price for
(Kinesis, Pipes, API destinations, or any item in a region the catalogue has no figure for) is
listed with its quantity, no money and what is missing; totals say they leave it out.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, localcontext
from pathlib import Path

from costcalc.errors import MissingPriceError, UsageError
from costcalc.estimate.declared_usage import usage_path
from costcalc.estimate.follow import UNPRICED_ITEMS, Charge, Followed, follow
from costcalc.estimate.template import Template
from costcalc.estimate.topology import topology
from costcalc.estimate.usage import Source, definitions_for
from costcalc.estimate.usage_file import UsageFile, read_usage_file
from costcalc.pricing.bill import PRECISION, Usage, price_usage
from costcalc.pricing.catalogue import Catalogue, load_catalogue


@dataclass(frozen=True)
class Priced:
    charge: Charge
    monthly_usd: Decimal | None  # None: no sourced price
    unit: str
    missing: str = ""  # with no price: which price is missing, and what else the item bills


@dataclass(frozen=True)
class TemplateEstimate:
    template: Path
    followed: Followed
    priced: tuple[Priced, ...]


@dataclass(frozen=True)
class Breakdown:
    volume: Decimal
    region: str
    estimates: tuple[TemplateEstimate, ...]
    prices_as_of: str
    sources: tuple[str, ...] = field(default_factory=tuple)

    @property
    def not_priced(self) -> tuple[Priced, ...]:
        """The billed items left out of every total: no sourced price."""
        return tuple(p for e in self.estimates for p in e.priced if p.monthly_usd is None)

    @property
    def monthly_usd(self) -> Decimal:
        return sum(
            (p.monthly_usd or Decimal(0) for e in self.estimates for p in e.priced), Decimal(0)
        )


def estimate_source(
    source: Path,
    volume: Decimal,
    usage: UsageFile | None = None,
    *,
    parameters: Mapping[str, str] | None = None,
    samconfig: Path | bool | None = True,
    stack: str | None = None,
    region: str = "us-east-1",
    free_tier: bool = False,
) -> Breakdown:
    """Follow and price every definition ``source`` holds, with ``usage`` (None: each with
    the usage file it names for itself, costcalc.estimate.declared_usage, or none)."""
    followed = []
    known: set[str] = set()
    for found in definitions_for(source, parameters, stack):
        template = found.read(parameters, samconfig, stack)
        wiring = topology(template)
        known.update(wiring.types)
        own = usage if usage is not None else declared_usage_file(found, template)
        if usage is None:
            _check_usage_names(own, set(wiring.types))
        followed.append((found.path, follow(wiring, own, volume)))
    if usage is not None:
        _check_usage_names(usage, known)
    return price(followed, volume, region, free_tier)


def declared_usage_file(found: Source, template: Template) -> UsageFile:
    """The usage file ``template`` names for itself, read (an empty one when it names none)."""
    path = _declared_path(found, template)
    return UsageFile() if path is None else read_usage_file(path)


def declared_usage(
    source: Path,
    parameters: Mapping[str, str] | None = None,
    samconfig: Path | bool | None = True,
    stack: str | None = None,
) -> list[Path | None]:
    """The usage file each definition ``source`` holds names for itself (None: it names none;
    the kit's stacks name the kit's)."""
    return [
        _declared_path(found, found.read(parameters, samconfig, stack))
        for found in definitions_for(source, parameters, stack)
    ]


def _declared_path(found: Source, template: Template) -> Path | None:
    if template.usage is None:
        return None
    return usage_path(template.usage, found.path if found.pulumi else found.path.parent)


def price(
    followed: list[tuple[Path, Followed]], volume: Decimal, region: str, free_tier: bool
) -> Breakdown:
    catalogue = load_catalogue()
    usage = Usage()
    for _, result in followed:
        for charge in result.charges:
            if _has_price(catalogue, charge, region):
                usage.add(charge.service, charge.item, charge.monthly)
    shares: dict[tuple[str, str], tuple[Decimal, Decimal, str]] = {}
    as_of = ""
    sources: tuple[str, ...] = ()
    if usage.quantities:
        bill = price_usage(usage, region, free_tier=free_tier, catalogue=catalogue)
        as_of, sources = bill.prices_as_of.isoformat(), bill.sources
        for line in bill.lines:
            total, money, unit = shares.get((line.service, line.item), (Decimal(0), Decimal(0), ""))
            shares[(line.service, line.item)] = (
                total + line.quantity,
                money + line.monthly_usd,
                line.unit,
            )
    estimates = []
    with localcontext() as context:
        context.prec = PRECISION
        for path, result in followed:
            priced = []
            for charge in result.charges:
                quantity, money, unit = shares.get(
                    (charge.service, charge.item), (Decimal(0), Decimal(0), "")
                )
                if quantity == 0:
                    priced.append(_unpriced(charge, region))
                    continue
                priced.append(Priced(charge, money * charge.monthly / quantity, unit))
            estimates.append(TemplateEstimate(path, result, tuple(priced)))
    return Breakdown(volume, region, tuple(estimates), as_of, sources)


def _has_price(catalogue: Catalogue, charge: Charge, region: str) -> bool:
    try:
        catalogue.price(charge.service, charge.item, region)
    except MissingPriceError:
        return False
    return True


def _unpriced(charge: Charge, region: str) -> Priced:
    unit, missing = UNPRICED_ITEMS.get(
        (charge.service, charge.item),
        (
            "unit",
            f"no sourced price for {charge.service}/{charge.item} in {region} in the catalogue",
        ),
    )
    return Priced(charge, None, unit, missing)


def _check_usage_names(usage: UsageFile, known: set[str]) -> None:
    """A usage file naming a resource no definition has is a typo: say so, price nothing."""
    unknown = sorted(set(usage.resources) - known)
    if unknown:
        raise UsageError(
            f"{usage.path}: resource_usage.{unknown[0]}: no resource of that logical id in the "
            "definitions read"
        )
