"""The stack's Step Functions executions, as the runner waits for and reports them.

moto runs each execution in a thread of its own; the runner's `settle()` waits until every
running execution waits for a callback (its last history event is `TaskSubmitted`) or ended.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from functools import cache
from typing import Any, cast

import boto3
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.stepfunctions.parser.api import ExecutionStatus
from moto.stepfunctions.parser.backend.execution import Execution
from moto.stepfunctions.responses import get_backend

from orderflow_localrun.lambdas import holding_the_environment

_POLL_SECONDS = 0.01
WAITING_FOR_CALLBACK = "TaskSubmitted"


@dataclass(frozen=True)
class HistoryEvent:
    """One event of an execution's history: its type, the state it belongs to, when."""

    type: str
    state: str
    time: str


@cache
def _sfn(region: str) -> Any:
    """One client per region, built once: building one cost more than the calls it makes.

    A client reads os.environ as it is built; a function invoked by an execution's thread may
    be swapping its environment in at that moment (a KeyError now and then, without the lock).
    Any moto started later answers it as it answers a new client.
    """
    return holding_the_environment(boto3.client)("stepfunctions", region_name=region)


def _state_machine_arns(region: str) -> list[str]:
    """The region's state machines, oldest first, as ListStateMachines answers.

    Read from moto's backend: `settle()` asks in every round, and the API call was 3 of a
    choreography order's 45 AWS calls, for a stack that has no state machine at all.
    """
    machines = get_backend(DEFAULT_ACCOUNT_ID, region).state_machines
    return [m.arn for m in sorted(machines, key=lambda m: m.creation_date)]


def _executions(region: str, status: str | None = None) -> list[dict[str, Any]]:
    """Every execution of the region's state machines (all pages: one lists 100 at most)."""
    pages = _sfn(region).get_paginator("list_executions")
    found: list[dict[str, Any]] = []
    for arn in _state_machine_arns(region):
        filters = {"statusFilter": status} if status else {}
        for page in pages.paginate(stateMachineArn=arn, **filters):
            found += page["executions"]
    return found


def _busy(region: str) -> bool:
    """Whether some running execution is doing something (not waiting for a callback).

    Read from moto's backend, as ListExecutions and GetExecutionHistory would answer: this is
    polled while an execution runs, and those API calls were two thirds of an orchestration
    order's AWS calls, each taking the GIL from the execution being waited for.
    """
    for machine in get_backend(DEFAULT_ACCOUNT_ID, region).state_machines:
        for listed in machine.executions:
            # Under MOTO_CONFIG's execute_state_machine, moto's parser runs every execution.
            execution = cast(Execution, listed)
            if execution.exec_status is None:
                return True  # listed, its thread about to start
            if execution.exec_status != ExecutionStatus.RUNNING:
                continue
            events = execution.to_history_output()["events"]
            if not events or _type(events[-1]) != WAITING_FOR_CALLBACK:
                return True
    return False


def _type(event: Any) -> str:
    kind = event["type"]
    return str(getattr(kind, "value", kind))


def wait_until_quiet(region: str, timeout: float) -> bool:
    """Block until no execution is busy; True if there was anything to wait for."""
    deadline = time.monotonic() + timeout
    waited = False
    while _busy(region):
        if time.monotonic() > deadline:
            raise RuntimeError(f"a Step Functions execution was still busy after {timeout:g} s")
        waited = True
        time.sleep(_POLL_SECONDS)
    return waited


def stop_running(region: str, timeout: float) -> None:
    """Stop every running execution, then wait until none is still in the middle of a state.

    moto runs executions in daemon threads that outlive the mock. One left waiting (for a
    callback's time-out, a Wait state) would carry on when its timer fires, against whatever
    moto is running by then: the next runner's stack, whose resources have the same names.
    A stopped one that is waiting ends at its timer without entering another state.
    """
    sfn = _sfn(region)
    deadline = time.monotonic() + timeout
    for execution in _executions(region, "RUNNING"):
        arn = execution["executionArn"]
        # moto's thread makes the execution's environment, which stopping needs, just before it
        # records ExecutionStarted: one stopped sooner raises inside moto.
        while not sfn.get_execution_history(executionArn=arn, maxResults=1)["events"]:
            if time.monotonic() > deadline:
                raise RuntimeError(f"execution {arn} had not started after {timeout:g} s")
            time.sleep(_POLL_SECONDS)
        sfn.stop_execution(executionArn=arn)
    wait_until_quiet(region, timeout)


def wait_until_ended(region: str, timeout: float) -> None:
    """Block until no execution is running (for example until a time-out has fired)."""
    deadline = time.monotonic() + timeout
    while _executions(region, "RUNNING"):
        if time.monotonic() > deadline:
            raise RuntimeError(f"a Step Functions execution was still running after {timeout:g} s")
        time.sleep(_POLL_SECONDS)


def status(region: str, name: str) -> str:
    """The status of the execution called `name` (RUNNING, SUCCEEDED, ...)."""
    return str(_find(region, name)["status"])


def history(region: str, name: str) -> list[HistoryEvent]:
    """The history of the execution called `name`, each event with the state it belongs to."""
    sfn = _sfn(region)
    events = sfn.get_execution_history(executionArn=_find(region, name)["executionArn"])["events"]
    by_id: dict[int, str] = {}
    found: list[HistoryEvent] = []
    for event in events:
        entered = event.get("stateEnteredEventDetails")
        exited = event.get("stateExitedEventDetails")
        named = (entered or exited or {}).get("name")
        inherited = by_id.get(event.get("previousEventId", 0), "")
        state = named or ("" if event["type"].startswith("Execution") else inherited)
        by_id[event["id"]] = state
        found.append(HistoryEvent(event["type"], state, event["timestamp"].isoformat()))
    return found


def states_entered(events: list[HistoryEvent]) -> list[str]:
    """The states an execution entered, in order: what a Standard workflow bills."""
    return [e.state for e in events if e.type.endswith("StateEntered")]


def _find(region: str, name: str) -> dict[str, Any]:
    for execution in _executions(region):
        if execution["name"] == name:
            return execution
    raise KeyError(f"no execution named {name!r}")
