"""The runner finds a stack's executions however many there are."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import cast

import boto3
import pytest
from moto import mock_aws
from moto.core.config import DefaultConfig

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
