"""The price catalogue: sourced, dated AWS on-demand prices per service, item, region and tier.

Data lives in YAML files, one per service, under ``costcalc/data/prices/`` (plus
``costcalc/data/free_tier.yaml``); no price is written in code. A service file looks like::

    service: lambda                  # catalogue service id (a Line's ``service``)
    title: AWS Lambda
    servicecode: AWSLambda           # AWS Price List API service code
    source: https://aws.amazon.com/lambda/pricing/   # default source of every entry below
    items:
      - item: duration-x86           # stable item id (a Line's ``item``)
        description: Duration incl. billed INIT (x86_64)
        unit: GB-second              # the unit AWS bills; every price is per one unit
        usagetype: Lambda-GB-Second  # AWS usage type without its region prefix (USE1-, EU-...)
        regions:
          us-east-1:
            seen: "2025-08-01"       # date the price was read at ``source``
            # optional: source: <url>, published: <date the Price List API published it>
            tiers:                   # bounds in ``unit`` per month; ``to: null`` is open-ended
              - {from: "0", to: "6000000000", usd: "0.0000166667"}
              - {from: "6000000000", to: null, usd: "0.0000150000"}

Prices and bounds are strings so they stay exact ``Decimal``. A new service (analytics: Firehose,
S3, Athena) is a new file; a new region or item is a new entry: nothing in code changes.

Loading goes through :func:`load_catalogue` alone, which reads each service from every
directory of :func:`price_directories` that has a file for it: the user's cache of refreshed
prices (``costcalc prices refresh``, see :mod:`costcalc.pricing.cache`) first, then the bundled
data.
An entry (service, item, region) is taken from the file that saw it most recently, the cache on
a tie, so a refresh overrides the bundled prices it covers and leaves the others in place, and a
newer bundled catalogue is not masked by an older cache. Refreshed entries use this same schema
with ``source`` set to the AWS Price List API and ``published`` set.

A region or item without a sourced price raises :class:`MissingPriceError`: prices are never
guessed and never copied from another region. A price file that is not YAML, not UTF-8, or (in
the cache) holds a price seen after today is refused in one line naming the file: it is left as
it is, for the user to remove or refresh, and never lets a future-dated price win unlabelled.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import Any

from costcalc.errors import CatalogueError, MissingPriceError
from costcalc.pricing.age import today
from costcalc.pricing.cache import prices_dir

BUNDLED_DATA = Path(__file__).parent.parent / "data"


@dataclass(frozen=True)
class Tier:
    """One price band: ``usd`` per unit for the month's units in ``[start, end)``."""

    start: Decimal
    end: Decimal | None
    usd: Decimal


@dataclass(frozen=True)
class PriceEntry:
    """The price of one item in one region, with where and when it was seen."""

    service: str
    item: str
    region: str
    servicecode: str
    description: str
    unit: str
    usagetype: str
    tiers: tuple[Tier, ...]
    source: str
    seen: dt.date
    published: dt.date | None = None


@dataclass(frozen=True)
class FreeAllowance:
    """An always-free monthly allowance, shared by the items of its pool."""

    pool: str
    service: str
    items: tuple[str, ...]
    quantity: Decimal
    source: str


@dataclass(frozen=True)
class Catalogue:
    """Prices keyed by (service, item, region) and the always-free allowances."""

    entries: Mapping[tuple[str, str, str], PriceEntry]
    allowances: tuple[FreeAllowance, ...]

    @property
    def regions(self) -> frozenset[str]:
        return frozenset(region for _, _, region in self.entries)

    def price(self, service: str, item: str, region: str) -> PriceEntry:
        entry = self.entries.get((service, item, region))
        if entry is not None:
            return entry
        elsewhere = sorted(r for s, i, r in self.entries if (s, i) == (service, item))
        if not elsewhere:
            raise MissingPriceError(f"the catalogue has no item {service}/{item} in any region")
        raise MissingPriceError(
            f"no sourced price for {service}/{item} in {region} (the catalogue has it for "
            f"{', '.join(elsewhere)}); prices are never copied from another region"
        )

    def allowance_for(self, service: str, item: str) -> FreeAllowance | None:
        for allowance in self.allowances:
            if allowance.service == service and item in allowance.items:
                return allowance
        return None


def price_directories() -> list[Path]:
    """Where service price files are looked up, the refreshed cache first (see the docstring)."""
    return [prices_dir(), BUNDLED_DATA / "prices"]


def known_services() -> list[str]:
    """Every catalogue service id found in any price directory."""
    return sorted({path.stem for folder in price_directories() for path in folder.glob("*.yaml")})


def load_catalogue(services: Iterable[str] | None = None) -> Catalogue:
    """Load the given catalogue services (all when None) and the free-tier allowances."""
    wanted = tuple(sorted(set(services))) if services is not None else tuple(known_services())
    return _load(wanted)


@cache
def _load(services: tuple[str, ...]) -> Catalogue:
    entries: dict[tuple[str, str, str], PriceEntry] = {}
    cache = prices_dir()
    for service in services:
        for path in _service_files(service):
            for entry in parse_service(read_yaml(path), path):
                if path.parent == cache:
                    _check_not_future(entry, path)
                key = (entry.service, entry.item, entry.region)
                if key not in entries or entry.seen > entries[key].seen:
                    entries[key] = entry
    free_path = BUNDLED_DATA / "free_tier.yaml"
    return Catalogue(entries, _parse_allowances(read_yaml(free_path), free_path))


def _service_files(service: str) -> list[Path]:
    paths = [folder / f"{service}.yaml" for folder in price_directories()]
    if found := [path for path in paths if path.is_file()]:
        return found
    raise CatalogueError(
        f"the catalogue has no prices for service {service!r} "
        f"(it has: {', '.join(known_services())})"
    )


def _check_not_future(entry: PriceEntry, path: Path) -> None:
    """A refreshed price is dated the day it was fetched: a later date is a broken cache."""
    now = today()
    if entry.seen > now:
        raise CatalogueError(
            f"{path}: {entry.service}/{entry.item} in {entry.region} was seen "
            f"{entry.seen.isoformat()}, after today ({now.isoformat()}); a cached price cannot "
            f"come from the future: {_REMEDY}"
        )


#: What a user does about a broken cache file (the file is never changed for them).
_REMEDY = "remove it (`costcalc prices refresh` then writes a new one)"


def read_yaml(path: Path) -> Any:
    """A price file's YAML; one :class:`CatalogueError` line if it cannot be read as YAML."""
    import yaml  # noqa: PLC0415 - only commands that read prices pay for importing it

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        with path.open(encoding="utf-8") as stream:
            return yaml.load(stream, Loader=loader)
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as error:
        problem = getattr(error, "problem", None) or getattr(error, "reason", None) or error
        raise CatalogueError(f"{path}: not a readable price file ({problem}); {_REMEDY}") from None


def parse_service(doc: Any, path: Path) -> list[PriceEntry]:
    """The entries of one service document; raise :class:`CatalogueError` naming what is wrong."""
    where = str(path)
    service = _str(doc, "service", where)
    servicecode = _str(doc, "servicecode", where)
    default_source = _str(doc, "source", where)
    entries = []
    for raw_item in _list(doc, "items", where):
        item = _str(raw_item, "item", where)
        item_where = f"{where}: {item}"
        for region, raw in _map(raw_item, "regions", item_where).items():
            region_where = f"{item_where} in {region}"
            _mapping(raw, region_where)
            published = raw.get("published")
            entries.append(
                PriceEntry(
                    service=service,
                    item=item,
                    region=str(region),
                    servicecode=servicecode,
                    description=_str(raw_item, "description", item_where),
                    unit=_str(raw_item, "unit", item_where),
                    usagetype=_str(raw_item, "usagetype", item_where),
                    tiers=_parse_tiers(_list(raw, "tiers", region_where), region_where),
                    source=str(raw.get("source", default_source)),
                    seen=_date(raw.get("seen"), f"{region_where}: seen"),
                    published=None
                    if published is None
                    else _date(published, f"{region_where}: published"),
                )
            )
    return entries


def _parse_tiers(raw_tiers: list[Any], where: str) -> tuple[Tier, ...]:
    tiers = []
    expected_start = Decimal(0)
    for raw in raw_tiers:
        _mapping(raw, f"{where}: tier")
        start = _decimal(raw.get("from"), f"{where}: tier from")
        end = None if raw.get("to") is None else _decimal(raw.get("to"), f"{where}: tier to")
        usd = _decimal(raw.get("usd"), f"{where}: tier usd")
        if start != expected_start or (end is not None and end <= start) or usd < 0:
            raise CatalogueError(f"{where}: tiers must be contiguous from 0 with prices >= 0")
        tiers.append(Tier(start, end, usd))
        expected_start = end if end is not None else Decimal(-1)
    if not tiers or tiers[-1].end is not None:
        raise CatalogueError(f"{where}: the last tier must be open-ended (to: null)")
    return tuple(tiers)


def _parse_allowances(doc: Any, path: Path) -> tuple[FreeAllowance, ...]:
    where = str(path)
    source = _str(doc, "source", where)
    return tuple(
        FreeAllowance(
            pool=_str(raw, "pool", where),
            service=_str(raw, "service", where),
            items=tuple(str(item) for item in _list(raw, "items", where)),
            quantity=_decimal(raw.get("quantity"), f"{where}: quantity"),
            source=source,
        )
        for raw in _list(doc, "allowances", where)
    )


def _mapping(doc: Any, where: str) -> None:
    if not isinstance(doc, dict):
        raise CatalogueError(f"{where}: expected a mapping of keys, got {doc!r:.40}")


def _str(doc: Any, key: str, where: str) -> str:
    if not isinstance(doc, dict) or not isinstance(doc.get(key), str):
        raise CatalogueError(f"{where}: {key!r} must be a string")
    return str(doc[key])


def _list(doc: Any, key: str, where: str) -> list[Any]:
    if not isinstance(doc, dict) or not isinstance(doc.get(key), list):
        raise CatalogueError(f"{where}: {key!r} must be a list")
    return list(doc[key])


def _map(doc: Any, key: str, where: str) -> dict[Any, Any]:
    if not isinstance(doc, dict) or not isinstance(doc.get(key), dict):
        raise CatalogueError(f"{where}: {key!r} must be a mapping")
    return dict(doc[key])


def _decimal(value: Any, where: str) -> Decimal:
    if not isinstance(value, str):
        raise CatalogueError(f"{where}: must be a quoted decimal string, got {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise CatalogueError(f"{where}: {value!r} is not a decimal number") from None
    if not number.is_finite():
        raise CatalogueError(f"{where}: {value!r} is not a finite number")
    return number


def _date(value: Any, where: str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        raise CatalogueError(f"{where}: {value!r} is not an ISO date (YYYY-MM-DD)") from None
