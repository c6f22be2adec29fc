"""Where a template's workflows start: what nothing in it feeds, including functions nothing in
it invokes and loops nothing outside them feeds, and never what it feeds from a reached part."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from costcalc.estimate.breakdown import Breakdown
from costcalc.estimate.follow import Followed
from tests.costcalc.estimate.sam_estimates import SAM_HEAD, Usage, estimate_text


def _estimate(tmp_path: Path, body: str, usage: Usage | None = None) -> Breakdown:
    return estimate_text(tmp_path, SAM_HEAD + body, usage)


def _followed(tmp_path: Path, body: str, usage: Usage | None = None) -> Followed:
    return _estimate(tmp_path, body, usage).estimates[0].followed


def _entries(followed: Followed) -> dict[str, tuple[str, Decimal, str]]:
    return {e.resource: (e.kind, e.monthly, e.label) for e in followed.entries}


def _invocations(followed: Followed, function: str) -> Decimal:
    return sum(
        (c.monthly for c in followed.charges if (c.resource, c.item) == (function, "requests-x86")),
        Decimal(0),
    )


LONE = "  Lone:\n    Type: AWS::Serverless::Function\n"


def test_a_function_nothing_in_the_template_invokes_is_started_from_outside_once_per_unit(
    tmp_path: Path,
) -> None:
    followed = _followed(tmp_path, LONE)

    assert _entries(followed) == {
        "Lone": ("function started outside the template", Decimal(1000), "default")
    }
    assert _invocations(followed, "Lone") == 1000
    assert "Lone.invocations_per_unit" in {d.key for d in followed.defaults}


def test_the_usage_file_says_how_often_a_function_is_started_from_outside(tmp_path: Path) -> None:
    followed = _followed(tmp_path, LONE, {"Lone": {"invocations_per_unit": 0.25}})

    assert _invocations(followed, "Lone") == 250
    assert _entries(followed)["Lone"][2] == "user"


def test_a_function_url_is_an_entry_point_of_its_own_kind(tmp_path: Path) -> None:
    body = LONE + "    Properties: {FunctionUrlConfig: {AuthType: AWS_IAM}}\n"

    assert _entries(_followed(tmp_path, body))["Lone"][0] == "function URL requests"


def test_a_custom_resource_s_function_runs_when_the_stack_deploys_and_is_not_billed(
    tmp_path: Path,
) -> None:
    body = (
        LONE + "  Seed:\n    Type: Custom::Seed\n    Properties: {ServiceToken: !GetAtt Lone.Arn}\n"
    )
    followed = _followed(tmp_path, body)

    assert not followed.entries
    assert _invocations(followed, "Lone") == 0
    assert any(n.startswith("Lone: invoked by Seed (Custom::Seed) when the stack is created")
               for n in followed.notes)  # fmt: skip


COGNITO = LONE + (
    "  Pool:\n    Type: AWS::Cognito::UserPool\n"
    "    Properties: {LambdaConfig: {PreSignUp: !GetAtt Lone.Arn}}\n"
)


def test_a_function_only_an_unfollowed_resource_invokes_is_unknown_until_the_usage_file_says(
    tmp_path: Path,
) -> None:
    followed = _followed(tmp_path, COGNITO)

    assert not followed.entries
    assert [u.key for u in followed.unknowns] == ["Lone.invocations_per_unit"]
    assert "named by Pool (AWS::Cognito::UserPool)" in followed.unknowns[0].what

    given = _followed(tmp_path, COGNITO, {"Lone": {"invocations_per_unit": 0.1}})
    assert _invocations(given, "Lone") == 100


LOOP = """\
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: {ShardCount: 1}
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      Environment: {Variables: {STREAM: !Ref Stream}}
      Events:
        Records: {Type: Kinesis, Properties: {Stream: !GetAtt Stream.Arn, StartingPosition: LATEST}}
"""


def test_a_stream_whose_only_writer_is_its_own_consumer_is_entered_as_fed_from_outside(
    tmp_path: Path,
) -> None:
    followed = _followed(tmp_path, LOOP)

    assert _entries(followed) == {"Stream": ("stream records", Decimal(1000), "default")}
    assert _invocations(followed, "Consumer") == 1000
    assert any(n.startswith("Stream: fed only by Consumer, which nothing the estimate follows")
               for n in followed.notes)  # fmt: skip


def test_what_lies_past_an_unknown_call_of_a_reached_function_is_not_entered_again(
    tmp_path: Path,
) -> None:
    body = LONE + (
        "    Properties: {Environment: {Variables: {MID: !Ref Mid}}}\n"
        "  Mid:\n    Type: AWS::Serverless::Function\n"
        "    Properties: {Environment: {Variables: {MACHINE: !Ref Machine}}}\n"
        "  Machine:\n    Type: AWS::Serverless::StateMachine\n"
        "    Properties:\n      Definition: {StartAt: Done, States: {Done: {Type: Succeed}}}\n"
    )
    followed = _followed(tmp_path, body)

    assert set(_entries(followed)) == {"Lone"}  # Machine waits on Lone.calls.Mid
    assert "Lone.calls.Mid" in {u.key for u in followed.unknowns}


def test_a_function_the_usage_file_says_another_calls_is_not_also_started_from_outside(
    tmp_path: Path,
) -> None:
    body = LONE + "  Callee:\n    Type: AWS::Serverless::Function\n"
    followed = _followed(tmp_path, body, {"Lone": {"calls": {"Callee": 2}}})

    assert set(_entries(followed)) == {"Lone"}
    assert _invocations(followed, "Callee") == 2000


def test_events_wired_to_an_alias_bill_the_function_it_stands_for(tmp_path: Path) -> None:
    body = """\
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      AutoPublishAlias: live
      Events: {Get: {Type: HttpApi, Properties: {Path: /items, Method: get}}}
"""
    followed = _followed(tmp_path, body)

    assert _invocations(followed, "Fn") == 1000
    assert not [n for n in followed.notes if "not billed" in n]


CHAIN = """\
  Seeder:
    Type: AWS::Serverless::Function
    Properties:
      Policies: [SNSPublishMessagePolicy: {TopicName: !GetAtt News.TopicName}]
  Seed:
    Type: Custom::Seed
    Properties: {ServiceToken: !GetAtt Seeder.Arn}
  News:
    Type: AWS::SNS::Topic
    Properties:
      Subscription: [{Protocol: sqs, Endpoint: !GetAtt Inbox.Arn}]
  Inbox:
    Type: AWS::SQS::Queue
  Reader:
    Type: AWS::Serverless::Function
    Properties:
      Events: {Mail: {Type: SQS, Properties: {Queue: !GetAtt Inbox.Arn}}}
"""


def test_a_chain_only_a_custom_resource_feeds_is_entered_once_at_its_head(tmp_path: Path) -> None:
    followed = _followed(tmp_path, CHAIN)

    assert list(_entries(followed)) == ["News"]  # not the queue it delivers to as well
    assert _invocations(followed, "Reader") == 1000
    assert _invocations(followed, "Seeder") == 0


TABLE_LOOP = """\
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      StreamSpecification: {StreamViewType: NEW_IMAGE}
      KeySchema: [{AttributeName: id, KeyType: HASH}]
      AttributeDefinitions: [{AttributeName: id, AttributeType: S}]
  OnInsert:
    Type: AWS::Serverless::Function
    Properties:
      Policies: [DynamoDBCrudPolicy: {TableName: !Ref Table}]
      Events:
        Stream:
          Type: DynamoDB
          Properties: {Stream: !GetAtt Table.StreamArn, StartingPosition: LATEST}
"""


def test_a_table_whose_stream_consumer_may_write_it_back_is_entered_at_its_stream(
    tmp_path: Path,
) -> None:
    assert _entries(_followed(tmp_path, TABLE_LOOP)) == {
        "Table": ("table records", Decimal(1000), "default")
    }


ENRICHED = """\
  Source:
    Type: AWS::SQS::Queue
  Sink:
    Type: AWS::SQS::Queue
  Enrich:
    Type: AWS::Serverless::Function
  Pipe:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/pipe
      Source: !GetAtt Source.Arn
      Enrichment: !GetAtt Enrich.Arn
      Target: !GetAtt Sink.Arn
"""


def test_a_pipe_s_enrichment_function_runs_once_per_batch_the_pipe_takes(tmp_path: Path) -> None:
    followed = _followed(tmp_path, ENRICHED)

    assert "Enrich" not in _entries(followed)  # the pipe invokes it: no entry of its own
    assert "Enrich.invocations_per_unit" not in {u.key for u in followed.unknowns}
    pipe_requests = sum(
        (c.monthly for c in followed.charges if (c.resource, c.item) == ("Pipe", "requests")),
        Decimal(0),
    )
    assert pipe_requests > 0
    assert _invocations(followed, "Enrich") == pipe_requests


IMPORTED = """\
  Consumer:
    Type: AWS::Serverless::Function
    Properties:
      Events:
        Jobs:
          Type: SQS
          Properties: {Queue: !ImportValue shared-jobs-queue-arn, BatchSize: 10}
  Rule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !ImportValue shared-bus-name
      EventPattern: {source: [shop]}
      Targets: [{Id: c, Arn: !GetAtt Consumer.Arn}]
"""


def test_a_rule_on_another_stack_s_bus_is_an_entry_named_after_that_bus(tmp_path: Path) -> None:
    followed = _followed(tmp_path, IMPORTED)

    kind = _entries(followed)["Rule"][0]
    assert kind == "events on Fn::ImportValue shared-bus-name (a bus outside the template)"
    billed = {c.resource for c in followed.charges if c.item == "custom-events"}
    assert billed == {"(Fn::ImportValue shared-bus-name bus)"}  # never "the default bus"


def test_records_from_another_stack_s_queue_are_an_entry_even_when_a_rule_invokes_the_consumer(
    tmp_path: Path,
) -> None:
    usage: Usage = {"ConsumerJobs": {"records_per_unit": 3, "records_per_batch": 10}}
    followed = _followed(tmp_path, IMPORTED, usage)

    assert _entries(followed)["ConsumerJobs"] == (
        "records from Fn::ImportValue shared-jobs-queue-arn",
        Decimal(3000),
        "user",
    )
    from_queue = sum(
        (c.monthly for c in followed.charges
         if (c.workflow, c.item) == ("ConsumerJobs", "requests-x86")),
        Decimal(0),
    )  # fmt: skip
    assert from_queue == 300  # 3,000 records in batches of 10
    assert _invocations(followed, "Consumer") == 300 + 1000  # and the rule's events


def test_a_rule_naming_the_template_s_bus_by_its_name_is_on_that_bus(tmp_path: Path) -> None:
    body = LONE + (
        "  Bus:\n    Type: AWS::Events::EventBus\n"
        "    Properties: {Name: !Sub '${AWS::StackName}-bus'}\n"
        "  Rule:\n    Type: AWS::Events::Rule\n    Properties:\n"
        "      EventBusName: !Sub '${AWS::StackName}-bus'\n"
        "      EventPattern: {source: [shop]}\n"
        "      Targets: [{Id: l, Arn: !GetAtt Lone.Arn}]\n"
    )
    followed = _followed(tmp_path, body)

    assert _entries(followed)["Rule"][0] == "events on Bus bus"
    assert {c.resource for c in followed.charges if c.item == "custom-events"} == {"Bus"}
