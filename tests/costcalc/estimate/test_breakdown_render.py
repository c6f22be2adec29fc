"""What has no sourced price is shown as such, with what is missing, never as a silent zero."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

from costcalc.estimate.breakdown import Breakdown, estimate_source
from costcalc.estimate.breakdown_render import render_breakdown
from costcalc.estimate.usage_file import UsageFile

TEMPLATE = """\
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Resources:
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: {ShardCount: 1}
  Queue:
    Type: AWS::SQS::Queue
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Events:
        Records:
          Type: Kinesis
          Properties: {Stream: !GetAtt Stream.Arn, StartingPosition: LATEST}
  Forward:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/pipe
      Source: !GetAtt Queue.Arn
      Target: !GetAtt Reader.Arn
"""


def _breakdown(tmp_path: Path) -> Breakdown:
    template = tmp_path / "template.yaml"
    template.write_text(TEMPLATE, encoding="utf-8")
    usage = UsageFile(tmp_path / "u.yml", {})
    return estimate_source(template, Decimal(1000), usage, samconfig=False)


def test_kinesis_and_pipes_are_listed_as_not_priced_naming_the_missing_price(
    tmp_path: Path,
) -> None:
    text = render_breakdown(_breakdown(tmp_path), "table")
    section = text.split("Not priced (no sourced price: left out of every total)")[1]
    section = section.split("\n\n")[1]
    assert "Stream" in section
    assert "kinesis/put-payload-units" in section
    assert "no sourced Kinesis Data Streams price" in section
    assert "shard-hours" in section
    assert "Forward" in section
    assert "no sourced EventBridge Pipes price" in section
    assert "leaving out 2 item(s) not priced" in text.splitlines()[-2]


def test_json_carries_each_unpriced_item_with_what_is_missing_and_no_money(
    tmp_path: Path,
) -> None:
    document = json.loads(render_breakdown(_breakdown(tmp_path), "json"))
    [template] = document["templates"]
    missing = {entry["item"]: entry["missing"] for entry in template["not_priced"]}
    assert set(missing) == {"kinesis/put-payload-units", "pipes/requests"}
    assert missing["pipes/requests"].startswith("no sourced EventBridge Pipes price")
    unpriced = [i for i in template["items"] if i["service"] in ("kinesis", "pipes")]
    assert [i["monthly_usd"] for i in unpriced] == [None, None]
