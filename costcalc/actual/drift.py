"""Forecast against measured: each figure per unit, each cost line, and the assumptions behind
the largest gaps.

An assumption is a figure the definition cannot say (a duration, a log size, a path share):
the profile's or the user's. The gaps are ranked by how far the measured value is from the
assumed one, in percent of the assumed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from costcalc.actual.forecast import Forecast
from costcalc.actual.measured import Measured
from costcalc.workload.path_mix import FLAGS

#: The bill's service -> Cost Explorer's SERVICE dimension (EventBridge bills as CloudWatch Events).
CE_SERVICES: Mapping[str, str] = {
    "lambda": "AWS Lambda",
    "stepfunctions": "AWS Step Functions",
    "eventbridge": "CloudWatch Events",
    "scheduler": "Amazon EventBridge Scheduler",
    "apigateway": "Amazon API Gateway",
    "dynamodb": "Amazon DynamoDB",
    "sns": "Amazon Simple Notification Service",
    "ses": "Amazon Simple Email Service",
    "cloudwatch": "AmazonCloudWatch",
    "xray": "AWS X-Ray",
}
GAPS_SHOWN = 3
#: The function figures ``actual`` measures (INIT ones from the REPORT lines).
MEASURED_PER_INVOCATION = ("duration_ms", "log_kb", "cold_start_rate", "init_ms")
_FUNCTION_GAPS = {
    "duration_ms": ("Lambda duration", "{:.0f} ms"),
    "log_kb": ("log output", "{:.2f} KB"),
    "cold_start_rate": ("cold-start rate", "{:.3f}"),
    "init_ms": ("INIT duration", "{:.0f} ms"),
}


@dataclass(frozen=True)
class Row:
    key: str
    forecast: Decimal | None
    measured: Decimal | None
    source: str  # the forecast's: definition, profile, user (or "mix" for a path share)

    @property
    def drift_pct(self) -> Decimal | None:
        if self.forecast is None or self.measured is None or not self.forecast:
            return None
        return (self.measured - self.forecast) / self.forecast * 100


@dataclass(frozen=True)
class CostRow:
    name: str  # Cost Explorer's service name, or a resource's tag value (its logical id)
    forecast_usd: Decimal | None  # per unit of work (None: no --definition)
    billed_usd: Decimal | None  # per unit of work (None: no bill read)
    unestimated: int = 0  # a resource's figures the estimate could not estimate

    @property
    def drift_pct(self) -> Decimal | None:
        if self.billed_usd is None or not self.forecast_usd:  # None or zero
            return None
        return (self.billed_usd - self.forecast_usd) / self.forecast_usd * 100


@dataclass(frozen=True)
class Drift:
    forecast: Forecast | None  # None: no --definition, the measured side alone
    measured: Measured
    usage: tuple[Row, ...]
    per_invocation: tuple[Row, ...]
    rates: tuple[Row, ...]
    costs: tuple[CostRow, ...]
    gaps: tuple[str, ...]
    resources: tuple[CostRow, ...] = ()  # per resource: the bill grouped by its tag


def drift(forecast: Forecast | None, measured: Measured) -> Drift:
    per_unit = forecast.per_unit if forecast else {}
    sources = forecast.sources if forecast else {}
    assumed_rates = forecast.rates if forecast else dict.fromkeys(measured.rates)
    usage = _rows(per_unit, measured.per_unit, sources)
    functions = forecast.per_invocation if forecast else {}
    per_invocation = _rows(
        {k: v for k, v in functions.items() if k.endswith(MEASURED_PER_INVOCATION)},
        measured.per_invocation,
        sources,
    )
    rates = tuple(
        Row(path, assumed_rates[path], measured.rates.get(path), "mix") for path in assumed_rates
    ) if measured.rates else ()  # fmt: skip
    assumed = [
        row for row in (*per_invocation, *rates, *usage) if row.source not in ("definition", "-")
    ]
    ranked = sorted(
        (row for row in assumed if row.drift_pct is not None and row.drift_pct != 0),
        key=lambda row: -abs(row.drift_pct or Decimal(0)),
    )
    gaps = tuple(_gap(row) for row in ranked[:GAPS_SHOWN])
    return Drift(
        forecast,
        measured,
        usage,
        per_invocation,
        rates,
        _costs(forecast, measured),
        gaps,
        _resources(forecast, measured),
    )


def _rows(
    forecast: Mapping[str, Decimal], measured: Mapping[str, Decimal], sources: Mapping[str, str]
) -> tuple[Row, ...]:
    keys = sorted(set(forecast) | set(measured))
    return tuple(
        Row(key, forecast.get(key), measured.get(key), sources.get(key, "-"))
        for key in keys
        if forecast.get(key) or measured.get(key)
    )


def _costs(forecast: Forecast | None, measured: Measured) -> tuple[CostRow, ...]:
    units = measured.units
    expected: dict[str, Decimal] = defaultdict(Decimal)
    for line in forecast.bill.lines if forecast else ():
        expected[CE_SERVICES.get(line.service, line.service)] += line.monthly_usd
    billed: dict[str, Decimal] = defaultdict(Decimal)
    for item in measured.billed:
        billed[item.service] += item.usd
    return tuple(
        CostRow(
            service,
            expected.get(service, Decimal(0)) / units if forecast else None,
            billed[service] / units if service in billed else None,  # not billed: unknown
        )
        for service in sorted(set(expected) | set(billed))
    )


def _resources(forecast: Forecast | None, measured: Measured) -> tuple[CostRow, ...]:
    """Per resource: the general estimate's money beside the bill grouped by the resource tag."""
    expected = forecast.per_resource if forecast else {}
    unknown = forecast.unestimated if forecast else {}
    billed, units = measured.billed_resources, measured.units
    return tuple(
        CostRow(
            name,
            expected[name] / units if name in expected else None,  # not reached: unknown
            billed[name] / units if name in billed else None,
            unknown.get(name, 0),
        )
        for name in sorted(set(expected) | set(billed) | set(unknown))
    )


def _gap(row: Row) -> str:
    forecast, measured = row.forecast, row.measured
    assert forecast is not None
    assert measured is not None
    if row.source == "mix":
        name = FLAGS[row.key].removeprefix("--").removesuffix("-rate")  # accept, ..., overdue
        return f"{name} rate {forecast:.2f} assumed, {measured:.2f} measured"
    parts = row.key.split(".")
    if parts[0] == "functions" and parts[-1] in _FUNCTION_GAPS:
        what, shown = _FUNCTION_GAPS[parts[-1]]
        return (
            f"{what} of {parts[1]} {shown.format(forecast)} assumed, "
            f"{shown.format(measured)} measured"
        )
    return f"{row.key} {forecast:.3f} per unit assumed, {measured:.3f} measured"
