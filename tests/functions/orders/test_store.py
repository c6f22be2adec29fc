import dataclasses
import json
from collections.abc import Callable

import boto3
import pytest
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError
from botocore.stub import ANY, Stubber
from order_tables import NOW, ORDER

from orders.events import EventType
from orders.model import TRANSITIONS, Action, Status, TransitionNotAllowedError, event_for
from orders.store import OrderExistsError, OrderStore, new_events, recorded_events


def _entry(seq: int, event: str) -> dict[str, object]:
    return {"seq": seq, "detail": json.dumps({"order_id": "o-1", "event": event})}


PLACED = {"order_id": "o-1", "events": {"order_placed": _entry(1, "placed")}}
NOTIFIED_AND_ACCEPTED = {
    "order_id": "o-1",
    "events": {
        "order_accepted": _entry(3, "accepted"),
        "order_placed": _entry(1, "placed"),
        "restaurant_notified": _entry(2, "notified"),
    },
}


def test_recorded_events_come_back_in_the_order_they_happened() -> None:
    assert [e.event_type for e in recorded_events(NOTIFIED_AND_ACCEPTED)] == [
        EventType.ORDER_PLACED,
        EventType.RESTAURANT_NOTIFIED,
        EventType.ORDER_ACCEPTED,
    ]


def test_an_inserted_order_adds_its_placed_event() -> None:
    [event] = new_events(None, PLACED)
    assert (event.seq, event.event_type, event.detail["event"]) == (
        1,
        EventType.ORDER_PLACED,
        "placed",
    )


def test_a_modification_adds_only_the_events_the_old_image_lacked() -> None:
    added = new_events(PLACED, NOTIFIED_AND_ACCEPTED)
    assert [e.event_type for e in added] == [
        EventType.RESTAURANT_NOTIFIED,
        EventType.ORDER_ACCEPTED,
    ]


def test_a_write_that_adds_no_event_publishes_nothing() -> None:
    assert new_events(NOTIFIED_AND_ACCEPTED, NOTIFIED_AND_ACCEPTED) == []


def _placed(store: OrderStore) -> None:
    store.place(ORDER, event_for(ORDER, EventType.ORDER_PLACED, NOW, items=[], total="9.50"))


def test_an_order_id_is_placed_once(store: OrderStore) -> None:
    _placed(store)
    with pytest.raises(OrderExistsError):
        _placed(store)


def test_a_step_moves_the_order_one_version_on_with_its_event(store: OrderStore) -> None:
    _placed(store)
    step = TRANSITIONS[Action.ACCEPT]
    moved = store.apply(ORDER, step, event_for(ORDER, step.event, NOW))
    assert (moved.status, moved.version) == (Status.ACCEPTED, 2)
    assert store.get("o-1") == moved
    assert store.has_event("o-1", EventType.ORDER_ACCEPTED)


def test_every_step_and_every_recorded_event_moves_the_order_one_version_on(
    store: OrderStore,
) -> None:
    # From version 2 on, doubling or shifting the version no longer agrees with adding one.
    _placed(store)
    accept, complete = TRANSITIONS[Action.ACCEPT], TRANSITIONS[Action.COMPLETE]
    accepted = store.apply(ORDER, accept, event_for(ORDER, accept.event, NOW))
    notified = event_for(ORDER, EventType.USER_NOTIFIED, NOW, outcome="accepted")
    assert store.record(accepted, notified)
    completed = store.apply(store.get("o-1"), complete, event_for(ORDER, complete.event, NOW))
    assert (accepted.version, completed.version) == (2, 4)
    assert store.get("o-1") == completed
    assert [e.seq for e in recorded_events(_stored_item("o-1"))] == [1, 2, 3, 4]


def _stored_item(order_id: str) -> dict[str, object]:
    """The order's item as the table holds it (unmarshalled), events included."""
    client = boto3.client("dynamodb", region_name="us-east-1")
    item = client.get_item(TableName="orders", Key={"order_id": {"S": order_id}})["Item"]
    return {name: TypeDeserializer().deserialize(value) for name, value in item.items()}


@pytest.mark.parametrize(
    ("first", "fields"), [(Action.CANCEL, {}), (Action.REJECT, {"reason": "closed"})]
)
def test_a_step_on_a_stale_copy_rereads_and_names_the_status_found(
    store: OrderStore, first: Action, fields: dict[str, str]
) -> None:
    _placed(store)
    done, accept = TRANSITIONS[first], TRANSITIONS[Action.ACCEPT]
    store.apply(ORDER, done, event_for(ORDER, done.event, NOW, **fields))
    with pytest.raises(TransitionNotAllowedError, match=f"'{done.target.value}'"):
        store.apply(ORDER, accept, event_for(ORDER, accept.event, NOW))
    with pytest.raises(TransitionNotAllowedError):
        store.apply(store.get("o-1"), accept, event_for(ORDER, accept.event, NOW))
    assert not store.has_event("o-1", EventType.ORDER_ACCEPTED)


def test_a_recorded_event_cannot_be_changed() -> None:
    [event] = new_events(None, PLACED)
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.seq = 2  # type: ignore[misc]


def test_an_event_is_recorded_once(store: OrderStore) -> None:
    _placed(store)
    notified = event_for(ORDER, EventType.RESTAURANT_NOTIFIED, NOW)
    assert store.record(ORDER, notified)
    assert not store.record(store.get("o-1"), notified)
    assert store.get("o-1").version == 2


def test_the_customer_email_is_claimed_by_one_attempt_and_released_only_by_it(
    store: OrderStore,
) -> None:
    _placed(store)
    assert store.claim_notice("o-1", "a-1", "t1")
    assert not store.claim_notice("o-1", "a-2", "t2")
    store.release_notice("o-1", "a-2")
    assert store.notice_claim("o-1") == {"attempt": "a-1", "claimed_at": "t1"}
    store.release_notice("o-1", "a-1")
    assert store.notice_claim("o-1") == {}
    assert store.claim_notice("o-1", "a-2", "t3")


def test_no_notice_is_claimed_for_an_order_that_does_not_exist(store: OrderStore) -> None:
    assert not store.claim_notice("o-404", "a-1", "t1")
    assert store.find("o-404") is None


_WRITES: dict[str, tuple[str, Callable[[OrderStore], object]]] = {
    "place": ("put_item", _placed),
    "apply": (
        "update_item",
        lambda store: store.apply(
            ORDER, TRANSITIONS[Action.ACCEPT], event_for(ORDER, EventType.ORDER_ACCEPTED, NOW)
        ),
    ),
    "claim_notice": ("update_item", lambda store: store.claim_notice("o-1", "a-1", "t1")),
    "release_notice": ("update_item", lambda store: store.release_notice("o-1", "a-1")),
    "hold_token": ("update_item", lambda store: store.hold_token("o-1", "acceptance_token", "t")),
}


@pytest.mark.parametrize("code", ["AccessDeniedException", "ResourceNotFoundException"])
@pytest.mark.parametrize("write", list(_WRITES))
def test_a_failed_write_other_than_a_failed_condition_is_raised_not_taken_for_one(
    write: str, code: str
) -> None:
    # One code sorting before ConditionalCheckFailedException and one after.
    operation, call = _WRITES[write]
    client = boto3.client("dynamodb", region_name="us-east-1")
    with Stubber(client) as stubber:
        stubber.add_client_error(operation, service_error_code=code)
        with pytest.raises(ClientError, match=code):
            call(OrderStore(client, "orders"))


_PROJECTED: dict[str, object] = {"ProjectionExpression": ANY, "ExpressionAttributeNames": ANY}
_READS: dict[str, tuple[Callable[[OrderStore], object], dict[str, object]]] = {
    "find": (lambda store: store.find("o-1"), {}),
    "token": (lambda store: store.token("o-1", "acceptance_token"), _PROJECTED),
    "notice_claim": (lambda store: store.notice_claim("o-1"), _PROJECTED),
    "has_event": (lambda store: store.has_event("o-1", EventType.ORDER_ACCEPTED), _PROJECTED),
}


@pytest.mark.parametrize("read", list(_READS))
def test_every_read_of_an_order_asks_for_a_strongly_consistent_read(read: str) -> None:
    """A read right after a write must see it (a re-read after a failed condition, a token
    kept a moment ago). moto answers every read consistently, so the request is what is
    checked: DynamoDB's default, an eventually consistent read, may return the item before."""
    call, projected = _READS[read]
    client = boto3.client("dynamodb", region_name="us-east-1")
    key = {"order_id": {"S": "o-1"}}
    with Stubber(client) as stubber:
        expected = {"TableName": "orders", "Key": key, "ConsistentRead": True, **projected}
        stubber.add_response("get_item", {}, expected)
        call(OrderStore(client, "orders"))
        stubber.assert_no_pending_responses()
