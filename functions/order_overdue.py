"""Marks an order overdue when its deadline schedule fires, if it is still accepted.

Invoked by EventBridge Scheduler with `{"order_id": ..., "deadline_seconds": ...}`. The move to
`overdue` and its `order_overdue` event are one conditional write (`OrderStore.apply`), so a
completion racing the deadline yields one of the two, never both: an order completed (or
cancelled) in the meantime is left as it is.
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
    seconds = int(event["deadline_seconds"])
    order, refused = ring(
        store, str(event["order_id"]), Action.GO_OVERDUE, deadline_seconds=seconds
    )
    if refused:
        logger.info("order no longer waits for completion; not overdue", extra={"reason": refused})
    return {"order_id": order.order_id, "status": order.status.value}
