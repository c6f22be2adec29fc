"""Order lifecycle: the statuses an order moves through and the transitions allowed between them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from orders.events import EventDetail, EventType, build_detail


class Status(StrEnum):
    PLACED = "placed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    TIMED_OUT = "timed_out"
    CANCELLED = "cancelled"
    COMPLETED = "completed"
    #: Accepted, and not completed by the order's deadline (placement + OrderDeadlineSeconds).
    OVERDUE = "overdue"


class Action(StrEnum):
    ACCEPT = "accept"
    REJECT = "reject"
    CANCEL = "cancel"
    TIME_OUT = "time_out"
    COMPLETE = "complete"
    GO_OVERDUE = "go_overdue"


@dataclass(frozen=True)
class Transition:
    action: Action
    sources: tuple[Status, ...]
    target: Status
    event: EventType


# A late delivery is still a delivery: an overdue order completes as an accepted one does. An
# overdue order may be cancelled (the customer gave up waiting); refunds are out of the kit's
# scope, the cancellation only withdraws the order from the restaurant.
TRANSITIONS: dict[Action, Transition] = {
    Action.ACCEPT: Transition(
        Action.ACCEPT, (Status.PLACED,), Status.ACCEPTED, EventType.ORDER_ACCEPTED
    ),
    Action.REJECT: Transition(
        Action.REJECT, (Status.PLACED,), Status.REJECTED, EventType.ORDER_REJECTED
    ),
    Action.CANCEL: Transition(
        Action.CANCEL, (Status.PLACED, Status.OVERDUE), Status.CANCELLED, EventType.ORDER_CANCELLED
    ),
    Action.TIME_OUT: Transition(
        Action.TIME_OUT, (Status.PLACED,), Status.TIMED_OUT, EventType.ORDER_TIMED_OUT
    ),
    Action.COMPLETE: Transition(
        Action.COMPLETE,
        (Status.ACCEPTED, Status.OVERDUE),
        Status.COMPLETED,
        EventType.ORDER_COMPLETED,
    ),
    Action.GO_OVERDUE: Transition(
        Action.GO_OVERDUE, (Status.ACCEPTED,), Status.OVERDUE, EventType.ORDER_OVERDUE
    ),
}

FINAL_STATUSES = frozenset({Status.REJECTED, Status.TIMED_OUT, Status.CANCELLED, Status.COMPLETED})


class TransitionNotAllowedError(Exception):
    """The order's current status does not allow the requested action (an HTTP 409)."""

    def __init__(self, order_id: str, action: Action, current: Status) -> None:
        allowed = " or ".join(f"'{status.value}'" for status in TRANSITIONS[action].sources)
        super().__init__(
            f"cannot {action.value.replace('_', ' ')} order {order_id}: its status is "
            f"'{current.value}' ({action.value} is allowed only when {allowed})"
        )
        self.order_id = order_id
        self.action = action
        self.current = current


def transition(order_id: str, current: Status, action: Action) -> Transition:
    """The transition `action` makes from `current`, or TransitionNotAllowedError."""
    step = TRANSITIONS[action]
    if current not in step.sources:
        raise TransitionNotAllowedError(order_id, action, current)
    return step


@dataclass(frozen=True)
class LineItem:
    name: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


def order_total(items: list[LineItem]) -> Decimal:
    return sum((item.amount for item in items), Decimal("0.00")).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Order:
    """An order as the orders table holds it (the customer's email stays here, never in events).

    `customer_id` is the placing caller's identity (the token's `sub`): who may read and cancel.
    `request_digest` binds the order to the request that placed it, so an Idempotency-Key re-sent
    with another body after its idempotency record expired is refused, not answered with this
    order (the key is bound for as long as the order exists).
    """

    order_id: str
    status: Status
    restaurant_id: str
    customer_email: str
    items: tuple[LineItem, ...]
    delivery_note: str
    correlation_id: str
    placed_at: str
    updated_at: str
    version: int
    reason: str = ""
    customer_id: str = ""
    request_digest: str = ""

    @property
    def total(self) -> Decimal:
        return order_total(list(self.items))


_ORDER_NAMESPACE = uuid.UUID("6f1d3c1e-5f55-4a8e-9a39-0c1b7e6c2d10")


def new_order_id(caller_id: str, idempotency_key: str | None) -> str:
    """A fresh id, or one derived from the caller's Idempotency-Key: a repeat names one order."""
    if idempotency_key:
        return str(uuid.uuid5(_ORDER_NAMESPACE, f"{caller_id}\n{idempotency_key}"))
    return str(uuid.uuid4())


def describe_items(items: tuple[LineItem, ...] | list[LineItem]) -> list[dict[str, Any]]:
    """Line items as events and messages show them: prices as exact decimal strings."""
    return [
        {"name": i.name, "quantity": i.quantity, "unit_price": str(i.unit_price)} for i in items
    ]


def event_for(
    order: Order, event_type: EventType, occurred_at: datetime, **fields: Any
) -> EventDetail:
    """The detail of `event_type` for `order`: the contract's common fields come from the order."""
    return build_detail(
        event_type,
        order_id=order.order_id,
        occurred_at=occurred_at,
        correlation_id=order.correlation_id,
        restaurant_id=order.restaurant_id,
        **fields,
    )
