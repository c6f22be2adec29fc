"""The general estimate follows a definition from its entry points to every billed item."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.errors import UsageError
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


TOPIC = """\
  Topic:
    Type: AWS::SNS::Topic
    Properties:
      Subscription:
        - {Protocol: https, Endpoint: "https://hooks.example.com/orders"}
        - {Protocol: email, Endpoint: ops@example.com}
  Inbox: {Type: AWS::SQS::Queue}
  ToInbox:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref Topic, Protocol: sqs, Endpoint: !GetAtt Inbox.Arn}
  ToPhones:
    Type: AWS::SNS::Subscription
    Properties: {TopicArn: !Ref Topic, Protocol: application, Endpoint: !Ref AWS::NoValue}
"""


def test_each_subscription_bills_its_deliveries_by_protocol_inside_the_template_or_not(
    tmp_path: Path,
) -> None:
    breakdown = _estimate(tmp_path, TOPIC)
    items = _items(breakdown)
    assert items[("Topic", "publish-requests")] == 1000
    assert items[("Topic", "deliveries-http")] == 1000
    assert items[("Topic", "deliveries-email")] == 1000
    assert items[("Topic", "deliveries-sqs")] == 1000
    assert (
        "Topic: deliveries over application have no price in the catalogue: not billed"
        in breakdown.estimates[0].followed.notes
    )


ALARMS = """\
  Errors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      {Namespace: AWS/Lambda, MetricName: Errors, Statistic: Sum, Period: 300,
       EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold}
  ErrorRate:
    Type: AWS::CloudWatch::Alarm
    Properties:
      EvaluationPeriods: 1
      Threshold: 0.05
      ComparisonOperator: GreaterThanThreshold
      Metrics:
        - {Id: rate, Expression: errors / invocations}
        - Id: errors
          ReturnData: false
          MetricStat: {Metric: {Namespace: AWS/Lambda, MetricName: Errors}, Period: 60,
                       Stat: Sum}
        - Id: invocations
          ReturnData: false
          MetricStat: {Metric: {Namespace: AWS/Lambda, MetricName: Invocations}, Period: 60,
                       Stat: Sum}
  Fast:
    Type: AWS::CloudWatch::Alarm
    Properties:
      {Namespace: AWS/SQS, MetricName: ApproximateAgeOfOldestMessage, Statistic: Maximum,
       Period: 10, EvaluationPeriods: 1, Threshold: 60, ComparisonOperator: GreaterThanThreshold}
  Board:
    Type: AWS::CloudWatch::Dashboard
    Properties: {DashboardBody: "{}"}
"""


def test_alarms_and_dashboards_bill_by_the_month_whatever_the_volume(tmp_path: Path) -> None:
    for volume in (1, 10**6):
        items = _items(_estimate(tmp_path, API + ALARMS, volume=volume))
        assert items[("Errors", "alarms")] == 1
        assert items[("ErrorRate", "alarms")] == 2  # one alarm-month per metric it reads
        assert items[("Fast", "alarms-high-resolution")] == 1
        assert items[("Board", "dashboards")] == 1
    priced = _estimate(tmp_path, API + ALARMS).estimates[0].priced
    fixed = {p.charge.resource: p for p in priced if p.charge.workflow == "(fixed monthly)"}
    assert set(fixed) == {"Errors", "ErrorRate", "Fast", "Board"}
    assert fixed["Errors"].monthly_usd == Decimal("0.10")
    assert fixed["Errors"].charge.label == "definition"
    assert fixed["Fast"].monthly_usd is None  # no sourced high-resolution price: not priced


ALARM_TOPIC = """\
  Alerts:
    Type: AWS::SNS::Topic
    Properties:
      Subscription: [{Protocol: email, Endpoint: oncall@pizza.shop}]
  Errors:
    Type: AWS::CloudWatch::Alarm
    Properties:
      {Namespace: AWS/Lambda, MetricName: Errors, Statistic: Sum, Period: 300,
       EvaluationPeriods: 1, Threshold: 1, ComparisonOperator: GreaterThanThreshold,
       AlarmActions: [!Ref Alerts], OKActions: [!Ref Alerts]}
"""


def test_a_topic_only_alarms_publish_to_is_not_an_entry_point_hit_per_unit_of_work(
    tmp_path: Path,
) -> None:
    breakdown = _estimate(tmp_path, API + ALARM_TOPIC, volume=10**6)
    items = _items(breakdown)
    assert not any(resource == "Alerts" for resource, _ in items)
    assert items[("Errors", "alarms")] == 1
    assert {e.resource for e in breakdown.estimates[0].followed.entries} == {"ServerlessHttpApi"}
    assert (
        "Alerts: published by alarms when their state changes, not per unit of work; its "
        "deliveries are not priced" in breakdown.estimates[0].followed.notes
    )


def test_the_custom_metrics_a_function_publishes_come_from_the_usage_file(tmp_path: Path) -> None:
    assert not any(item == "metrics" for _, item in _items(_estimate(tmp_path, API)))
    breakdown = _estimate(tmp_path, API, {"Fn": {"custom_metrics": 3}})
    [metrics] = [p for p in breakdown.estimates[0].priced if p.charge.item == "metrics"]
    assert (metrics.charge.resource, metrics.charge.monthly) == ("Fn", Decimal(3))
    assert metrics.charge.label == "user"
    assert metrics.monthly_usd == Decimal("0.90")


def test_cold_starts_from_the_usage_file_bill_their_init_as_duration(tmp_path: Path) -> None:
    warm = _items(_estimate(tmp_path, API, {"Fn": {"duration_ms": 100}}))
    cold = _items(
        _estimate(tmp_path, API, {"Fn": {"duration_ms": 100, "cold_start_rate": 0.1,
                                         "init_ms": 500}})
    )  # fmt: skip
    # 1,000 invocations x 0.1 cold x 0.5 s x 1 GB of INIT on top of 1,000 x 0.1 s x 1 GB
    assert warm[("Fn", "duration-x86")] == 100
    assert cold[("Fn", "duration-x86")] == 150


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"cold_start_rate": 2, "init_ms": 500}, r"Fn\.cold_start_rate: 2: expected a share"),
        ({"cold_start_rate": 0.1}, r"Fn\.cold_start_rate: 0\.1 needs Fn\.init_ms > 0"),
    ],
)
def test_cold_starts_the_usage_file_cannot_mean_are_refused_naming_the_key(
    tmp_path: Path, figures: dict[str, object], message: str
) -> None:
    with pytest.raises(UsageError, match=message):
        _estimate(tmp_path, API, {"Fn": {"duration_ms": 100, **figures}})


LOGGED = (
    FUNCTION.format(
        name="Fn",
        events="      LoggingConfig: {LogGroup: !Ref FnLogs}\n"
        "      Events:\n        Get: {Type: HttpApi, Properties: {Path: /items, Method: get}}",
    )
    + TABLE
    + "  FnLogs:\n    Type: AWS::Logs::LogGroup\n    Properties: {RetentionInDays: 73}\n"
)


def test_a_function_s_log_lines_bill_ingestion_and_storage_for_its_group_s_retention(
    tmp_path: Path,
) -> None:
    items = _items(_estimate(tmp_path, LOGGED, {"Fn": {"log_kb": 2}}, volume=1024 * 512))
    assert items[("Fn", "logs-ingestion-vended")] == 1  # 524,288 x 2 KB = 1 GB
    assert items[("Fn", "logs-storage")] == Decimal("2.4")  # 73 days = 2.4 months kept


def test_logs_kept_forever_bill_ingestion_and_say_their_storage_is_not_billed(
    tmp_path: Path,
) -> None:
    breakdown = _estimate(tmp_path, API, {"Fn": {"log_kb": 2}}, volume=1024 * 512)
    items = _items(breakdown)
    assert items[("Fn", "logs-ingestion-vended")] == 1
    assert ("Fn", "logs-storage") not in items
    assert any("keeps logs forever" in n for n in breakdown.estimates[0].followed.notes)
    assert not any(item.startswith("logs") for _, item in _items(_estimate(tmp_path, API)))


ITEMS = (
    TABLE
    + """\
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Read
        States:
          Read:
            Type: Task
            Resource: arn:aws:states:::dynamodb:getItem
            Parameters: {TableName: !Ref Table, Key: {id: {S: x}}}
            Next: Write
          Write:
            Type: Task
            Resource: arn:aws:states:::dynamodb:putItem
            Parameters: {TableName: !Ref Table, Item: {id: {S: x}}}
            End: true
"""
)


@pytest.mark.parametrize(
    ("figures", "writes", "reads"),
    [
        ({}, 1000, 1000),  # items up to 1 KB, strong reads: one unit each
        ({"item_kb": 1.5}, 2000, 1000),  # 2 write units; one read unit covers 4 KB
        ({"item_kb": 6}, 6000, 2000),
        ({"item_kb": 6, "eventual_reads": 1}, 6000, 1000),  # an eventual read is half
    ],
)
def test_a_table_bills_request_units_by_item_size_and_read_consistency(
    tmp_path: Path, figures: dict[str, object], writes: int, reads: int
) -> None:
    items = _items(_estimate(tmp_path, ITEMS, {"Table": figures} if figures else None))
    assert items[("Table", "write-request-units")] == writes
    assert items[("Table", "read-request-units")] == reads


def test_a_share_of_eventual_reads_above_one_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"Table\.eventual_reads: 2: expected a share"):
        _estimate(tmp_path, ITEMS, {"Table": {"eventual_reads": 2}})


SIZED = (
    "  Bus: {Type: AWS::Events::EventBus, Properties: {Name: team}}\n"
    "  Queue: {Type: AWS::SQS::Queue}\n"
    + FUNCTION.format(
        name="Fn",
        events="      Events:\n"
        "        Get: {Type: HttpApi, Properties: {Path: /items, Method: post}}\n"
        "        Work: {Type: SQS, Properties: {Queue: !GetAtt Queue.Arn}}\n"
        "        Placed:\n          Type: EventBridgeRule\n          Properties:\n"
        "            EventBusName: !Ref Bus\n            Pattern: {source: [team.orders]}",
    )
    + TABLE
)


def test_payload_sizes_from_the_usage_file_bill_each_metered_chunk(tmp_path: Path) -> None:
    plain = _items(_estimate(tmp_path, SIZED))
    usage: dict[str, dict[str, object]] = {
        "ServerlessHttpApi": {"request_kb": 600},  # two 512 KB increments
        "Bus": {"event_kb": 100},  # two 64 KB chunks
        "Queue": {"message_kb": 65},  # two 64 KB chunks per request
    }
    breakdown = _estimate(tmp_path, SIZED, usage)
    sized = _items(breakdown)
    for key in [
        ("ServerlessHttpApi", "http-requests"),
        ("Bus", "custom-events"),
        ("Queue", "standard-requests"),
    ]:
        assert sized[key] == 2 * plain[key] > 0
    sources = {p.charge.resource: p.charge.source for p in breakdown.estimates[0].priced}
    assert sources["Bus"].endswith("Bus: 100 KB per payload (user)")
    assert sources["Queue"].endswith("Queue: 65 KB per payload (user)")


def test_a_payload_size_the_service_does_not_take_is_refused_naming_the_key(
    tmp_path: Path,
) -> None:
    with pytest.raises(UsageError, match=r"u\.yml: Bus\.event_kb: accepted values are 0 to 1,024"):
        _estimate(tmp_path, SIZED, {"Bus": {"event_kb": 2000}})


def test_an_express_machine_express_cannot_run_is_refused_with_the_reason(tmp_path: Path) -> None:
    body = """\
  Queue: {Type: AWS::SQS::Queue}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Ask
        States:
          Ask:
            Type: Task
            Resource: arn:aws:states:::sqs:sendMessage.waitForTaskToken
            Parameters: {QueueUrl: !Ref Queue, MessageBody: {token.$: $$.Task.Token}}
            End: true
"""
    with pytest.raises(UsageError, match=r"Flow: Type EXPRESS.*'Ask' waits for a task token"):
        _estimate(tmp_path, body)


def test_an_apigateway_invoke_task_bills_a_request_to_the_api_its_endpoint_names(
    tmp_path: Path,
) -> None:
    body = """\
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: api, ProtocolType: HTTP}
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Definition:
        StartAt: Call
        States:
          Call:
            Type: Task
            Resource: arn:aws:states:::apigateway:invoke
            Parameters:
              ApiEndpoint: !Sub "${Api}.execute-api.${AWS::Region}.amazonaws.com"
              Method: GET
            End: true
"""
    followed = _estimate(tmp_path, body).estimates[0].followed
    assert _items(_estimate(tmp_path, body))[("Api", "http-requests")] == 1000
    assert any(
        "Flow.Call: calls Api; the route it takes is not followed" in n for n in followed.notes
    )
