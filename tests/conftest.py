"""Fixtures shared by the tests that run a stack on the local runner."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from stack_helpers import CHOREOGRAPHY, ORCHESTRATION, SENDER, TIMEOUT_SECONDS, StartStack, prepare

from localrun import LocalRunner
from localrun.scenarios import ANSWERED_TIMEOUT_SECONDS


@pytest.fixture
def start_stack() -> Iterator[StartStack]:
    """Start a stack from a template (default: choreography) on a fresh moto; stopped after."""
    with ExitStack() as stacks:

        def start(template: Path = CHOREOGRAPHY, **parameters: str | None) -> LocalRunner:
            values = {
                "SenderEmail": SENDER,
                "AcceptanceTimeoutSeconds": str(TIMEOUT_SECONDS),
                **parameters,
            }
            values = {k: v for k, v in values.items() if v is not None}
            return prepare(stacks.enter_context(LocalRunner.start(template, values)))

        yield start


@pytest.fixture
def choreography(start_stack: StartStack) -> LocalRunner:
    """The choreography stack; its acceptance clock is the runner's, so answers are never late
    however slow the machine, and `advance(PAST_EVERY_TIMEOUT)` times an order out."""
    return start_stack(AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS)


@pytest.fixture
def orchestration(start_stack: StartStack) -> LocalRunner:
    """The orchestration stack with a timeout no slow machine reaches: answers are never late."""
    return start_stack(ORCHESTRATION, AcceptanceTimeoutSeconds=ANSWERED_TIMEOUT_SECONDS)


@pytest.fixture
def orchestration_timing_out(start_stack: StartStack) -> LocalRunner:
    """The orchestration stack with the 2-second acceptance timeout, which fires in real time."""
    return start_stack(ORCHESTRATION)
