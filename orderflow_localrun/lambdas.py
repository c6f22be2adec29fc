"""Running Lambda functions in this process, each with its own modules and environment.

Every function gets a cold start: its handler module (and everything imported from its code
folder) is imported on first invocation with the function's environment set, and kept apart from
other functions' copies, so module-level settings read from `os.environ` are each function's own.
"""

from __future__ import annotations

import contextlib
import importlib
import io
import os
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from unittest import mock

# One invocation at a time: functions swap sys.modules and os.environ, and moto runs Step
# Functions executions (which may invoke functions) in their own threads.
_INVOCATION = threading.RLock()

#: Where a function's code reads the time (the kit's handlers: `orders/clock.py`, its `now`).
#: While the function runs, the clock it was given answers instead, so time a test moves forward
#: on the runner is time the handlers see; code without that module reads the system's clock.
HANDLER_CLOCK = ("orders.clock", "now")

Clock = Callable[[], datetime]


def holding_the_environment(create: Callable[..., Any]) -> Callable[..., Any]:
    """``create`` run while no function's environment is being swapped in or out.

    moto's Step Functions threads build boto3 clients (which read os.environ) while an API
    handler may be running on the main thread with its own environment set.
    """

    def locked(*args: Any, **kwargs: Any) -> Any:
        with _INVOCATION:
            return create(*args, **kwargs)

    return locked


class FunctionError(Exception):
    """A function raised (or could not start); the message names the function and the error."""

    def __init__(self, function: str, error: str) -> None:
        super().__init__(f"{function}: {error}")
        self.function = function
        self.error = error


@dataclass(frozen=True)
class FunctionSpec:
    """A function as the transformed template declares it."""

    logical_id: str
    name: str
    arn: str
    handler: str
    code_dir: Path
    environment: dict[str, str]
    timeout_seconds: int
    memory_mb: int
    log_group: str
    async_retries: int = 2
    dead_letter_arn: str | None = None


@dataclass
class LambdaContext:
    """The context object Lambda passes to a handler."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    log_group_name: str
    deadline: float
    aws_request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    function_version: str = "$LATEST"
    log_stream_name: str = "orderflow_localrun"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


@dataclass(frozen=True)
class Invocation:
    function: str
    ok: bool
    error: str
    duration_ms: float


@contextlib.contextmanager
def _environment(variables: dict[str, str]) -> Iterator[None]:
    """Set ``variables`` for one invocation, then put back exactly what was there before.

    Only the keys that changed are touched: moto's Step Functions threads read os.environ
    (botocore builds clients from it) without the invocation lock, and clearing the whole
    environment under them made an aws-sdk task fail with KeyError now and then.
    """
    saved = dict(os.environ)
    os.environ.update(variables)
    try:
        yield
    finally:
        for name in [name for name in os.environ if name not in saved]:
            os.environ.pop(name, None)
        for name, value in saved.items():
            if os.environ.get(name) != value:
                os.environ[name] = value


def _top_level_names(code_dir: Path) -> set[str]:
    names = {p.stem for p in code_dir.glob("*.py")}
    names |= {p.name for p in code_dir.iterdir() if (p / "__init__.py").is_file()}
    return names


class InProcessFunction:
    """One deployed function: invoke it with an event, read its logs."""

    def __init__(
        self, spec: FunctionSpec, region: str, logs: io.StringIO, clock: Clock | None = None
    ) -> None:
        """`clock` is the time the handler reads (HANDLER_CLOCK); None leaves the system's."""
        self.spec = spec
        self._clock = clock
        # One stream for all functions: Powertools loggers of one service share a handler.
        self.logs = logs
        self.invocations: list[Invocation] = []
        self._region = region
        self._owned = _top_level_names(spec.code_dir)
        self._modules: dict[str, ModuleType] = {}
        self._handler: Callable[[Any, Any], Any] | None = None

    def _runtime_environment(self) -> dict[str, str]:
        return {
            **self.spec.environment,
            "AWS_REGION": self._region,
            "AWS_DEFAULT_REGION": self._region,
            "AWS_LAMBDA_FUNCTION_NAME": self.spec.name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(self.spec.memory_mb),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": self.spec.log_group,
        }

    def _is_owned(self, module_name: str) -> bool:
        return module_name.split(".", 1)[0] in self._owned

    @contextlib.contextmanager
    def _own_modules(self) -> Iterator[None]:
        """Swap this function's modules into sys.modules (and its folder onto sys.path)."""
        # After the first load the names are known; a full scan is needed only when modules
        # were added (the first import, or a handler importing lazily).
        names = list(self._modules) or [n for n in sys.modules if self._is_owned(n)]
        others = {n: sys.modules.pop(n) for n in names if n in sys.modules}
        sys.modules.update(self._modules)
        sys.path.insert(0, str(self.spec.code_dir))
        count = len(sys.modules)
        try:
            yield
        finally:
            sys.path.remove(str(self.spec.code_dir))
            if self._modules and len(sys.modules) == count:
                self._modules = {n: sys.modules.pop(n) for n in self._modules}
            else:
                owned = [n for n in sys.modules if self._is_owned(n)]
                self._modules = {n: sys.modules.pop(n) for n in owned}
            sys.modules.update(others)

    @contextlib.contextmanager
    def _reading_the_clock(self) -> Iterator[None]:
        """While in the block (its modules swapped in), the function's code reads `self._clock`."""
        module_name, attribute = HANDLER_CLOCK
        module = sys.modules.get(module_name) if self._is_owned(module_name) else None
        if self._clock is None or module is None:
            yield
            return
        with mock.patch.object(module, attribute, self._clock):
            yield

    def _load(self) -> Callable[[Any, Any], Any]:
        module_name, _, attribute = self.spec.handler.rpartition(".")
        if not module_name:
            raise FunctionError(
                self.spec.logical_id, f"Handler {self.spec.handler!r} is not module.function"
            )
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as error:
            raise FunctionError(
                self.spec.logical_id,
                f"Runtime.ImportModuleError: Unable to import module '{module_name}': {error}",
            ) from None
        except Exception as error:
            raise FunctionError(
                self.spec.logical_id, f"Runtime.ImportModuleError: {type(error).__name__}: {error}"
            ) from None
        handler = getattr(module, attribute, None)
        if not callable(handler):
            raise FunctionError(
                self.spec.logical_id,
                f"Runtime.HandlerNotFound: Handler '{attribute}' missing on module '{module_name}'",
            )
        return handler  # type: ignore[no-any-return]

    def invoke(self, event: Any) -> Any:
        """Run the handler with `event`; FunctionError if it raises (its traceback goes to logs)."""
        started = time.monotonic()
        context = LambdaContext(
            function_name=self.spec.name,
            invoked_function_arn=self.spec.arn,
            memory_limit_in_mb=self.spec.memory_mb,
            log_group_name=self.spec.log_group,
            deadline=started + self.spec.timeout_seconds,
        )
        try:
            with (
                _INVOCATION,
                _environment(self._runtime_environment()),
                self._own_modules(),
                contextlib.redirect_stdout(self.logs),
                contextlib.redirect_stderr(self.logs),
            ):
                if self._handler is None:
                    self._handler = self._load()
                try:
                    with self._reading_the_clock():
                        result = self._handler(event, context)
                except Exception as error:
                    self.logs.write(traceback.format_exc())
                    raise FunctionError(
                        self.spec.logical_id, f"{type(error).__name__}: {error}"
                    ) from error
        except FunctionError as failure:
            self._record(started, failure.error)
            raise
        self._record(started, "")
        return result

    def _record(self, started: float, error: str) -> None:
        elapsed = (time.monotonic() - started) * 1000
        self.invocations.append(Invocation(self.spec.logical_id, not error, error, elapsed))
