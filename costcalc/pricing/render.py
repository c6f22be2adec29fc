"""Bills as text: a table for people, JSON and CSV for scripts, Markdown for documents.

Only the human formats round (money to the cent, half up). Every renderer rounds through
:func:`rounded`, which never gives a negative zero (``-0.001`` is ``0.00``, not ``-0.00``).
JSON and CSV carry exact decimals:
unit prices with all their digits, quantities and money to :data:`EXACT_PLACES` decimal places,
written as number literals, never through a binary float.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from decimal import ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal
from typing import Any

from costcalc.pricing.age import age_warning, origin
from costcalc.pricing.bill import Bill, Line
from costcalc.tables import table
from orderflow_definitions.cli import SCHEMA_VERSION

FORMATS = ("table", "json", "csv", "markdown")
#: Decimal places kept for computed amounts in machine formats (exact for every tier price).
EXACT_PLACES = Decimal("1e-10")
_CENT = Decimal("0.01")
#: A bill line's columns (shared with ``costcalc compare``), and those right-aligned as text
#: and in Markdown.
LINE_HEADERS = ("service", "item", "tier", "quantity", "unit", "unit price", "monthly USD")
LINE_NUMERIC = {3, 6}
LINE_NUMERIC_MD = {3, 5, 6}


def render(bill: Bill, fmt: str, title: str) -> str:
    renderers: dict[str, Callable[[Bill, str], str]] = {
        "table": _table,
        "json": _json,
        "csv": _csv,
        "markdown": _markdown,
    }
    return renderers[fmt](bill, title)


def rounded(value: Decimal, places: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """``value`` to ``places`` (``Decimal("0.01")``), never a negative zero."""
    result = value.quantize(places, rounding=rounding)
    return result if result else abs(result)


def exact(value: Decimal) -> str:
    """A computed amount as an exact decimal literal (no exponent, no float)."""
    text = format(rounded(value, EXACT_PLACES, ROUND_HALF_EVEN), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def cents(value: Decimal) -> str:
    return f"{rounded(value, _CENT):,}"


def unit_price(line: Line) -> str:
    """A unit price people can read: scaled to per 1K or per 1M units when tiny."""
    price = line.unit_price_usd
    if price == 0:
        return "free"
    for scale, label in ((Decimal(1), ""), (Decimal(1000), "1K "), (Decimal(10) ** 6, "1M ")):
        scaled = price * scale
        if scaled >= _CENT or label == "1M ":
            unit = f"{line.unit}s" if label and not line.unit.endswith("s") else line.unit
            return f"{_at_least_cents(scaled)} per {label}{unit}"
    raise AssertionError("unreachable: the last scale always returns")


def _at_least_cents(value: Decimal) -> str:
    text = _trim(value)
    decimals = len(text.partition(".")[2])
    return text if decimals >= 2 else format(rounded(value, _CENT, ROUND_HALF_EVEN), "f")


def quantity(value: Decimal) -> str:
    if value == value.to_integral_value():
        return f"{rounded(value, Decimal(1)):,.0f}"
    return _trim(rounded(value, Decimal("0.000001")), grouped=True)


def _trim(value: Decimal, *, grouped: bool = False) -> str:
    text = f"{value:,f}" if grouped else format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _footer(bill: Bill) -> list[str]:
    lines = [
        f"Prices as of {bill.prices_as_of.isoformat()} ({origin(bill.sources)}), "
        f"from {', '.join(bill.sources)}",
    ]
    if warning := age_warning(bill.prices_as_of):
        lines.append(f"Warning: {warning}")
    if bill.free_tier:
        applied = "; ".join(
            f"{use.pool}: {quantity(use.quantity)} of {quantity(use.allowance)} {use.unit}"
            for use in bill.free_tier_applied
        )
        lines.append(f"Free tier applied (always-free allowances): {applied or 'none applies'}")
    else:
        lines.append("Free tier not applied (marginal cost; --free-tier applies always-free units)")
    lines.extend(f"Note: {note}" for note in bill.notes)
    return lines


def line_cells(line: Line) -> tuple[str, ...]:
    """A line as the table's cells (shared with ``costcalc compare``), in ``LINE_HEADERS`` order."""
    return (
        line.service,
        line.item,
        line.tier,
        quantity(line.quantity),
        line.unit,
        unit_price(line),
        cents(line.monthly_usd),
    )


def _rows(bill: Bill) -> list[tuple[str, ...]]:
    return [line_cells(line) for line in bill.lines]


def _table(bill: Bill, title: str) -> str:
    rows = [LINE_HEADERS, *_rows(bill), ("total", "", "", "", "", "", cents(bill.monthly_usd))]
    header = f"{title} in {bill.region}, monthly (USD)"
    lines = table(rows, numeric=LINE_NUMERIC, rules=(1, len(rows) - 1))
    return "\n".join([header, "", *lines, "", *_footer(bill)]) + "\n"


def _markdown(bill: Bill, title: str) -> str:
    total = ("**total**", "", "", "", "", "", f"**{cents(bill.monthly_usd)}**")
    rows = table([LINE_HEADERS, *_rows(bill), total], numeric=LINE_NUMERIC_MD, markdown=True)
    footer = [f"{line}  " for line in _footer(bill)]
    return (
        "\n".join([f"**{title} in {bill.region}, monthly (USD)**", "", *rows, "", *footer]) + "\n"
    )


def csv_cells(line: Line) -> list[str]:
    """A line as CSV cells with exact decimals (shared with ``costcalc compare``)."""
    return [
        line.service,
        line.item,
        line.tier,
        exact(line.quantity),
        line.unit,
        format(line.unit_price_usd, "f"),
        exact(line.monthly_usd),
    ]


def _csv(bill: Bill, title: str) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["service", "item", "tier", "quantity", "unit", "unit_price_usd", "monthly_usd"]
    )
    writer.writerows(csv_cells(line) for line in bill.lines)
    writer.writerow(["total", "", "", "", "", "", exact(bill.monthly_usd)])
    return out.getvalue()


def _json(bill: Bill, title: str) -> str:
    document = {
        "schema_version": SCHEMA_VERSION,
        "region": bill.region,
        "free_tier": bill.free_tier,
        "prices_as_of": bill.prices_as_of.isoformat(),
        "prices_source": origin(bill.sources),
        "monthly_usd": _Number(exact(bill.monthly_usd)),
        "lines": [line_document(line) for line in bill.lines],
        "free_tier_applied": [
            {
                "pool": use.pool,
                "quantity": _Number(exact(use.quantity)),
                "allowance": _Number(exact(use.allowance)),
                "unit": use.unit,
            }
            for use in bill.free_tier_applied
        ],
        "sources": list(bill.sources),
        "notes": list(bill.notes),
        "warnings": [warning] if (warning := age_warning(bill.prices_as_of)) else [],
    }
    return _dump(document) + "\n"


def line_document(line: Line) -> dict[str, object]:
    """A line as a JSON object with exact decimals (shared with ``costcalc compare``)."""
    return {
        "service": line.service,
        "item": line.item,
        "quantity": _Number(exact(line.quantity)),
        "unit": line.unit,
        "unit_price_usd": _Number(format(line.unit_price_usd, "f")),
        "monthly_usd": _Number(exact(line.monthly_usd)),
        "tier": line.tier,
        "description": line.description,
    }


class _Number(str):
    """A decimal literal to be written into JSON as a number, digits untouched."""


def _dump(value: object, indent: str = "") -> str:
    inner = indent + "  "
    if isinstance(value, _Number):
        return str(value)
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = (f"{inner}{json.dumps(key)}: {_dump(item, inner)}" for key, item in value.items())
        return "{\n" + ",\n".join(items) + f"\n{indent}}}"
    if isinstance(value, list):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(inner + _dump(item, inner) for item in value) + f"\n{indent}]"
    return json.dumps(value)


def versioned(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with ``schema_version`` first, as every ``--format json`` of costcalc has it:
    the version of the JSON Schemas in ``costcalc/schemas/`` it validates against."""
    return {"schema_version": SCHEMA_VERSION, **document}


#: Exact JSON for other renderers (``costcalc compare``): a decimal literal kept as a number,
#: and the writer that keeps it so.
JsonNumber = _Number
dump_json = _dump
