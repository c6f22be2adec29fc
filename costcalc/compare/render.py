"""Comparisons as text: a table for people, JSON and CSV for scripts, Markdown for documents.

The same conventions as ``costcalc.pricing.render``: human formats round money to the cent
(per-order costs to a millionth of a dollar); JSON and CSV carry exact decimals as number literals.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costcalc.compare.scenario import Comparison, CostCurves, DesignCost, Scenario
from costcalc.pricing.age import age_warning, origin
from costcalc.pricing.render import (
    LINE_HEADERS,
    LINE_NUMERIC,
    LINE_NUMERIC_MD,
    JsonNumber,
    cents,
    csv_cells,
    dump_json,
    exact,
    line_cells,
    line_document,
    rounded,
)
from costcalc.tables import table
from orderflow_definitions.cli import SCHEMA_VERSION

_MICRO = Decimal("0.000001")


@dataclass(frozen=True)
class Report:
    """What a compare run shows: one or more volumes, and across a sweep, where designs cross."""

    plan: Scenario
    comparisons: Sequence[Comparison]
    across: CostCurves | None = None  # a sweep's curves, break-evens and verdict
    title: str = ""  # the headline; compare's own when empty

    @property
    def prices_as_of(self) -> str:
        dates = [d.bill.prices_as_of for c in self.comparisons for d in c.designs]
        return min(dates).isoformat()

    @property
    def prices_source(self) -> str:
        return origin(s for c in self.comparisons for d in c.designs for s in d.bill.sources)

    @property
    def warnings(self) -> list[str]:
        """The price-age warning, once for the whole report, aged from the oldest price."""
        dates = [d.bill.prices_as_of for c in self.comparisons for d in c.designs]
        warning = age_warning(min(dates))
        return [warning] if warning else []

    @property
    def swept(self) -> bool:
        return len(self.comparisons) > 1


def render_report(report: Report, fmt: str) -> str:
    renderers: dict[str, Callable[[Report], str]] = {
        "table": _table,
        "json": _json,
        "csv": _csv,
        "markdown": _markdown,
    }
    return renderers[fmt](report)


def per_order(value: Decimal) -> str:
    return format(rounded(value, _MICRO), "f")


def _runnable(design: DesignCost) -> str:
    return "yes" if design.profile.runnable else f"no: {design.profile.why_not}"


def _headline(report: Report) -> list[str]:
    plan = report.plan
    mix = ", ".join(f"{path} {rate.normalize():f}" for path, rate in plan.mix.rates.items())
    if report.swept:
        volumes = [c.orders_per_month for c in report.comparisons]
        span = f"{volumes[0]:,} to {volumes[-1]:,} orders/month ({len(volumes)} volumes)"
    else:
        span = f"{report.comparisons[0].orders_per_month:,} orders/month"
    title = report.title or "Orchestration vs choreography"
    return [f"{title} in {plan.region}: {span}", f"Path mix: {mix}"]


def _conclusion(report: Report) -> list[str]:
    if report.swept:
        return [f"Across the sweep: {report.across.verdict}."] if report.across else []
    comparison = report.comparisons[0]
    best = comparison.cheapest_runnable
    if best is None:
        return []
    others = [d for d in comparison.designs if d.profile.runnable and d is not best]
    versus = "; ".join(
        f"{100 * (1 - best.monthly_usd / other.monthly_usd):.0f}% less than {other.name}"
        for other in others
        if other.monthly_usd
    )
    return [f"Cheapest runnable design: {best.name}" + (f" ({versus})" if versus else "")]


def _assumption_lines(report: Report) -> list[str]:
    plan = report.plan
    facts = plan.assumptions()
    free = (
        "always-free allowances applied (--free-tier)"
        if plan.free_tier
        else "not applied (marginal cost; --free-tier applies always-free allowances)"
    )
    derived = ", ".join(facts["path_mix_derived"]) or "none"
    lines = [
        f"Prices as of {report.prices_as_of} ({report.prices_source}); free tier {free}",
        *(f"Warning: {warning}" for warning in report.warnings),
        f"Transitions counted: {facts['transitions_counted']}",
        f"Path rates not given, filled in: {derived} ({facts['path_mix_rule']})",
        f"Quantities: {facts['quantities']}",
        f"Logs: {facts['logs']}",
        *(f"Not priced: {item}" for item in facts["not_priced"]),
        *(f"Profile {name}: {' + '.join(paths)}" for name, paths in facts["profiles"].items()),
        *(
            f"Context {name}: {' + '.join(context['sources'])}; {context['metering']}"
            for name, context in facts["contexts"].items()
        ),
    ]
    return lines


def _table(report: Report) -> str:
    out = [*_headline(report), ""]
    if report.swept:
        names = [d.name for d in report.comparisons[0].designs]
        rows = [("orders/month", *(f"{name} USD/month" for name in names))]
        rows += [
            (f"{c.orders_per_month:,}", *(cents(d.monthly_usd) for d in c.designs))
            for c in report.comparisons
        ]
        out += table(rows, numeric=range(len(rows[0])))
        out += [
            "",
            *(
                f"{d.name}: not runnable: {d.profile.why_not}"
                for d in report.comparisons[0].designs
                if not d.profile.runnable
            ),
        ]
    else:
        comparison = report.comparisons[0]
        rows = [("design", "monthly USD", "USD per order", "runnable")]
        rows += [
            (d.name, cents(d.monthly_usd), per_order(d.per_order_usd), _runnable(d))
            for d in comparison.designs
        ]
        out += table(rows, numeric={1, 2})
        for design in comparison.designs:
            lines = [LINE_HEADERS, *map(line_cells, design.bill.lines)]
            total = (
                "total",
                "",
                "",
                "",
                "",
                f"per order {per_order(design.per_order_usd)}",
                cents(design.monthly_usd),
            )
            out += ["", f"== {design.name}: {design.profile.title}", ""]
            out += table([*lines, total], numeric=LINE_NUMERIC)
    out += ["", *_conclusion(report), *_assumption_lines(report)]
    return "\n".join(out) + "\n"


def _markdown(report: Report) -> str:
    out = [f"**{_headline(report)[0]}**", "", _headline(report)[1], ""]
    if report.swept:
        names = [d.name for d in report.comparisons[0].designs]
        rows = [("orders/month", *names)]
        rows += [
            (f"{c.orders_per_month:,}", *(cents(d.monthly_usd) for d in c.designs))
            for c in report.comparisons
        ]
        out += table(rows, numeric=range(len(rows[0])), markdown=True)
    else:
        rows = [("design", "monthly USD", "USD per order", "runnable")]
        rows += [
            (d.name, cents(d.monthly_usd), per_order(d.per_order_usd), _runnable(d))
            for d in report.comparisons[0].designs
        ]
        out += table(rows, numeric={1, 2}, markdown=True)
        for design in report.comparisons[0].designs:
            out += ["", f"**{design.name}**: {design.profile.title}", ""]
            lines = [LINE_HEADERS, *map(line_cells, design.bill.lines)]
            total = ("**total**", "", "", "", "", "", f"**{cents(design.monthly_usd)}**")
            out += table([*lines, total], numeric=LINE_NUMERIC_MD, markdown=True)
    out += ["", *(f"{line}  " for line in [*_conclusion(report), *_assumption_lines(report)])]
    return "\n".join(out) + "\n"


def _csv(report: Report) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        [
            "orders_per_month",
            "design",
            "service",
            "item",
            "tier",
            "quantity",
            "unit",
            "unit_price_usd",
            "monthly_usd",
        ]
    )
    for comparison in report.comparisons:
        orders = exact(comparison.orders_per_month)
        for design in comparison.designs:
            for line in design.bill.lines:
                writer.writerow([orders, design.name, *csv_cells(line)])
            writer.writerow(
                [orders, design.name, "total", "", "", "", "", "", exact(design.monthly_usd)]
            )
    return out.getvalue()


def _design_json(design: DesignCost) -> dict[str, Any]:
    return {
        "name": design.name,
        "title": design.profile.title,
        "monthly_usd": JsonNumber(exact(design.monthly_usd)),
        "per_order_usd": JsonNumber(exact(design.per_order_usd)),
        "runnable": design.profile.runnable,
        "why_not": design.profile.why_not or None,
        "lines": [line_document(line) for line in design.bill.lines],
        "free_tier_applied": [
            {"pool": use.pool, "quantity": JsonNumber(exact(use.quantity)), "unit": use.unit}
            for use in design.bill.free_tier_applied
        ],
    }


def _comparison_json(comparison: Comparison) -> dict[str, Any]:
    best = comparison.cheapest_runnable
    return {
        "orders_per_month": JsonNumber(exact(comparison.orders_per_month)),
        "cheapest_runnable": best.name if best else None,
        "designs": [_design_json(design) for design in comparison.designs],
    }


def _json(report: Report) -> str:
    plan = report.plan
    assumptions = plan.assumptions()
    assumptions["path_mix"] = {k: JsonNumber(exact(v)) for k, v in plan.mix.rates.items()}
    head: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "region": plan.region,
        "free_tier": plan.free_tier,
        "prices_as_of": report.prices_as_of,
        "prices_source": report.prices_source,
        "warnings": report.warnings,
    }
    if report.swept:
        document = {
            **head,
            "sweep": [_comparison_json(comparison) for comparison in report.comparisons],
            "break_even": [
                {
                    "designs": list(point.designs),
                    "orders_per_month": JsonNumber(exact(point.orders_per_month)),
                    "monthly_usd": JsonNumber(exact(point.monthly_usd)),
                }
                for point in (report.across.break_evens if report.across else ())
            ],
            "verdict": report.across.verdict if report.across else "",
        }
    else:
        document = {**head, **_comparison_json(report.comparisons[0])}
    document["assumptions"] = assumptions
    return dump_json(document) + "\n"
