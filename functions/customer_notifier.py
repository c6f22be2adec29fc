"""Emails the customer (SES) the restaurant's answer or the time-out; records `user_notified`."""

from __future__ import annotations

import os
from typing import Any, Literal

import boto3
from aws_lambda_powertools import Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType, utcnow
from orders.model import Order, event_for
from orders.redaction import redacting_logger
from orders.store import OrderStore

logger = redacting_logger()
tracer = Tracer()

SENDER = os.environ["SENDER_EMAIL"]
store = OrderStore(boto3.client("dynamodb"), os.environ["ORDERS_TABLE"])
_ses = boto3.client("ses")

Outcome = Literal["accepted", "rejected", "timed_out"]
OUTCOMES: dict[EventType, Outcome] = {
    EventType.ORDER_ACCEPTED: "accepted",
    EventType.ORDER_REJECTED: "rejected",
    EventType.ORDER_TIMED_OUT: "timed_out",
}


def compose(order: Order, outcome: Outcome) -> tuple[str, str]:
    """Subject and text of the email telling the customer what happened to their order."""
    if outcome == "accepted":
        return (
            f"Your order {order.order_id} was accepted",
            f"The restaurant accepted your order (total {order.total}). It is being prepared.",
        )
    if outcome == "rejected":
        return (
            f"Your order {order.order_id} was declined",
            f"The restaurant declined your order: {order.reason}. You have not been charged.",
        )
    return (
        f"Your order {order.order_id} timed out",
        "The restaurant did not answer in time, so the order was cancelled. "
        "You have not been charged.",
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    event_type, detail = read_event(event)
    outcome = OUTCOMES[event_type]
    if store.has_event(detail.order_id, EventType.USER_NOTIFIED):
        logger.info("customer already notified; duplicate delivery ignored")
        return
    order = store.get(detail.order_id)
    subject, text = compose(order, outcome)
    _ses.send_email(
        Source=SENDER,
        Destination={"ToAddresses": [order.customer_email]},
        Message={"Subject": {"Data": subject}, "Body": {"Text": {"Data": text}}},
    )
    store.record(order, event_for(order, EventType.USER_NOTIFIED, utcnow(), outcome=outcome))
