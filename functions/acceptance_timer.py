"""Starts and stops the restaurant's acceptance clock (choreography style).

On `order_placed` it creates a one-time EventBridge Scheduler schedule that invokes the order
time-out function at placement + AcceptanceTimeoutSeconds (deleted after it runs); on
`order_accepted`, `order_rejected` or `order_cancelled` it deletes that schedule.
"""

from __future__ import annotations

import json
import os
from datetime import datetime, timedelta
from typing import Any

import boto3
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType
from orders.redaction import masks_failures, redacting_logger
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()

GROUP = os.environ["SCHEDULE_GROUP"]
TARGET_ARN = os.environ["TIMEOUT_FUNCTION_ARN"]
ROLE_ARN = os.environ["SCHEDULER_ROLE_ARN"]
TIMEOUT_SECONDS = int(os.environ["ACCEPTANCE_TIMEOUT_SECONDS"])
DEAD_LETTER_ARN = os.environ["SCHEDULE_DEAD_LETTER_ARN"]
_scheduler = boto3.client("scheduler")


def schedule_name(order_id: str) -> str:
    return f"order-{order_id}"


def due_time(placed_at: datetime) -> datetime:
    """Placement plus the timeout, rounded up to the second `at()` expressions resolve to.

    Rounding down would let the restaurant's time run out up to a second early.
    """
    due = placed_at + timedelta(seconds=TIMEOUT_SECONDS)
    if due.microsecond:
        due = due.replace(microsecond=0) + timedelta(seconds=1)
    return due


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    event_type, detail = read_event(event)
    name = schedule_name(detail.order_id)
    if event_type is not EventType.ORDER_PLACED:
        try:
            _scheduler.delete_schedule(Name=name, GroupName=GROUP)
        except _scheduler.exceptions.ResourceNotFoundException:
            logger.info("no pending acceptance schedule", extra={"schedule": name})
        return
    due = due_time(detail.occurred_at)
    try:
        _scheduler.create_schedule(
            Name=name,
            GroupName=GROUP,
            ScheduleExpression=f"at({due:%Y-%m-%dT%H:%M:%S})",
            ScheduleExpressionTimezone="UTC",
            FlexibleTimeWindow={"Mode": "OFF"},
            ActionAfterCompletion="DELETE",
            Target={
                "Arn": TARGET_ARN,
                "RoleArn": ROLE_ARN,
                "Input": json.dumps(
                    {"order_id": detail.order_id, "timeout_seconds": TIMEOUT_SECONDS}
                ),
                "RetryPolicy": {"MaximumRetryAttempts": 5, "MaximumEventAgeInSeconds": 3600},
                "DeadLetterConfig": {"Arn": DEAD_LETTER_ARN},
            },
        )
    except _scheduler.exceptions.ConflictException:
        logger.info("acceptance schedule already exists", extra={"schedule": name})
