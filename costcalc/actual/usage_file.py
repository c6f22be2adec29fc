"""The measured figures as a usage file ``costcalc estimate --usage FILE`` reads back.

Function figures (duration, log size) are written as measured. A path figure is measured only
as its mix-weighed total per unit, so each path's forecast value is scaled by the measured total
over the forecast's at the measured mix (the assumed mix when the answer routes were not
measured): priced at the measured mix, the file gives the measured totals, and it keeps the
definition's shape across paths. The measured path mix goes in as a comment, as the flags
that set it (rates are flags, not usage).
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import yaml

from costcalc.actual.forecast import Forecast
from costcalc.actual.measured import Measured
from costcalc.pricing.render import exact
from costcalc.safe_output import check_target, write_files
from costcalc.workload.path_mix import FLAGS

#: Path figures a usage file may set (capacity units are DynamoDB's, not a profile's).
PATH_KEYS = ("api_requests", "events", "rule_matches", "invocations", "transitions",
             "executions", "notifications", "emails", "schedules_fired")  # fmt: skip
PLACES = Decimal("1e-6")


def usage_text(forecast: Forecast, measured: Measured, origin: str) -> str:
    functions: dict[str, dict[str, float]] = {}
    for key, value in sorted(measured.per_invocation.items()):
        _, name, field = key.split(".")
        if f"functions.{name}.{field}" in forecast.per_invocation:
            functions.setdefault(name, {})[field] = _number(value)
    paths: dict[str, dict[str, object]] = {}
    mix = measured.rates or forecast.rates
    for key, per_path in forecast.per_path.items():
        head, _, sub = key.partition(".")
        assumed = sum((mix[path] * value for path, value in per_path.items()), Decimal(0))
        actual = measured.per_unit.get(key)
        if head not in PATH_KEYS or not assumed or actual is None:
            continue
        for path, value in per_path.items():
            scaled = _number(value * actual / assumed)
            figures = paths.setdefault(path, {})
            if sub:
                figures.setdefault(head, {})[sub] = scaled  # type: ignore[index]
            else:
                figures[head] = scaled
    document: dict[str, object] = {"design": forecast.design}
    if functions:
        document["functions"] = functions
    if paths:
        document["paths"] = paths
    header = [f"# Measured by costcalc actual: {origin}, {measured.units:f} {measured.unit}."]
    if measured.rates:
        flags = " ".join(
            f"{FLAGS[p]} {r.quantize(Decimal('0.0001'))}" for p, r in measured.rates.items()
        )
        header.append(f"# Measured path mix: {flags}")
    return "\n".join(header) + "\n" + yaml.safe_dump(document, sort_keys=False)


def check_usage_target(path: Path) -> None:
    check_target(path, "--write-usage")


def write_usage(path: Path, text: str) -> Path:
    """Written whole (a temporary file renamed over it), never over a non-regular file."""
    return write_files(path.parent, {path.name: text}, flag="--write-usage")[0]


def _number(value: Decimal) -> float:
    """Six decimals, written as YAML reads them back into the same Decimal (profiles.py)."""
    return float(exact(value.quantize(PLACES)))
