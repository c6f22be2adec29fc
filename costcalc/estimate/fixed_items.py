"""What a template bills by the month whatever the volume: CloudWatch alarms and dashboards.

CloudWatch bills an alarm per metric it evaluates, by the month (alarm-months): a
threshold alarm on one metric is one, a metric-math alarm one per metric it reads
(``Metrics`` entries with a ``MetricStat``; the expressions themselves are free). An alarm
whose period is under 60 seconds is a high-resolution alarm, billed at another price; a
composite alarm is billed as such. Dashboards are billed per dashboard-month. All of this is
in the template, so it is labelled ``definition``. The custom metrics a function publishes
(Embedded Metric Format or ``PutMetricData``) are not: the usage file gives them per function
as ``custom_metrics`` (distinct metric-months), and without it none is billed.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costcalc.estimate.refs import listed
from costcalc.estimate.template import Template
from costcalc.estimate.usage_file import UsageFile

#: The workflow fixed items are listed under: they belong to no entry point.
FIXED_WORKFLOW = "(fixed monthly)"
_HIGH_RESOLUTION_S = 60


@dataclass(frozen=True)
class Fixed:
    """``quantity`` of ``service/item`` a month, caused by ``resource``."""

    resource: str
    service: str
    item: str
    quantity: Decimal
    why: str
    label: str  # definition or user


def fixed_items(template: Template, usage: UsageFile, functions: list[str]) -> Iterator[Fixed]:
    """Every fixed monthly item of ``template`` (alarms, dashboards) and of ``functions``
    (their custom metrics, from the usage file), in logical-id order."""
    for name, resource in sorted(template.of_type("AWS::CloudWatch::Alarm").items()):
        yield _alarm(name, resource.get("Properties") or {})
    for name in sorted(template.of_type("AWS::CloudWatch::CompositeAlarm")):
        yield Fixed(name, "cloudwatch", "composite-alarms", Decimal(1),
                    f"{name}: a composite alarm, billed by the month", "definition")  # fmt: skip
    for name in sorted(template.of_type("AWS::CloudWatch::Dashboard")):
        yield Fixed(name, "cloudwatch", "dashboards", Decimal(1),
                    f"{name}: a dashboard, billed by the month", "definition")  # fmt: skip
    for name in sorted(functions):
        metrics = usage.figure(name, "custom_metrics")
        if metrics:
            yield Fixed(name, "cloudwatch", "metrics", metrics,
                        f"{name}: {metrics.normalize():f} custom metrics published (user)",
                        "user")  # fmt: skip


def _alarm(name: str, properties: Mapping[str, Any]) -> Fixed:
    stats = [
        query["MetricStat"]
        for query in listed(properties.get("Metrics"))
        if isinstance(query, Mapping) and isinstance(query.get("MetricStat"), Mapping)
    ]
    periods = [properties.get("Period"), *(stat.get("Period") for stat in stats)]
    high = any(str(p).isdigit() and int(str(p)) < _HIGH_RESOLUTION_S for p in periods)
    count = Decimal(len(stats) or 1)
    kind = "a high-resolution alarm" if high else "an alarm"
    return Fixed(
        name,
        "cloudwatch",
        "alarms-high-resolution" if high else "alarms",
        count,
        f"{name}: {kind} on {count} metric{'s' if count > 1 else ''}, billed by the month",
        "definition",
    )
