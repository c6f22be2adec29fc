"""Writes every order event on the orders bus to the order's timeline (the projection).

Invoked by a rule on all the bus's order events. The rule takes archive replays on purpose:
the write is idempotent (one entry per order and event type), so replaying a window after an
outage fills in what the timeline missed and duplicates nothing.

It is also where both styles count overdue orders (the `OrdersOverdue` metric, alarmed over a
threshold): every `order_overdue` reaches it whoever published it, and it counts only the first.
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.events import EventType
from orders.redaction import masks_failures, redacting_logger
from orders.timeline import Timeline
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()
metrics = Metrics()

timeline = Timeline(boto3.client("dynamodb"), os.environ["TIMELINE_TABLE"])


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    event_type, detail = read_event(event)
    if timeline.record(detail, event["detail"]):
        logger.info("recorded", extra={"event": event_type.value, "order_id": detail.order_id})
        if event_type is EventType.ORDER_OVERDUE:
            metrics.add_metric(name="OrdersOverdue", unit=MetricUnit.Count, value=1)
    else:
        logger.info("already on the timeline; redelivery ignored", extra={"event": event_type})
