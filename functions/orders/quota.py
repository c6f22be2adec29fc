"""How many orders one caller may place per minute: the per-caller limit an HTTP API lacks.

API Gateway's HTTP APIs throttle a stage or a route for all callers together; usage plans and
API keys are REST API features, and WAF cannot be attached to an HTTP API. So one signed-in
account could use the whole stage limit and starve everyone. Each caller gets its own budget
instead: a counter per caller and minute, taken atomically with one conditional UpdateItem, in
the idempotency table (whose TTL attribute `expiration` removes spent windows).
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

WINDOW_SECONDS = 60
#: A window's counter outlives it by a minute, so a late write cannot resurrect it.
_KEPT_SECONDS = 2 * WINDOW_SECONDS


class CallerQuota:
    def __init__(self, client: DynamoDBClient, table_name: str, per_minute: int) -> None:
        self._client = client
        self._table = table_name
        self.per_minute = per_minute

    def take(self, caller: str, now: datetime) -> bool:
        """Count one order for `caller` in the current minute; False once the budget is spent."""
        window = int(now.timestamp()) // WINDOW_SECONDS
        # The caller's id is hashed: the key says nothing about who it is.
        digest = hashlib.sha256(caller.encode()).hexdigest()
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"id": {"S": f"quota#{digest}#{window}"}},
                UpdateExpression="ADD hits :one SET expiration = :expires",
                ConditionExpression="attribute_not_exists(hits) OR hits < :limit",
                ExpressionAttributeValues={
                    ":one": {"N": "1"},
                    ":limit": {"N": str(self.per_minute)},
                    ":expires": {"N": str(window * WINDOW_SECONDS + _KEPT_SECONDS)},
                },
            )
        except ClientError as error:
            if error.response["Error"]["Code"] == "ConditionalCheckFailedException":
                return False
            raise
        return True

    def retry_after(self, now: datetime) -> int:
        """Seconds until the next window opens."""
        return WINDOW_SECONDS - int(now.timestamp()) % WINDOW_SECONDS
