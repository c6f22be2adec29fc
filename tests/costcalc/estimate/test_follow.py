"""The general estimate follows a definition from its entry points to every billed item."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.breakdown import Breakdown, estimate_source
from costcalc.estimate.usage_file import UsageFile

HEAD = "AWSTemplateFormatVersion: 2010-09-09\nTransform: AWS::Serverless-2016-10-31\nResources:\n"
FUNCTION = """\
  {name}:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      MemorySize: 1024
      Policies:
        - Version: 2012-10-17
          Statement: [{{Effect: Allow, Action: dynamodb:PutItem, Resource: !GetAtt Table.Arn}}]
{events}
"""
TABLE = (
    "  Table:\n    Type: AWS::DynamoDB::Table\n    Properties:\n"
    "      BillingMode: PAY_PER_REQUEST\n"
)


def _estimate(tmp_path: Path, body: str, usage: dict[str, dict[str, object]] | None = None,
              volume: int = 1000) -> Breakdown:  # fmt: skip
    template = tmp_path / "template.yaml"
    template.write_text(HEAD + body)
    return estimate_source(template, Decimal(volume), UsageFile(tmp_path / "u.yml", usage or {}),
                           samconfig=False)  # fmt: skip


def _items(breakdown: Breakdown) -> dict[tuple[str, str], Decimal]:
    found: dict[tuple[str, str], Decimal] = {}
    for p in breakdown.estimates[0].priced:
        key = (p.charge.resource, p.charge.item)
        found[key] = found.get(key, Decimal(0)) + p.charge.monthly
    return found


API = FUNCTION.format(
    name="Fn",
    events="      Events:\n        Get: {Type: HttpApi, Properties: {Path: /items, Method: get}}",
) + TABLE  # fmt: skip


def test_a_route_bills_its_requests_and_the_function_it_integrates(tmp_path: Path) -> None:
    items = _items(_estimate(tmp_path, API))
    assert items[("ServerlessHttpApi", "http-requests")] == 1000
    assert items[("Fn", "requests-x86")] == 1000


def test_what_a_function_does_inside_is_unknown_with_the_key_that_fills_it(tmp_path: Path) -> None:
    followed = _estimate(tmp_path, API).estimates[0].followed
    assert {u.key for u in followed.unknowns} == {"Fn.duration_ms", "Fn.calls.Table"}
    assert not any(c.item.startswith("duration") for c in followed.charges)


def test_the_usage_file_fills_an_unknown_and_labels_it_user(tmp_path: Path) -> None:
    usage = {"Fn": {"duration_ms": 200, "calls": {"Table": 2}}}
    breakdown = _estimate(tmp_path, API, usage)
    items = _items(breakdown)
    assert items[("Fn", "duration-x86")] == Decimal(1000) * Decimal("0.2") * 1  # 1 GB
    assert items[("Table", "write-request-units")] == 2000
    labels = {p.charge.item: p.charge.label for p in breakdown.estimates[0].priced}
    assert labels["write-request-units"] == "default"  # the route's rate is still a default
    assert not breakdown.estimates[0].followed.unknowns


def test_a_literal_put_reaches_only_the_rules_whose_pattern_matches_it(tmp_path: Path) -> None:
    body = (
        """\
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: shop}}
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies: [EventBridgePutEventsPolicy: {EventBusName: !Ref Bus}]
      Definition:
        StartAt: Put
        States:
          Put:
            Type: Task
            Resource: arn:aws:states:::events:putEvents
            Parameters:
              Entries: [{EventBusName: !Ref Bus, Source: shop, DetailType: paid, Detail: {}}]
            End: true
  Paid:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern: {detail-type: [paid]}
      Targets: [{Arn: !GetAtt Fn.Arn, Id: f}]
  Refunded:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern: {detail-type: [refunded]}
      Targets: [{Arn: !GetAtt Other.Arn, Id: o}]
"""
        + FUNCTION.format(name="Fn", events="")
        + FUNCTION.format(name="Other", events="")
        + TABLE
    )
    breakdown = _estimate(tmp_path, body)
    from_machine = {
        (p.charge.resource, p.charge.item): p.charge.monthly
        for p in breakdown.estimates[0].priced
        if p.charge.workflow == "Machine"
    }
    assert from_machine[("Bus", "custom-events")] == 1000
    assert from_machine[("Fn", "requests-x86")] == 1000
    assert ("Other", "requests-x86") not in from_machine
    # refunded events come from outside the template: an entry point of their own, by default
    entries = {e.workflow: e.label for e in breakdown.estimates[0].followed.entries}
    assert entries == {"Refunded": "default", "Machine": "default"}


def test_a_nested_start_execution_bills_the_child_as_its_own_type(tmp_path: Path) -> None:
    body = """\
  Child:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition: {StartAt: A, States: {A: {Type: Pass, End: true}}}
  Parent:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies: [StepFunctionsExecutionPolicy: {StateMachineName: !GetAtt Child.Name}]
      Definition:
        StartAt: Run
        States:
          Run:
            Type: Task
            Resource: arn:aws:states:::states:startExecution.sync:2
            Parameters: {StateMachineArn: !Ref Child}
            End: true
"""
    items = _items(_estimate(tmp_path, body))
    assert items[("Parent", "state-transitions")] == 1000
    assert items[("Child", "express-requests")] == 1000
    assert ("Child", "state-transitions") not in items


def test_a_schedule_fires_at_its_rate_whatever_the_volume(tmp_path: Path) -> None:
    body = FUNCTION.format(
        name="Fn",
        events="      Events:\n        Tick: {Type: Schedule, "
        "Properties: {Schedule: rate(1 hour)}}",
    ) + TABLE  # fmt: skip
    assert _items(_estimate(tmp_path, body, volume=1))[("Fn", "requests-x86")] == 730
    assert _items(_estimate(tmp_path, body, volume=10**6))[("Fn", "requests-x86")] == 730


def test_a_queue_bills_send_receive_and_delete_and_invokes_its_consumer(tmp_path: Path) -> None:
    body = "  Queue: {Type: AWS::SQS::Queue}\n" + FUNCTION.format(
        name="Fn",
        events="      Events:\n        Work: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}",
    ) + TABLE  # fmt: skip
    items = _items(_estimate(tmp_path, body))
    assert items[("Queue", "standard-requests")] == 3000
    assert items[("Fn", "requests-x86")] == 1000


def test_rules_on_the_default_bus_for_aws_events_bill_no_custom_events(tmp_path: Path) -> None:
    body = FUNCTION.format(
        name="Fn",
        events="      Events:\n        Done:\n          Type: EventBridgeRule\n"
        "          Properties:\n            Pattern:\n              source: [aws.states]\n"
        "              detail-type: [Step Functions Execution Status Change]",
    ) + TABLE  # fmt: skip
    breakdown = _estimate(tmp_path, body)
    items = _items(breakdown)
    assert items[("Fn", "requests-x86")] == 1000
    assert not any(item == "custom-events" for _, item in items)


def test_a_template_with_nothing_billable_says_so_with_a_zero_total(tmp_path: Path) -> None:
    breakdown = _estimate(tmp_path, TABLE)
    assert breakdown.monthly_usd == 0
    assert "nothing billable per unit of work" in breakdown.estimates[0].followed.notes[0]


def test_money_adds_up_from_items_to_workflows_to_the_total(tmp_path: Path) -> None:
    breakdown = _estimate(tmp_path, API, {"Fn": {"duration_ms": 120}}, volume=10**7)
    items = sum((p.monthly_usd or Decimal(0) for p in breakdown.estimates[0].priced), Decimal(0))
    assert items == breakdown.monthly_usd > 0


@pytest.mark.parametrize("key", ["Nope", "Fn2"])
def test_a_usage_file_naming_no_resource_is_refused(tmp_path: Path, key: str) -> None:
    with pytest.raises(Exception, match=f"resource_usage.{key}: no resource"):
        _estimate(tmp_path, API, {key: {"duration_ms": 1}})


def test_a_parallel_that_catches_takes_its_outcome_from_its_branches(tmp_path: Path) -> None:
    body = """\
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Both
        States:
          Both:
            Type: Parallel
            Branches:
              - {StartAt: A, States: {A: {Type: Pass, End: true}}}
              - {StartAt: B, States: {B: {Type: Pass, End: true}}}
            Catch: [{ErrorEquals: [States.ALL], Next: Failed}]
            End: true
          Failed: {Type: Fail}
"""
    breakdown = _estimate(tmp_path, body)
    assert _items(breakdown)[("Machine", "state-transitions")] == 3000
    assert not any("choices.Both" in d.key for d in breakdown.estimates[0].followed.defaults)


def test_a_schedule_expression_built_with_sub_is_read_with_its_parameter(tmp_path: Path) -> None:
    body = (
        """\
  Tick:
    Type: AWS::Scheduler::Schedule
    Properties:
      ScheduleExpression: !Sub "rate(${Minutes} minutes)"
      FlexibleTimeWindow: {Mode: "OFF"}
      Target: {Arn: !GetAtt Fn.Arn, RoleArn: arn:aws:iam::123456789012:role/r}
"""
        + FUNCTION.format(name="Fn", events="")
        + TABLE
    )
    template = tmp_path / "template.yaml"
    template.write_text(HEAD.replace("Resources:\n", "Parameters:\n  Minutes: {Type: Number, "
                                     "Default: 30}\nResources:\n") + body)  # fmt: skip
    breakdown = estimate_source(template, Decimal(1), UsageFile(), samconfig=False)
    assert _items(breakdown)[("Tick", "scheduler-invocations")] == 1460
