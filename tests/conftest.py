"""Fixtures shared by the tests that run a stack on the local runner."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path

import pytest
from stack_helpers import CHOREOGRAPHY, ORCHESTRATION, SENDER, TIMEOUT_SECONDS, StartStack, prepare
from tool_runs import FOLDER_VARIABLE

from localrun import LocalRunner
from localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

# The folder of this session's tool runs, when this process made it (not a worker's or a
# generated project's suite: they inherit the outermost session's).
_TOOL_RUNS = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    """One folder of tool runs (tool_runs.py) for this session and every process it starts."""
    if not os.environ.get(FOLDER_VARIABLE):
        folder = Path(tempfile.mkdtemp(prefix="orderflow-tool-runs-"))
        os.environ[FOLDER_VARIABLE] = str(folder)
        config.stash[_TOOL_RUNS] = folder


def pytest_unconfigure(config: pytest.Config) -> None:
    folder = config.stash.get(_TOOL_RUNS, None)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        del os.environ[FOLDER_VARIABLE]


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
