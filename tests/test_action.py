"""The composite action at the root (`action.yml`) and the kit's workflows: actionlint clean
(it reads `action.yml` through the workflow that runs it as `uses: ./`), and the action's
pricing steps run for real with bash, as the runner would run them."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from costcalc.estimate.render_diff import COMMENT_MARKER

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
ACTION: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
INPUT = re.compile(r"\$\{\{ inputs\.([\w-]+) \}\}")


def test_every_workflow_of_the_kit_and_the_action_it_runs_pass_actionlint() -> None:
    assert WORKFLOWS, "the kit has workflows"
    assert any("uses: ./\n" in path.read_text(encoding="utf-8") for path in WORKFLOWS), (
        "a workflow runs action.yml, so actionlint checks it and the inputs given to it"
    )
    result = subprocess.run(
        [BIN / "actionlint", "-color=false", *WORKFLOWS],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def _step(name: str) -> dict[str, Any]:
    return next(step for step in ACTION["runs"]["steps"] if step.get("name") == name)


def _run_step(name: str, inputs: dict[str, str], workspace: Path, runner: dict[str, str]) -> int:
    """Run one `shell: bash` step as the runner does: its env with the inputs filled in."""
    step = _step(name)
    assert step["shell"] == "bash"
    defaults = {key: str(spec.get("default", "")) for key, spec in ACTION["inputs"].items()}
    values = {**defaults, **inputs}
    env = {key: INPUT.sub(lambda m: values[m.group(1)], str(value))
           for key, value in step.get("env", {}).items()}  # fmt: skip
    folder = workspace / step.get("working-directory", ".")
    return subprocess.run(
        ["bash", "-e", "-c", step["run"]],
        cwd=folder,
        env={**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}", **runner, **env},
        check=False,
    ).returncode


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """The head checked out, with the base checked out into .costcalc-base, as the action
    leaves them: the head raises every function to 1024 MB."""
    text = (ROOT / "sam/choreography/template.yaml").read_text(encoding="utf-8")
    text = text.replace("CodeUri: ../../functions/", f"CodeUri: {ROOT / 'functions'}/")
    (tmp_path / ".costcalc-base").mkdir()
    (tmp_path / ".costcalc-base" / "template.yaml").write_text(text, encoding="utf-8")
    head = text.replace("    MemorySize: 256\n", "    MemorySize: 1024\n")
    (tmp_path / "template.yaml").write_text(head, encoding="utf-8")
    (tmp_path / "runner").mkdir()
    return tmp_path


def _runner(workspace: Path) -> dict[str, str]:
    return {
        "RUNNER_TEMP": str(workspace / "runner"),
        "GITHUB_OUTPUT": str(workspace / "runner" / "output"),
        "GITHUB_STEP_SUMMARY": str(workspace / "runner" / "summary"),
    }


def _outputs(runner: dict[str, str]) -> dict[str, str]:
    lines = Path(runner["GITHUB_OUTPUT"]).read_text(encoding="utf-8").splitlines()
    return dict(line.split("=", 1) for line in lines)


@pytest.mark.parametrize(("fail_above", "code"), [("5", "1"), ("50", "0")])
def test_the_action_prices_base_and_head_and_leaves_the_gate_to_its_last_step(
    workspace: Path, fail_above: str, code: str
) -> None:
    runner = _runner(workspace)
    inputs = {"path": "template.yaml", "fail-above": fail_above}
    assert _run_step("Price the base", inputs, workspace, runner) == 0
    assert _run_step("Price the head and compare", inputs, workspace, runner) == 0
    outputs = _outputs(runner)
    assert outputs["exit-code"] == code
    comment = Path(outputs["comment-file"]).read_text(encoding="utf-8")
    assert comment.startswith(COMMENT_MARKER + "\n")
    assert "+12.54 USD/month" in comment
    assert Path(runner["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8") == comment
    gate = _step("Fail above the threshold")
    assert gate["if"] == "steps.diff.outputs.exit-code == '1'"
    assert _run_step("Fail above the threshold", inputs, workspace, runner) == 1


def test_an_error_in_the_diff_fails_its_step_with_costcalc_s_code(workspace: Path) -> None:
    runner = _runner(workspace)
    inputs = {"path": "template.yaml"}
    assert _run_step("Price the base", inputs, workspace, runner) == 0
    shutil.move(workspace / "template.yaml", workspace / "moved.yaml")
    assert _run_step("Price the head and compare", inputs, workspace, runner) == 2
    assert _outputs(runner)["exit-code"] == "2"


def test_the_comment_step_runs_the_module_outside_the_workspace() -> None:
    step = _step("Post or update the pull request's comment")
    assert step["working-directory"] == "${{ runner.temp }}"
    assert "python -m costcalc.cli.github_comment " in step["run"]
