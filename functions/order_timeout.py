"""Times an order out when its acceptance schedule fires, if the order still waits.

Invoked by EventBridge Scheduler with `{"order_id": ..., "timeout_seconds": ...}`. An order the
restaurant answered (or the customer cancelled) in the meantime is left as it is.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.events import utcnow
from orders.model import Action, TransitionNotAllowedError, event_for, transition
from orders.redaction import masks_failures, redacting_logger
from orders.store import OrderStore
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()

store = OrderStore(boto3.client("dynamodb"), os.environ["ORDERS_TABLE"])


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    order = store.get(str(event["order_id"]))
    try:
        step = transition(order.order_id, order.status, Action.TIME_OUT)
        seconds = int(event["timeout_seconds"])
        order = store.apply(
            order, step, event_for(order, step.event, utcnow(), timeout_seconds=seconds)
        )
    except TransitionNotAllowedError as error:
        logger.info("order no longer waits; nothing to time out", extra={"reason": str(error)})
    return {"order_id": order.order_id, "status": order.status.value}
