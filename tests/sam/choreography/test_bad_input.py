"""Bad requests reach the stack's API: each is a 4xx naming the field, and changes nothing."""

from __future__ import annotations

import json
from typing import Any

import boto3
import pytest
from stack_helpers import CUSTOMER_CALLER, STAFF, order_body

from orderflow_localrun import LocalRunner


def _stored_items(runner: LocalRunner) -> list[dict[str, Any]]:
    """Orders and idempotency records; the caller's quota counter is left out, because the
    quota counts every request an account sends, refused ones included (orders/quota.py)."""
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    return [
        item
        for table in ("OrdersTable", "IdempotencyTable")
        for item in dynamodb.scan(TableName=runner.names.physical[table])["Items"]
        if not item.get("id", {}).get("S", "").startswith("quota#")
    ]


def _assert_refused(runner: LocalRunner, response: Any, status: int, named: str) -> None:
    assert response.status == status, response.body
    assert response.json()["message"].startswith(named), response.json()
    assert _stored_items(runner) == []
    assert runner.bus_events == []
    assert runner.notifications() == []


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({k: v for k, v in order_body().items() if k != "restaurant_id"}, "restaurant_id:"),
        (order_body(restaurant_id=42), "restaurant_id:"),
        (order_body(customer_email="victim@example.org"), "customer_email: not accepted"),
        (
            order_body(items=[{"name": "pi\u0000zza", "quantity": 1, "unit_price": 1}]),
            "items[0].name:",
        ),
        (order_body(delivery_note="ring \u202etwice"), "delivery_note:"),
        (order_body(items=[]), "items:"),
        (order_body(items={"name": "x"}), "items:"),
        (
            order_body(items=[{"name": "x", "quantity": -1, "unit_price": 1}]),
            "items[0].quantity:",
        ),
        (
            order_body(items=[{"name": "x", "quantity": "2", "unit_price": 1}]),
            "items[0].quantity:",
        ),
        (
            order_body(items=[{"name": "x", "quantity": 1, "unit_price": "free"}]),
            "items[0].unit_price:",
        ),
        (order_body(delivery_note=["a"]), "delivery_note:"),
    ],
)
def test_a_bad_field_is_a_400_naming_it_and_nothing_is_written(
    choreography: LocalRunner, body: dict[str, Any], named: str
) -> None:
    _assert_refused(
        choreography,
        choreography.request("POST", "/orders", body, caller=CUSTOMER_CALLER),
        400,
        named,
    )


def test_a_bad_body_sent_with_an_idempotency_key_leaves_no_idempotency_record(
    choreography: LocalRunner,
) -> None:
    response = choreography.request(
        "POST",
        "/orders",
        order_body(items=[]),
        {"Idempotency-Key": "k-bad"},
        caller=CUSTOMER_CALLER,
    )
    _assert_refused(choreography, response, 400, "items:")
    retried = choreography.request(
        "POST", "/orders", order_body(), {"Idempotency-Key": "k-bad"}, caller=CUSTOMER_CALLER
    )
    assert retried.status == 201


def test_an_unknown_restaurant_is_refused_with_422(choreography: LocalRunner) -> None:
    response = choreography.request(
        "POST", "/orders", order_body(restaurant_id="ghost-kitchen"), caller=CUSTOMER_CALLER
    )
    _assert_refused(
        choreography, response, 422, "restaurant_id: unknown restaurant 'ghost-kitchen'"
    )


def test_invalid_json_is_a_400(choreography: LocalRunner) -> None:
    response = choreography.request(
        "POST", "/orders", '{"restaurant_id": "pizza-1",', caller=CUSTOMER_CALLER
    )
    _assert_refused(choreography, response, 400, "body: invalid JSON")


def test_an_empty_body_is_a_400(choreography: LocalRunner) -> None:
    _assert_refused(
        choreography,
        choreography.request("POST", "/orders", "", caller=CUSTOMER_CALLER),
        400,
        "body:",
    )


def test_a_body_over_16_kb_is_a_413(choreography: LocalRunner) -> None:
    body = json.dumps(order_body(delivery_note="x" * 17_000))
    response = choreography.request("POST", "/orders", body, caller=CUSTOMER_CALLER)
    _assert_refused(choreography, response, 413, f"body: {len(body)} bytes is over the limit")


def test_a_bad_idempotency_key_is_a_400(choreography: LocalRunner) -> None:
    response = choreography.request(
        "POST", "/orders", order_body(), {"Idempotency-Key": "k" * 200}, caller=CUSTOMER_CALLER
    )
    _assert_refused(choreography, response, 400, "Idempotency-Key:")


def test_a_rejection_without_a_reason_is_a_400_and_leaves_the_order_waiting(
    choreography: LocalRunner,
) -> None:
    order_id = choreography.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER).json()[
        "order_id"
    ]
    events = len(choreography.bus_events)
    response = choreography.request("POST", f"/orders/{order_id}/reject", {}, caller=STAFF)
    assert response.status == 400
    assert response.json()["message"].startswith("reason:")
    assert (
        choreography.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()["status"]
        == "placed"
    )
    assert len(choreography.bus_events) == events


def test_an_unknown_route_is_a_404_from_the_api(choreography: LocalRunner) -> None:
    assert choreography.request("DELETE", "/orders/x", caller=CUSTOMER_CALLER).status == 404
    assert choreography.request("POST", "/restaurants", caller=CUSTOMER_CALLER).status == 404


def test_an_address_as_correlation_id_is_a_400_and_reaches_no_event(
    choreography: LocalRunner,
) -> None:
    response = choreography.request(
        "POST", "/orders", order_body(), {"X-Correlation-Id": "ana@example.com"},
        caller=CUSTOMER_CALLER,
    )  # fmt: skip
    _assert_refused(choreography, response, 400, "X-Correlation-Id: 'ana@example.com' is not")


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_an_order_id_over_dynamodbs_key_limit_is_a_404_not_a_500(
    choreography: LocalRunner, method: str
) -> None:
    path = "/orders/" + "9" * 3000 + ("/accept" if method == "POST" else "")
    response = choreography.request(method, path, caller=STAFF)
    assert response.status == 404, response.body
    assert response.json()["message"].startswith("order '9999")
    assert len(response.body) < 200  # the id is quoted cut short, not echoed whole


def test_a_free_text_reason_is_a_400_naming_the_codes(choreography: LocalRunner) -> None:
    order_id = choreography.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER).json()[
        "order_id"
    ]
    response = choreography.request(
        "POST", f"/orders/{order_id}/reject", {"reason": "call ana@example.com"}, caller=STAFF
    )
    assert response.status == 400
    assert "'closed', 'too_busy'" in response.json()["message"]
    assert [
        e.detail_type for e in choreography.bus_events if e.detail_type == "order_rejected"
    ] == []
