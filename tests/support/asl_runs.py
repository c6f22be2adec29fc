"""Runs a state machine definition in moto's ASL interpreter along a scripted path.

What moto executes is the definition's control flow: Choice rules picked, Task failures,
Retry, Catch, Parallel branches, Map iterations, Fail and Succeed, and the execution history
it writes. What the run needs from outside is scripted, as the local runner scripts task
answers: every Task becomes a Lambda task whose answer (success, or an error a Retry or Catch
matches) comes from the script; each Choice takes the outcome the script names for that visit;
Waits last 0 s and retries do not sleep. Data handling (paths, parameters, selectors, JSONata)
is stripped: it cannot change which states are entered once the outcomes are scripted.

Parallel branches run in lockstep, as the counter models them: a branch enters its next state
only once every other branch has finished its current one; when a branch fails, the others
enter nothing more.
"""

from __future__ import annotations

import copy
import io
import json
import logging
import threading
import time
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from unittest import mock

import boto3
from moto import mock_aws
from moto.awslambda.models import LambdaBackend
from moto.awslambda_simple.models import LambdaSimpleBackend
from moto.stepfunctions.parser.asl.component.common.retry import retrier_decl
from moto.stepfunctions.parser.asl.component.state.choice.state_choice import StateChoice
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel import branches_decl
from moto.stepfunctions.parser.asl.component.state.exec.state_parallel.branch_worker import (
    BranchWorker,
)
from moto.stepfunctions.parser.asl.component.state.state import CommonStateField
from moto.stepfunctions.parser.asl.eval.program_state import ProgramError

REGION = "us-east-1"
_ATTEMPT_EVENTS = ("LambdaFunctionScheduled", "TaskScheduled")
ACCOUNT = "123456789012"
FUNCTION = f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:scripted"
#: A script: per state, the outcome of each visit in turn (a Choice's next state; a Task's
#: "ok" or the error it raises). A state's last outcome repeats once the list runs out.
Script = Mapping[str, list[str]]
_DATA_FIELDS = ("InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath",
                "Arguments", "Output", "Assign", "Result", "Credentials", "ItemSelector",
                "ItemReader", "ResultWriter", "ItemBatcher", "Label", "TimeoutSecondsPath",
                "HeartbeatSecondsPath", "TimeoutSeconds", "HeartbeatSeconds", "Comment",
                "ToleratedFailureCountPath", "ToleratedFailurePercentagePath", "Items",
                "MaxConcurrencyPath", "QueryLanguage", "ItemsPath")  # fmt: skip


@dataclass(frozen=True)
class Run:
    """What moto's history shows of one execution."""

    status: str
    entered: tuple[str, ...]  # every *StateEntered event's state, in order
    retries: int  # task attempts that failed and were retried (each billed again)

    @property
    def billed(self) -> int:
        return len(self.entered) + self.retries


def run(definition: Mapping[str, Any], script: Script, map_items: Mapping[str, int]) -> Run:
    """One execution of ``definition`` in moto, outcomes as ``script`` says."""
    runnable, maps = _scriptable(definition)
    payload = _payload(maps, map_items, depth=4)
    answers = _Answers(script)
    logging.getLogger("moto").setLevel(logging.CRITICAL)  # scripted failures log as errors
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True},
                          "lambda": {"use_docker": False}}), _patched(answers):  # fmt: skip
        _function()
        sfn = boto3.client("stepfunctions", region_name=REGION)
        arn = sfn.create_state_machine(
            name="corpus",
            definition=json.dumps(runnable),
            roleArn=f"arn:aws:iam::{ACCOUNT}:role/sfn",
        )["stateMachineArn"]
        execution = sfn.start_execution(stateMachineArn=arn, input=json.dumps(payload))
        status = _wait(sfn, execution["executionArn"])
        events = sfn.get_execution_history(executionArn=execution["executionArn"], maxResults=1000)[
            "events"
        ]
    entered = tuple(
        e["stateEnteredEventDetails"]["name"] for e in events if e["type"].endswith("StateEntered")
    )
    attempts = sum(1 for e in events if e["type"] in _ATTEMPT_EVENTS)
    tasks = sum(1 for e in events if e["type"] == "TaskStateEntered")
    return Run(status, entered, attempts - tasks)


#: Retries back off and Wait states wait in real time in moto: a loaded machine needs longer.
_RUN_SECONDS = 90


def _wait(sfn: Any, arn: str) -> str:
    deadline = time.monotonic() + _RUN_SECONDS
    while time.monotonic() < deadline:
        status = str(sfn.describe_execution(executionArn=arn)["status"])
        if status != "RUNNING":
            return status
        threading.Event().wait(0.01)
    raise AssertionError(f"{arn} still running after {_RUN_SECONDS} s")


class _Answers:
    """The scripted outcomes, visit by visit (Parallel branches answer from their threads)."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self.visits: Counter[str] = Counter()
        self.lock = threading.Lock()
        self.failures: Counter[str] = Counter()

    def next(self, state: str, default: str) -> str:
        with self.lock:
            outcomes = self.script.get(state) or [default]
            outcome = outcomes[min(self.visits[state], len(outcomes) - 1)]
            self.visits[state] += 1
            return outcome

    def failed(self, state: str) -> None:
        with self.lock:
            self.failures[state] += 1


def _scriptable(definition: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The definition with every Task a scripted Lambda task, data handling stripped, each
    Map reading its items from ``$.items_<map>``; and the Maps' names."""
    machine = copy.deepcopy(dict(definition))
    maps: list[str] = []
    _rewrite(machine, maps)
    machine.pop("QueryLanguage", None)
    return machine, maps


def _rewrite(machine: dict[str, Any], maps: list[str]) -> None:
    machine.pop("QueryLanguage", None)
    for name, state in machine["States"].items():
        for field in (*_DATA_FIELDS, "ErrorPath", "CausePath"):
            state.pop(field, None)
        _handlers(state)
        _REWRITES.get(state["Type"], lambda *_: None)(name, state, maps)


def _handlers(state: dict[str, Any]) -> None:
    """Error names moto accepts; catchers keep the input (the Maps' items) flowing."""
    if isinstance(state.get("Error"), str):
        state["Error"] = _custom(state["Error"])
    for handler in [*state.get("Catch", []), *state.get("Retry", [])]:
        handler["ErrorEquals"] = [_custom(error) for error in handler["ErrorEquals"]]
        for field in ("ResultPath", "Output", "Assign", "Comment", "MaxDelaySeconds",
                      "JitterStrategy"):  # fmt: skip
            handler.pop(field, None)
    for catcher in state.get("Catch", []):
        catcher["ResultPath"] = "$.caught"


def _as_task(name: str, state: dict[str, Any], maps: list[str]) -> None:
    state["Resource"] = FUNCTION
    state["Parameters"] = {"state": name, "input.$": "$"}


def _as_wait(name: str, state: dict[str, Any], maps: list[str]) -> None:
    for field in ("SecondsPath", "Timestamp", "TimestampPath"):
        state.pop(field, None)
    state["Seconds"] = 0


def _as_choice(name: str, state: dict[str, Any], maps: list[str]) -> None:
    targets = dict.fromkeys(rule["Next"] for rule in state["Choices"])
    # valid rules; the outcome itself is scripted
    state["Choices"] = [{"Variable": "$.never", "IsPresent": True, "Next": t} for t in targets]


def _as_parallel(name: str, state: dict[str, Any], maps: list[str]) -> None:
    state["ResultPath"] = None
    for branch in state["Branches"]:
        _rewrite(branch, maps)


def _as_map(name: str, state: dict[str, Any], maps: list[str]) -> None:
    processor = state.pop("Iterator", None) or state["ItemProcessor"]
    processor["ProcessorConfig"] = {"Mode": "INLINE"}  # Distributed children run inline
    state["ItemProcessor"] = processor
    state["ItemsPath"] = f"$.items_{len(maps)}"
    state["ResultPath"] = None
    maps.append(name)
    _rewrite(processor, maps)


_REWRITES = {
    "Task": _as_task,
    "Wait": _as_wait,
    "Choice": _as_choice,
    "Parallel": _as_parallel,
    "Map": _as_map,
}


#: The predefined error names; moto refuses any other name in the States. namespace.
_PREDEFINED = {
    f"States.{name}"
    for name in ("ALL", "HeartbeatTimeout", "Timeout", "TaskFailed", "Permissions",
                 "ResultPathMatchFailure", "ParameterPathFailure", "BranchFailed",
                 "NoChoiceMatched", "IntrinsicFailure", "ExceedToleratedFailureThreshold",
                 "ItemReaderFailed", "ResultWriterFailed", "Runtime", "QueryEvaluationError")
}  # fmt: skip


def _custom(error: str) -> str:
    """A custom error name moto accepts (some samples name theirs States.Something)."""
    if error.startswith("States.") and error not in _PREDEFINED:
        return "Faux." + error.removeprefix("States.")
    return error


def _payload(maps: list[str], items: Mapping[str, int], depth: int) -> dict[str, Any]:
    """The input every state sees: each Map's items, each item the same input again."""
    if depth == 0:
        return {}
    inner = _payload(maps, items, depth - 1)
    return {f"items_{i}": [inner] * int(items.get(name, 0)) for i, name in enumerate(maps)}


def _function() -> None:
    """The one scripted function every Task invokes (its code never runs: invoke is patched)."""
    role = boto3.client("iam", region_name=REGION).create_role(
        RoleName="lambda", AssumeRolePolicyDocument="{}"
    )["Role"]["Arn"]
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("index.py", "def handler(event, context):\n    return event\n")
    boto3.client("lambda", region_name=REGION).create_function(
        FunctionName="scripted",
        Runtime="python3.12",
        Role=role,
        Handler="index.handler",
        Code={"ZipFile": archive.getvalue()},
    )


class _Lockstep:
    """Parallel branches, one state entered per step, stopped for good once one fails.

    Pools and branch environments are told apart by ``id()``; every one seen is held until the
    run ends, because CPython gives a freed object's id to the next one allocated there: a
    second Parallel whose pool took the first one's id found its branch count already reached
    and waited for a branch that never came (a run stuck for good, now and then, under load).
    """

    def __init__(self) -> None:
        self.held: list[Any] = []  # every pool and env registered, alive for the whole run
        self.condition = threading.Condition()
        self.groups: dict[int, list[Any]] = {}  # pool -> branch envs
        self.sizes: dict[int, int] = {}  # pool -> its number of branches
        self.group_of: dict[int, int] = {}  # env -> pool
        self.steps: Counter[int] = Counter()  # env -> states entered
        self.waiting: set[int] = set()
        self.done: set[int] = set()
        self.failed_at: dict[int, int] = {}  # pool -> the step its first failure came on

    def register(self, pool: Any, env: Any) -> None:
        with self.condition:
            self.held += (pool, env)
            if id(pool) not in self.groups:
                self.sizes[id(pool)] = pool._active_workers_num  # before any branch ends
            self.groups.setdefault(id(pool), []).append(env)
            self.group_of[id(env)] = id(pool)
            self.condition.notify_all()

    def before_state(self, env: Any) -> None:
        key = id(env)
        pool = self.group_of.get(key)
        if pool is None:
            return
        with self.condition:
            mine = self.steps[key]
            self.waiting.add(key)
            self.condition.notify_all()
            while True:
                if pool in self.failed_at and mine >= self.failed_at[pool]:
                    # a branch failed on an earlier step: enter nothing more
                    self.condition.wait_for(lambda: not env.is_running(), timeout=30)
                    break
                others = [id(e) for e in self.groups[pool] if id(e) != key]
                started = len(self.groups[pool]) == self.sizes[pool]
                if started and all(self._finished(o, mine) for o in others):
                    break
                self.condition.wait(timeout=30)
            self.waiting.discard(key)
            self.steps[key] += 1
            self.condition.notify_all()

    def _finished(self, other: int, step: int) -> bool:
        """Whether branch ``other`` is done with its ``step``-th state (or with all of them)."""
        return (
            other in self.done
            or self.steps[other] > step
            or (other in self.waiting and self.steps[other] >= step)
        )

    def terminated(self, env: Any) -> None:
        """A failing branch ends the Parallel only once the others have entered the states of
        the same step (states entered at the same step are all billed)."""
        with self.condition:
            pool = self.group_of.get(id(env))
            failed = pool is not None and isinstance(env.program_state(), ProgramError)
            if pool is not None and failed:
                step = self.steps[id(env)]
                self.failed_at.setdefault(pool, step)
                self.condition.notify_all()
                others = [id(e) for e in self.groups[pool] if id(e) != id(env)]
                self.condition.wait_for(
                    lambda: all(o in self.done or self.steps[o] >= step for o in others),
                    timeout=30,
                )
            self.done.add(id(env))
            self.condition.notify_all()
        if failed:
            threading.Event().wait(0.05)  # their StateEntered events, before moto stops them


@contextmanager
def _patched(answers: _Answers) -> Iterator[None]:
    lockstep = _Lockstep()
    original_eval = CommonStateField.eval
    original_init = BranchWorker.__init__
    original_terminated = branches_decl.BranchWorkerPool.on_terminated

    def eval_state(state: CommonStateField, env: Any) -> None:
        lockstep.before_state(env)
        original_eval(state, env)

    def choose(state: StateChoice, env: Any) -> None:
        env.stack.append(answers.next(state.name, ""))

    def init(worker: Any, branch_worker_comm: Any, program: Any, env: Any) -> None:
        original_init(worker, branch_worker_comm, program, env)
        lockstep.register(branch_worker_comm, env)

    def terminated(pool: Any, env: Any) -> None:
        lockstep.terminated(env)
        original_terminated(pool, env)

    def invoke(  # noqa: PLR0917 - the signature moto calls
        backend: Any, function_name: str, qualifier: Any, body: Any, headers: Any,
        response_headers: Any,
    ) -> bytes:  # fmt: skip
        request = json.loads(body)
        outcome = answers.next(request["state"], "ok")
        if outcome == "ok":
            return json.dumps(request["input"]).encode()
        answers.failed(request["state"])
        response_headers["x-amz-function-error"] = "Unhandled"
        return json.dumps({"errorType": outcome, "errorMessage": "scripted"}).encode()

    with (
        mock.patch.object(CommonStateField, "eval", eval_state),
        mock.patch.object(StateChoice, "_eval_state", choose),
        mock.patch.object(BranchWorker, "__init__", init),
        mock.patch.object(branches_decl.BranchWorkerPool, "on_terminated", terminated),
        mock.patch.object(LambdaBackend, "invoke", invoke),
        mock.patch.object(LambdaSimpleBackend, "invoke", invoke),
        mock.patch.object(retrier_decl.time, "sleep", return_value=None),
    ):
        yield
