"""The order flow, path by path: what a client asks and what happens to the order.

The flow is the one docs/design.md#the-order-flow-the-domain describes.

An estimate applies this flow to what a definition deploys: the requests find their routes
(and so the functions they invoke), the domain events find the rules that match them. The
flow itself is the domain's, not a definition's: it is the same for every style and stack.
"""

from __future__ import annotations

from dataclasses import dataclass

#: ``source`` of every domain event (functions/orders/events.py).
SOURCE = "orderflow.orders"


@dataclass(frozen=True)
class OrderPath:
    """One way an order goes: the client's HTTP requests and the domain events, in order."""

    requests: tuple[tuple[str, str], ...]
    events: tuple[str, ...]
    acceptance_timeout_fires: bool = False
    #: The order's deadline passes between its last two requests: it goes overdue after the
    #: acceptance and is completed late.
    deadline_fires: bool = False


_PLACE = ("POST", "/orders")
_GET = ("GET", "/orders/{order_id}")

_ANSWERED = (
    _PLACE,
    _GET,
    ("POST", "/orders/{order_id}/accept"),
    _GET,
    ("POST", "/orders/{order_id}/complete"),
)
#: The events up to the acceptance's email; a deadline that passes comes after them.
_UNTIL_ACCEPTED = ("order_placed", "restaurant_notified", "order_accepted", "user_notified")

#: The customer reads the order after placing it and once more after acceptance; the
#: restaurant answers (accept, reject) and completes, by the deadline or late; the customer may
#: cancel.
FLOW: dict[str, OrderPath] = {
    "accepted": OrderPath(
        requests=_ANSWERED,
        events=(*_UNTIL_ACCEPTED, "order_completed"),
    ),
    "rejected": OrderPath(
        requests=(_PLACE, _GET, ("POST", "/orders/{order_id}/reject")),
        events=("order_placed", "restaurant_notified", "order_rejected", "user_notified"),
    ),
    "timed_out": OrderPath(
        requests=(_PLACE, _GET),
        events=("order_placed", "restaurant_notified", "order_timed_out", "user_notified"),
        acceptance_timeout_fires=True,
    ),
    "cancelled": OrderPath(
        requests=(_PLACE, _GET, ("POST", "/orders/{order_id}/cancel")),
        events=("order_placed", "restaurant_notified", "order_cancelled"),
    ),
    "overdue": OrderPath(
        requests=_ANSWERED,
        events=(*_UNTIL_ACCEPTED, "order_overdue", "order_completed"),
        deadline_fires=True,
    ),
}
