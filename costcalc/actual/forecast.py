"""The estimate's side: per-unit figures and a bill for the measured window, from main's API.

A small adapter over :class:`costcalc.estimate.usage.Estimated` (its ``figures()``, per path,
weighed by the path mix) and :meth:`costcalc.compare.scenario.Scenario.bill` (one bill), so
that ``actual`` depends on two calls of the estimate and nothing of its rendering.

The bill is the window's, not a month's: the measured volume, and the fixed monthly items
(alarms, custom metrics, dashboards) scaled to the window's share of a 730-hour month, as AWS
prorates them by the hour. Priced for a whole month, a week's bill would carry four times the
alarms it was billed for.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from costcalc.actual.measured import Measured
from costcalc.compare.scenario import Scenario, check_orders
from costcalc.errors import UsageError
from costcalc.estimate.breakdown import Breakdown
from costcalc.estimate.usage import Estimated, estimate
from costcalc.pricing.bill import Bill
from costcalc.workload.metering import Workload


@dataclass(frozen=True)
class Forecast:
    design: str
    rates: Mapping[str, Decimal]  # the path mix assumed
    per_unit: Mapping[str, Decimal]  # path figures, per order, mix-weighed
    per_path: Mapping[str, Mapping[str, Decimal]]  # path figure -> path -> per order
    per_invocation: Mapping[str, Decimal]  # functions.NAME.FIELD (numbers only)
    bill: Bill  # the window's: the measured volume, fixed monthly items scaled to it
    sources: Mapping[str, str]  # key -> definition, profile or user
    months: Decimal = Decimal(1)  # the window's share of a 730-hour month
    per_resource: Mapping[str, Decimal] = field(default_factory=dict)  # logical id -> window USD
    unestimated: Mapping[str, int] = field(default_factory=dict)  # logical id -> figures unknown


def read_definition(path: Path, usage_files: list[Path] | None) -> list[Estimated]:
    """The workflows a definition holds, read as ``costcalc estimate`` reads them."""
    return estimate(path, usage_files=usage_files)


def pick_workflow(workflows: list[Estimated], measured: Measured) -> Estimated:
    """The one workflow to compare: the only one, or the style the stack ran."""
    if len(workflows) == 1:
        return workflows[0]
    style = "orchestration" if "executions" in measured.per_unit else "choreography"
    matching = [w for w in workflows if w.derivation.design == style]
    if len(matching) != 1:
        names = ", ".join(str(w.template) for w in workflows)
        raise UsageError(
            f"--definition holds {len(workflows)} workflows ({names}); name the one deployed"
        )
    return matching[0]


def forecast(
    estimated: Estimated,
    plan: Scenario,
    units: Decimal,
    months: Decimal = Decimal(1),
    breakdown: Breakdown | None = None,
) -> Forecast:
    """The estimate of one workflow, per unit, billed at ``units`` orders over ``months``
    (``breakdown``: the general estimate of its template, for the cost per resource)."""
    rates = plan.mix.rates
    per_unit: dict[str, Decimal] = {}
    per_path: dict[str, dict[str, Decimal]] = {}
    per_invocation: dict[str, Decimal] = {}
    sources: dict[str, str] = {}
    for figure in estimated.figures():
        if "" in figure.values:
            value = figure.values[""]
            if isinstance(value, Decimal):
                per_invocation[figure.key] = value
                sources[figure.key] = figure.source
            continue
        per_path[figure.key] = {path: Decimal(value) for path, value in figure.values.items()}
        per_unit[figure.key] = sum(
            (rates[path] * value for path, value in per_path[figure.key].items()), Decimal(0)
        )
        sources[figure.key] = figure.source
    per_unit.update(_capacity_units(estimated, per_unit))
    if "notifications" in per_unit:  # metering delivers each publish to the profile's protocol
        per_unit["deliveries"] = per_unit["notifications"]
        sources["deliveries"] = "profile"
    return Forecast(
        estimated.profile.design,
        rates,
        per_unit,
        per_path,
        per_invocation,
        window_bill(plan, units, months),
        sources,
        months,
        *(resource_forecast(breakdown, estimated.template, months) if breakdown else ({}, {})),
    )


#: Services whose charges carry no resource tag, so no resource's billed row holds them: their
#: forecast gets a row of its own instead of inflating the resource that caused it.
UNTAGGABLE = {"xray": "(X-Ray traces, not taggable)"}


def resource_forecast(
    breakdown: Breakdown, template: Path, months: Decimal
) -> tuple[dict[str, Decimal], dict[str, int]]:
    """Each resource's forecast USD for the window (a schedule's monthly rate scaled to it),
    and how many of its figures the general estimate could not estimate (their money is left
    out, so the forecast is short by them: said beside it)."""
    estimates = [e for e in breakdown.estimates if e.template == template] or breakdown.estimates
    usd: dict[str, Decimal] = defaultdict(Decimal)
    unknown: dict[str, int] = defaultdict(int)
    for found in estimates:
        scheduled = {entry.workflow for entry in found.followed.entries if entry.per_unit is None}
        for priced in found.priced:
            if priced.monthly_usd is not None:
                share = months if priced.charge.workflow in scheduled else Decimal(1)
                row = UNTAGGABLE.get(priced.charge.service, priced.charge.resource)
                usd[row] += priced.monthly_usd * share
        for missing in found.followed.unknowns:
            unknown[missing.resource] += 1
    return dict(usd), dict(unknown)


def window_bill(plan: Scenario, units: Decimal, months: Decimal) -> Bill:
    """The first design's bill for ``units`` orders, its fixed items for ``months`` months."""
    load = plan.workloads[0]
    scaled = {key: quantity * months for key, quantity in load.fixed.items()}
    return plan.bill(Workload(load.profile, load.per_order, scaled), check_orders(units))


def _capacity_units(estimated: Estimated, per_unit: Mapping[str, Decimal]) -> dict[str, Decimal]:
    """Writes and reads in capacity units, as DynamoDB meters them (metering.py's rule)."""
    tables = estimated.profile.settings.get("tables", {})
    found: dict[str, Decimal] = {}
    for key, items in per_unit.items():
        kind, _, table = key.partition(".")
        if kind not in ("writes", "reads") or table not in tables:
            continue
        item_kb = Decimal(str(tables[table]["item_kb"]))
        if kind == "writes":
            found[f"write_units.{table}"] = items * max(1, math.ceil(item_kb))
        else:
            units = Decimal(max(1, math.ceil(item_kb / 4)))
            strong = tables[table].get("read", "eventual") == "strong"
            found[f"read_units.{table}"] = items * (units if strong else units / 2)
    return found
