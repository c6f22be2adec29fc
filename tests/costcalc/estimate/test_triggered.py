"""A function's figures by what invoked it: per route (``by_route``) and per detail-type of the
event that invoked it (``by_event``), laid over its own figures for those invocations only."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.errors import UsageError
from costcalc.estimate.follow import Followed
from tests.costcalc.estimate.sam_estimates import SAM_HEAD, Usage, estimate_text

TEMPLATE = (
    SAM_HEAD
    + """\
  Items:
    Type: AWS::Serverless::SimpleTable
  Bus:
    Type: AWS::Events::EventBus
    Properties: {Name: items}
  Api:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - {DynamoDBCrudPolicy: {TableName: !Ref Items}}
        - {EventBridgePutEventsPolicy: {EventBusName: items}}
      Events:
        Put: {Type: HttpApi, Properties: {Method: POST, Path: /items}}
        Get: {Type: HttpApi, Properties: {Method: GET, Path: /items}}
  Publisher:
    Type: AWS::Serverless::Function
    Properties:
      Policies: [{EventBridgePutEventsPolicy: {EventBusName: items}}]
      Events:
        Put: {Type: HttpApi, Properties: {Method: POST, Path: /publish}}
  Reactor:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        - {DynamoDBCrudPolicy: {TableName: !Ref Items}}
        - {LambdaInvokePolicy: {FunctionName: !Ref Api}}
      Events:
        Both:
          Type: EventBridgeRule
          Properties:
            EventBusName: !Ref Bus
            Pattern: {detail-type: [created, deleted]}
"""
)
ROUTES: dict[str, object] = {
    "requests_per_unit": {"POST /items": 1, "GET /items": 3, "POST /publish": 1}
}


def _followed(tmp_path: Path, usage: Usage) -> Followed:
    routed: Usage = {"ServerlessHttpApi": ROUTES, **usage}
    return estimate_text(tmp_path, TEMPLATE, routed).estimates[0].followed


def _monthly(followed: Followed, workflow: str, resource: str, item: str) -> Decimal:
    return sum(
        (
            c.monthly
            for c in followed.charges
            if (c.workflow, c.resource, c.item) == (workflow, resource, item)
        ),
        Decimal(0),
    )


PUT, GET = "ServerlessHttpApi POST /items", "ServerlessHttpApi GET /items"
PUBLISH = "ServerlessHttpApi POST /publish"
WRITES, READS = "write-request-units", "read-request-units"


def test_a_route_s_figures_bill_its_writes_on_that_route_only(tmp_path: Path) -> None:
    followed = _followed(
        tmp_path,
        {
            "Api": {
                "duration_ms": 20,
                "calls": {"Items": 0},
                "by_route": {
                    "POST /items": {"calls": {"Items": 2}},
                    "GET /items": {"reads": {"Items": 1}},
                },
            }
        },
    )

    assert _monthly(followed, PUT, "Items", WRITES) == 2000
    assert _monthly(followed, GET, "Items", WRITES) == 0
    assert _monthly(followed, GET, "Items", READS) == 3000  # strongly consistent by default
    assert _monthly(followed, PUT, "Items", READS) == 0


def test_a_route_s_figures_are_laid_over_the_function_s_own(tmp_path: Path) -> None:
    followed = _followed(
        tmp_path,
        {
            "Api": {
                "duration_ms": 20,
                "calls": {"Items": 1, "Bus": 0},
                "by_route": {"GET /items": {"duration_ms": 100, "calls": {"Bus": {"created": 1}}}},
            }
        },
    )

    assert _monthly(followed, PUT, "Items", WRITES) == 1000  # the function's own figures
    assert _monthly(followed, GET, "Items", WRITES) == 3000  # kept where the route names none
    assert _monthly(followed, GET, "Bus", "custom-events") == 3000
    assert _monthly(followed, PUT, "Bus", "custom-events") == 0
    put = _monthly(followed, PUT, "Api", "duration-x86")
    get = _monthly(followed, GET, "Api", "duration-x86")
    # GB-seconds at 1 GB: 1,000 invocations of 20 ms, 3,000 of 100 ms
    assert (put, get) == (Decimal(20), Decimal(300))
    assert all(
        "Api: its figures for GET /items (user)" in c.source
        for c in followed.charges
        if (c.workflow, c.resource) == (GET, "Api")
    )


def test_a_route_the_function_is_not_behind_is_refused_with_its_routes(tmp_path: Path) -> None:
    with pytest.raises(UsageError) as refused:
        _followed(tmp_path, {"Api": {"by_route": {"DELETE /items": {"calls": {"Items": 1}}}}})

    message = str(refused.value)
    assert 'Api.by_route."DELETE /items": no route of the template integrates Api' in message
    assert '"GET /items", "POST /items"' in message


@pytest.mark.parametrize(
    ("figures", "says"),
    [
        ({"by_route": {"GET /items": 3}}, 'Api.by_route."GET /items": expected a mapping'),
        (
            {"by_route": {"GET /items": {"by_event": {}}}},
            'Api.by_route."GET /items".by_event: figures by trigger do not nest',
        ),
        ({"by_event": ["created"]}, "Api.by_event: expected a mapping"),
    ],
)
def test_figures_by_trigger_that_are_not_a_mapping_of_figures_are_refused(
    tmp_path: Path, figures: dict[str, object], says: str
) -> None:
    with pytest.raises(UsageError, match=says.replace(".", r"\.")):
        _followed(tmp_path, {"Api": figures})


PUBLISHES: Usage = {"Publisher": {"calls": {"Bus": {"created": 1, "deleted": 1}}}}


def test_an_event_s_figures_apply_to_the_invocations_that_event_causes(tmp_path: Path) -> None:
    followed = _followed(
        tmp_path,
        {
            **PUBLISHES,
            "Reactor": {"calls": {"Items": 0}, "by_event": {"deleted": {"calls": {"Items": 4}}}},
        },
    )

    writes = [c for c in followed.charges if (c.resource, c.item) == ("Items", WRITES)]
    assert [w.monthly for w in writes] == [Decimal(4000)]
    assert "Reactor: its figures for deleted (user)" in writes[0].source
    assert _monthly(followed, PUBLISH, "Reactor", "requests-x86") == 2000  # both events invoke it


def test_a_function_scheduling_on_one_event_only_leaves_no_call_unknown(tmp_path: Path) -> None:
    followed = _followed(
        tmp_path,
        {
            **PUBLISHES,
            "Api": {"calls": {"Items": 0, "Bus": 0}},
            "Reactor": {
                "calls": {"Items": 0},
                "by_event": {"created": {"schedules": {"Api": 0.5}}},
            },
        },
    )

    assert _monthly(followed, PUBLISH, "Api", "requests-x86") == 500
    assert "Reactor.calls.Api" not in {u.key for u in followed.unknowns}


def test_an_event_no_followed_work_delivers_is_named_in_the_notes(tmp_path: Path) -> None:
    followed = _followed(
        tmp_path,
        {
            **PUBLISHES,
            "Reactor": {"calls": {"Items": 0}, "by_event": {"craeted": {"calls": {"Items": 1}}}},
        },
    )

    unused = "Reactor.by_event.craeted: no craeted event"
    assert any(note.startswith(unused) for note in followed.notes)
    assert _monthly(followed, PUBLISH, "Items", WRITES) == 0
