"""Who may do what on the orchestration stack: the same JWT authorizer and rules as
choreography's (tests/sam/choreography/test_authorisation.py covers every case); here, one
stack shows the callbacks a state machine waits on are refused to the wrong caller with the
execution left waiting."""

from __future__ import annotations

from stack_helpers import CUSTOMER_CALLER, STAFF, place, status

from orderflow_localrun import LocalRunner, customer, restaurant_staff
from orderflow_localrun.executions import status as execution_status

OTHER_CUSTOMER = customer("customer-bo", "bo@example.com")
OTHER_RESTAURANT = restaurant_staff("staff-sushi-2", "sushi-2")


def test_without_a_token_the_api_answers_401_and_no_function_runs(
    orchestration: LocalRunner,
) -> None:
    api = orchestration.functions["ApiFunction"]

    response = orchestration.request("POST", "/orders", {"restaurant_id": "pizza-1"})

    assert response.status == 401
    assert api.invocations == []


def test_wrong_callers_get_403_and_the_execution_keeps_waiting(
    orchestration: LocalRunner,
) -> None:
    order_id = place(orchestration)
    events_before = len(orchestration.bus_events)

    refused = [
        orchestration.request("POST", f"/orders/{order_id}/accept", caller=OTHER_RESTAURANT),
        orchestration.request("POST", f"/orders/{order_id}/accept", caller=CUSTOMER_CALLER),
        orchestration.request("POST", f"/orders/{order_id}/cancel", caller=OTHER_CUSTOMER),
        orchestration.request("POST", f"/orders/{order_id}/cancel", caller=STAFF),
        orchestration.request("GET", f"/orders/{order_id}", caller=OTHER_CUSTOMER),
    ]

    assert [r.status for r in refused] == [403] * 5, [r.body for r in refused]
    assert status(orchestration, order_id) == "placed"
    assert len(orchestration.bus_events) == events_before
    assert execution_status(orchestration.names.region, order_id) == "RUNNING"
    accepted = orchestration.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    assert accepted.json()["status"] == "accepted"
