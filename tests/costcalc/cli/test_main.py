"""The root `costcalc` command: its version, and the one shape every command's --help has."""

import subprocess
import sys

import pytest

from costcalc import __version__


def costcalc(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "costcalc", *args], capture_output=True, text=True, check=False
    )


def test_version_flag_prints_the_package_version() -> None:
    result = costcalc("--version")
    assert result.stdout.strip() == f"costcalc {__version__}"


@pytest.mark.parametrize(
    ("command", "formats"),
    [
        (("price", "lambda"), "{table,json,csv,markdown}"),
        (("prices", "show"), "{table,json,csv}"),
        (("compare",), "{table,json,csv,markdown}"),
        (("estimate",), "{table,json,csv,markdown,infracost-usage}"),
        (("diff",), "{markdown,table,json}"),
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
