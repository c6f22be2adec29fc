"""The messages restaurants receive on the restaurant topic (SNS), in both styles.

Each restaurant's subscription filters on the `restaurant_id` message attribute, so it receives
only its own orders; `kind` tells a new order from one it no longer has to cook.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from orders.model import Order, describe_items

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

SUBJECTS = {
    "new_order": "New order {order_id}",
    "order_withdrawn": "Order {order_id} withdrawn",
    "order_overdue": "Order {order_id} is overdue",
}


def send(
    sns: SNSClient, topic_arn: str, restaurant_id: str, kind: str, message: dict[str, Any]
) -> None:
    sns.publish(
        TopicArn=topic_arn,
        Subject=SUBJECTS[kind].format(order_id=message["order_id"]),
        Message=json.dumps({"kind": kind, **message}),
        MessageAttributes={
            "restaurant_id": {"DataType": "String", "StringValue": restaurant_id},
            "kind": {"DataType": "String", "StringValue": kind},
        },
    )


def send_new_order(sns: SNSClient, topic_arn: str, order: Order) -> None:
    """Tell the order's restaurant what to cook."""
    send(
        sns,
        topic_arn,
        order.restaurant_id,
        "new_order",
        {
            "order_id": order.order_id,
            "items": describe_items(order.items),
            "total": str(order.total),
            "delivery_note": order.delivery_note,
        },
    )
