"""The runner finds a stack's executions however many there are."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any, cast

import boto3
import pytest
from moto import mock_aws
from moto.core.config import DefaultConfig
from moto.stepfunctions.parser.backend.execution import Execution
from moto.stepfunctions.parser.backend.execution_worker import ExecutionWorker

from orderflow_localrun import executions
from orderflow_localrun.runner import MOTO_CONFIG

REGION = "us-east-1"
# ListExecutions answers 100 executions a page at most.
MORE_THAN_A_PAGE = 101


@pytest.fixture
def waiting_machine() -> Iterator[str]:
    """A state machine whose executions wait a minute (stopped after the test)."""
    with mock_aws(config=cast(DefaultConfig, MOTO_CONFIG)):
        definition = {
            "StartAt": "Wait",
            "States": {"Wait": {"Type": "Wait", "Seconds": 60, "End": True}},
        }
        sfn = boto3.client("stepfunctions", region_name=REGION)
        yield sfn.create_state_machine(
            name="waits",
            definition=json.dumps(definition),
            roleArn="arn:aws:iam::123456789012:role/waits",
        )["stateMachineArn"]
        executions.stop_running(REGION, 30)


def test_an_execution_past_the_first_page_of_the_listing_is_found(waiting_machine: str) -> None:
    sfn = boto3.client("stepfunctions", region_name=REGION)
    for n in range(MORE_THAN_A_PAGE):
        sfn.start_execution(stateMachineArn=waiting_machine, name=f"order-{n}")

    assert executions.status(REGION, "order-0") == "RUNNING"
    assert executions.status(REGION, f"order-{MORE_THAN_A_PAGE - 1}") == "RUNNING"


def test_an_execution_whose_thread_has_not_started_yet_is_stopped_once_it_has(
    waiting_machine: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """moto's thread makes the environment that stopping needs just before ExecutionStarted.

    The thread is held back until the runner has seen the history still empty, so the stop is
    asked for inside that window every time, not only on a loaded machine.
    """
    seen_unstarted = threading.Event()
    make_environment = ExecutionWorker._get_evaluation_environment
    read_history = Execution.to_history_output

    def held_back(worker: ExecutionWorker) -> Any:
        assert seen_unstarted.wait(30), "the runner never read the unstarted history"
        return make_environment(worker)

    def noting_unstarted(execution: Execution) -> Any:
        history = read_history(execution)
        if not history["events"]:
            seen_unstarted.set()
        return history

    monkeypatch.setattr(ExecutionWorker, "_get_evaluation_environment", held_back)
    monkeypatch.setattr(Execution, "to_history_output", noting_unstarted)
    sfn = boto3.client("stepfunctions", region_name=REGION)
    sfn.start_execution(stateMachineArn=waiting_machine, name="order-early")

    executions.stop_running(REGION, 30)

    assert seen_unstarted.is_set()
    assert executions.status(REGION, "order-early") == "ABORTED"
