"""Runner behaviour that the orders stack does not exercise on its own."""

from __future__ import annotations

import json
from pathlib import Path

import boto3

from localrun import LocalRunner

TEMPLATE = """\
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Bus:
    Type: AWS::Events::EventBus
    Properties:
      Name: !Sub ${AWS::StackName}-bus
  Echo:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: code/
      Handler: echo.handler
      Runtime: python3.13
      Events:
        Shaped:
          Type: EventBridgeRule
          Properties:
            EventBusName: !GetAtt Bus.Name
            Pattern: {source: [test], detail-type: [shaped]}
            InputTransformer:
              InputPathsMap: {id: $.detail.id}
              InputTemplate: '{"order": <id>, "kind": "shaped"}'
        Constant:
          Type: EventBridgeRule
          Properties:
            EventBusName: !GetAtt Bus.Name
            Pattern: {source: [test], detail-type: [constant]}
            Input: '{"fixed": true}'
        Replays:
          Type: EventBridgeRule
          Properties:
            EventBusName: !GetAtt Bus.Name
            Pattern: {source: [test], detail-type: [plain], replay-name: [{exists: false}]}
"""


def _stack(tmp_path: Path) -> Path:
    (tmp_path / "code").mkdir()
    (tmp_path / "code/echo.py").write_text(
        "import json\n\ndef handler(event, context):\n    print('RECEIVED', json.dumps(event))\n"
    )
    (tmp_path / "template.yaml").write_text(TEMPLATE)
    return tmp_path / "template.yaml"


def _put(detail_type: str) -> None:
    boto3.client("events", region_name="us-east-1").put_events(
        Entries=[
            {
                "Source": "test",
                "DetailType": detail_type,
                "Detail": '{"id": 7}',
                "EventBusName": "shop-bus",
            }
        ]
    )


def test_rule_targets_get_their_input_transformer_or_constant_input_or_the_event(
    tmp_path: Path,
) -> None:
    with LocalRunner.start(_stack(tmp_path), stack_name="shop") as runner:
        for detail_type in ("shaped", "constant", "plain", "unmatched"):
            _put(detail_type)
        runner.settle()
        shaped, constant, plain = [
            json.loads(line.removeprefix("RECEIVED "))
            for line in runner.logs.getvalue().splitlines()
            if line.startswith("RECEIVED ")
        ]
    assert shaped == {"order": 7, "kind": "shaped"}
    assert constant == {"fixed": True}
    assert plain["detail-type"] == "plain"
    assert plain["time"].endswith("Z")
    assert "ingestion-time" not in plain
    assert [e.detail_type for e in runner.bus_events] == [
        "shaped",
        "constant",
        "plain",
        "unmatched",
    ]
