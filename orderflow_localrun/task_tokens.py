"""Step Functions callbacks as AWS answers them: each task token is answered once.

moto keeps every token it ever issued and takes a second SendTaskSuccess/SendTaskFailure on a
used token (or on one whose execution has ended) with a 200, so no test could reach what a
handler does when AWS refuses a late or repeated callback. AWS answers `TaskTimedOut` for a
token whose task no longer waits (answered, timed out, or its execution ended) and
`InvalidToken` for a token it never issued; so does the runner.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult, EmptyResult
from moto.stepfunctions.exceptions import InvalidToken
from moto.stepfunctions.responses import StepFunctionResponse

from orderflow_localrun import executions

_QUIET_SECONDS = 30.0


class TaskTimedOut(AWSError):
    TYPE = "TaskTimedOut"
    STATUS = 400

    def __init__(self) -> None:
        super().__init__("Task Timed Out: 'Provided task does not exist anymore'")


def send_task_success(response: StepFunctionResponse) -> ActionResult:
    """SendTaskSuccess that returns once the execution has taken the answer (see `_answered`)."""
    backend: Any = response.stepfunction_backend
    token = response._get_param("taskToken")
    with _answered(backend, token):
        backend.send_task_success(token, response._get_param("output"))
    return EmptyResult()


def send_task_failure(response: StepFunctionResponse) -> ActionResult:
    """SendTaskFailure with its `cause`, which moto 5.2.5's handler drops (a Catch reads it)."""
    # With execute_state_machine the backend is moto's ASL parser backend, which takes a cause.
    backend: Any = response.stepfunction_backend
    token = response._get_param("taskToken")
    with _answered(backend, token):
        backend.send_task_failure(
            token, error=response._get_param("error"), cause=response._get_param("cause")
        )
    return EmptyResult()


def _owner(backend: Any, token: str) -> tuple[Any, Any]:
    """The execution that issued `token` and the token's callback endpoint, or (None, None)."""
    for execution in backend._get_executions():
        if execution.exec_worker is not None:
            endpoint = execution.exec_worker.env.callback_pool_manager.get(token)
            if endpoint is not None:
                return execution, endpoint
    return None, None


def _still_waits(execution: Any, endpoint: Any) -> bool:
    """The task waits for this token: its execution runs, nobody answered, it did not time out."""
    answered = endpoint.get_outcome() is not None
    given_up = getattr(endpoint, "consumer_error", None) is not None
    return execution.status == "RUNNING" and not answered and not given_up


@contextmanager
def _answered(backend: Any, token: str) -> Iterator[None]:
    """Refuse a callback AWS would refuse; after one it takes, wait until the execution it
    answers has moved on.

    moto hands the answer to the execution's thread; until that thread records it, the history
    still ends in `TaskSubmitted`, which `settle()` would take for "waiting, nothing to do".
    """
    owner, endpoint = _owner(backend, token)
    if owner is None:
        raise InvalidToken()
    if not _still_waits(owner, endpoint):
        raise TaskTimedOut()
    yield
    executions.wait_until_answered(owner.exec_arn, _QUIET_SECONDS)
