"""X-Ray traces in the general estimate: billed once at each trace's root, sampled by the rule."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.errors import UsageError
from costcalc.estimate.breakdown import Breakdown, estimate_source
from costcalc.estimate.tracing import default_share
from costcalc.estimate.usage_file import UsageFile

HEAD = "AWSTemplateFormatVersion: 2010-09-09\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
SECONDS_A_MONTH = 730 * 3600
# A traced REST API's function puts an event; a rule delivers it to a second traced function,
# which writes a table whose stream feeds a third.
CHAIN = """\
  Api:
    Type: AWS::Serverless::Api
    Properties: {{StageName: prod, TracingEnabled: {api_traced}}}
  Bus: {{Type: AWS::Events::EventBus, Properties: {{Name: shop}}}}
  Front:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Tracing: {front}
      Policies: [EventBridgePutEventsPolicy: {{EventBusName: !Ref Bus}}]
      Events:
        Post: {{Type: Api, Properties: {{RestApiId: !Ref Api, Path: /orders, Method: post}}}}
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Tracing: Active
      Policies: [DynamoDBCrudPolicy: {{TableName: !Ref Table}}]
      Events:
        Placed:
          Type: EventBridgeRule
          Properties: {{EventBusName: !Ref Bus, Pattern: {{detail-type: [placed]}}}}
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]
      KeySchema: [{{AttributeName: id, KeyType: HASH}}]
      StreamSpecification: {{StreamViewType: NEW_IMAGE}}
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Tracing: Active
      Events:
        Changes:
          Type: DynamoDB
          Properties: {{Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST}}
"""
CALLS = {
    "Front": {"calls": {"Bus": {"placed": 1}}},
    "Worker": {"calls": {"Table": 1}},
}
MACHINE = """\
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Tracing: {Enabled: true}
      Policies: [LambdaInvokePolicy: {FunctionName: !Ref Step}]
      Definition:
        StartAt: Call
        States:
          Call: {Type: Task, Resource: !GetAtt Step.Arn, End: true}
  Step:
    Type: AWS::Serverless::Function
    Properties: {Handler: app.handler, Runtime: python3.12, Tracing: Active}
"""


def _estimate(
    tmp_path: Path,
    body: str,
    usage: dict[str, dict[str, object]] | None = None,
    volume: int = 1000,
) -> Breakdown:
    template = tmp_path / "template.yaml"
    template.write_text(HEAD + body)
    usage_file = UsageFile(tmp_path / "usage.yml", usage or {})
    return estimate_source(template, Decimal(volume), usage_file, samconfig=False)


def _traces(breakdown: Breakdown) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for priced in breakdown.estimates[0].priced:
        if priced.charge.service == "xray":
            resource = priced.charge.resource
            found[resource] = found.get(resource, Decimal(0)) + priced.charge.monthly
    return found


def _chain(api_traced: bool = True, front: str = "Active") -> str:
    return CHAIN.format(api_traced=str(api_traced).lower(), front=front)


def test_a_trace_is_billed_once_at_its_root_and_a_stream_starts_a_new_one(tmp_path: Path) -> None:
    # The API's trace carries through Front and the rule to Worker; the table stream does not.
    assert _traces(_estimate(tmp_path, _chain(), CALLS)) == {"Api": 1000, "Reader": 1000}


def test_an_untraced_api_leaves_the_first_traced_function_to_start_the_trace(
    tmp_path: Path,
) -> None:
    traces = _traces(_estimate(tmp_path, _chain(api_traced=False), CALLS))
    assert traces == {"Front": 1000, "Reader": 1000}


def test_an_untraced_function_passes_no_trace_on_so_the_rule_s_target_starts_one(
    tmp_path: Path,
) -> None:
    traces = _traces(_estimate(tmp_path, _chain(api_traced=False, front="PassThrough"), CALLS))
    assert traces == {"Worker": 1000, "Reader": 1000}


def test_a_traced_state_machine_s_task_joins_the_execution_s_trace(tmp_path: Path) -> None:
    assert _traces(_estimate(tmp_path, MACHINE)) == {"Machine": 1000}


def test_above_one_root_a_second_the_default_rule_keeps_the_reservoir_and_five_percent(
    tmp_path: Path,
) -> None:
    volume = 10_000_000
    traces = _traces(_estimate(tmp_path, MACHINE, volume=volume))
    kept = SECONDS_A_MONTH + Decimal("0.05") * (volume - SECONDS_A_MONTH)
    assert traces == {"Machine": kept}
    followed = _estimate(tmp_path, MACHINE, volume=volume).estimates[0].followed
    [default] = [d for d in followed.defaults if d.key == "Machine.traced_share"]
    assert default.value == kept / volume
    assert "default sampling rule" in default.reason


def test_the_reservoir_is_shared_by_every_root_of_the_template(tmp_path: Path) -> None:
    # Two roots at 2M a month each: 4M together is past the reservoir, 2M alone is not.
    traces = _traces(_estimate(tmp_path, _chain(), CALLS, volume=2_000_000))
    share = default_share(Decimal(4_000_000))
    assert share < 1
    assert traces == {"Api": 2_000_000 * share, "Reader": 2_000_000 * share}


def test_a_traced_share_in_the_usage_file_replaces_the_default_rule(tmp_path: Path) -> None:
    usage = {**CALLS, "Reader": {"traced_share": 0.1}}
    traces = _traces(_estimate(tmp_path, _chain(), usage))
    assert traces == {"Api": 1000, "Reader": 100}


def test_a_traced_share_above_one_is_refused_naming_the_key(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"Machine\.traced_share: 2: expected a share from 0 to 1"):
        _estimate(tmp_path, MACHINE, {"Machine": {"traced_share": 2}})


def test_nothing_traced_records_no_trace(tmp_path: Path) -> None:
    body = _chain(api_traced=False, front="PassThrough").replace("Tracing: Active", "")
    assert _traces(_estimate(tmp_path, body, CALLS)) == {}


@pytest.mark.parametrize(
    ("roots", "share"),
    [(0, 0), (1, 1), (SECONDS_A_MONTH, 1), (2 * SECONDS_A_MONTH, Decimal("0.525"))],
)
def test_the_default_rule_s_share_falls_from_all_to_five_percent_past_the_reservoir(
    roots: int, share: Decimal
) -> None:
    assert default_share(Decimal(roots)) == share
