"""The root `costcalc` command: its version, the one shape every command's --help has, and
its exit codes (0 done, 1 a gate crossed, 2 bad input or a missing extra, 3 internal)."""

import os
import pty
import subprocess
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import pytest

from costcalc import __version__
from costcalc.cli import price
from costcalc.cli.main import main
from orderflow_definitions.exits import EXTRAS
from tests.costcalc.helpers import run_costcalc as costcalc

PYPROJECT = Path(__file__).parents[3] / "pyproject.toml"


def test_version_flag_prints_the_package_version() -> None:
    result = costcalc("--version")
    assert result.stdout.strip() == f"costcalc {__version__}"
    assert __version__ == metadata.version("orderflow-kit")


def test_quiet_leaves_stdout_the_result_and_stderr_empty(tmp_path: Path) -> None:
    template = Path(__file__).parents[3] / "sam/choreography/template.yaml"
    loud = costcalc("estimate", str(template), "--format", "json")
    quiet = costcalc("estimate", str(template), "--format", "json", "--quiet")
    assert loud.stderr == f"costcalc: reading {template} ...\n"
    assert (quiet.returncode, quiet.stderr, quiet.stdout) == (0, "", loud.stdout)


def test_the_runners_old_param_spelling_works_here_too_with_a_warning() -> None:
    template = Path(__file__).parents[3] / "sam/choreography/template.yaml"
    old = costcalc("estimate", str(template), "-q", "--param", "AcceptanceTimeoutSeconds=300")
    new = costcalc("estimate", str(template), "-q", "--parameter", "AcceptanceTimeoutSeconds=300")
    assert old.stdout == new.stdout
    assert old.stderr == "costcalc estimate: warning: --param is deprecated; use --parameter\n"


@pytest.mark.parametrize(
    ("command", "formats"),
    [
        (("price", "lambda"), "{table,json,csv,markdown}"),
        (("prices", "show"), "{table,json,csv}"),
        (("compare",), "{table,json,csv,markdown}"),
        (("estimate",), "{table,json,csv,markdown,infracost-usage}"),
        (("diff",), "{markdown,table,json,github-comment}"),
        (("report",), "{html,markdown}"),
    ],
)
def test_every_help_names_the_format_flag_with_its_choices(
    command: tuple[str, ...], formats: str
) -> None:
    result = costcalc(*command, "--help")
    assert result.returncode == 0, result.stderr
    options = result.stdout[result.stdout.index("options:") :]
    assert f"  --format {formats}" in options


def test_without_a_command_the_help_lists_every_command() -> None:
    result = costcalc()
    assert result.returncode == 0, result.stderr
    for command in ("price", "compare", "report", "estimate", "diff", "prices"):
        assert f"    {command} " in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("price", "lambda", "--requests", "many"),
        ("prices", "show", "--region", "mars-1"),
        ("prices", "refresh", "--region", "mars-1"),
        ("compare", "--orders-per-month", "-5"),
        ("estimate", "missing.yaml"),
        ("diff", "missing.yaml", "missing.yaml"),
        ("transitions", "missing.asl.json"),
        ("actual",),
        ("report", "--out", "decision.txt"),
        ("--debug", "no-such-command"),
    ],
)
def test_every_command_exits_2_on_bad_input_with_one_error_line(
    args: tuple[str, ...], tmp_path: Path
) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "costcalc", *args],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (2, "")
    # progress lines may come before it (`--quiet` is not there yet); the refusal is one line
    assert ": error: " in result.stderr.splitlines()[-1], result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def _crash(*args: object, **kwargs: object) -> object:
    raise RuntimeError("the bill\nbroke")


PRICE = ["price", "lambda", "--requests", "1e6", "--duration-ms", "100", "--memory-mb", "128"]


def test_an_internal_error_is_one_line_and_exit_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(price, "price_usage", _crash)
    assert main(PRICE) == 3
    assert capsys.readouterr() == (
        "",
        "costcalc: internal error: RuntimeError: the bill broke; "
        "run with --debug for the traceback\n",
    )


def test_with_debug_an_internal_error_shows_its_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(price, "price_usage", _crash)
    assert main(["--debug", *PRICE]) == 3
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):")
    assert "in _crash" in err


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["compare", "--chart", "cost.png"], "costcalc compare --chart"),
        (["report", "--out", "decision.md"], "costcalc report"),
    ],
)
def test_without_matplotlib_a_chart_names_the_report_extra_and_writes_nothing(
    args: list[str],
    what: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert main(args) == 2
    assert capsys.readouterr() == (
        "",
        f"costcalc: error: {what} needs matplotlib, which is not installed: "
        "pip install 'orderflow-kit[report]'\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_every_extra_a_command_can_name_is_one_the_package_declares() -> None:
    declared = tomllib.loads(PYPROJECT.read_text())["project"]["optional-dependencies"]
    assert set(EXTRAS.values()) <= set(declared)


def _on_a_terminal(*args: str, env: dict[str, str]) -> bytes:
    """What `costcalc ARGS` writes to a terminal (a pseudo-terminal as its stdout and stderr)."""
    primary, secondary = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "costcalc", *args],
        stdout=secondary,
        stderr=secondary,
        env=env,
    ) as process:
        os.close(secondary)
        written = b""
        while chunk := _read(primary):
            written += chunk
        process.wait()
    os.close(primary)
    return written


def _read(fd: int) -> bytes:
    try:
        return os.read(fd, 65536)
    except OSError:  # the terminal closed: the command ended
        return b""


@pytest.mark.parametrize("args", [("--help",), ("compare",), ("price", "ses", "--emails", "x")])
def test_no_colour_on_a_pipe_nor_with_no_color_on_a_terminal(args: tuple[str, ...]) -> None:
    """Nothing costcalc prints is coloured today; should a part start (Python 3.14's argparse
    colours help on a terminal), it must stay off the pipes scripts read and off with NO_COLOR."""
    piped = costcalc(*args)
    assert "\x1b[" not in piped.stdout + piped.stderr
    env = {**os.environ, "NO_COLOR": "1", "TERM": "xterm-256color"}
    on_terminal = _on_a_terminal(*args, env=env)
    assert on_terminal  # it did print
    assert b"\x1b[" not in on_terminal
