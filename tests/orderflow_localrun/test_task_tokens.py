"""The runner answers Step Functions callbacks as AWS does: each task token once."""

from __future__ import annotations

import threading
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker
from stack_helpers import (
    DEADLINE_SECONDS,
    ORCHESTRATION,
    STAFF,
    StartStack,
    pass_the_deadline,
    place,
)

from orderflow_localrun import LocalRunner
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS


def _token(runner: LocalRunner, order_id: str, attribute: str = "acceptance_token") -> str:
    item = boto3.client("dynamodb", region_name=runner.names.region).get_item(
        TableName=runner.deployment.outputs["OrdersTableName"], Key={"order_id": {"S": order_id}}
    )["Item"]
    return str(item[attribute]["S"])


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


def test_an_answer_after_its_task_timed_out_is_refused_while_the_execution_runs_on(
    start_stack: StartStack,
) -> None:
    """The completion wait timed out into the overdue path, which waits again with a new token:
    the old token's answer is refused (moto took it and dropped it: a 200 and no completion)."""
    runner = start_stack(
        ORCHESTRATION,
        AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS,
        OrderDeadlineSeconds=str(DEADLINE_SECONDS),
    )
    order_id = place(runner)
    assert runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF).status == 200
    timed_out = _token(runner, order_id, "completion_token")
    pass_the_deadline(runner, order_id)
    sfn = boto3.client("stepfunctions", region_name=runner.names.region)

    assert _refusal(lambda: sfn.send_task_success(taskToken=timed_out, output="{}")) == (
        "TaskTimedOut"
    )
    assert _token(runner, order_id, "completion_token") != timed_out


def test_a_token_is_answered_while_another_execution_has_not_started_yet(
    orchestration: LocalRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An execution whose thread has not made its environment has issued no token: looking for
    a token's owner passes it by instead of failing the caller with an internal error."""
    order_id = place(orchestration)
    token = _token(orchestration, order_id)
    release = threading.Event()
    make_environment = ExecutionWorker._get_evaluation_environment

    def held_back(worker: ExecutionWorker) -> Any:
        release.wait(30)
        return make_environment(worker)

    monkeypatch.setattr(ExecutionWorker, "_get_evaluation_environment", held_back)
    sfn = boto3.client("stepfunctions", region_name=orchestration.names.region)
    sfn.start_execution(
        stateMachineArn=orchestration.deployment.outputs["OrdersStateMachineArn"],
        name="not-started-yet",
        input="{}",
    )
    try:
        assert _refusal(lambda: sfn.send_task_success(taskToken="forged", output="{}")) == (
            "InvalidToken"
        )
        sfn.send_task_success(taskToken=token, output="{}")
        assert _refusal(lambda: sfn.send_task_success(taskToken=token, output="{}")) == (
            "TaskTimedOut"
        )
    finally:
        release.set()
