"""What a function does at run time, from the usage file: the items it reads, the one-time
schedules it creates that fire, and the subscribers a topic gets outside the template."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.errors import UsageError
from costcalc.estimate.breakdown import Breakdown
from tests.costcalc.estimate.sam_estimates import SAM_HEAD, Usage, estimate_text

TEMPLATE = (
    SAM_HEAD
    + """\
  Orders:
    Type: AWS::DynamoDB::Table
    Properties: {BillingMode: PAY_PER_REQUEST}
  News:
    Type: AWS::SNS::Topic
  Timer:
    Type: AWS::Serverless::Function
    Properties:
      Tracing: Active
      Environment: {Variables: {TABLE: !Ref Orders, TOPIC: !Ref News, LATER: !GetAtt Late.Arn}}
      Events: {Place: {Type: HttpApi, Properties: {Path: /orders, Method: post}}}
  Late:
    Type: AWS::Serverless::Function
    Properties: {Tracing: Active}
"""
)


def _estimate(tmp_path: Path, usage: Usage) -> Breakdown:
    return estimate_text(tmp_path, TEMPLATE, usage)


def _items(breakdown: Breakdown) -> dict[tuple[str, str], Decimal]:
    found: dict[tuple[str, str], Decimal] = {}
    for priced in breakdown.estimates[0].priced:
        key = (priced.charge.resource, priced.charge.item)
        found[key] = found.get(key, Decimal(0)) + priced.charge.monthly
    return found


def test_a_function_s_reads_bill_the_table_s_read_units(tmp_path: Path) -> None:
    usage: Usage = {"Timer": {"reads": {"Orders": 3}}, "Orders": {"eventual_reads": 1}}
    items = _items(_estimate(tmp_path, usage))
    assert items[("Orders", "read-request-units")] == 1500  # 3,000 reads at half a unit
    assert ("Orders", "write-request-units") not in items


def test_reads_of_what_is_not_a_table_are_refused_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"Timer\.reads\.News: not a DynamoDB table"):
        _estimate(tmp_path, {"Timer": {"reads": {"News": 1}}})


def test_schedules_a_function_creates_bill_their_firings_and_start_their_own_traces(
    tmp_path: Path,
) -> None:
    usage: Usage = {
        "Timer": {"schedules": {"Late": 0.25}, "traced_share": 1},
        "Late": {"traced_share": 1},
    }
    breakdown = _estimate(tmp_path, usage)
    items = _items(breakdown)
    assert items[("Timer", "scheduler-invocations")] == 250
    assert items[("Late", "requests-x86")] == 250
    assert items[("Late", "traces-recorded")] == 250  # a schedule carries no trace header
    unknown = {u.key for u in breakdown.estimates[0].followed.unknowns}
    assert "Timer.calls.Late" not in unknown


def test_a_topic_s_subscribers_outside_the_template_bill_deliveries_by_protocol(
    tmp_path: Path,
) -> None:
    usage: Usage = {
        "Timer": {"calls": {"News": 2}},
        "News": {"subscribers": {"https": 1, "email": 3}},
    }
    items = _items(_estimate(tmp_path, usage))
    assert items[("News", "publish-requests")] == 2000
    assert items[("News", "deliveries-http")] == 2000
    assert items[("News", "deliveries-email")] == 6000


def test_a_subscriber_protocol_with_no_price_is_refused_naming_the_key(tmp_path: Path) -> None:
    usage: Usage = {"Timer": {"calls": {"News": 1}}, "News": {"subscribers": {"sms": 1}}}
    with pytest.raises(UsageError, match=r"News\.subscribers\.sms: not a protocol with a price"):
        _estimate(tmp_path, usage)
