"""The promo ledger: the one code issued per order, and where its email stands.

Claiming is a conditional put keyed by order id, so however often `order_completed` arrives
(retries, the outbox's at-least-once delivery, archive replays) an order has exactly one code.

The email is sent at most once. SES takes no idempotency key, so no write can be made atomic
with a send: an attempt first claims the send (`pending` -> `sending`, conditional, naming the
attempt), then calls SES, then records it (`sending` -> `sent`, with SES's message id). An
attempt that SES refused gives its claim back (`sending` -> `pending`) so a retry may send. A
claim left in `sending` means an attempt died (or lost SES's answer) after claiming: the email
may or may not have gone out, and no later delivery sends it again on its own (the kit's docs:
https://orderflow-kit.github.io/orderflow-kit/production/#the-promo-email-at-most-once).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

CODE_PREFIX = "THANKS-"
# Crockford's base32 without the letters people misread (I, L, O, U).
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8
_CONDITION_FAILED = "ConditionalCheckFailedException"


def new_code() -> str:
    """A fresh, unguessable code such as THANKS-7KQ2M9XD (40 bits of randomness)."""
    return CODE_PREFIX + "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class EmailState(StrEnum):
    PENDING = "pending"  # not sent; an attempt may claim the send
    SENDING = "sending"  # an attempt claimed the send and has not recorded its outcome
    SENT = "sent"  # SES accepted the email (its message id is recorded)


@dataclass(frozen=True)
class PromoCode:
    order_id: str
    code: str
    issued_at: str
    email: EmailState
    #: The attempt (Lambda request id) holding or having made the send, and when it claimed it.
    sender: str = ""
    claimed_at: str = ""


def _is_condition_failure(error: ClientError) -> bool:
    return error.response["Error"]["Code"] == _CONDITION_FAILED


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
                    "email": {"S": EmailState.PENDING},
                },
                ConditionExpression="attribute_not_exists(order_id)",
            )
        except ClientError as error:
            if not _is_condition_failure(error):
                raise
            return self.get(order_id), False
        return PromoCode(order_id, code, now.isoformat(), EmailState.PENDING), True

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
            email=EmailState(item["email"]["S"]),
            sender=item.get("sender", {}).get("S", ""),
            claimed_at=item.get("claimed_at", {}).get("S", ""),
        )

    def get(self, order_id: str) -> PromoCode:
        """The order's code, which must exist (it was claimed before)."""
        found = self.find(order_id)
        if found is None:
            raise LookupError(f"order {order_id}: no promo code in the ledger")
        return found

    def claim_send(self, order_id: str, attempt: str, now: datetime) -> bool:
        """Take the right to email the code (True), unless another attempt has it or sent it."""
        try:
            self._client.update_item(
                TableName=self._table,
                Key={"order_id": {"S": order_id}},
                UpdateExpression="SET email = :sending, sender = :attempt, claimed_at = :now",
                ConditionExpression="email = :pending",
                ExpressionAttributeValues={
                    ":sending": {"S": EmailState.SENDING},
                    ":pending": {"S": EmailState.PENDING},
                    ":attempt": {"S": attempt},
                    ":now": {"S": now.isoformat()},
                },
            )
        except ClientError as error:
            if not _is_condition_failure(error):
                raise
            return False
        return True

    def release_send(self, order_id: str, attempt: str) -> None:
        """Give back `attempt`'s claim: SES refused the email, so a retry may send it."""
        self._settle(order_id, attempt, "SET email = :state REMOVE sender, claimed_at", {
            ":state": {"S": EmailState.PENDING}
        })  # fmt: skip

    def mark_sent(self, order_id: str, attempt: str, message_id: str) -> None:
        """Record that SES accepted `attempt`'s email."""
        self._settle(order_id, attempt, "SET email = :state, ses_message_id = :message", {
            ":state": {"S": EmailState.SENT}, ":message": {"S": message_id}
        })  # fmt: skip

    def _settle(
        self, order_id: str, attempt: str, update: str, values: dict[str, dict[str, str]]
    ) -> None:
        """Apply `update` to `attempt`'s claim (ConditionalCheckFailed if the claim is not its)."""
        self._client.update_item(
            TableName=self._table,
            Key={"order_id": {"S": order_id}},
            UpdateExpression=update,
            ConditionExpression="email = :sending AND sender = :attempt",
            ExpressionAttributeValues={
                ":sending": {"S": EmailState.SENDING},
                ":attempt": {"S": attempt},
                **values,
            },
        )
