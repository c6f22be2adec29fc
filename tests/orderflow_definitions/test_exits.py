"""How the kit's command lines end: the code a run returns, a missing extra, an internal error."""

import importlib.metadata
import sys

import pytest

from orderflow_definitions.exits import (
    EXIT_GATE,
    EXIT_INTERNAL,
    EXIT_OK,
    EXIT_USAGE,
    MissingExtraError,
    install_hint,
    require,
    run_guarded,
)


def _raise(error: Exception) -> int:
    raise error


@pytest.mark.parametrize("code", [EXIT_OK, EXIT_GATE, EXIT_USAGE])
def test_a_run_that_returns_keeps_its_exit_code(code: int) -> None:
    assert run_guarded("kit", lambda: code, []) == code


def test_an_unforeseen_exception_is_one_line_naming_it_and_exit_3(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_guarded("kit", lambda: _raise(ValueError("Memory\nSize")), []) == EXIT_INTERNAL
    assert capsys.readouterr().err == (
        "kit: internal error: ValueError: Memory Size; run with --debug for the traceback\n"
    )


def test_with_debug_an_unforeseen_exception_prints_its_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert run_guarded("kit", lambda: _raise(ZeroDivisionError("x")), ["--debug"]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert err.splitlines()[-1] == "ZeroDivisionError: x"


def test_a_missing_extra_names_the_pip_line_that_installs_it_and_exits_2(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = lambda: _raise(MissingExtraError("kit report", "matplotlib"))  # noqa: E731
    assert run_guarded("kit", run, []) == EXIT_USAGE
    assert capsys.readouterr().err == (
        "kit: error: kit report needs matplotlib, which is not installed: "
        "pip install 'orderflow-kit[report]'\n"
    )


@pytest.mark.parametrize(
    ("owners", "hint"),
    [
        (["orderflow-kit"], "pip install 'orderflow-kit[localrun]'"),
        ([], "pip install 'orderflow-kit[localrun]'"),
        (["pizza-orders"], "run `make install` in the project (its dev tools include it)"),
    ],
    ids=["the-kit-installed", "run-from-a-checkout", "a-generated-project"],
)
def test_a_missing_module_is_installed_the_way_the_code_running_was(
    monkeypatch: pytest.MonkeyPatch, owners: list[str], hint: str
) -> None:
    monkeypatch.setattr(
        importlib.metadata, "packages_distributions", lambda: {"orderflow_definitions": owners}
    )
    assert install_hint("moto") == hint


def test_an_optional_module_failing_to_import_mid_run_is_a_missing_extra(
    capsys: pytest.CaptureFixture[str],
) -> None:
    run = lambda: _raise(ModuleNotFoundError("No module named 'pulumi'", name="pulumi.runtime"))  # noqa: E731
    assert run_guarded("kit", run, []) == EXIT_USAGE
    assert capsys.readouterr().err.endswith("pip install 'orderflow-kit[pulumi]'\n")


def test_any_other_module_failing_to_import_is_an_internal_error() -> None:
    run = lambda: _raise(ModuleNotFoundError("No module named 'yaml'", name="yaml"))  # noqa: E731
    assert run_guarded("kit", run, []) == EXIT_INTERNAL


def test_require_refuses_before_any_work_when_a_module_is_not_installed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    require("kit report", "matplotlib")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    with pytest.raises(MissingExtraError, match=r"pip install 'orderflow-kit\[report\]'"):
        require("kit report", "matplotlib")
