"""The forecast is the measured window's bill: its volume, and its fixed monthly items scaled."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.actual.forecast import forecast, read_definition, resource_forecast
from costcalc.actual.window import Window
from costcalc.compare.scenario import scenario
from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.usage_file import read_usage_file

ROOT = Path(__file__).resolve().parents[3]
ORCHESTRATION = ROOT / "sam/orchestration/template.yaml"
START = dt.datetime(2026, 11, 1, tzinfo=dt.UTC)


def quantities(days: int) -> dict[tuple[str, str], Decimal]:
    (estimated,) = read_definition(ORCHESTRATION, None)
    plan = scenario(profiles=[estimated.profile])
    span = Window(START, START + dt.timedelta(days=days))
    bill = forecast(estimated, plan, Decimal(1000), span.months).bill
    found: dict[tuple[str, str], Decimal] = {}
    for line in bill.lines:
        found[line.service, line.item] = found.get((line.service, line.item), 0) + line.quantity
    return found


def test_a_weeks_window_bills_a_week_of_alarms_and_dashboards_not_a_month() -> None:
    (estimated,) = read_definition(ORCHESTRATION, None)
    monthly = estimated.profile.figure("monthly")
    week = quantities(7)
    share = Decimal(7 * 24) / 730
    assert week["cloudwatch", "alarms"] == monthly["alarms"] * share
    assert week["cloudwatch", "dashboards"] == monthly["dashboards"] * share


def test_what_scales_with_orders_is_billed_at_the_measured_volume_whatever_the_window() -> None:
    week, month = quantities(7), quantities(30)
    assert week["stepfunctions", "state-transitions"] == month["stepfunctions", "state-transitions"]
    # Alarm-months are a share of the month (Decimal's 28 digits round the last one either way)
    drift = week["cloudwatch", "alarms"] * 30 - month["cloudwatch", "alarms"] * 7
    assert abs(drift) < Decimal("1e-20")


def test_each_notification_is_forecast_as_one_delivery_to_the_profiles_protocol() -> None:
    (estimated,) = read_definition(ORCHESTRATION, None)
    expected = forecast(estimated, scenario(profiles=[estimated.profile]), Decimal(1000))
    assert expected.per_unit["deliveries"] == expected.per_unit["notifications"]
    assert expected.sources["deliveries"] == "profile"


SCHEDULED = """\
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Nightly:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: rate(1 hour)
      Targets: [{Id: sweep, Arn: !GetAtt SweepFunction.Arn}]
  SweepFunction:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: python3.12
      Handler: index.handler
      Code: {ZipFile: "def handler(event, context): pass"}
      Role: arn:aws:iam::123456789012:role/sweep
"""


def test_a_schedules_monthly_rate_is_scaled_to_the_window_per_resource(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(SCHEDULED)
    usage = tmp_path / "usage.yaml"
    usage.write_text("resource_usage:\n  SweepFunction:\n    duration_ms: 100\n")
    breakdown = estimate_source(template, Decimal(1000), read_usage_file(usage))
    share = Decimal(7 * 24) / 730
    month, _ = resource_forecast(breakdown, template, Decimal(1))
    week, _ = resource_forecast(breakdown, template, share)
    assert month["SweepFunction"] > 0
    scaled = month["SweepFunction"] * share
    assert week["SweepFunction"] == pytest.approx(scaled, rel=Decimal("1e-20"))


def _per_resource(tmp_path: Path, name: str, text: str) -> dict[str, Decimal]:
    template = tmp_path / name
    template.write_text(text)
    usage = tmp_path / "usage.yaml"
    usage.write_text("resource_usage:\n  SweepFunction:\n    duration_ms: 100\n")
    breakdown = estimate_source(template, Decimal(1000), read_usage_file(usage))
    return resource_forecast(breakdown, template, Decimal(1))[0]


def test_x_ray_traces_get_a_row_of_their_own_since_no_resource_tag_carries_them(
    tmp_path: Path,
) -> None:
    tracing = "      TracingConfig: {Mode: Active}\n      Role:"
    traced = _per_resource(tmp_path, "traced.yaml", SCHEDULED.replace("      Role:", tracing))
    untraced = _per_resource(tmp_path, "plain.yaml", SCHEDULED)
    assert traced["SweepFunction"] == untraced["SweepFunction"]
    # each of the schedule's 730 firings a month starts a trace, all within the reservoir
    assert traced["(X-Ray traces, not taggable)"] == 730 * Decimal("0.000005")
    assert "(X-Ray traces, not taggable)" not in untraced
