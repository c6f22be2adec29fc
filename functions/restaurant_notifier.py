"""Tells the restaurant about an order (SNS): a new order, and one it no longer has to cook.

`order_placed` → a "new_order" message, then `restaurant_notified`; `order_cancelled` and
`order_timed_out` → an "order_withdrawn" message; `order_overdue` → an "order_overdue" message
(the order passed its deadline and the customer still waits for it). The restaurant topic's
subscriptions filter on the `restaurant_id` message attribute, so each restaurant receives only
its own orders.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType, utcnow
from orders.model import event_for
from orders.redaction import masks_failures, redacting_logger
from orders.restaurant_messages import send, send_new_order
from orders.store import OrderStore
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()

TOPIC_ARN = os.environ["RESTAURANT_TOPIC_ARN"]
store = OrderStore(boto3.client("dynamodb"), os.environ["ORDERS_TABLE"])
_sns = boto3.client("sns")


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    event_type, detail = read_event(event)
    order = store.get(detail.order_id)
    if event_type is EventType.ORDER_OVERDUE:
        send(_sns, TOPIC_ARN, order.restaurant_id, "order_overdue", {"order_id": order.order_id})
        return
    if event_type is not EventType.ORDER_PLACED:
        send(
            _sns,
            TOPIC_ARN,
            order.restaurant_id,
            "order_withdrawn",
            {"order_id": order.order_id, "reason": event_type.value},
        )
        return
    if store.has_event(order.order_id, EventType.RESTAURANT_NOTIFIED):
        logger.info("restaurant already notified; duplicate delivery ignored")
        return
    send_new_order(_sns, TOPIC_ARN, order)
    store.record(order, event_for(order, EventType.RESTAURANT_NOTIFIED, utcnow()))
