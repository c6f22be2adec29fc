"""Starts and stops the order's deadline clock (choreography style).

On `order_accepted` it creates a second one-time Scheduler schedule (the acceptance clock is
the first) that invokes the order-overdue function at placement + OrderDeadlineSeconds; on
`order_completed` or `order_cancelled` it deletes it. The deadline counts from placement, which
the event does not carry, so the order is read for it.
"""

from __future__ import annotations

import os
from datetime import datetime
from typing import Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType
from orders.redaction import masks_failures, redacting_logger
from orders.schedules import Clock, due_time
from orders.store import OrderStore
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()

CLOCK = Clock(
    group=os.environ["SCHEDULE_GROUP"],
    target_arn=os.environ["OVERDUE_FUNCTION_ARN"],
    role_arn=os.environ["SCHEDULER_ROLE_ARN"],
    dead_letter_arn=os.environ["SCHEDULE_DEAD_LETTER_ARN"],
)
DEADLINE_SECONDS = int(os.environ["ORDER_DEADLINE_SECONDS"])
store = OrderStore(boto3.client("dynamodb"), os.environ["ORDERS_TABLE"])
_scheduler = boto3.client("scheduler")


def schedule_name(order_id: str) -> str:
    return f"deadline-{order_id}"


def deadline(placed_at: datetime, accepted_at: datetime) -> datetime:
    """Placement + the deadline; a second after acceptance if that is later (a short deadline)."""
    return max(due_time(placed_at, DEADLINE_SECONDS), due_time(accepted_at, 1))


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    event_type, detail = read_event(event)
    name = schedule_name(detail.order_id)
    if event_type is not EventType.ORDER_ACCEPTED:
        if not CLOCK.stop(_scheduler, name):
            logger.info("no pending deadline schedule", extra={"schedule": name})
        return
    placed_at = datetime.fromisoformat(store.get(detail.order_id).placed_at)
    payload = {"order_id": detail.order_id, "deadline_seconds": DEADLINE_SECONDS}
    if not CLOCK.start(_scheduler, name, deadline(placed_at, detail.occurred_at), payload):
        logger.info("deadline schedule already exists", extra={"schedule": name})
