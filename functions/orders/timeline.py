"""The order timeline: a projection of every order event the bus delivered, read by GET.

Fed by its own rule on the orders bus (both styles publish the same events there), so it shows
what other bounded contexts saw, end to end, not what a style meant to publish. Each event is
one item keyed by order id and `<occurred_at>#<event type>`, written only if absent: a repeated
delivery or an archive replay leaves the timeline as it was.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from orders.events import EventDetail, detail_json

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


class Timeline:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def record(self, detail: EventDetail) -> bool:
        """Add the event to its order's timeline; False if it was already there."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "order_id": {"S": detail.order_id},
                    "entry": {"S": f"{detail.occurred_at.isoformat()}#{detail.event_type.value}"},
                    "event": {"S": detail.event_type.value},
                    "detail": {"S": detail_json(detail)},
                },
                ConditionExpression="attribute_not_exists(entry)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def entries(self, order_id: str) -> list[dict[str, Any]]:
        """The order's events, oldest first, as GET /orders/{id} shows them."""
        found: list[dict[str, Any]] = []
        query: dict[str, Any] = {
            "TableName": self._table,
            "KeyConditionExpression": "order_id = :id",
            "ExpressionAttributeValues": {":id": {"S": order_id}},
            "ConsistentRead": True,
        }
        while True:
            page = self._client.query(**query)
            for item in page["Items"]:
                detail = json.loads(item["detail"]["S"])
                found.append(
                    {"event": item["event"]["S"], "at": detail["occurred_at"], "detail": detail}
                )
            if "LastEvaluatedKey" not in page:
                return found
            query["ExclusiveStartKey"] = page["LastEvaluatedKey"]
