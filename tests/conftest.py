"""Fixtures shared by the tests that run a stack on the local runner."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from stack_helpers import CHOREOGRAPHY, ORCHESTRATION, SENDER, TIMEOUT_SECONDS, StartStack, prepare
from tool_runs import FOLDER_VARIABLE

from orderflow_localrun import LocalRunner
from orderflow_localrun.scenarios import ANSWERED_TIMEOUT_SECONDS

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


# Tests xdist schedules each on its own, first, on whichever worker is free (not with the rest of
# their file, as `--dist loadfile` would): each runs for minutes (a generated project's whole
# suite, its sam build), and kept with their file they would all fall to one worker.
SCHEDULED_APART = (
    "tests/templates/order_system/test_generate.py::test_its_own_test_suite_passes[",
    "tests/templates/order_system/test_generate.py::test_sam_validates_and_builds_it_from_its_samconfig[",
)


class _ApartFirst(OrderedDict[str, Any]):
    """xdist's queue of work units (scopes), with the scopes of SCHEDULED_APART moved to its
    front when the first unit is taken (xdist fills it with the largest files first)."""

    moved = False

    def popitem(self, last: bool = True) -> tuple[str, Any]:
        if not self.moved:
            self.moved = True
            for scope in reversed([s for s in self if s.startswith(SCHEDULED_APART)]):
                self.move_to_end(scope, last=False)
        return super().popitem(last)


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """Under `--dist loadfile`: the tests in SCHEDULED_APART first, each its own unit of work,
    then each file's tests together, the files with the most tests first (xdist's order)."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling  # noqa: PLC0415 - only xdist calls this

    class Scheduling(LoadFileScheduling):  # type: ignore[misc]
        def __init__(self, config: pytest.Config, log: Any) -> None:
            super().__init__(config, log)
            self.workqueue = _ApartFirst()

        def _split_scope(self, nodeid: str) -> str:
            return nodeid if nodeid.startswith(SCHEDULED_APART) else super()._split_scope(nodeid)

    return Scheduling(config, log)


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
