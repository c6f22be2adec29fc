"""Step Functions callbacks as AWS answers them: each task token is answered once.

moto keeps every token it ever issued and takes a second SendTaskSuccess/SendTaskFailure on a
used token (or on one whose execution has ended) with a 200, so no test could reach what a
handler does when AWS refuses a late or repeated callback. AWS answers `TaskTimedOut` for a
token whose task no longer waits (answered, timed out, or its execution ended) and
`InvalidToken` for a token it never issued; so does the runner.

moto also takes an answer to a task whose time-out has fired but whose execution runs on (a
`Catch` of `States.Timeout`: the order's overdue path), and drops it: the caller hears 200, the
execution goes the time-out's way. AWS decides once, per task, between the answer and the
time-out; the runner records that decision (`deciding_time_outs`) and answers the caller by it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock
from weakref import WeakKeyDictionary

from moto.core.exceptions import AWSError
from moto.core.responses import ActionResult, EmptyResult
from moto.stepfunctions.exceptions import InvalidToken
from moto.stepfunctions.parser.api import TaskDoesNotExist
from moto.stepfunctions.parser.asl.component.state.exec.execute_state import ExecutionState
from moto.stepfunctions.parser.asl.eval.callback.callback import (
    CallbackConsumerTimeout,
    CallbackEndpoint,
)
from moto.stepfunctions.responses import StepFunctionResponse

_QUIET_SECONDS = 30.0


class _Decision:
    """What a waiting task did: took an answer, or timed out (`made` once either happened)."""

    def __init__(self) -> None:
        self.made = threading.Event()
        self.timed_out = False


_DECISIONS: WeakKeyDictionary[CallbackEndpoint, _Decision] = WeakKeyDictionary()
_DECISIONS_LOCK = threading.Lock()


def _decision(endpoint: CallbackEndpoint) -> _Decision:
    with _DECISIONS_LOCK:
        return _DECISIONS.setdefault(endpoint, _Decision())


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
        # An execution whose thread has not made its environment yet has issued no token.
        env = None if execution.exec_worker is None else execution.exec_worker.env
        if env is not None:
            endpoint = env.callback_pool_manager.get(token)
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
    """Refuse a callback AWS would refuse; after one it takes, wait until the task has decided
    and refuse it after all if the task's time-out won.

    moto hands the answer to the execution's thread; until that thread records it, the history
    still ends in `TaskSubmitted`, which `settle()` would take for "waiting, nothing to do".
    """
    owner, endpoint = _owner(backend, token)
    if owner is None:
        raise InvalidToken()
    if not _still_waits(owner, endpoint):
        raise TaskTimedOut()
    try:
        yield
    except TaskDoesNotExist:
        # moto's answer once the time-out marked the endpoint (it tests for the wrong class)
        raise TaskTimedOut() from None
    decision = _decision(endpoint)
    if not decision.made.wait(_QUIET_SECONDS):
        raise RuntimeError(f"{owner.exec_arn} did not take its answer within {_QUIET_SECONDS:g} s")
    if decision.timed_out:
        raise TaskTimedOut()


def _waiting_endpoint(env: Any) -> CallbackEndpoint | None:
    """The endpoint of the token the state being evaluated waits for, if it waits for one."""
    task = env.states.context_object.context_object_data.get("Task")
    return None if task is None else env.callback_pool_manager.get(task["Token"])


def _deciding(evaluate: Callable[[Any, Any], None]) -> Callable[[Any, Any], None]:
    """`ExecutionState._evaluate_with_timeout` recording what a waiting task decided.

    moto times a waiting task out twice, the state (EvalTimeoutError) and its callback wait
    (CallbackTimeoutError), both TimeoutErrors: whichever wakes first decides, whatever the
    token's endpoint holds. Once one has, the endpoint is marked timed out (moto refuses answers
    to it from then on), and an answer that came in the meantime is refused too.
    """

    def evaluate_deciding(state: Any, env: Any) -> None:
        endpoint = _waiting_endpoint(env)
        if endpoint is None:
            evaluate(state, env)
            return
        timed_out = False
        try:
            evaluate(state, env)
        except TimeoutError:  # the state's own, or its callback wait's when that one woke first
            timed_out = True
            endpoint.report(CallbackConsumerTimeout())
            raise
        finally:
            if timed_out or endpoint.get_outcome() is not None:
                decision = _decision(endpoint)
                decision.timed_out = timed_out
                decision.made.set()

    return evaluate_deciding


@contextmanager
def deciding_time_outs() -> Iterator[None]:
    """While in it, each waiting task decides once between its answer and its time-out."""
    original = ExecutionState._evaluate_with_timeout
    with mock.patch.object(ExecutionState, "_evaluate_with_timeout", _deciding(original)):
        yield
