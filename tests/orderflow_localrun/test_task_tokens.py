"""The runner answers Step Functions callbacks as AWS does: each task token once."""

from __future__ import annotations

import boto3
import pytest
from botocore.exceptions import ClientError
from stack_helpers import STAFF, place

from orderflow_localrun import LocalRunner


def _token(runner: LocalRunner, order_id: str) -> str:
    item = boto3.client("dynamodb", region_name=runner.names.region).get_item(
        TableName=runner.deployment.outputs["OrdersTableName"], Key={"order_id": {"S": order_id}}
    )["Item"]
    return str(item["acceptance_token"]["S"])


def _refusal(call: object) -> str:
    with pytest.raises(ClientError) as refused:
        call()  # type: ignore[operator]
    return str(refused.value.response["Error"]["Code"])


def test_a_used_token_is_refused_with_task_timed_out_for_success_and_failure(
    orchestration: LocalRunner,
) -> None:
    order_id = place(orchestration)
    token = _token(orchestration, order_id)
    assert orchestration.request("POST", f"/orders/{order_id}/accept", caller=STAFF).status == 200
    sfn = boto3.client("stepfunctions", region_name=orchestration.names.region)

    assert _refusal(lambda: sfn.send_task_success(taskToken=token, output="{}")) == "TaskTimedOut"
    assert (
        _refusal(lambda: sfn.send_task_failure(taskToken=token, error="OrderRejected"))
        == "TaskTimedOut"
    )


def test_a_token_never_issued_is_an_invalid_token(orchestration: LocalRunner) -> None:
    place(orchestration)
    sfn = boto3.client("stepfunctions", region_name=orchestration.names.region)
    assert _refusal(lambda: sfn.send_task_success(taskToken="forged", output="{}")) == (
        "InvalidToken"
    )
