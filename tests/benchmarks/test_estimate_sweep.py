"""The estimate sweep counts each template by what `costcalc estimate` made of it and names
the defects, so the figures the docs quote from it can be re-run."""

from __future__ import annotations

import runpy
from pathlib import Path
from typing import Any

import pytest

SCRIPT = Path(__file__).parents[2] / "benchmarks/estimate_sweep.py"
PRICED = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: {Runtime: python3.12, Handler: app.handler, CodeUri: .}
"""
NOTHING = "Resources:\n  Topic:\n    Type: AWS::SNS::Topic\n"


@pytest.fixture(scope="module")
def sweep() -> dict[str, Any]:
    return runpy.run_path(str(SCRIPT))


def _write(folder: Path, name: str, text: str) -> None:
    (folder / name).mkdir(parents=True)
    (folder / name / "template.yaml").write_text(text)


def test_each_template_is_counted_by_its_outcome_and_refusals_by_their_reason(
    sweep: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(tmp_path, "priced", PRICED)
    _write(tmp_path, "nothing", NOTHING)
    _write(tmp_path, "settings", "name: not-a-template\n")
    _write(tmp_path, "node_modules/dep", PRICED)  # a dependency's template is not the project's

    assert sweep["main"]([str(tmp_path), "--json", str(tmp_path / "all.json")]) == 0
    printed = capsys.readouterr().out
    assert printed.splitlines()[0] == "3 templates"
    counts = dict(line.rsplit(None, 1) for line in printed.splitlines()[1:4])
    assert {k.strip(): v for k, v in counts.items()} == {
        "priced": "1",
        "nothing billable": "1",
        "refused": "1",
    }
    assert "   1  not a CloudFormation or SAM template" in printed
    assert "settings/template.yaml" in (tmp_path / "all.json").read_text()


def test_a_traceback_is_a_defect_named_with_its_file_and_a_failing_exit(
    sweep: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _write(tmp_path, "priced", PRICED)

    def broken(_argv: list[str]) -> int:
        raise RuntimeError("the reader fell over")

    monkeypatch.setitem(sweep["main"].__globals__, "costcalc", broken)

    assert sweep["main"]([str(tmp_path)]) == 1
    printed = capsys.readouterr().out
    assert "DEFECT traceback: priced/template.yaml: RuntimeError: the reader fell over" in printed
