"""Tells the restaurant about an order (SNS): a new order, and one it no longer has to cook.

`order_placed` → a "new_order" message, then `restaurant_notified`; `order_cancelled` and
`order_timed_out` → an "order_withdrawn" message. The restaurant topic's subscriptions filter on
the `restaurant_id` message attribute, so each restaurant receives only its own orders.
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from aws_lambda_powertools import Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType, utcnow
from orders.model import describe_items, event_for
from orders.redaction import redacting_logger
from orders.store import OrderStore

logger = redacting_logger()
tracer = Tracer()

TOPIC_ARN = os.environ["RESTAURANT_TOPIC_ARN"]
store = OrderStore(boto3.client("dynamodb"), os.environ["ORDERS_TABLE"])
_sns = boto3.client("sns")
SUBJECTS = {"new_order": "New order {order_id}", "order_withdrawn": "Order {order_id} withdrawn"}


def _send(restaurant_id: str, kind: str, message: dict[str, Any]) -> None:
    _sns.publish(
        TopicArn=TOPIC_ARN,
        Subject=SUBJECTS[kind].format(order_id=message["order_id"]),
        Message=json.dumps({"kind": kind, **message}),
        MessageAttributes={
            "restaurant_id": {"DataType": "String", "StringValue": restaurant_id},
            "kind": {"DataType": "String", "StringValue": kind},
        },
    )


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    event_type, detail = read_event(event)
    order = store.get(detail.order_id)
    if event_type is not EventType.ORDER_PLACED:
        _send(
            order.restaurant_id,
            "order_withdrawn",
            {"order_id": order.order_id, "reason": event_type.value},
        )
        return
    if store.has_event(order.order_id, EventType.RESTAURANT_NOTIFIED):
        logger.info("restaurant already notified; duplicate delivery ignored")
        return
    _send(
        order.restaurant_id,
        "new_order",
        {
            "order_id": order.order_id,
            "items": describe_items(order.items),
            "total": str(order.total),
            "delivery_note": order.delivery_note,
        },
    )
    store.record(order, event_for(order, EventType.RESTAURANT_NOTIFIED, utcnow()))
