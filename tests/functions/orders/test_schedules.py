"""The choreography's clocks on moto's EventBridge Scheduler (botocore's `Stubber` only for the
failures moto never answers), and what a clock's function does when its schedule fires, on
moto's orders table."""

import dataclasses
import json
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber
from moto import mock_aws
from mypy_boto3_scheduler import EventBridgeSchedulerClient
from order_tables import NOW, ORDER

from orders import clock
from orders.events import EventType, timestamp
from orders.model import TRANSITIONS, Action, Status, event_for
from orders.schedules import Clock, due_time, ring
from orders.store import OrderStore, recorded_events

CLOCK = Clock(
    group="orderflow-acceptance",
    target_arn="arn:aws:lambda:us-east-1:123456789012:function:order-timeout",
    role_arn="arn:aws:iam::123456789012:role/scheduler-invokes-timeout",
    dead_letter_arn="arn:aws:sqs:us-east-1:123456789012:schedule-dead-letters",
)
DUE = datetime(2026, 12, 3, 15, 30, 45, tzinfo=UTC)
PAYLOAD = {"order_id": "o-1", "timeout_seconds": 300}
A_MOMENT = datetime(2026, 1, 2, 3, 9, 5, tzinfo=UTC)


@pytest.fixture
def scheduler() -> Iterator[EventBridgeSchedulerClient]:
    with mock_aws():
        client = boto3.client("scheduler", region_name="us-east-1")
        client.create_schedule_group(Name=CLOCK.group)
        client.create_schedule_group(Name="orderflow-deadline")
        yield client


def _schedules(client: EventBridgeSchedulerClient, group: str) -> list[str]:
    return [s["Name"] for s in client.list_schedules(GroupName=group)["Schedules"]]


def test_a_due_time_on_a_whole_second_is_the_start_plus_the_seconds() -> None:
    assert due_time(datetime(2026, 12, 3, 15, 0, 0, tzinfo=UTC), 300) == datetime(
        2026, 12, 3, 15, 5, 0, tzinfo=UTC
    )


@pytest.mark.parametrize("microsecond", [1, 500_000, 999_999])
def test_a_due_time_within_a_second_is_rounded_up_to_the_next_second(microsecond: int) -> None:
    """`at()` takes whole seconds: rounding down would let the clock run out early."""
    start = datetime(2026, 12, 3, 15, 0, 0, microsecond, tzinfo=UTC)
    assert due_time(start, 300) == datetime(2026, 12, 3, 15, 5, 1, tzinfo=UTC)


def test_starting_a_clock_creates_a_one_time_schedule_in_its_group_at_the_due_second_in_utc(
    scheduler: EventBridgeSchedulerClient,
) -> None:
    assert CLOCK.start(scheduler, "order-o-1", DUE, PAYLOAD) is True
    schedule = scheduler.get_schedule(Name="order-o-1", GroupName=CLOCK.group)
    assert schedule["ScheduleExpression"] == "at(2026-12-03T15:30:45)"
    assert schedule["ScheduleExpressionTimezone"] == "UTC"
    assert schedule["FlexibleTimeWindow"] == {"Mode": "OFF"}
    assert schedule["ActionAfterCompletion"] == "DELETE"
    assert _schedules(scheduler, "orderflow-deadline") == []


def test_the_schedule_invokes_the_clock_s_target_with_the_payload_retrying_for_an_hour(
    scheduler: EventBridgeSchedulerClient,
) -> None:
    """Then its dead letter queue: a firing that never got through is kept, not lost."""
    CLOCK.start(scheduler, "order-o-1", DUE, PAYLOAD)
    target = scheduler.get_schedule(Name="order-o-1", GroupName=CLOCK.group)["Target"]
    assert target == {
        "Arn": CLOCK.target_arn,
        "RoleArn": CLOCK.role_arn,
        "Input": ANY,
        "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600},
        "DeadLetterConfig": {"Arn": CLOCK.dead_letter_arn},
    }
    assert json.loads(target["Input"]) == PAYLOAD


def test_starting_a_clock_again_keeps_the_first_schedule_and_says_it_existed(
    scheduler: EventBridgeSchedulerClient,
) -> None:
    """A redelivered `order_placed` must not move the due time or fail the function."""
    CLOCK.start(scheduler, "order-o-1", DUE, PAYLOAD)
    later = datetime(2026, 12, 3, 15, 40, 0, tzinfo=UTC)
    assert CLOCK.start(scheduler, "order-o-1", later, {"order_id": "o-1"}) is False
    schedule = scheduler.get_schedule(Name="order-o-1", GroupName=CLOCK.group)
    assert schedule["ScheduleExpression"] == "at(2026-12-03T15:30:45)"
    assert json.loads(schedule["Target"]["Input"]) == PAYLOAD


def test_each_order_has_its_own_schedule(scheduler: EventBridgeSchedulerClient) -> None:
    assert CLOCK.start(scheduler, "order-o-1", DUE, PAYLOAD) is True
    assert CLOCK.start(scheduler, "order-o-2", DUE, {"order_id": "o-2"}) is True
    assert sorted(_schedules(scheduler, CLOCK.group)) == ["order-o-1", "order-o-2"]


def test_stopping_a_clock_deletes_its_pending_schedule_and_no_other(
    scheduler: EventBridgeSchedulerClient,
) -> None:
    CLOCK.start(scheduler, "order-o-1", DUE, PAYLOAD)
    CLOCK.start(scheduler, "order-o-2", DUE, {"order_id": "o-2"})
    assert CLOCK.stop(scheduler, "order-o-1") is True
    assert _schedules(scheduler, CLOCK.group) == ["order-o-2"]


def test_stopping_a_clock_whose_schedule_is_gone_says_there_was_none(
    scheduler: EventBridgeSchedulerClient,
) -> None:
    """Fired (and deleted after it ran), stopped already, or never made: not a failure."""
    assert CLOCK.stop(scheduler, "order-o-1") is False
    CLOCK.start(scheduler, "order-o-1", DUE, PAYLOAD)
    CLOCK.stop(scheduler, "order-o-1")
    assert CLOCK.stop(scheduler, "order-o-1") is False


@pytest.mark.parametrize("code", ["AccessDeniedException", "ThrottlingException"])
def test_a_failure_to_create_or_delete_a_schedule_other_than_its_state_is_raised(
    code: str,
) -> None:
    """Moto never answers these, so the answers are stubbed: a clock that could not be set
    must fail the function (and the event be retried), not pass for a redelivery."""
    client = boto3.client("scheduler", region_name="us-east-1")
    with Stubber(client) as stubber:
        stubber.add_client_error("create_schedule", code, http_status_code=400)
        stubber.add_client_error("delete_schedule", code, http_status_code=400)
        with pytest.raises(ClientError, match=code):
            CLOCK.start(client, "order-o-1", DUE, PAYLOAD)
        with pytest.raises(ClientError, match=code):
            CLOCK.stop(client, "order-o-1")


def test_a_clock_cannot_be_changed() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        CLOCK.group = "other"  # type: ignore[misc]


def _placed(store: OrderStore) -> None:
    store.place(ORDER, event_for(ORDER, EventType.ORDER_PLACED, NOW, items=[], total="9.50"))


def _events() -> list[tuple[EventType, dict[str, object]]]:
    """The events recorded on the order, read from the table as the outbox publisher reads them."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    item = client.get_item(TableName="orders", Key={"order_id": {"S": "o-1"}})["Item"]
    image = {name: TypeDeserializer().deserialize(value) for name, value in item.items()}
    return [(event.event_type, event.detail) for event in recorded_events(image)]


def test_a_clock_that_rings_while_the_order_waits_takes_the_action_and_records_its_event(
    store: OrderStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    _placed(store)
    monkeypatch.setattr(clock, "now", lambda: A_MOMENT)
    order, refused = ring(store, "o-1", Action.TIME_OUT, timeout_seconds=300)
    assert refused == ""
    assert (order.status, order.version) == (Status.TIMED_OUT, 2)
    assert store.get("o-1") == order
    event_type, detail = _events()[-1]
    assert event_type is EventType.ORDER_TIMED_OUT
    assert (detail["timeout_seconds"], detail["occurred_at"]) == (300, timestamp(A_MOMENT))


def test_a_clock_that_rings_after_the_order_moved_on_leaves_it_and_says_why(
    store: OrderStore,
) -> None:
    """The restaurant answered (or the customer cancelled) before the schedule fired."""
    _placed(store)
    accept = TRANSITIONS[Action.ACCEPT]
    store.apply(ORDER, accept, event_for(ORDER, accept.event, NOW))
    accepted = store.get("o-1")
    order, refused = ring(store, "o-1", Action.TIME_OUT, timeout_seconds=300)
    assert order == accepted == store.get("o-1")
    assert refused.startswith("cannot time out order o-1: its status is 'accepted'")
    assert [event_type for event_type, _ in _events()] == [
        EventType.ORDER_PLACED,
        EventType.ORDER_ACCEPTED,
    ]
