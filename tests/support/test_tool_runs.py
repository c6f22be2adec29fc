"""A checker's run is made once per distinct input in a session, and replayed as it was."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from tool_runs import FOLDER_VARIABLE, run_once

# A stand-in checker: counts its runs, prints where it built, builds a file, exits 3.
TOOL = f"""#!{sys.executable}
import pathlib, sys
runs = pathlib.Path(__file__).with_name("runs")
runs.write_text(runs.read_text() + "x" if runs.exists() else "x")
out = pathlib.Path(sys.argv[sys.argv.index("--build-dir") + 1])
out.mkdir(parents=True, exist_ok=True)
(out / "built.txt").write_text(pathlib.Path(sys.argv[1]).read_text().upper())
print("built", sys.argv[1], "into", out)
sys.exit(3)
"""
TEMPLATE = "Resources:\n  Function:\n    Properties:\n      CodeUri: code/\n"


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv(FOLDER_VARIABLE, str(tmp_path / "runs"))
    (tmp_path / "runs").mkdir()
    tool = tmp_path / "bin/checker"
    tool.parent.mkdir()
    tool.write_text(TOOL)
    tool.chmod(0o755)
    work = tmp_path / "work"
    (work / "code").mkdir(parents=True)
    (work / "code/handler.py").write_text("x = 1\n")
    (work / "template.yaml").write_text(TEMPLATE)
    return work


def _build(work: Path, into: str) -> tuple[int, str, str]:
    output = work.parent / into
    result = run_once(
        [work.parent / "bin/checker", "template.yaml", "--build-dir", output], work, {}
    )
    return result.returncode, result.stdout, (output / "built.txt").read_text()


def _runs(work: Path) -> int:
    return len((work.parent / "bin/runs").read_text())


def test_a_second_run_on_the_same_bytes_replays_the_first_with_its_own_output_folder(
    checkout: Path,
) -> None:
    first = _build(checkout, "one")
    second = _build(checkout, "two")
    assert _runs(checkout) == 1
    assert first == (3, f"built template.yaml into {checkout.parent / 'one'}\n", TEMPLATE.upper())
    assert second == (3, f"built template.yaml into {checkout.parent / 'two'}\n", TEMPLATE.upper())


def test_a_changed_byte_in_a_folder_the_template_names_makes_a_new_run(checkout: Path) -> None:
    _build(checkout, "one")
    (checkout / "code/handler.py").write_text("x = 2\n")
    _build(checkout, "two")
    assert _runs(checkout) == 2


def test_a_changed_template_makes_a_new_run(checkout: Path) -> None:
    _build(checkout, "one")
    (checkout / "template.yaml").write_text(TEMPLATE + "Outputs: {}\n")
    assert _build(checkout, "two")[2] == (TEMPLATE + "Outputs: {}\n").upper()
    assert _runs(checkout) == 2


def test_every_run_is_made_when_no_session_keeps_runs(
    checkout: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(FOLDER_VARIABLE)
    _build(checkout, "one")
    _build(checkout, "one")
    assert _runs(checkout) == 2


def test_a_tool_whose_configuration_is_not_listed_runs_again_in_another_checkout(
    checkout: Path,
) -> None:
    other = checkout.parent / "other"
    (other / "code").mkdir(parents=True)
    for relative in ("template.yaml", "code/handler.py"):
        (other / relative).write_bytes((checkout / relative).read_bytes())
    _build(checkout, "one")
    _build(other, "two")
    assert _runs(checkout) == 2
