"""The promo ledger: the one code issued per order, and whether the customer was emailed it.

Claiming is a conditional put keyed by order id, so however often `order_completed` arrives
(retries, the outbox's at-least-once delivery, archive replays) an order has exactly one code.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CODE_PREFIX = "THANKS-"
# Crockford's base32 without the letters people misread (I, L, O, U).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8


def new_code() -> str:
    """A fresh, unguessable code such as THANKS-7KQ2M9XD (40 bits of randomness)."""
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


@dataclass(frozen=True)
class PromoCode:
    order_id: str
    code: str
    issued_at: str
    emailed: bool


class PromoLedger:
    def __init__(self, client: DynamoDBClient, table_name: str) -> None:
        self._client = client
        self._table = table_name

    def claim(self, order_id: str, code: str, now: datetime) -> tuple[PromoCode, bool]:
        """The order's code: `code` if this call issued it (True), else the one issued before."""
        try:
            self._client.put_item(
                TableName=self._table,
                Item={
                    "order_id": {"S": order_id},
                    "code": {"S": code},
                    "issued_at": {"S": now.isoformat()},
                    "emailed": {"BOOL": False},
                },
                ConditionExpression="attribute_not_exists(order_id)",
            )
        except ClientError as error:
            if error.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            existing = self.find(order_id)
            if existing is None:  # pragma: no cover - a put that failed on an item now gone
                raise
            return existing, False
        return PromoCode(order_id, code, now.isoformat(), emailed=False), True

    def find(self, order_id: str) -> PromoCode | None:
        item = self._client.get_item(
            TableName=self._table, Key={"order_id": {"S": order_id}}, ConsistentRead=True
        ).get("Item")
        if item is None:
            return None
        return PromoCode(
            order_id=item["order_id"]["S"],
            code=item["code"]["S"],
            issued_at=item["issued_at"]["S"],
            emailed=item["emailed"]["BOOL"],
        )

    def mark_emailed(self, order_id: str) -> None:
        self._client.update_item(
            TableName=self._table,
            Key={"order_id": {"S": order_id}},
            UpdateExpression="SET emailed = :yes",
            ConditionExpression="attribute_exists(order_id)",
            ExpressionAttributeValues={":yes": {"BOOL": True}},
        )
