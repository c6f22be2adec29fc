"""``costcalc prices refresh``: fetch every service's prices, then write them all or nothing.

The bundled service files define what is fetched (items, usage types, units). For each service
:func:`refresh` fetches every item in every region (:mod:`costcalc.pricing.price_list`), merges the
answers into the target folder's existing file (the user's cache, or with ``--write-bundled``
the bundled catalogue itself) and renders the YAML text. Every text is rendered and re-read
through the catalogue's own parser before :func:`write` touches the first file, so an error,
a refusal or an interruption anywhere leaves every file as it was.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from costcalc.errors import CatalogueError
from costcalc.pricing.age import PRICE_LIST_API
from costcalc.pricing.catalogue import BUNDLED_DATA, load_catalogue, parse_service, read_yaml
from costcalc.pricing.price_list import FetchedPrice, ItemDefinition, fetch_service
from costcalc.safe_output import write_files

if TYPE_CHECKING:
    from mypy_boto3_pricing import PricingClient

BUNDLED_PRICES = BUNDLED_DATA / "prices"
#: The comment a new cache file starts with; an existing file keeps its own leading comments
#: (the bundled files' notes survive ``--write-bundled``).
_CACHE_HEADER = (
    "# Written by `costcalc prices refresh` from the AWS Price List API; it is rewritten whole\n"
    "# on every refresh. Delete this file to price with the bundled catalogue again.\n"
)


def bundled_services() -> list[str]:
    return sorted(path.stem for path in BUNDLED_PRICES.glob("*.yaml"))


def bundled_regions() -> list[str]:
    """The regions the bundled catalogue prices (the default regions of a refresh)."""
    return sorted({r for doc in map(_bundled, bundled_services()) for r in _regions(doc)})


def refresh(
    client: PricingClient,
    services: Sequence[str],
    regions: Sequence[str],
    target: Path,
    *,
    today: dt.date,
    progress: Callable[[str], object],
) -> dict[str, str]:
    """The new text of each service file in ``target``; nothing is written here."""
    allowances = load_catalogue([]).allowances
    texts = {}
    for position, service in enumerate(services, start=1):
        bundled = _bundled(service)
        items = _definitions(bundled)
        progress(
            f"[{position}/{len(services)}] {service}: {len(items)} items in {', '.join(regions)}"
        )
        fetched = fetch_service(client, items, regions, allowances)
        existing = target / f"{service}.yaml"
        base = read_yaml(existing) if existing.is_file() else None
        document = merged_document(bundled, base, fetched, today)
        header = _leading_comments(existing) or _CACHE_HEADER
        texts[f"{service}.yaml"] = _render(document, header, existing.name)
        newest = max(price.published for price in fetched)
        progress(
            f"[{position}/{len(services)}] {service}: {len(fetched)} prices, published {newest}"
        )
    return texts


def write(target: Path, texts: Mapping[str, str]) -> list[Path]:
    """Write every refreshed file atomically (see :mod:`costcalc.safe_output`)."""
    return write_files(target, texts)


def merged_document(
    bundled: Mapping[str, Any],
    base: Mapping[str, Any] | None,
    fetched: Sequence[FetchedPrice],
    today: dt.date,
) -> dict[str, Any]:
    """The bundled service's definitions with ``base``'s region entries, updated by ``fetched``.

    A ``base`` entry survives only if its item still has the bundled unit and usage type, so a
    cache written before a catalogue change cannot price an item under the wrong rule.
    """
    base_items = {raw["item"]: raw for raw in (base or {}).get("items", [])}
    new = {(price.item.item, price.region): price for price in fetched}
    items = []
    for raw in bundled["items"]:
        old = base_items.get(raw["item"], {})
        same_rule = all(old.get(key) == raw[key] for key in ("unit", "usagetype"))
        regions = dict(old.get("regions", {})) if same_rule else {}
        for (item, region), price in new.items():
            if item == raw["item"]:
                regions[region] = _entry(price, today)
        if regions:
            definition = {key: raw[key] for key in ("item", "description", "unit", "usagetype")}
            items.append({**definition, "regions": dict(sorted(regions.items()))})
    header = {key: bundled[key] for key in ("service", "title", "servicecode", "source")}
    return {**header, "items": items}


def _entry(price: FetchedPrice, today: dt.date) -> dict[str, Any]:
    return {
        "source": PRICE_LIST_API,
        "seen": today.isoformat(),
        "published": price.published.isoformat(),
        "tiers": [
            {
                "from": _text(t.start),
                "to": None if t.end is None else _text(t.end),
                "usd": _text(t.usd),
            }
            for t in price.tiers
        ],
    }


def _text(value: Decimal) -> str:
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _render(document: Mapping[str, Any], header: str, name: str) -> str:
    import yaml  # noqa: PLC0415 - only a refresh writes YAML

    text = header + yaml.safe_dump(
        dict(document), sort_keys=False, default_flow_style=None, width=100, allow_unicode=True
    )
    parse_service(yaml.safe_load(text), Path(name))  # what is written must load
    return text


def _bundled(service: str) -> Any:
    path = BUNDLED_PRICES / f"{service}.yaml"
    if not path.is_file():
        raise CatalogueError(
            f"unknown service {service!r}; the catalogue has: {', '.join(bundled_services())}"
        )
    return read_yaml(path)


def _definitions(document: Any) -> list[ItemDefinition]:
    return [
        ItemDefinition(
            service=document["service"],
            item=raw["item"],
            servicecode=document["servicecode"],
            usagetype=raw["usagetype"],
        )
        for raw in document["items"]
    ]


def _regions(document: Any) -> set[str]:
    return {region for raw in document["items"] for region in raw["regions"]}


def _leading_comments(path: Path) -> str:
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True) if path.is_file() else []
    comments = []
    for line in lines:
        if not line.startswith("#"):
            break
        comments.append(line)
    return "".join(comments)
