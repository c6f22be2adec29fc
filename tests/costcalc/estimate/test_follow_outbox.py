"""The general estimate follows an outbox: a write's detail-type rides its stream record to the
function that relays it onto a bus, where every rule is matched against it."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.errors import UsageError
from costcalc.estimate.breakdown import Breakdown, estimate_source
from costcalc.estimate.usage_file import UsageFile

ROLE = "Policies: [{{Statement: [{{Effect: Allow, Action: {actions}, Resource: '*'}}]}}]"
TEMPLATE = """\
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Globals:
  Function: {{Runtime: python3.12, Handler: app.handler, MemorySize: 1024}}
Resources:
  Things:
    Type: AWS::DynamoDB::Table
    Properties:
      BillingMode: PAY_PER_REQUEST
      StreamSpecification: {{StreamViewType: NEW_IMAGE}}
  Bus:
    Type: AWS::Events::EventBus
    Properties: {{Name: things}}
  Writer:
    Type: AWS::Serverless::Function
    Properties:
      Environment: {{Variables: {{TABLE: !Ref Things}}}}
      Events: {{Make: {{Type: HttpApi, Properties: {{Path: /things, Method: post}}}}}}
  Relay:
    Type: AWS::Serverless::Function
    Properties:
      Environment: {{Variables: {{BUS: !Ref Bus}}}}
      {relay_role}
  RelayMapping:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      FunctionName: !Ref Relay
      EventSourceArn: !GetAtt Things.StreamArn
      StartingPosition: LATEST
  Maker:
    Type: AWS::Serverless::Function
    Properties:
      Environment: {{Variables: {{TABLE: !Ref Things}}}}
      {maker_role}
  MadeRule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern: {{detail-type: [thing_made]}}
      Targets: [{{Id: maker, Arn: !GetAtt Maker.Arn}}]
  Noter:
    Type: AWS::Serverless::Function
  NotedRule:
    Type: AWS::Events::Rule
    Properties:
      EventBusName: !Ref Bus
      EventPattern: {{detail-type: [thing_noted]}}
      Targets: [{{Id: noter, Arn: !GetAtt Noter.Arn}}]
"""

Usage = dict[str, dict[str, object]]


def _estimate(tmp_path: Path, usage: Usage, *, emails: bool = False
              ) -> Breakdown:  # fmt: skip
    template = tmp_path / "template.yaml"
    template.write_text(
        TEMPLATE.format(
            relay_role=ROLE.format(actions="[events:PutEvents]"),
            maker_role=ROLE.format(actions="[ses:SendEmail]" if emails else "[dynamodb:PutItem]"),
        )
    )
    return estimate_source(template, Decimal(1000), UsageFile(tmp_path / "u.yml", usage),
                           samconfig=False)  # fmt: skip


def _invocations(breakdown: Breakdown) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for priced in breakdown.estimates[0].priced:
        charge = priced.charge
        if charge.item.startswith("requests-") or charge.item == "custom-events":
            found[charge.resource] = found.get(charge.resource, Decimal(0)) + charge.monthly
    return found


RELAY: dict[str, object] = {"relays": {"Bus": 1}}


def test_a_write_s_detail_type_rides_its_stream_record_to_the_relay_and_the_matching_rule(
    tmp_path: Path,
) -> None:
    found = _invocations(_estimate(tmp_path, {"Writer": {"calls": {"Things": {"thing_made": 1}}},
                                              "Relay": RELAY}))  # fmt: skip
    assert found["Relay"] == 1000
    assert found["Bus"] == 1000  # one event per record relayed
    assert found["Maker"] == 1000  # MadeRule matches thing_made
    assert "Noter" not in found  # NotedRule does not


def test_a_rule_s_target_writing_the_same_table_again_is_followed_as_its_own_event(
    tmp_path: Path,
) -> None:
    usage: Usage = {
        "Writer": {"calls": {"Things": {"thing_made": 1}}},
        "Relay": RELAY,
        "Maker": {"calls": {"Things": {"thing_noted": 0.5}}},
    }
    breakdown = _estimate(tmp_path, usage)
    found = _invocations(breakdown)
    assert found["Relay"] == 1500  # the writer's records, then the maker's
    assert found["Bus"] == 1500
    assert found["Noter"] == 500
    assert not any("a loop" in note for note in breakdown.estimates[0].followed.notes)


def test_a_target_writing_back_the_event_that_reached_it_is_a_loop_followed_once(
    tmp_path: Path,
) -> None:
    usage: Usage = {
        "Writer": {"calls": {"Things": {"thing_made": 1}}},
        "Relay": RELAY,
        "Maker": {"calls": {"Things": {"thing_made": 1}}},
    }
    breakdown = _estimate(tmp_path, usage)
    assert _invocations(breakdown)["Maker"] == 1000
    notes = breakdown.estimates[0].followed.notes
    assert any(note.startswith("Things: reached again") and "a loop" in note for note in notes)


@pytest.mark.parametrize("writes", [2, {"-": 2}])
def test_records_carrying_no_detail_type_invoke_the_relay_put_nothing_and_say_so(
    tmp_path: Path, writes: object
) -> None:
    breakdown = _estimate(tmp_path, {"Writer": {"calls": {"Things": writes}}, "Relay": RELAY})
    found = _invocations(breakdown)
    assert found["Relay"] == 2000
    assert "Bus" not in found
    assert any(
        note.startswith("Relay: 2000 of the records or events it receives a month carry no")
        for note in breakdown.estimates[0].followed.notes
    )


def test_a_relay_s_bus_is_not_an_unknown_call(tmp_path: Path) -> None:
    usage: Usage = {"Writer": {"calls": {"Things": {"thing_made": 1}}}, "Relay": RELAY}
    unknown = {u.key for u in _estimate(tmp_path, usage).estimates[0].followed.unknowns}
    assert "Relay.duration_ms" in unknown
    assert "Relay.calls.Bus" not in unknown


def test_relays_naming_what_is_not_a_bus_is_refused_naming_the_key(tmp_path: Path) -> None:
    usage: Usage = {
        "Writer": {"calls": {"Things": {"thing_made": 1}}},
        "Relay": {"relays": {"Things": 1}},
    }
    with pytest.raises(UsageError, match=r"Relay\.relays\.Things: not an event bus"):
        _estimate(tmp_path, usage)


def test_a_function_allowed_to_send_email_lists_its_emails_until_the_usage_file_gives_them(
    tmp_path: Path,
) -> None:
    usage: Usage = {
        "Writer": {"calls": {"Things": {"thing_made": 1}}},
        "Relay": RELAY,
    }
    unknown = _estimate(tmp_path, usage, emails=True).estimates[0].followed.unknowns
    assert "Maker.emails" in {u.key for u in unknown}
    given = _estimate(tmp_path, {**usage, "Maker": {"emails": 2}}, emails=True)
    emails = [p.charge for p in given.estimates[0].priced if p.charge.item == "outbound-emails"]
    assert [(c.resource, c.monthly) for c in emails] == [("Maker", Decimal(2000))]
    assert emails[0].source.endswith("Maker: 2 emails each (user)")


def test_records_written_together_arrive_in_one_batch_and_each_is_relayed(tmp_path: Path) -> None:
    usage: Usage = {
        "Writer": {"calls": {"Things": {"thing_made": 1, "-": 1}}},
        "Things": {"records_per_batch": 2},
        "Relay": RELAY,
    }
    found = _invocations(_estimate(tmp_path, usage))
    assert found["Relay"] == 1000  # 2,000 records in batches of two
    assert found["Bus"] == 1000  # the typed one of each pair
    assert found["Maker"] == 1000


def test_fewer_than_one_record_per_batch_is_refused_naming_the_key(tmp_path: Path) -> None:
    usage: Usage = {"Writer": {"calls": {"Things": 1}}, "Things": {"records_per_batch": 0.5}}
    with pytest.raises(UsageError, match=r"Things\.records_per_batch: 0\.5: expected 1 or more"):
        _estimate(tmp_path, usage)


PIPED = """\
  Piped:
    Type: AWS::Pipes::Pipe
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/pipe
      Source: !GetAtt Things.StreamArn
      Target: !GetAtt Bus.Arn
      TargetParameters: {{EventBridgeEventBusParameters: {{DetailType: "{detail_type}"}}}}
"""


@pytest.mark.parametrize(
    ("detail_type", "maker", "noter"),
    [("$.dynamodb.NewImage.kind.S", 1000, None), ("thing_noted", None, 1000)],
)
def test_a_pipe_to_a_bus_puts_its_literal_detail_type_or_the_one_each_record_carries(
    tmp_path: Path, detail_type: str, maker: int | None, noter: int | None
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        TEMPLATE.format(relay_role="", maker_role="")
        .replace("  RelayMapping:\n", PIPED.format(detail_type=detail_type) + "  RelayMapping:\n")
    )  # fmt: skip
    usage = UsageFile(tmp_path / "u.yml", {"Writer": {"calls": {"Things": {"thing_made": 1}}}})
    breakdown = estimate_source(template, Decimal(1000), usage, samconfig=False)
    piped: dict[str, Decimal] = {}
    for priced in breakdown.estimates[0].priced:
        charge = priced.charge
        if charge.workflow.endswith("POST /things") and charge.item.startswith("requests-"):
            piped[charge.resource] = piped.get(charge.resource, Decimal(0)) + charge.monthly
    assert piped.get("Maker") == maker
    assert piped.get("Noter") == noter
    entries = {entry.workflow for entry in breakdown.estimates[0].followed.entries}
    assert "NotedRule" not in entries  # fed by the pipe (a literal or any detail-type)
