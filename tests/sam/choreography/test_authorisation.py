"""Who may do what, through the API's JWT authorizer as the runner presents it."""

from __future__ import annotations

from typing import Any

import pytest
from stack_helpers import CUSTOMER, CUSTOMER_CALLER, STAFF, StartStack, order_body

from orderflow_localrun import LocalRunner, customer, restaurant_staff
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

OTHER_CUSTOMER = customer("customer-bo", "bo@example.com")
OTHER_RESTAURANT = restaurant_staff("staff-sushi-2", "sushi-2")
ROUTES = [
    ("POST", "/orders"),
    ("GET", "/orders/{id}"),
    ("POST", "/orders/{id}/cancel"),
    ("POST", "/orders/{id}/accept"),
    ("POST", "/orders/{id}/reject"),
    ("POST", "/orders/{id}/complete"),
]


def _placed(runner: LocalRunner) -> str:
    response = runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER)
    assert response.status == 201, response.body
    return str(response.json()["order_id"])


def _state(runner: LocalRunner, order_id: str) -> tuple[Any, list[str]]:
    order = runner.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()
    return order["status"], [e.detail_type for e in runner.bus_events]


@pytest.mark.parametrize(("method", "route"), ROUTES)
def test_without_a_token_every_route_is_401_and_no_function_runs(
    choreography: LocalRunner, method: str, route: str
) -> None:
    order_id = _placed(choreography)
    api = choreography.functions["ApiFunction"]
    calls = len(api.invocations)

    response = choreography.request(method, route.replace("{id}", order_id), {"reason": "x"})

    assert response.status == 401
    assert len(api.invocations) == calls


@pytest.mark.parametrize(
    ("who", "method", "action"),
    [
        (OTHER_CUSTOMER, "GET", ""),
        (OTHER_CUSTOMER, "POST", "/cancel"),
        (STAFF, "POST", "/cancel"),
        (OTHER_RESTAURANT, "GET", ""),
        (OTHER_RESTAURANT, "POST", "/accept"),
        (OTHER_RESTAURANT, "POST", "/reject"),
        (CUSTOMER_CALLER, "POST", "/accept"),
        (CUSTOMER_CALLER, "POST", "/reject"),
    ],
    ids=[
        "another-customer-reads", "another-customer-cancels", "the-restaurant-cancels",
        "another-restaurant-reads", "another-restaurant-accepts", "another-restaurant-rejects",
        "the-customer-accepts", "the-customer-rejects",
    ],
)  # fmt: skip
def test_a_caller_acting_on_an_order_not_theirs_gets_403_and_nothing_changes(
    choreography: LocalRunner, who: dict[str, str], method: str, action: str
) -> None:
    order_id = _placed(choreography)
    before = _state(choreography, order_id)

    response = choreography.request(
        method, f"/orders/{order_id}{action}", {"reason": "closed"} if action else None, caller=who
    )

    assert response.status == 403, response.body
    assert order_id in response.json()["message"]
    assert _state(choreography, order_id) == before


def test_only_the_addressed_restaurant_completes_and_another_gets_403(
    choreography: LocalRunner,
) -> None:
    order_id = _placed(choreography)
    choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)

    refused = choreography.request("POST", f"/orders/{order_id}/complete", caller=OTHER_RESTAURANT)
    assert refused.status == 403
    assert _state(choreography, order_id)[0] == "accepted"
    done = choreography.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    assert done.json()["status"] == "completed"


def test_a_restaurant_account_cannot_place_orders(choreography: LocalRunner) -> None:
    response = choreography.request("POST", "/orders", order_body(), caller=STAFF)
    assert response.status == 403
    assert response.json()["message"] == "only a customer account can place orders"
    assert choreography.bus_events == []


def test_the_customer_and_the_addressed_restaurant_both_read_the_order(
    choreography: LocalRunner,
) -> None:
    order_id = _placed(choreography)
    for reader in (CUSTOMER_CALLER, STAFF):
        response = choreography.request("GET", f"/orders/{order_id}", caller=reader)
        assert response.status == 200
        assert response.json()["order_id"] == order_id


def test_one_idempotency_key_from_two_customers_makes_two_orders(
    choreography: LocalRunner,
) -> None:
    key = {"Idempotency-Key": "same-key"}
    ana = choreography.request("POST", "/orders", order_body(), key, caller=CUSTOMER_CALLER)
    bo = choreography.request("POST", "/orders", order_body(), key, caller=OTHER_CUSTOMER)
    assert ana.json()["order_id"] != bo.json()["order_id"]
    refused = choreography.request(
        "GET", f"/orders/{bo.json()['order_id']}", caller=CUSTOMER_CALLER
    )
    assert refused.status == 403


def _requests(order_id: str) -> list[tuple[str, str, Any]]:
    return [
        ("POST", "/orders", order_body()),
        ("GET", f"/orders/{order_id}", None),
        ("POST", f"/orders/{order_id}/cancel", None),
        ("POST", f"/orders/{order_id}/accept", None),
        ("POST", f"/orders/{order_id}/reject", {"reason": "closed"}),
    ]


def test_an_access_token_is_refused_on_every_route_with_a_401(choreography: LocalRunner) -> None:
    order_id = _placed(choreography)
    before = _state(choreography, order_id)
    for claims in (CUSTOMER_CALLER, STAFF):
        access = {**claims, "token_use": "access"}
        for method, path, body in _requests(order_id):
            response = choreography.request(method, path, body, caller=access)
            assert response.status == 401, (method, path, response.body)
            assert response.json()["message"].startswith("token_use: 'access' is not accepted")
    assert _state(choreography, order_id) == before


def test_a_restaurant_account_without_its_restaurant_id_acts_as_nobody(
    choreography: LocalRunner,
) -> None:
    order_id = _placed(choreography)
    before = _state(choreography, order_id)
    unassigned = {
        **customer("staff-new", "new@pizza-one.example"),
        "cognito:groups": "[restaurants]",
    }
    for method, path, body in _requests(order_id):
        response = choreography.request(method, path, body, caller=unassigned)
        assert response.status == 403, (method, path, response.body)
        assert "names no restaurant" in response.json()["message"]
    assert _state(choreography, order_id) == before


def test_an_order_emails_the_verified_address_of_the_token_and_nobody_else(
    choreography: LocalRunner,
) -> None:
    unverified = {**customer("customer-eve", "victim@example.org"), "email_verified": "false"}
    refused = choreography.request("POST", "/orders", order_body(), caller=unverified)
    assert refused.status == 403
    assert "no verified address" in refused.json()["message"]

    order_id = _placed(choreography)
    choreography.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    assert [e.to for e in choreography.emails()] == [[CUSTOMER]]


def test_one_account_placing_too_many_orders_gets_429s_while_others_still_order(
    start_stack: StartStack,
) -> None:
    # An acceptance time-out no advance here reaches: the orders only wait.
    runner = start_stack(
        OrdersPerCallerPerMinute="2", AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS
    )
    # The quota counts per calendar minute of the handlers' clock, the runner's: move it to a
    # minute's start, so a slow machine cannot put the third request into the next window
    # (where it would rightly pass).
    runner.advance(60 - runner.now().timestamp() % 60)
    answers = [
        runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER) for _ in range(3)
    ]
    assert [a.status for a in answers] == [201, 201, 429]
    assert answers[2].json() == {
        "message": "too many order requests: 2 a minute per account; retry after the minute"
    }
    assert 1 <= int(answers[2].headers["Retry-After"]) <= 60
    assert runner.request("POST", "/orders", order_body(), caller=OTHER_CUSTOMER).status == 201
    assert [e.detail_type for e in runner.bus_events].count("order_placed") == 3

    runner.advance(int(answers[2].headers["Retry-After"]))
    assert runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER).status == 201
