"""A completion racing the order's deadline in orchestration: the restaurant's `complete` is
sent as the completion wait's time-out fires, and Step Functions takes one of the two.

The time-out is the state machine's own (`TimeoutSecondsPath`, in real time inside moto), so
each race sends the completion at the moment that order's wait times out, give or take
SPREAD_SECONDS. A completion the time-out beat is refused with a 409 (the token no longer
waits); the client sends it again once the overdue path waits for it, as the docs say to.
"""

from __future__ import annotations

import json
import random
import time

import pytest
from deadline_races import IN_TIME, LATE, RACES, Races, client, judged, order_status
from stack_helpers import CUSTOMER, DEADLINE_SECONDS, ORCHESTRATION, STAFF, StartStack, order_body

from orderflow_localrun import LocalRunner, customer
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

#: How far from its time-out each completion is sent, at most, either way.
SPREAD_SECONDS = 0.15
_OVERDUE_PATH_SECONDS = 30.0


def _times_out_at(runner: LocalRunner, order_id: str) -> float:
    """When the order's completion wait times out (epoch seconds): the wait's entry plus the
    seconds the accept callback counted (`deadline_seconds_left`, in the wait's input)."""
    machine = runner.deployment.outputs["OrdersStateMachineArn"]
    execution = machine.replace(":stateMachine:", ":execution:") + f":{order_id}"
    history = client("stepfunctions", runner.names.region).get_execution_history(
        executionArn=execution
    )["events"]
    [entered] = [
        e
        for e in history
        if e["type"] == "TaskStateEntered"
        and e["stateEnteredEventDetails"]["name"] == "AwaitCompletion"
    ]
    given = json.loads(entered["stateEnteredEventDetails"]["input"])
    return float(entered["timestamp"].timestamp() + given["accepted"]["deadline_seconds_left"])


def _place(runner: LocalRunner, n: int) -> str:
    """The standard order, placed by a customer of its own (each may place 10 a minute)."""
    caller = customer(f"racer-{n}", CUSTOMER)
    placed = runner.request("POST", "/orders", order_body(), caller=caller)
    assert placed.status == 201, placed.body
    return str(placed.json()["order_id"])


def _complete_around(runner: LocalRunner, order_id: str, moment: float) -> None:
    """POST complete at `moment`; refused (the time-out won), again once the order is overdue."""
    time.sleep(max(0.0, moment - time.time()))
    path = f"/orders/{order_id}/complete"
    answer = runner.request("POST", path, caller=STAFF, settle=False)
    if answer.status == 409:
        give_up = time.monotonic() + _OVERDUE_PATH_SECONDS
        while order_status(runner, order_id) != "overdue":
            assert time.monotonic() < give_up, f"order {order_id} never went overdue"
            time.sleep(0.05)
        answer = runner.request("POST", path, caller=STAFF, settle=False)
    assert answer.status == 200, (order_id, answer.status, answer.body)
    assert answer.json()["status"] == "completed"


@pytest.mark.slow
def test_a_completion_racing_the_deadline_gives_one_consistent_outcome_every_time(
    start_stack: StartStack,
) -> None:
    """RACES orders, each accepted and completed as its deadline's time-out fires: each ends
    completed and its execution succeeded, overdue at most once and only before its
    completion, its customer and restaurant told it is late only if it was."""
    runner = start_stack(
        ORCHESTRATION,
        AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS,
        OrderDeadlineSeconds=str(DEADLINE_SECONDS),
    )
    rng = random.Random(22)
    races = Races()
    order_ids = []
    for n in range(RACES):
        order_id = _place(runner, n)
        accepted = runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
        assert accepted.status == 200, accepted.body
        moment = _times_out_at(runner, order_id) + rng.uniform(-SPREAD_SECONDS, SPREAD_SECONDS)
        races.start(lambda o=order_id, m=moment: _complete_around(runner, o, m))
        order_ids.append(order_id)
    races.join()
    runner.wait_for_executions(_OVERDUE_PATH_SECONDS)

    outcomes = judged(runner, order_ids)
    assert sum(outcomes.values()) == RACES
    # each side won some races: the completions did race the time-outs
    assert outcomes[IN_TIME], outcomes
    assert outcomes[LATE], outcomes
