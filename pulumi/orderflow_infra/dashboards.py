"""A stack's CloudWatch dashboard: widgets laid out on CloudWatch's 24-column grid.

Widgets flow left to right, a new row starting when the next one does not fit, as the SAM
templates place them by hand. Metric rows are written out in full (no `.`/`...` shorthand):
`[namespace, metric, dimension, value, ..., {options}]`.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from orderflow_infra.deployment import Deployment

GRID_COLUMNS = 24
PERIOD_SECONDS = 300

MetricRow = Sequence[pulumi.Input[str] | Mapping[str, str]]


@dataclass(frozen=True)
class MetricWidget:
    """A graph of `metrics`; `stat` applies to rows without their own `{"stat": ...}`."""

    title: str
    metrics: Sequence[MetricRow]
    stat: str | None = "Sum"
    width: int = 12
    height: int = 6


@dataclass(frozen=True)
class AlarmWidget:
    """The state of `alarms` at a glance."""

    title: str
    alarms: Sequence[aws.cloudwatch.MetricAlarm]
    width: int = 12
    height: int = 6


Widget = MetricWidget | AlarmWidget


def dashboard(
    deployment: Deployment, name: str, *, suffix: str, widgets: Sequence[Widget]
) -> aws.cloudwatch.Dashboard:
    """The dashboard `<prefix>-<suffix>` (SAM: `${AWS::StackName}-<suffix>`) showing `widgets`."""
    placed = list(zip(widgets, _grid(widgets), strict=True))
    resolved = pulumi.Output.all(*(_inputs(widget) for widget in widgets))
    body = resolved.apply(
        lambda values: json.dumps(
            {
                "widgets": [
                    _render(deployment, widget, x, y, value)
                    for (widget, (x, y)), value in zip(placed, values, strict=True)
                ]
            }
        )
    )
    return aws.cloudwatch.Dashboard(
        name, dashboard_name=f"{deployment.prefix}-{suffix}", dashboard_body=body
    )


def _grid(widgets: Sequence[Widget]) -> list[tuple[int, int]]:
    """(x, y) of each widget, flowing left to right in rows as high as their tallest widget."""
    positions = []
    x = y = row_height = 0
    for widget in widgets:
        if x + widget.width > GRID_COLUMNS:
            x, y, row_height = 0, y + row_height, 0
        positions.append((x, y))
        x += widget.width
        row_height = max(row_height, widget.height)
    return positions


def _inputs(widget: Widget) -> pulumi.Output[Any]:
    """What the widget names that is known only once deployed: metric rows or alarm ARNs."""
    if isinstance(widget, AlarmWidget):
        return pulumi.Output.all(*(alarm.arn for alarm in widget.alarms))
    return pulumi.Output.all(*(pulumi.Output.all(*row) for row in widget.metrics))


def _render(
    deployment: Deployment, widget: Widget, x: int, y: int, resolved: list[Any]
) -> dict[str, Any]:
    frame = {"x": x, "y": y, "width": widget.width, "height": widget.height}
    if isinstance(widget, AlarmWidget):
        return {"type": "alarm", **frame, "properties": {"title": widget.title, "alarms": resolved}}
    properties: dict[str, Any] = {"title": widget.title, "region": deployment.region}
    if widget.stat:
        properties["stat"] = widget.stat
    properties |= {"period": PERIOD_SECONDS, "metrics": resolved}
    return {"type": "metric", **frame, "properties": properties}
