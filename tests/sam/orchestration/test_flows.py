"""Every path an order can take, through the orchestration stack on the local runner.

moto executes the real definition (statemachine/orders.asl.json) with the template's
substitutions; the acceptance time-out is 2 seconds and fires in real time.
"""

from __future__ import annotations

import json
from datetime import datetime

import boto3
from stack_helpers import (
    CUSTOMER,
    CUSTOMER_CALLER,
    SENDER,
    STAFF,
    TIMEOUT_SECONDS,
    event_types,
    order_body,
    place,
    status,
)

from orderflow_localrun import LocalRunner
from orderflow_localrun.executions import states_entered


def _item(runner: LocalRunner, order_id: str) -> dict[str, dict[str, str]]:
    table = runner.deployment.outputs["OrdersTableName"]
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    return dynamodb.get_item(TableName=table, Key={"order_id": {"S": order_id}})["Item"]  # type: ignore[return-value]


def _subjects(runner: LocalRunner) -> list[str]:
    return [n.subject or "" for n in runner.notifications()]


def _execution_status(runner: LocalRunner, order_id: str) -> str:
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    arn = runner.deployment.outputs["OrdersStateMachineArn"]
    [execution] = [
        e for e in sfn.list_executions(stateMachineArn=arn)["executions"] if e["name"] == order_id
    ]
    return str(execution["status"])


def test_an_accepted_order_is_notified_emailed_and_completed(orchestration: LocalRunner) -> None:
    order_id = place(orchestration)
    accepted = orchestration.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    assert accepted.json() == {"order_id": order_id, "status": "accepted"}
    assert status(orchestration, order_id) == "accepted"
    completed = orchestration.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    assert completed.json() == {"order_id": order_id, "status": "completed"}

    assert event_types(orchestration) == [
        "order_placed",
        "restaurant_notified",
        "order_accepted",
        "user_notified",
        "order_completed",
    ]
    assert status(orchestration, order_id) == "completed"
    assert _execution_status(orchestration, order_id) == "SUCCEEDED"
    [notification] = orchestration.notifications()
    assert notification.subject == f"New order {order_id}"
    assert notification.attributes["restaurant_id"] == "pizza-1"
    assert json.loads(notification.message)["total"] == "20.25"
    [email] = orchestration.emails()
    assert (email.source, email.to) == (SENDER, [CUSTOMER])
    assert email.subject == f"Your order {order_id} was accepted"


def test_the_execution_is_named_after_the_order(orchestration: LocalRunner) -> None:
    order_id = place(orchestration)
    assert _execution_status(orchestration, order_id) == "RUNNING"
    assert states_entered(orchestration.execution_history(order_id))[-1] == "AwaitRestaurant"


def test_task_tokens_stay_in_the_table_and_never_reach_a_client(
    orchestration: LocalRunner,
) -> None:
    order_id = place(orchestration)
    token = _item(orchestration, order_id)["acceptance_token"]["S"]
    answers = [orchestration.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER)]
    answers.append(orchestration.request("POST", f"/orders/{order_id}/accept", caller=STAFF))
    completion = _item(orchestration, order_id)["completion_token"]["S"]
    assert "acceptance_token" not in _item(orchestration, order_id)
    answers.append(orchestration.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER))
    for answer in answers:
        assert token not in answer.body
        assert completion not in answer.body
        assert "token" not in answer.body
    for event in orchestration.bus_events:
        assert "token" not in json.dumps(event.detail)
    assert "token" not in orchestration.notifications()[0].message


def test_a_rejected_order_tells_the_customer_why(orchestration: LocalRunner) -> None:
    order_id = place(orchestration)
    rejected = orchestration.request(
        "POST", f"/orders/{order_id}/reject", {"reason": "item_unavailable"}, caller=STAFF
    )
    assert rejected.json()["status"] == "rejected"

    assert event_types(orchestration) == [
        "order_placed",
        "restaurant_notified",
        "order_rejected",
        "user_notified",
    ]
    assert orchestration.bus_events[2].detail["reason"] == "item_unavailable"
    assert orchestration.bus_events[3].detail["outcome"] == "rejected"
    order = orchestration.request("GET", f"/orders/{order_id}", caller=CUSTOMER_CALLER).json()
    assert (order["status"], order["reason"]) == ("rejected", "item_unavailable")
    [email] = orchestration.emails()
    assert email.subject == f"Your order {order_id} was declined"
    assert "item_unavailable" in email.body
    assert _execution_status(orchestration, order_id) == "SUCCEEDED"


def test_an_unanswered_order_times_out_after_the_timeout_from_the_input(
    orchestration_timing_out: LocalRunner,
) -> None:
    order_id = place(orchestration_timing_out)
    orchestration_timing_out.wait_for_executions(TIMEOUT_SECONDS + 30)

    assert event_types(orchestration_timing_out) == [
        "order_placed",
        "restaurant_notified",
        "order_timed_out",
        "user_notified",
    ]
    assert orchestration_timing_out.bus_events[2].detail["timeout_seconds"] == TIMEOUT_SECONDS
    assert status(orchestration_timing_out, order_id) == "timed_out"
    assert _subjects(orchestration_timing_out) == [
        f"New order {order_id}",
        f"Order {order_id} withdrawn",
    ]
    assert json.loads(orchestration_timing_out.notifications()[1].message) == {
        "kind": "order_withdrawn",
        "order_id": order_id,
        "reason": "order_timed_out",
    }
    [email] = orchestration_timing_out.emails()
    assert email.subject == f"Your order {order_id} timed out"
    history = orchestration_timing_out.execution_history(order_id)
    started, timed_out = (
        datetime.fromisoformat(
            next(e.time for e in history if (e.state, e.type) == ("AwaitRestaurant", kind))
        )
        for kind in ("TaskStarted", "TaskTimedOut")
    )
    # the timeout from the input: never earlier than 2 s after the wait began
    assert (timed_out - started).total_seconds() >= TIMEOUT_SECONDS


def test_a_cancelled_order_is_withdrawn_from_the_restaurant_and_never_times_out(
    orchestration: LocalRunner,
) -> None:
    order_id = place(orchestration)
    cancelled = orchestration.request("POST", f"/orders/{order_id}/cancel", caller=CUSTOMER_CALLER)
    assert cancelled.json()["status"] == "cancelled"
    orchestration.wait_for_executions(TIMEOUT_SECONDS + 30)

    assert event_types(orchestration) == ["order_placed", "restaurant_notified", "order_cancelled"]
    assert status(orchestration, order_id) == "cancelled"
    assert _subjects(orchestration) == [f"New order {order_id}", f"Order {order_id} withdrawn"]
    assert orchestration.emails() == []


def test_callbacks_after_the_timeout_are_409s_and_change_nothing(
    orchestration_timing_out: LocalRunner,
) -> None:
    order_id = place(orchestration_timing_out)
    orchestration_timing_out.wait_for_executions(TIMEOUT_SECONDS + 30)
    events_before = len(orchestration_timing_out.bus_events)

    for action, body in [("accept", None), ("reject", {"reason": "too_busy"}), ("cancel", None)]:
        late = orchestration_timing_out.request(
            "POST",
            f"/orders/{order_id}/{action}",
            body,
            caller=STAFF if action != "cancel" else CUSTOMER_CALLER,
        )
        assert late.status == 409, late.body
        assert late.json()["status"] == "timed_out"
        assert "'timed_out'" in late.json()["message"]
    complete = orchestration_timing_out.request(
        "POST", f"/orders/{order_id}/complete", caller=STAFF
    )
    assert (complete.status, complete.json()["status"]) == (409, "timed_out")
    assert len(orchestration_timing_out.bus_events) == events_before
    assert _execution_status(orchestration_timing_out, order_id) == "SUCCEEDED"


def _as_if_still_placed(runner: LocalRunner, order_id: str, token: str) -> None:
    """The order as a request that read it before the task closed saw it: placed, its token."""
    boto3.client("dynamodb", region_name="us-east-1").update_item(
        TableName=runner.deployment.outputs["OrdersTableName"],
        Key={"order_id": {"S": order_id}},
        UpdateExpression="SET #s = :placed, acceptance_token = :token",
        ExpressionAttributeNames={"#s": "status"},
        ExpressionAttributeValues={":placed": {"S": "placed"}, ":token": {"S": token}},
    )


def _no_longer_waits(order_id: str, action: str) -> dict[str, str]:
    return {
        "message": f"cannot {action} order {order_id}: the order no longer waits for this "
        "(it timed out or was answered already)",
        "status": "placed",
    }


def test_a_callback_that_reaches_a_closed_task_is_a_409_not_a_crash(
    orchestration_timing_out: LocalRunner,
) -> None:
    """The moment between the time-out firing and the machine recording it, made to last."""
    order_id = place(orchestration_timing_out)
    token = _item(orchestration_timing_out, order_id)["acceptance_token"]["S"]
    orchestration_timing_out.wait_for_executions(TIMEOUT_SECONDS + 30)
    _as_if_still_placed(orchestration_timing_out, order_id, token)

    late = orchestration_timing_out.request("POST", f"/orders/{order_id}/accept", caller=STAFF)

    assert late.status == 409, late.body
    assert late.json() == _no_longer_waits(order_id, "accept")


def test_a_second_callback_on_an_answered_token_is_a_409_while_the_execution_runs_on(
    orchestration: LocalRunner,
) -> None:
    """Two answers racing for one task: AWS takes the first and refuses the second."""
    order_id = place(orchestration)
    token = _item(orchestration, order_id)["acceptance_token"]["S"]
    assert orchestration.request("POST", f"/orders/{order_id}/accept", caller=STAFF).status == 200
    _as_if_still_placed(orchestration, order_id, token)

    for action, body in [("reject", {"reason": "closed"}), ("accept", None)]:
        second = orchestration.request("POST", f"/orders/{order_id}/{action}", body, caller=STAFF)
        assert second.status == 409, second.body
        assert second.json() == _no_longer_waits(order_id, action)
    assert _execution_status(orchestration, order_id) == "RUNNING"  # it waits for `complete`
    assert event_types(orchestration).count("order_accepted") == 1
    assert "order_rejected" not in event_types(orchestration)


def test_completing_before_accepting_and_cancelling_after_accepting_are_409s(
    orchestration: LocalRunner,
) -> None:
    order_id = place(orchestration)
    early = orchestration.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    assert (early.status, early.json()["status"]) == (409, "placed")
    orchestration.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    late = orchestration.request("POST", f"/orders/{order_id}/cancel", caller=CUSTOMER_CALLER)
    assert (late.status, late.json()["status"]) == (409, "accepted")
    assert "order_cancelled" not in event_types(orchestration)


def test_a_repeated_place_order_starts_one_execution(orchestration: LocalRunner) -> None:
    first = orchestration.request(
        "POST", "/orders", order_body(), {"Idempotency-Key": "k-1"}, caller=CUSTOMER_CALLER
    )
    again = orchestration.request(
        "POST", "/orders", order_body(), {"Idempotency-Key": "k-1"}, caller=CUSTOMER_CALLER
    )
    assert (first.status, again.status) == (201, 201)
    assert again.json() == first.json()

    # After the idempotency record expires (24 h), the execution name still refuses a repeat.
    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    table = orchestration.names.physical["IdempotencyTable"]
    for item in dynamodb.scan(TableName=table)["Items"]:
        dynamodb.delete_item(TableName=table, Key={"id": item["id"]})
    late = orchestration.request(
        "POST", "/orders", order_body(), {"Idempotency-Key": "k-1"}, caller=CUSTOMER_CALLER
    )

    assert (late.status, late.json()) == (201, first.json())
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    arn = orchestration.deployment.outputs["OrdersStateMachineArn"]
    assert len(sfn.list_executions(stateMachineArn=arn)["executions"]) == 1
    assert event_types(orchestration) == ["order_placed", "restaurant_notified"]
    assert len(orchestration.notifications()) == 1


def test_an_unknown_restaurant_starts_no_execution(orchestration: LocalRunner) -> None:
    refused = orchestration.request(
        "POST", "/orders", order_body(restaurant_id="nobody-9"), caller=CUSTOMER_CALLER
    )
    assert refused.status == 422
    sfn = boto3.client("stepfunctions", region_name="us-east-1")
    arn = orchestration.deployment.outputs["OrdersStateMachineArn"]
    assert sfn.list_executions(stateMachineArn=arn)["executions"] == []
    assert orchestration.bus_events == []
