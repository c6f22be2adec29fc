"""The outbox publisher: puts every event written to the orders table on the bus.

Fed by the table's stream (new and old images of order items; the event source mapping filters
out removals). A record that fails to publish is reported as a batch item failure, so Lambda
retries from it: an event written is an event published, at least once (consumers are idempotent).
"""

from __future__ import annotations

import json
import os
from typing import Any

import boto3
from aws_lambda_powertools import Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import (
    BatchProcessor,
    EventType,
    process_partial_response,
)
from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import (
    DynamoDBRecord,
    DynamoDBRecordEventName,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from orders.events import SOURCE
from orders.redaction import masks_failures, redacting_logger
from orders.store import new_events
from orders.tracing import handler_tracer

logger = redacting_logger()
tracer = handler_tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

BUS_NAME = os.environ["EVENT_BUS_NAME"]
_events = boto3.client("events")


class PublishError(Exception):
    """EventBridge refused the entry; raising makes the batch processor report it for retry."""


@tracer.capture_method
def publish(record: DynamoDBRecord) -> None:
    """Put the events this write added to the order on the bus, in the order they happened."""
    if record.dynamodb is None or record.event_name is DynamoDBRecordEventName.REMOVE:
        return
    added = new_events(record.dynamodb.old_image or None, record.dynamodb.new_image)
    if not added:
        return
    response = _events.put_events(
        Entries=[
            {
                "Source": SOURCE,
                "DetailType": event.event_type.value,
                "Detail": json.dumps(event.detail),
                "EventBusName": BUS_NAME,
            }
            for event in added
        ]
    )
    if response["FailedEntryCount"]:
        # Retrying the record re-sends the entries that did go through: consumers are idempotent.
        failure = next(e for e in response["Entries"] if e.get("ErrorCode"))
        raise PublishError(f"{failure.get('ErrorCode')}: {failure.get('ErrorMessage')}")
    metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=len(added))
    logger.info("published", extra={"events": [e.event_type.value for e in added]})


@masks_failures
@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=publish, processor=processor, context=context
    )
