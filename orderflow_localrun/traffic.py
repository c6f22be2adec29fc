"""Driving a mix of orders through a running stack, each to the outcome its plan names."""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from orderflow_localrun import executions
from orderflow_localrun.http import customer, restaurant_staff
from orderflow_localrun.runner import LocalRunner

# What happens after an order is placed. "accept" leaves it accepted (being prepared).
OUTCOMES = ("complete", "accept", "reject", "timeout", "cancel")
_REAL_TIME_SLACK_SECONDS = 30.0
_POLL_SECONDS = 0.1


@dataclass(frozen=True)
class OrderPlan:
    restaurant_id: str
    items: tuple[tuple[str, int, str], ...]  # (name, quantity, unit price as a decimal string)
    outcome: str

    @property
    def total(self) -> Decimal:
        return sum((Decimal(price) * quantity for _, quantity, price in self.items), Decimal(0))

    def body(self) -> dict[str, Any]:
        return {
            "restaurant_id": self.restaurant_id,
            "items": [
                {"name": name, "quantity": quantity, "unit_price": float(price)}
                for name, quantity, price in self.items
            ],
        }


class TrafficError(Exception):
    """The stack refused a planned step; the message names the order and the answer."""


def _expect(response: Any, status: int, what: str) -> Any:
    if response.status != status:
        raise TrafficError(f"{what}: {response.status} {response.body}")
    return response.json()


def drive(runner: LocalRunner, plans: list[OrderPlan], customer_email: str) -> list[str]:
    """Place every planned order and take it to its outcome; the order ids, in plan order.

    Each answered order is answered as soon as it is placed, so it never waits long for its
    restaurant. Orders planned to time out are left waiting until the end, when the
    acceptance timeout passes: the runner's clock moves past it (choreography's schedules),
    and a state machine's time-out, which fires in real time, is waited for. Handlers schedule
    the time-out by wall time, so AcceptanceTimeoutSeconds must outlast driving the mix.
    """
    if unknown := sorted({p.outcome for p in plans} - set(OUTCOMES)):
        raise TrafficError(f"unknown outcome(s) {', '.join(unknown)}; use {', '.join(OUTCOMES)}")
    order_ids = []
    # Signed in as the API's JWT authorizer passes callers on: a customer per order (as real
    # traffic comes, and within each account's per-minute order quota), each kitchen's staff.
    for number, plan in enumerate(plans, 1):
        caller = customer(f"traffic-customer-{number}", customer_email)
        placed = _expect(
            runner.request("POST", "/orders", plan.body(), caller=caller),
            201,
            f"order {number} ({plan.restaurant_id})",
        )
        order_id = str(placed["order_id"])
        order_ids.append(order_id)
        staff = restaurant_staff(f"staff-{plan.restaurant_id}", plan.restaurant_id)
        _answer(runner, order_id, plan.outcome, staff, caller)
    waiting = [i for p, i in zip(plans, order_ids, strict=True) if p.outcome == "timeout"]
    if waiting:
        timeout = int(runner.names.parameters["AcceptanceTimeoutSeconds"])
        runner.advance(timeout + 1)
        _wait_for_time_outs(runner, waiting, timeout + _REAL_TIME_SLACK_SECONDS)
    return order_ids


def _answer(
    runner: LocalRunner,
    order_id: str,
    outcome: str,
    staff: dict[str, str],
    caller: dict[str, str],
) -> None:
    path = f"/orders/{order_id}"
    if outcome in {"complete", "accept"}:
        _expect(
            runner.request("POST", f"{path}/accept", caller=staff), 200, f"accepting {order_id}"
        )
    if outcome == "complete":
        _expect(
            runner.request("POST", f"{path}/complete", caller=staff), 200, f"completing {order_id}"
        )
    elif outcome == "reject":
        _expect(
            runner.request("POST", f"{path}/reject", {"reason": "closed"}, caller=staff),
            200,
            f"rejecting {order_id}",
        )
    elif outcome == "cancel":
        _expect(
            runner.request("POST", f"{path}/cancel", caller=caller), 200, f"cancelling {order_id}"
        )


def _wait_for_time_outs(runner: LocalRunner, order_ids: list[str], seconds: float) -> None:
    """Wait until each order's execution (if the stack runs one per order) has ended."""
    deadline = time.monotonic() + seconds
    for order_id in order_ids:
        while _running(runner, order_id):
            if time.monotonic() > deadline:
                raise TrafficError(f"order {order_id} had not timed out after {seconds:g} s")
            time.sleep(_POLL_SECONDS)
    runner.settle()


def _running(runner: LocalRunner, order_id: str) -> bool:
    try:
        return executions.status(runner.names.region, order_id) == "RUNNING"
    except KeyError:
        return False  # no execution: a stack without a state machine
