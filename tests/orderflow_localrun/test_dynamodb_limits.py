"""The runner refuses DynamoDB keys over AWS's size limits on every keyed call, as AWS does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError

from orderflow_localrun import LocalRunner

LONG = "x" * 2049


def _refused(call: Callable[[], Any]) -> str:
    with pytest.raises(ClientError) as refused:
        call()
    return str(refused.value.response["Error"]["Message"])


def test_an_oversized_partition_key_is_refused_on_get_update_and_delete(
    choreography: LocalRunner,
) -> None:
    dynamodb = boto3.client("dynamodb", region_name=choreography.names.region)
    table = choreography.deployment.outputs["OrdersTableName"]
    key = {"order_id": {"S": LONG}}
    calls = [
        lambda: dynamodb.get_item(TableName=table, Key=key),
        lambda: dynamodb.update_item(
            TableName=table, Key=key, UpdateExpression="SET a = :a",
            ExpressionAttributeValues={":a": {"S": "b"}},
        ),
        lambda: dynamodb.delete_item(TableName=table, Key=key),
    ]  # fmt: skip
    for call in calls:
        assert "Size of hashkey has exceeded the maximum size limit of" in (_refused(call))
    assert "Item" not in dynamodb.get_item(TableName=table, Key={"order_id": {"S": "x" * 2048}})
