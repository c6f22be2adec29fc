"""The order scenarios the CLI, the demo and the tests drive through either style's stack."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from orderflow_localrun import executions
from orderflow_localrun.http import customer, restaurant_staff
from orderflow_localrun.promo import deploy_promo
from orderflow_localrun.restaurants import Restaurant, seed_restaurants
from orderflow_localrun.runner import LocalRunner

OUTCOMES = ("complete", "reject", "timeout", "cancel", "overdue")
# The path each outcome takes, named as the transitions table names it
# (https://orderflow-kit.github.io/orderflow-kit/orchestration/#the-transitions-counted).
PATHS = {
    "complete": "completed",
    "reject": "rejected",
    "timeout": "timed_out",
    "cancel": "cancelled",
    "overdue": "overdue",
}
DEMO_RESTAURANT = Restaurant("demo-pizzeria", "Demo Pizzeria", "kitchen@demo-pizzeria.example")
DEMO_ORDER = {
    "restaurant_id": DEMO_RESTAURANT.restaurant_id,
    "items": [
        {"name": "margherita", "quantity": 2, "unit_price": 9.5},
        {"name": "tiramisu", "quantity": 1, "unit_price": 4.5},
    ],
    "delivery_note": "ring twice",
}
# The signed-in callers the demo acts as (token claims, as the API's JWT authorizer passes them).
CUSTOMER_CALLER = customer("demo-customer", "customer@orderflow.example")
STAFF = restaurant_staff("demo-kitchen", DEMO_RESTAURANT.restaurant_id)
_REAL_TIME_SLACK_SECONDS = 30.0
# The acceptance timeout on paths where someone answers: long enough that a slow machine
# (cold imports take seconds) cannot turn them into time-outs.
ANSWERED_TIMEOUT_SECONDS = "600"
# The order's deadline on the overdue path (OrderDeadlineSeconds): short, so a run waits seconds
# for it; the other paths keep the template's (hours), which no slow machine reaches.
OVERDUE_DEADLINE_SECONDS = "2"


class ScenarioError(Exception):
    """The stack refused a step of the scenario (named, with its answer)."""


@contextmanager
def demo_stack(
    template: Path, parameters: dict[str, str], promo: Path | None = None
) -> Iterator[LocalRunner]:
    """The stack deployed on the runner with its sender verified and the demo restaurant seeded
    (and the promo stack beside it, on its bus, when `promo` names its template)."""
    with LocalRunner.start(template, parameters) as runner:
        if promo is not None:
            deploy_promo(runner, promo, parameters["SenderEmail"])
        runner.verify_email_identity(parameters["SenderEmail"])
        seed_restaurants(
            [DEMO_RESTAURANT],
            table_name=runner.deployment.outputs["RestaurantsTableName"],
            topic_arn=runner.deployment.outputs["RestaurantTopicArn"],
            region=runner.names.region,
        )
        yield runner


def place_demo_order(runner: LocalRunner, key: str = "demo-order-1") -> str:
    placed = runner.request(
        "POST", "/orders", DEMO_ORDER, {"Idempotency-Key": key}, caller=CUSTOMER_CALLER
    )
    if placed.status != 201:
        raise ScenarioError(f"the stack refused the demo order: {placed.status} {placed.body}")
    return str(placed.json()["order_id"])


def pass_the_deadline(
    runner: LocalRunner, order_id: str, caller: dict[str, str] = CUSTOMER_CALLER
) -> None:
    """Move past an accepted order's deadline (its stack's OrderDeadlineSeconds) and wait until
    it is overdue, reading it as `caller`.

    Choreography's deadline is a Scheduler schedule, fired by the runner's clock (`advance`);
    the state machine's is a task time-out, fired in real time inside moto.
    """
    deadline = int(runner.names.parameters["OrderDeadlineSeconds"])
    runner.advance(deadline + 1)
    give_up = time.monotonic() + deadline + _REAL_TIME_SLACK_SECONDS
    while runner.request("GET", f"/orders/{order_id}", caller=caller).json()["status"] != "overdue":
        if time.monotonic() > give_up:
            raise ScenarioError(
                f"order {order_id} was still not overdue {_REAL_TIME_SLACK_SECONDS:g} s after "
                f"its {deadline} s deadline"
            )
        time.sleep(0.1)
        runner.advance(0)


def drive(runner: LocalRunner, order_id: str, outcome: str) -> None:
    """Take a placed order to `outcome` as its restaurant, customer or the clock would
    (overdue: accepted, left past its deadline, then completed late)."""
    steps: list[tuple[str, dict[str, str] | None, dict[str, str]]]
    if outcome == "complete":
        steps = [("accept", None, STAFF), ("complete", None, STAFF)]
    elif outcome == "overdue":
        _act(runner, order_id, "accept", None, STAFF)
        pass_the_deadline(runner, order_id)
        steps = [("complete", None, STAFF)]
    elif outcome == "reject":
        steps = [("reject", {"reason": "item_unavailable"}, STAFF)]
    elif outcome == "cancel":
        steps = [("cancel", None, CUSTOMER_CALLER)]
    else:
        # Choreography's schedules fire on the runner's clock; a state machine's time-out
        # fires in real time inside moto, so wait for the execution as well.
        timeout = int(runner.names.parameters["AcceptanceTimeoutSeconds"])
        runner.advance(timeout + 1)
        runner.wait_for_executions(timeout + _REAL_TIME_SLACK_SECONDS)
        return
    for action, body, caller in steps:
        _act(runner, order_id, action, body, caller)


def _act(
    runner: LocalRunner,
    order_id: str,
    action: str,
    body: dict[str, str] | None,
    caller: dict[str, str],
) -> None:
    response = runner.request("POST", f"/orders/{order_id}/{action}", body, caller=caller)
    if response.status != 200:
        raise ScenarioError(f"{action} was refused: {response.status} {response.body}")


@dataclass(frozen=True)
class PathRun:
    """One path through the stack: the states its execution entered and the events published."""

    path: str
    states_entered: list[str]
    events: list[str]
    execution_status: str


def parameters_for(outcome: str, parameters: dict[str, str]) -> dict[str, str]:
    """`parameters` for a run to `outcome`: only the time-out path keeps the given acceptance
    timeout; only the overdue path keeps the given deadline (else OVERDUE_DEADLINE_SECONDS),
    the others get the template's."""
    if outcome == "timeout":
        chosen = dict(parameters)
    else:
        chosen = {**parameters, "AcceptanceTimeoutSeconds": ANSWERED_TIMEOUT_SECONDS}
    if outcome == "overdue":
        return {"OrderDeadlineSeconds": OVERDUE_DEADLINE_SECONDS, **chosen}
    chosen.pop("OrderDeadlineSeconds", None)
    return chosen


def run_paths(template: Path, parameters: dict[str, str]) -> list[PathRun]:
    """Each outcome on a fresh stack: what it cost in states entered and what the bus saw."""
    runs = []
    for outcome in OUTCOMES:
        with demo_stack(template, parameters_for(outcome, parameters)) as runner:
            order_id = place_demo_order(runner)
            drive(runner, order_id, outcome)
            try:
                entered = executions.states_entered(runner.execution_history(order_id))
                status = executions.status(runner.names.region, order_id)
            except KeyError:
                entered, status = [], "none"  # a stack without a state machine
            events = [e.detail_type for e in runner.bus_events]
            runs.append(PathRun(PATHS[outcome], entered, events, status))
    return runs
