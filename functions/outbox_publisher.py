"""The outbox publisher: puts every event item written to the orders table on the bus.

Fed by the table's stream (new images of inserted `EVENT#` items, filtered by the event source
mapping). A record that fails to publish is reported as a batch item failure, so Lambda retries
from it: an event written is an event published, at least once (consumers are idempotent).
"""

from __future__ import annotations

import os
from typing import Any

import boto3
from aws_lambda_powertools import Logger, Metrics, Tracer
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
from orders.store import EVENT_PREFIX

logger = Logger()
tracer = Tracer()
metrics = Metrics()
processor = BatchProcessor(event_type=EventType.DynamoDBStreams)

BUS_NAME = os.environ["EVENT_BUS_NAME"]
_events = boto3.client("events")


class PublishError(Exception):
    """EventBridge refused the entry; raising makes the batch processor report it for retry."""


@tracer.capture_method
def publish(record: DynamoDBRecord) -> None:
    image = record.dynamodb.new_image if record.dynamodb else {}
    if record.event_name is not DynamoDBRecordEventName.INSERT:
        return
    if not str(image.get("sk", "")).startswith(EVENT_PREFIX):
        return
    response = _events.put_events(
        Entries=[
            {
                "Source": SOURCE,
                "DetailType": str(image["detail_type"]),
                "Detail": str(image["detail"]),
                "EventBusName": BUS_NAME,
            }
        ]
    )
    if response["FailedEntryCount"]:
        failure = response["Entries"][0]
        raise PublishError(f"{failure.get('ErrorCode')}: {failure.get('ErrorMessage')}")
    metrics.add_metric(name="EventsPublished", unit=MetricUnit.Count, value=1)
    logger.info("published", extra={"detail_type": image["detail_type"], "order_id": image["pk"]})


@logger.inject_lambda_context
@tracer.capture_lambda_handler
@metrics.log_metrics
def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    return process_partial_response(
        event=event, record_handler=publish, processor=processor, context=context
    )
