"""The restaurant registry: which restaurants exist and where their notifications go."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


@dataclass(frozen=True)
class Restaurant:
    restaurant_id: str
    name: str
    notification_endpoint: str


class RestaurantRegistry:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def find(self, restaurant_id: str) -> Restaurant | None:
        item = self._client.get_item(
            TableName=self._table, Key={"restaurant_id": {"S": restaurant_id}}
        ).get("Item")
        if item is None:
            return None
        return Restaurant(
            restaurant_id=item["restaurant_id"]["S"],
            name=item.get("name", {}).get("S", restaurant_id),
            notification_endpoint=item.get("notification_endpoint", {}).get("S", ""),
        )
