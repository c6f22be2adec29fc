"""The prices of a region as text: a table for people, JSON and CSV for scripts.

What ``costcalc prices show`` prints: every price with its unit, tier bounds, source (bundled
catalogue or the AWS Price List API), publication date and the date it was seen, and a warning
when the oldest was seen more than :data:`~costcalc.pricing.age.STALE_AFTER_DAYS` days ago.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Sequence

from costcalc.pricing.age import PRICE_LIST_API, STALE_AFTER_DAYS, age_warning, today
from costcalc.pricing.cache import prices_dir
from costcalc.pricing.catalogue import BUNDLED_DATA, PriceEntry
from costcalc.tables import table
from orderflow_definitions.cli import SCHEMA_VERSION

FORMATS = ("table", "json", "csv")
_HEADERS = ("service", "item", "unit", "tier", "USD per unit", "source", "published", "seen")


def render_prices(region: str, entries: Sequence[PriceEntry], fmt: str) -> str:
    renderers: dict[str, Callable[[str, Sequence[PriceEntry]], str]] = {
        "table": _table,
        "json": _json,
        "csv": _csv,
    }
    return renderers[fmt](region, entries)


def _rows(entries: Sequence[PriceEntry]) -> list[tuple[str, ...]]:
    rows: list[tuple[str, ...]] = []
    for entry in entries:
        source = "Price List API" if entry.source == PRICE_LIST_API else "bundled"
        published = entry.published.isoformat() if entry.published else "-"
        for tier in entry.tiers:
            bounds = (
                f"over {tier.start:,}" if tier.end is None else f"{tier.start:,} to {tier.end:,}"
            )
            rows.append(
                (
                    entry.service,
                    entry.item,
                    entry.unit,
                    "" if len(entry.tiers) == 1 else bounds,
                    format(tier.usd, "f"),
                    source,
                    published,
                    entry.seen.isoformat(),
                )
            )
    return rows


def stale_warnings(entries: Sequence[PriceEntry]) -> list[str]:
    if not entries:
        return []
    warning = age_warning(min(entry.seen for entry in entries), today())
    return [warning] if warning else []


def _table(region: str, entries: Sequence[PriceEntry]) -> str:
    cache = prices_dir()
    footer = [
        f"Bundled catalogue: {BUNDLED_DATA / 'prices'}",
        f"Refreshed prices (preferred when newer): {cache}"
        + ("" if cache.is_dir() else " (none yet: costcalc prices refresh)"),
        *(f"Warning: {warning}" for warning in stale_warnings(entries)),
    ]
    lines = [f"Prices used in {region}", "", *table([_HEADERS, *_rows(entries)], rules=(1,))]
    lines += ["", *footer]
    return "\n".join(lines) + "\n"


def _json(region: str, entries: Sequence[PriceEntry]) -> str:
    on = today()
    document = {
        "schema_version": SCHEMA_VERSION,
        "region": region,
        "prices": [
            {
                "service": entry.service,
                "item": entry.item,
                "description": entry.description,
                "unit": entry.unit,
                "usagetype": entry.usagetype,
                "tiers": [
                    {
                        "from": format(tier.start, "f"),
                        "to": None if tier.end is None else format(tier.end, "f"),
                        "usd": format(tier.usd, "f"),
                    }
                    for tier in entry.tiers
                ],
                "source": entry.source,
                "published": entry.published.isoformat() if entry.published else None,
                "seen": entry.seen.isoformat(),
                "age_days": (on - entry.seen).days,
                "stale": (on - entry.seen).days > STALE_AFTER_DAYS,
            }
            for entry in entries
        ],
        "cache": str(prices_dir()),
        "warnings": stale_warnings(entries),
    }
    return json.dumps(document, indent=2) + "\n"


def _csv(region: str, entries: Sequence[PriceEntry]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["region", "service", "item", "unit", "from", "to", "usd", "source", "published", "seen"]
    )
    for entry in entries:
        for tier in entry.tiers:
            writer.writerow(
                [
                    region,
                    entry.service,
                    entry.item,
                    entry.unit,
                    format(tier.start, "f"),
                    "" if tier.end is None else format(tier.end, "f"),
                    format(tier.usd, "f"),
                    entry.source,
                    entry.published.isoformat() if entry.published else "",
                    entry.seen.isoformat(),
                ]
            )
    return out.getvalue()
