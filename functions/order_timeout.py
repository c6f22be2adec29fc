"""Times an order out when its acceptance schedule fires, if the order still waits.

Invoked by EventBridge Scheduler with `{"order_id": ..., "timeout_seconds": ...}`. An order the
restaurant answered (or the customer cancelled) in the meantime is left as it is.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.model import Action
from orders.redaction import masks_failures, redacting_logger
from orders.schedules import ring
from orders.store import OrderStore
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()

store = OrderStore(boto3.client("dynamodb"), os.environ["ORDERS_TABLE"])


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, str]:
    seconds = int(event["timeout_seconds"])
    order, refused = ring(store, str(event["order_id"]), Action.TIME_OUT, timeout_seconds=seconds)
    if refused:
        logger.info("order no longer waits; nothing to time out", extra={"reason": refused})
    return {"order_id": order.order_id, "status": order.status.value}
