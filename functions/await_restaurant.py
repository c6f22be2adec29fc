"""Orchestration: the task the order's execution waits in until the restaurant answers.

Invoked by the state machine with `.waitForTaskToken`. It keeps the task token with the order
*before* telling the restaurant (SNS), so a restaurant that answers at once always finds it, then
publishes `restaurant_notified` (the one event only this task can publish: the notification
happens inside the task the machine waits in). The execution resumes when the API calls back
with the token; the function's own return value is ignored.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.events import SOURCE, EventType, detail_json, utcnow
from orders.flow import ACCEPTANCE_TOKEN
from orders.model import event_for
from orders.redaction import masks_failures, redacting_logger
from orders.restaurant_messages import send_new_order
from orders.store import OrderStore
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()

TOPIC_ARN = os.environ["RESTAURANT_TOPIC_ARN"]
BUS_NAME = os.environ["EVENT_BUS_NAME"]
store = OrderStore(boto3.client("dynamodb"), os.environ["ORDERS_TABLE"])
_sns = boto3.client("sns")
_events = boto3.client("events")


class OrderNotWaitingError(Exception):
    """The order is not placed any more: the machine owns it, so this is a wiring fault."""


class EventNotPublishedError(Exception):
    """EventBridge refused the event; the machine retries the task on this error (transient)."""


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    order = store.get(event["order_id"])
    if not store.hold_token(order.order_id, ACCEPTANCE_TOKEN, event["task_token"]):
        raise OrderNotWaitingError(f"order {order.order_id} is no longer placed")
    send_new_order(_sns, TOPIC_ARN, order)
    notified = event_for(order, EventType.RESTAURANT_NOTIFIED, utcnow())
    response = _events.put_events(
        Entries=[
            {
                "Source": SOURCE,
                "DetailType": EventType.RESTAURANT_NOTIFIED.value,
                "Detail": detail_json(notified),
                "EventBusName": BUS_NAME,
            }
        ]
    )
    if response["FailedEntryCount"]:
        # Failing the invocation makes the machine retry the task (a new token, kept again).
        raise EventNotPublishedError(f"restaurant_notified: {response['Entries']}")
    logger.info("restaurant notified; waiting for its answer")
