"""Entry points of a template: what work reaches from inside it, and loops nothing reaches."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.entry_points import fed
from costcalc.estimate.usage_file import UsageFile

HEAD = "AWSTemplateFormatVersion: 2010-09-09\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
TABLE = """\
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      StreamSpecification: {StreamViewType: NEW_IMAGE}
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
"""
#: A stream consumer allowed to write the table it reads: a loop nothing outside reaches.
CONSUMER = """\
  OnInsert:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Policies: [DynamoDBCrudPolicy: {TableName: !Ref Table}]
      Events:
        Stream:
          Type: DynamoDB
          Properties: {Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST}
"""
#: A function nothing triggers (invoked from outside) allowed to start a state machine.
STARTER = """\
  Starter:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      Policies: [StepFunctionsExecutionPolicy: {StateMachineName: !GetAtt Flow.Name}]
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition: {StartAt: Done, States: {Done: {Type: Succeed}}}
"""


def _entries(tmp_path: Path, body: str) -> list[tuple[str, str]]:
    template = tmp_path / "template.yaml"
    template.write_text(HEAD + body)
    usage = UsageFile(tmp_path / "u.yml", {})
    followed = estimate_source(template, Decimal(1000), usage, samconfig=False).estimates[0]
    return [(e.resource, e.kind) for e in followed.followed.entries]


def test_a_table_stream_whose_consumer_may_write_the_table_is_an_entry_point(
    tmp_path: Path,
) -> None:
    assert _entries(tmp_path, TABLE + CONSUMER) == [("Table", "table records")]


def test_a_state_machine_only_an_untriggered_function_may_start_is_an_entry_point(
    tmp_path: Path,
) -> None:
    assert _entries(tmp_path, STARTER) == [("Flow", "state machine")]


def test_what_a_triggered_function_may_call_is_fed_not_an_entry_point() -> None:
    sends = {"Queue": {"Fn"}, "Fn": {"Flow"}}
    assert fed(sends, started=(), candidates=["Queue", "Flow"], silent={"Fn"}) == {"Fn", "Flow"}


def test_a_loop_nothing_reaches_is_entered_once_at_its_most_upstream_candidate() -> None:
    # Rule -> Queue -> Fn -> Flow -> Queue: Rule is fed by a bus only a silent function puts on.
    sends = {"Put": {"Bus"}, "Bus": {"Rule"}, "Rule": {"Queue"}, "Queue": {"Fn"}, "Fn": {"Flow"},
             "Flow": {"Queue"}}  # fmt: skip
    reached = fed(sends, (), ["Flow", "Queue", "Rule"], silent={"Put", "Fn"})
    assert reached == {"Queue", "Fn", "Flow"}  # Rule is the one entry
