"""Starts and stops the restaurant's acceptance clock (choreography style).

On `order_placed` it creates a one-time EventBridge Scheduler schedule that invokes the order
time-out function at placement + AcceptanceTimeoutSeconds (deleted after it runs); on
`order_accepted`, `order_rejected` or `order_cancelled` it deletes that schedule.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType
from orders.redaction import masks_failures, redacting_logger
from orders.schedules import Clock, due_time
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()

CLOCK = Clock(
    group=os.environ["SCHEDULE_GROUP"],
    target_arn=os.environ["TIMEOUT_FUNCTION_ARN"],
    role_arn=os.environ["SCHEDULER_ROLE_ARN"],
    dead_letter_arn=os.environ["SCHEDULE_DEAD_LETTER_ARN"],
)
TIMEOUT_SECONDS = int(os.environ["ACCEPTANCE_TIMEOUT_SECONDS"])
_scheduler = boto3.client("scheduler")


def schedule_name(order_id: str) -> str:
    return f"order-{order_id}"


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    event_type, detail = read_event(event)
    name = schedule_name(detail.order_id)
    if event_type is not EventType.ORDER_PLACED:
        if not CLOCK.stop(_scheduler, name):
            logger.info("no pending acceptance schedule", extra={"schedule": name})
        return
    payload = {"order_id": detail.order_id, "timeout_seconds": TIMEOUT_SECONDS}
    if not CLOCK.start(_scheduler, name, due_time(detail.occurred_at, TIMEOUT_SECONDS), payload):
        logger.info("acceptance schedule already exists", extra={"schedule": name})
