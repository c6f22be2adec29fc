import dataclasses
from collections.abc import Iterator
from datetime import UTC, datetime

import boto3
import pytest
from botocore.exceptions import ClientError
from botocore.stub import Stubber
from moto import mock_aws

from orders.events import EventType, build_detail
from orders.timeline import Timeline

AT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
COMMON = {"order_id": "o-1", "correlation_id": "c-1", "restaurant_id": "pizza-1"}


@pytest.fixture
def timeline() -> Iterator[Timeline]:
    with mock_aws():
        client = boto3.client("dynamodb", region_name="us-east-1")
        client.create_table(
            TableName="timeline",
            AttributeDefinitions=[
                {"AttributeName": "order_id", "AttributeType": "S"},
                {"AttributeName": "event", "AttributeType": "S"},
            ],
            KeySchema=[
                {"AttributeName": "order_id", "KeyType": "HASH"},
                {"AttributeName": "event", "KeyType": "RANGE"},
            ],
            BillingMode="PAY_PER_REQUEST",
        )
        yield Timeline(client, "timeline")


def test_an_event_delivered_again_is_recorded_once(timeline: Timeline) -> None:
    accepted = build_detail(EventType.ORDER_ACCEPTED, occurred_at=AT, **COMMON)
    published = {**COMMON, "version": "1", "occurred_at": "2026-11-24T12:00:00+00:00"}
    assert timeline.record(accepted, published) is True
    assert timeline.record(accepted, {**published, "occurred_at": "2026-11-24T12:00:00Z"}) is False
    [entry] = timeline.entries("o-1")
    assert (entry.event_type, entry.detail) == (EventType.ORDER_ACCEPTED, published)


@pytest.mark.parametrize("code", ["AccessDeniedException", "ResourceNotFoundException"])
def test_a_failed_write_other_than_a_repeat_is_raised_not_taken_for_a_redelivery(
    code: str,
) -> None:
    # One code sorting before ConditionalCheckFailedException and one after.
    client = boto3.client("dynamodb", region_name="us-east-1")
    accepted = build_detail(EventType.ORDER_ACCEPTED, occurred_at=AT, **COMMON)
    with Stubber(client) as stubber:
        stubber.add_client_error("put_item", service_error_code=code)
        with pytest.raises(ClientError, match=code):
            Timeline(client, "timeline").record(accepted, accepted.model_dump(mode="json"))


def _record(timeline: Timeline, event_type: EventType, at: datetime, **fields: str) -> None:
    detail = build_detail(event_type, occurred_at=at, **COMMON, **fields)
    timeline.record(detail, detail.model_dump(mode="json"))


def test_entries_come_back_oldest_first_and_in_the_flows_order_when_simultaneous(
    timeline: Timeline,
) -> None:
    later = AT.replace(minute=5)
    # A state machine puts the outcome and user_notified in one call, with one timestamp.
    _record(timeline, EventType.USER_NOTIFIED, later, outcome="accepted")
    _record(timeline, EventType.ORDER_ACCEPTED, later)
    _record(timeline, EventType.RESTAURANT_NOTIFIED, AT)
    assert [e.event_type for e in timeline.entries("o-1")] == [
        EventType.RESTAURANT_NOTIFIED,
        EventType.ORDER_ACCEPTED,
        EventType.USER_NOTIFIED,
    ]


def test_an_order_the_bus_has_not_seen_has_an_empty_timeline(timeline: Timeline) -> None:
    assert timeline.entries("o-unknown") == []


def test_a_timeline_entry_cannot_be_changed(timeline: Timeline) -> None:
    _record(timeline, EventType.RESTAURANT_NOTIFIED, AT)
    [entry] = timeline.entries("o-1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.occurred_at = "2026-11-24T13:00:00+00:00"  # type: ignore[misc]
