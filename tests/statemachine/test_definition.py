"""The orders state machine definition, checked on its own.

The SAM template's lint does not look inside a `DefinitionUri` file, so cfn-lint's schema check
(E3601) runs here on a plain `AWS::StepFunctions::StateMachine` whose `Definition` is the object.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml
from stack_helpers import ROOT

DEFINITION = ROOT / "statemachine/orders.asl.json"
CFN_LINT = Path(sys.executable).parent / "cfn-lint"


def _definition() -> dict[str, Any]:
    return json.loads(DEFINITION.read_text())  # type: ignore[no-any-return]


def _lint(definition: dict[str, Any], tmp_path: Path) -> subprocess.CompletedProcess[str]:
    template = {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Resources": {
            "Machine": {
                "Type": "AWS::StepFunctions::StateMachine",
                "Properties": {
                    "Definition": definition,
                    "RoleArn": "arn:aws:iam::123456789012:role/orders-flow",
                },
            }
        },
    }
    path = tmp_path / "machine.yaml"
    path.write_text(yaml.safe_dump(template))
    return subprocess.run([str(CFN_LINT), str(path)], capture_output=True, text=True, check=False)


def test_cfn_lint_finds_nothing_in_the_definition(tmp_path: Path) -> None:
    result = _lint(_definition(), tmp_path)
    assert (result.returncode, result.stdout) == (0, "")


def test_the_same_check_catches_a_broken_definition(tmp_path: Path) -> None:
    broken = _definition()
    broken["States"]["AwaitRestaurant"]["Type"] = "Tsak"
    result = _lint(broken, tmp_path)
    assert result.returncode != 0
    assert "E3601" in result.stdout


def test_no_catch_or_retry_around_the_callbacks_covers_every_error() -> None:
    for name, state in _definition()["States"].items():
        for clause in state.get("Retry", []) + state.get("Catch", []):
            assert "States.ALL" not in clause["ErrorEquals"], name
            assert "States.TaskFailed" not in clause["ErrorEquals"], name


def test_the_acceptance_wait_takes_its_timeout_from_the_execution_input() -> None:
    state = _definition()["States"]["AwaitRestaurant"]
    assert state["TimeoutSecondsPath"] == "$.timeout_seconds"
    assert "TimeoutSeconds" not in state
    caught = {error for c in state["Catch"] for error in c["ErrorEquals"]}
    assert caught == {"OrderRejected", "OrderCancelled", "States.Timeout"}


def test_every_placeholder_has_a_substitution_in_the_template() -> None:
    placeholders = set(re.findall(r"\$\{(\w+)\}", DEFINITION.read_text()))
    template = (ROOT / "sam/orchestration/template.yaml").read_text()
    block = template.split("DefinitionSubstitutions:", 1)[1].split("Logging:", 1)[0]
    substituted = set(re.findall(r"^\s+(\w+):", block, flags=re.MULTILINE))
    assert placeholders == substituted
