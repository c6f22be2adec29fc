import io
import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from orderflow_localrun.lambdas import Clock, FunctionError, FunctionSpec, InProcessFunction
from orders.events import utcnow

FUNCTIONS = Path(__file__).resolve().parents[2] / "functions"
RUNNER_TIME = datetime(2026, 12, 2, 5, 0, 10, tzinfo=UTC)


def _function(
    code: Path, name: str, handler: str, clock: Clock | None = None, **environment: str
) -> InProcessFunction:
    spec = FunctionSpec(
        logical_id=name,
        name=f"stack-{name}",
        arn=f"arn:aws:lambda:us-east-1:123456789012:function:stack-{name}",
        handler=handler,
        code_dir=code,
        environment=environment,
        timeout_seconds=3,
        memory_mb=128,
        log_group=f"/aws/lambda/stack-{name}",
    )
    return InProcessFunction(spec, "us-east-1", io.StringIO(), clock)


@pytest.fixture
def code(tmp_path: Path) -> Path:
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/__init__.py").write_text("import os\nGREETING = os.environ['GREETING']\n")
    (tmp_path / "app.py").write_text(
        "import os\nimport shared\n\n"
        "def handler(event, context):\n"
        "    print('invoked', context.function_name)\n"
        "    return {'greeting': shared.GREETING, 'name': os.environ['AWS_LAMBDA_FUNCTION_NAME'],\n"
        "            'event': event, 'ms_left': context.get_remaining_time_in_millis() > 0}\n"
        "\n"
        "def fails(event, context):\n"
        "    raise ValueError('bad order')\n"
    )
    return tmp_path


def test_functions_sharing_code_each_import_it_with_their_own_environment(code: Path) -> None:
    hello = _function(code, "Hello", "app.handler", GREETING="hello")
    bonjour = _function(code, "Bonjour", "app.handler", GREETING="bonjour")
    assert hello.invoke({"n": 1})["greeting"] == "hello"
    assert bonjour.invoke({"n": 2})["greeting"] == "bonjour"
    assert hello.invoke({"n": 3}) == {
        "greeting": "hello",
        "name": "stack-Hello",
        "event": {"n": 3},
        "ms_left": True,
    }


def test_the_environment_is_restored_after_an_invocation(
    code: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("GREETING", raising=False)
    _function(code, "Hello", "app.handler", GREETING="hello").invoke({})
    assert "GREETING" not in os.environ


def test_a_handler_error_is_recorded_and_its_traceback_logged(code: Path) -> None:
    failing = _function(code, "Failing", "app.fails", GREETING="x")
    with pytest.raises(FunctionError, match="Failing: ValueError: bad order"):
        failing.invoke({})
    [invocation] = failing.invocations
    assert (invocation.ok, invocation.error) == (False, "ValueError: bad order")
    assert "Traceback" in failing.logs.getvalue()


def test_a_missing_handler_attribute_fails_as_lambda_reports_it(code: Path) -> None:
    with pytest.raises(FunctionError, match=r"Runtime\.HandlerNotFound: Handler 'nope' missing"):
        _function(code, "Broken", "app.nope", GREETING="x").invoke({})


def test_printed_output_goes_to_the_function_logs(code: Path) -> None:
    hello = _function(code, "Hello", "app.handler", GREETING="hello")
    hello.invoke({})
    assert "invoked stack-Hello" in hello.logs.getvalue()


@pytest.fixture
def timed_code(tmp_path: Path) -> Path:
    """A handler answering the time as the kit's handlers read it, with the kit's `orders`."""
    shutil.copytree(FUNCTIONS / "orders", tmp_path / "orders")
    (tmp_path / "timed.py").write_text(
        "from orders.events import utcnow\n\n"
        "def handler(event, context):\n"
        "    return utcnow().isoformat()\n"
    )
    return tmp_path


def test_a_function_reads_the_time_from_the_clock_it_was_given(timed_code: Path) -> None:
    timed = _function(timed_code, "Timed", "timed.handler", lambda: RUNNER_TIME)
    assert timed.invoke({}) == RUNNER_TIME.isoformat()
    assert timed.invoke({}) == RUNNER_TIME.isoformat()


def test_without_a_clock_a_function_and_the_caller_read_the_system_s_time(
    timed_code: Path,
) -> None:
    _function(timed_code, "Given", "timed.handler", lambda: RUNNER_TIME).invoke({})
    before = datetime.now(UTC)
    answered = datetime.fromisoformat(_function(timed_code, "Plain", "timed.handler").invoke({}))
    assert before <= answered <= datetime.now(UTC)
    assert before <= utcnow() <= datetime.now(UTC)
