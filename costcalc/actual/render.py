"""The comparison as a table for people, Markdown for documents, JSON (exact decimals) for
scripts. Human formats round; JSON carries every digit as a number literal."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from costcalc.actual.drift import CostRow, Drift, Row
from costcalc.pricing.render import JsonNumber, dump_json, exact, versioned
from costcalc.report.actual_section import shown_number, shown_pct, shown_usd
from costcalc.tables import table

FORMATS = ("table", "json", "markdown")


def render(found: Drift, title: str, window: str, fmt: str) -> str:
    if fmt == "json":
        return dump_json(versioned(_document(found, title, window))) + "\n"
    markdown = fmt == "markdown"
    measured = found.measured
    against = (
        f"forecast: `costcalc estimate` of the {found.forecast.design} definition at that volume, "
        f"its fixed monthly items for {found.forecast.months:.3f} of a 730-hour month"
        if found.forecast
        else "no --definition: the measured side alone"
    )
    out = [
        f"# {title}" if markdown else title,
        "",
        f"{window}: {shown_number(measured.units)} {measured.unit} (the unit of work); {against}",
        "",
    ]
    out += _section("Usage per unit of work", ["figure"], found.usage, markdown)
    out += _section("Per invocation", ["figure"], found.per_invocation, markdown)
    if found.rates:
        out += _section("Path mix (from the answer routes)", ["path"], found.rates, markdown)
    else:
        out += ["Path mix: not measured (no per-route API counts in the window)", ""]
    out += _costs(found, markdown)
    out.append("## Largest gaps" if markdown else "Largest gaps")
    out += [f"- {gap}" for gap in found.gaps] or ["- none: every assumption matches what ran"]
    notes = list(measured.notes)
    if notes:
        out += ["", "## Notes" if markdown else "Notes", *(f"- {note}" for note in notes)]
    return "\n".join(out).rstrip() + "\n"


def _section(heading: str, first: list[str], rows: Sequence[Row], markdown: bool) -> list[str]:
    if not rows:
        return []
    header = [*first, "forecast", "measured", "drift", "forecast from"]
    cells = [header] + [
        [
            row.key,
            shown_number(row.forecast),
            shown_number(row.measured),
            shown_pct(row.drift_pct),
            row.source,
        ]
        for row in rows
    ]
    lines = table(cells, numeric={1, 2, 3}, markdown=markdown, rules={1})
    return [f"## {heading}" if markdown else heading, *([""] if markdown else []), *lines, ""]


def _costs(found: Drift, markdown: bool) -> list[str]:
    billed = any(row.billed_usd is not None for row in found.costs)
    tail = [] if billed else ["Billed: Cost Explorer returned nothing for the tag in the window"]
    out = _money("Cost per 1,000 units of work", "service", found.costs, markdown, tail)
    if found.resources:
        out += _money(
            "Cost per resource per 1,000 units of work (billed: grouped by the resource tag; "
            "forecast: `costcalc estimate`'s per-resource breakdown)",
            "resource",
            found.resources,
            markdown,
            ["not estimated: the resource's figures the estimate lists as unknown (its forecast "
             "leaves their money out; a usage file fills them)"],
        )  # fmt: skip
    return out


def _money(
    heading: str, first: str, rows: Sequence[CostRow], markdown: bool, tail: list[str]
) -> list[str]:
    per_resource = first == "resource"
    header = [first, "forecast USD/1k", "billed USD/1k", "drift"]
    cells = [header + ["not estimated"] * per_resource] + [
        [row.name, shown_usd(row.forecast_usd), shown_usd(row.billed_usd), shown_pct(row.drift_pct)]
        + [str(row.unestimated or "-")] * per_resource
        for row in rows
    ]
    lines = table(cells, numeric={1, 2, 3, 4}, markdown=markdown, rules={1})
    return [f"## {heading}" if markdown else heading, *([""] if markdown else []), *lines,
            *tail, ""]  # fmt: skip


def _document(found: Drift, title: str, window: str) -> dict[str, Any]:
    measured = found.measured

    def row(item: Row) -> dict[str, Any]:
        return {
            "figure": item.key,
            "forecast": _exact(item.forecast),
            "measured": _exact(item.measured),
            "drift_pct": _exact(item.drift_pct),
            "forecast_from": item.source,
        }

    return {
        "title": title,
        "window": window,
        "unit": measured.unit,
        "units": _exact(measured.units),
        "design": found.forecast.design if found.forecast else None,
        "months": _exact(found.forecast.months) if found.forecast else None,
        "usage_per_unit": [row(item) for item in found.usage],
        "per_invocation": [row(item) for item in found.per_invocation],
        "path_mix": [row(item) for item in found.rates],
        "cost_per_unit": [
            {
                "service": cost.name,
                "forecast_usd": _exact(cost.forecast_usd),
                "billed_usd": _exact(cost.billed_usd),
                "drift_pct": _exact(cost.drift_pct),
            }
            for cost in found.costs
        ],
        "cost_per_resource": [
            {
                "resource": cost.name,
                "forecast_usd": _exact(cost.forecast_usd),
                "billed_usd": _exact(cost.billed_usd),
                "drift_pct": _exact(cost.drift_pct),
                "not_estimated": cost.unestimated,
            }
            for cost in found.resources
        ],
        "billed": [
            {
                "service": item.service,
                "usage_type": item.usage_type,
                "quantity": _exact(item.quantity),
                "unit": item.unit,
                "usd": _exact(item.usd),
            }
            for item in measured.billed
        ],
        "state_machines": {
            name: {metric: _exact(total) for metric, total in outcomes.items()}
            for name, outcomes in measured.outcomes.items()
        },
        "largest_gaps": list(found.gaps),
        "notes": list(measured.notes),
    }


def _exact(value: Decimal | None) -> Any:
    return None if value is None else JsonNumber(exact(value))
