"""Driving a mix of orders through a running stack, each to the outcome its plan names."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from localrun.runner import LocalRunner

# What happens after an order is placed. "accept" leaves it accepted (being prepared).
OUTCOMES = ("complete", "accept", "reject", "timeout", "cancel")


@dataclass(frozen=True)
class OrderPlan:
    restaurant_id: str
    items: tuple[tuple[str, int, str], ...]  # (name, quantity, unit price as a decimal string)
    outcome: str

    @property
    def total(self) -> Decimal:
        return sum((Decimal(price) * quantity for _, quantity, price in self.items), Decimal(0))

    def body(self, customer_email: str) -> dict[str, Any]:
        return {
            "restaurant_id": self.restaurant_id,
            "customer_email": customer_email,
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
    """Place every planned order, then take each to its outcome; the order ids, in plan order.

    Orders planned to time out are left waiting until the end, when the runner's clock moves
    past the acceptance timeout (which only they are still subject to). Handlers schedule the
    time-out by wall time, so the stack's AcceptanceTimeoutSeconds must outlast placing the mix.
    """
    if unknown := sorted({p.outcome for p in plans} - set(OUTCOMES)):
        raise TrafficError(f"unknown outcome(s) {', '.join(unknown)}; use {', '.join(OUTCOMES)}")
    order_ids = []
    for number, plan in enumerate(plans, 1):
        placed = _expect(
            runner.request("POST", "/orders", plan.body(customer_email)),
            201,
            f"order {number} ({plan.restaurant_id})",
        )
        order_ids.append(str(placed["order_id"]))
    for plan, order_id in zip(plans, order_ids, strict=True):
        path = f"/orders/{order_id}"
        if plan.outcome in {"complete", "accept"}:
            _expect(runner.request("POST", f"{path}/accept"), 200, f"accepting {order_id}")
        if plan.outcome == "complete":
            _expect(runner.request("POST", f"{path}/complete"), 200, f"completing {order_id}")
        elif plan.outcome == "reject":
            _expect(
                runner.request("POST", f"{path}/reject", {"reason": "kitchen closed"}),
                200,
                f"rejecting {order_id}",
            )
        elif plan.outcome == "cancel":
            _expect(runner.request("POST", f"{path}/cancel"), 200, f"cancelling {order_id}")
    if any(p.outcome == "timeout" for p in plans):
        runner.advance(int(runner.names.parameters["AcceptanceTimeoutSeconds"]) + 1)
    return order_ids
