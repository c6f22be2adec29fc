"""Every path an order can take, through the choreography stack on the local runner."""

from __future__ import annotations

import json

import boto3
from stack_helpers import (
    CUSTOMER,
    CUSTOMER_CALLER,
    PAST_EVERY_TIMEOUT,
    SENDER,
    STAFF,
    StartStack,
    event_types,
    order_body,
    place,
    status,
)

from orderflow_localrun import LocalRunner
from orders.events import CONTRACT_VERSION

LONG_TIMEOUT_SECONDS = 60


def _subjects(runner: LocalRunner) -> list[str]:
    return [n.subject or "" for n in runner.notifications()]


def test_an_accepted_order_is_notified_emailed_and_completed(choreography: LocalRunner) -> None:
    order_id = place(choreography)
    assert (
        choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF).json()["status"]
        == "accepted"
    )
    completed = choreography.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    assert completed.json() == {"order_id": order_id, "status": "completed"}

    assert event_types(choreography) == [
        "order_placed",
        "restaurant_notified",
        "order_accepted",
        "user_notified",
        "order_completed",
    ]
    assert status(choreography, order_id) == "completed"
    [notification] = choreography.notifications()
    assert notification.subject == f"New order {order_id}"
    assert notification.attributes["restaurant_id"] == "pizza-1"
    assert json.loads(notification.message)["items"][0] == {
        "name": "margherita",
        "quantity": 2,
        "unit_price": "9.50",
    }
    [email] = choreography.emails()
    assert (email.source, email.to) == (SENDER, [CUSTOMER])
    assert email.subject == f"Your order {order_id} was accepted"


def test_every_event_carries_the_contract_fields_and_never_the_email(
    choreography: LocalRunner,
) -> None:
    order_id = place(choreography, **{"X-Correlation-Id": "checkout-77"})
    choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    choreography.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    for event in choreography.bus_events:
        assert event.source == "orderflow.orders"
        assert event.bus == "orders-orders"
        assert event.detail["version"] == CONTRACT_VERSION == "2"
        assert event.detail["order_id"] == order_id
        assert event.detail["correlation_id"] == "checkout-77"
        assert event.detail["occurred_at"].endswith("Z")
        assert CUSTOMER not in json.dumps(event.detail)


def test_a_rejected_order_tells_the_customer_why(choreography: LocalRunner) -> None:
    order_id = place(choreography)
    rejected = choreography.request(
        "POST", f"/orders/{order_id}/reject", {"reason": "item_unavailable"}, caller=STAFF
    )
    assert rejected.json()["status"] == "rejected"

    assert event_types(choreography) == [
        "order_placed",
        "restaurant_notified",
        "order_rejected",
        "user_notified",
    ]
    assert choreography.bus_events[2].detail["reason"] == "item_unavailable"
    assert choreography.bus_events[3].detail["outcome"] == "rejected"
    assert status(choreography, order_id) == "rejected"
    assert _subjects(choreography) == [f"New order {order_id}"]
    [email] = choreography.emails()
    assert email.subject == f"Your order {order_id} was declined"
    assert "item_unavailable" in email.body


def test_an_unanswered_order_times_out_once_the_clock_passes_the_timeout(
    start_stack: StartStack,
) -> None:
    # A minute's timeout: the schedule is due at wall time of placement + timeout, so half of it
    # leaves the wall time a loaded machine spends placing the order far from the due time.
    choreography = start_stack(AcceptanceTimeoutSeconds=str(LONG_TIMEOUT_SECONDS))
    order_id = place(choreography)
    choreography.advance(LONG_TIMEOUT_SECONDS / 2)
    assert status(choreography, order_id) == "placed"

    choreography.advance(LONG_TIMEOUT_SECONDS / 2 + 1)

    assert event_types(choreography) == [
        "order_placed",
        "restaurant_notified",
        "order_timed_out",
        "user_notified",
    ]
    assert choreography.bus_events[2].detail["timeout_seconds"] == LONG_TIMEOUT_SECONDS
    assert status(choreography, order_id) == "timed_out"
    assert _subjects(choreography) == [f"New order {order_id}", f"Order {order_id} withdrawn"]
    [email] = choreography.emails()
    assert email.subject == f"Your order {order_id} timed out"


def test_the_timeout_schedule_is_one_time_and_deleted_after_it_fires(
    choreography: LocalRunner,
) -> None:
    scheduler = boto3.client("scheduler", region_name="us-east-1")
    group = choreography.names.physical["AcceptanceSchedules"]
    order_id = place(choreography)
    [schedule] = scheduler.list_schedules(GroupName=group)["Schedules"]
    details = scheduler.get_schedule(Name=schedule["Name"], GroupName=group)
    assert details["ScheduleExpression"].startswith("at(")
    assert details["ActionAfterCompletion"] == "DELETE"
    assert json.loads(details["Target"]["Input"])["order_id"] == order_id

    choreography.advance(PAST_EVERY_TIMEOUT)
    assert scheduler.list_schedules(GroupName=group)["Schedules"] == []


def test_a_cancelled_order_stops_its_clock_and_withdraws_it_from_the_restaurant(
    choreography: LocalRunner,
) -> None:
    order_id = place(choreography)
    assert (
        choreography.request("POST", f"/orders/{order_id}/cancel", caller=CUSTOMER_CALLER).json()[
            "status"
        ]
        == "cancelled"
    )
    choreography.advance(PAST_EVERY_TIMEOUT)

    assert event_types(choreography) == ["order_placed", "restaurant_notified", "order_cancelled"]
    assert status(choreography, order_id) == "cancelled"
    assert _subjects(choreography) == [f"New order {order_id}", f"Order {order_id} withdrawn"]
    assert choreography.emails() == []


def test_an_answered_order_never_times_out(choreography: LocalRunner) -> None:
    order_id = place(choreography)
    choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    choreography.advance(PAST_EVERY_TIMEOUT)
    assert "order_timed_out" not in event_types(choreography)
    assert status(choreography, order_id) == "accepted"


def test_accepting_after_the_timeout_is_a_409_naming_thestatus(choreography: LocalRunner) -> None:
    order_id = place(choreography)
    choreography.advance(PAST_EVERY_TIMEOUT)
    events_before = len(choreography.bus_events)

    late = choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)

    assert late.status == 409
    assert late.json()["status"] == "timed_out"
    assert "'timed_out'" in late.json()["message"]
    assert len(choreography.bus_events) == events_before


def test_completing_before_accepting_and_cancelling_after_accepting_are_409s(
    choreography: LocalRunner,
) -> None:
    order_id = place(choreography)
    early = choreography.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    assert (early.status, early.json()["status"]) == (409, "placed")
    choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    late = choreography.request("POST", f"/orders/{order_id}/cancel", caller=CUSTOMER_CALLER)
    assert (late.status, late.json()["status"]) == (409, "accepted")


def test_an_unknown_order_is_a_404(choreography: LocalRunner) -> None:
    unknown = "00000000-0000-4000-8000-000000000000"
    for method, path in [("GET", f"/orders/{unknown}"), ("POST", f"/orders/{unknown}/accept")]:
        response = choreography.request(method, path, caller=CUSTOMER_CALLER)
        assert response.status == 404
        assert response.json() == {"message": f"order {unknown} not found"}
    for method, path in [("GET", "/orders/nope"), ("POST", "/orders/nope/accept")]:
        response = choreography.request(method, path, caller=CUSTOMER_CALLER)
        assert response.status == 404
        assert response.json() == {
            "message": "order 'nope' not found: order ids are the UUIDs POST /orders answers"
        }


def test_a_repeated_place_order_with_one_key_makes_one_order_and_one_flow(
    choreography: LocalRunner,
) -> None:
    first = choreography.request(
        "POST", "/orders", order_body(), {"Idempotency-Key": "k-1"}, caller=CUSTOMER_CALLER
    )
    again = choreography.request(
        "POST", "/orders", order_body(), {"Idempotency-Key": "k-1"}, caller=CUSTOMER_CALLER
    )

    assert (first.status, again.status) == (201, 201)
    assert again.json() == first.json()
    assert event_types(choreography) == ["order_placed", "restaurant_notified"]
    assert len(choreography.notifications()) == 1


def test_a_key_reused_with_a_different_body_is_refused(choreography: LocalRunner) -> None:
    choreography.request(
        "POST", "/orders", order_body(), {"Idempotency-Key": "k-2"}, caller=CUSTOMER_CALLER
    )
    other = choreography.request(
        "POST",
        "/orders",
        order_body(delivery_note="leave at door"),
        {"Idempotency-Key": "k-2"},
        caller=CUSTOMER_CALLER,
    )
    assert other.status == 422
    assert other.json()["message"].startswith("Idempotency-Key:")
    assert event_types(choreography) == ["order_placed", "restaurant_notified"]


def _expire_idempotency_records(runner: LocalRunner) -> None:
    """What DynamoDB's TTL does once the records' 24 hours have passed: delete them."""
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    table = runner.names.physical["IdempotencyTable"]
    for item in dynamodb.scan(TableName=table)["Items"]:
        dynamodb.delete_item(TableName=table, Key={"id": item["id"]})


def test_a_key_reused_with_a_different_body_after_its_record_expired_is_refused_not_dropped(
    choreography: LocalRunner,
) -> None:
    first = choreography.request(
        "POST", "/orders", order_body(), {"Idempotency-Key": "k-3"}, caller=CUSTOMER_CALLER
    )
    _expire_idempotency_records(choreography)
    other = choreography.request(
        "POST", "/orders", order_body(delivery_note="leave at door"), {"Idempotency-Key": "k-3"},
        caller=CUSTOMER_CALLER,
    )  # fmt: skip

    assert other.status == 422, other.body
    assert other.json() == {
        "message": "Idempotency-Key: reused with a different body; send a new key for a new order"
    }
    order = choreography.request(
        "GET", f"/orders/{first.json()['order_id']}", caller=CUSTOMER_CALLER
    ).json()
    assert order["delivery_note"] == "ring twice"
    assert event_types(choreography) == ["order_placed", "restaurant_notified"]


def test_a_key_repeated_after_its_record_expired_answers_its_order_as_it_is_now(
    choreography: LocalRunner,
) -> None:
    """The order id is the key's: a late retry must not overwrite the order it placed."""
    key = {"Idempotency-Key": "k-4"}
    order_id = choreography.request(
        "POST", "/orders", order_body(), key, caller=CUSTOMER_CALLER
    ).json()["order_id"]
    choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    _expire_idempotency_records(choreography)

    again = choreography.request("POST", "/orders", order_body(), key, caller=CUSTOMER_CALLER)

    assert (again.status, again.json()) == (201, {"order_id": order_id, "status": "accepted"})
    assert status(choreography, order_id) == "accepted"
    assert event_types(choreography).count("order_placed") == 1


def test_without_a_key_every_request_is_a_new_order(choreography: LocalRunner) -> None:
    first, second = place(choreography), place(choreography)
    assert first != second
    assert event_types(choreography).count("order_placed") == 2


def test_the_order_timeline_lists_its_events_in_order(choreography: LocalRunner) -> None:
    order_id = place(choreography)
    choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    order = choreography.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()
    assert [entry["event"] for entry in order["timeline"]] == [
        "order_placed",
        "restaurant_notified",
        "order_accepted",
        "user_notified",
    ]
    assert order["total"] == "20.25"
    assert "customer_email" not in order
