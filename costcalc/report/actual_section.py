"""The report's "forecast against what ran" section, from ``costcalc actual --format json``.

The report does not read AWS: it takes the file ``actual`` wrote, checks it is one (every key
the section shows, numbers where numbers belong) before anything is priced or written, and
words it in the report's own blocks, so HTML and Markdown show the same section. Money is per
1,000 units of work, as ``actual`` shows it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from costcalc.errors import UsageError
from costcalc.report.content import Bullets, Cell, Section, Table, Text
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import SMALL_FILE_BYTES, read_text

ANCHOR = "actual"
PER = Decimal(1000)
#: The keys the section reads, each a list of rows with these keys.
_LISTS = {
    "usage_per_unit": ("figure", "forecast", "measured", "drift_pct", "forecast_from"),
    "per_invocation": ("figure", "forecast", "measured", "drift_pct", "forecast_from"),
    "path_mix": ("figure", "forecast", "measured", "drift_pct", "forecast_from"),
    "cost_per_unit": ("service", "forecast_usd", "billed_usd", "drift_pct"),
    "cost_per_resource": ("resource", "forecast_usd", "billed_usd", "drift_pct", "not_estimated"),
}
_TEXTS = ("title", "window", "unit")
_NUMBERS = {"forecast", "measured", "drift_pct", "forecast_usd", "billed_usd", "not_estimated"}


def read_actual(path: Path) -> dict[str, Any]:
    """The comparison ``path`` holds; one line naming the file and what is wrong otherwise."""
    try:
        text = read_text(path, "comparison file", SMALL_FILE_BYTES)
        document = json.loads(text, parse_float=Decimal)
    except DefinitionError as error:
        raise UsageError(f"--actual {error}") from None
    except json.JSONDecodeError as error:
        raise UsageError(
            f"--actual {path}: not JSON ({error}); expected `costcalc actual --format json` output"
        ) from None
    except (RecursionError, ValueError):  # nesting past the parser's depth, digits past int's
        raise UsageError(
            f"--actual {path}: not JSON `costcalc actual` writes (nested too deep or a number "
            "too long); expected `costcalc actual --format json` output"
        ) from None
    if not isinstance(document, dict):
        raise UsageError(f"--actual {path}: expected a JSON object from `costcalc actual`")
    for key in _TEXTS:
        if not isinstance(document.get(key), str):
            raise UsageError(f"--actual {path}: {key}: expected text (`costcalc actual` output)")
    _number(path, "units", document.get("units"))
    for key, fields in _LISTS.items():
        _check_rows(path, key, document.get(key, []), fields)
    for key in ("largest_gaps", "notes"):
        items = document.get(key, [])
        if not isinstance(items, list) or not all(isinstance(item, str) for item in items):
            raise UsageError(f"--actual {path}: {key}: expected a list of text")
    return document


def actual_section(document: Mapping[str, Any]) -> Section:
    """The section: the window and unit, the largest gaps, then the figures and the money."""
    design = document.get("design")
    against = (
        f"`costcalc estimate` of the {design} definition at the measured volume"
        if design
        else "no forecast (`costcalc actual` ran without --definition)"
    )
    blocks: list[Text | Bullets | Table] = [
        Text(
            f"{document['title']}, {document['window']}: {shown_number(document['units'])} "
            f"{document['unit']} (the unit of work), against {against}.",
            lead=True,
        ),
        Text("The assumptions furthest from what ran:"),
        Bullets(tuple(document.get("largest_gaps") or ["none: every assumption matches"])),
    ]
    for key, caption, first in (
        ("usage_per_unit", "Usage per unit of work", "figure"),
        ("per_invocation", "Per invocation", "figure"),
        ("path_mix", "Path mix (from the answer routes)", "path"),
    ):
        blocks += _table(document.get(key, []), caption, [(first, "figure", _text), *_FIGURES])
    blocks += _table(
        document.get("cost_per_unit", []),
        "Cost per 1,000 units of work",
        [("service", "service", _text), *_MONEY],
    )
    blocks += _table(
        document.get("cost_per_resource", []),
        "Cost per resource per 1,000 units of work (billed: by the resource tag; forecast: "
        "`costcalc estimate`'s per-resource breakdown)",
        [
            ("resource", "resource", _text),
            *_MONEY,
            ("not estimated", "not_estimated", _not_estimated),
        ],
    )
    if document.get("notes"):
        blocks.append(Bullets(tuple(document["notes"])))
    return Section(ANCHOR, "Forecast against what ran", tuple(blocks))


def shown_number(value: Decimal | int | None) -> str:
    """A figure as `costcalc actual` shows it: up to three decimals, "-" for unknown."""
    if value is None:
        return "-"
    number = Decimal(value)
    return f"{number:,.3f}".rstrip("0").rstrip(".") if number % 1 else f"{number:,.0f}"


def shown_usd(value: Decimal | None) -> str:
    """USD per unit of work shown per 1,000 units (a unit's cost is a fraction of a cent)."""
    return "-" if value is None else f"{value * PER:,.4f}"


def shown_pct(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:+.1f}%"


def _text(value: Any) -> str:
    return str(value)


def _not_estimated(value: Any) -> str:
    return str(value or "-")


#: (header, row key, how it is shown) per column of each kind of table.
Column = tuple[str, str, Callable[[Any], str]]
_FIGURES: tuple[Column, ...] = (
    ("forecast", "forecast", shown_number),
    ("measured", "measured", shown_number),
    ("drift", "drift_pct", shown_pct),
    ("forecast from", "forecast_from", _text),
)
_MONEY: tuple[Column, ...] = (
    ("forecast USD/1k", "forecast_usd", shown_usd),
    ("billed USD/1k", "billed_usd", shown_usd),
    ("drift", "drift_pct", shown_pct),
)


def _table(
    rows: Sequence[Mapping[str, Any]], caption: str, columns: Sequence[Column]
) -> list[Table]:
    """A table of ``rows`` (none: no table), its columns shown as ``columns`` say (numbers
    right-aligned, text not)."""
    if not rows:
        return []
    return [
        Table(
            caption,
            tuple(header for header, _, _ in columns),
            tuple(tuple(Cell(show(row[key])) for _, key, show in columns) for row in rows),
            frozenset(i for i, (_, _, show) in enumerate(columns) if show is not _text),
        )
    ]


def _check_rows(path: Path, key: str, rows: Any, fields: Sequence[str]) -> None:
    if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
        raise UsageError(f"--actual {path}: {key}: expected a list of rows")
    for index, row in enumerate(rows):
        for name in fields:
            if name in _NUMBERS and row.get(name) is not None:
                _number(path, f"{key}[{index}].{name}", row[name])
            elif name not in _NUMBERS and not isinstance(row.get(name), str):
                raise UsageError(f"--actual {path}: {key}[{index}].{name}: expected text")


def _number(path: Path, where: str, value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise UsageError(f"--actual {path}: {where}: expected a number, got {value!r}")
    return Decimal(value)
