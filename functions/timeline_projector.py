"""Writes every order event the bus delivers to the order's timeline (orders.timeline)."""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Tracer
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.consumer import read_event
from orders.redaction import redacting_logger
from orders.timeline import Timeline

logger = redacting_logger()
tracer = Tracer()

timeline = Timeline(boto3.client("dynamodb"), os.environ["TIMELINE_TABLE"])


@logger.inject_lambda_context
@tracer.capture_lambda_handler
def handler(event: dict[str, Any], context: LambdaContext) -> None:
    event_type, detail = read_event(event)
    if not timeline.record(detail):
        logger.info("already on the timeline", extra={"event": event_type.value})
