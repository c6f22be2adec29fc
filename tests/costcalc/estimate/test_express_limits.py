"""Express limits: what Express cannot run is refused with the reason, never priced."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.asl_levels import DefinitionError
from costcalc.estimate.express_limits import express_refusals

ROOT = Path(__file__).resolve().parents[3]
ORCHESTRATION = ROOT / "sam/orchestration/template.yaml"
DEFINITION = ROOT / "statemachine/orders.asl.json"


def _task(resource: str) -> dict[str, object]:
    return {"Type": "Task", "Resource": resource, "End": True}


def test_callbacks_jobs_activities_and_long_waits_are_what_express_cannot_run() -> None:
    definition = {
        "StartAt": "A",
        "States": {
            "A": _task("arn:aws:states:::sqs:sendMessage.waitForTaskToken"),
            "B": _task("arn:aws:states:::states:startExecution.sync:2"),
            "C": _task("arn:aws:states:us-east-1:123456789012:activity:review"),
            "D": {"Type": "Wait", "Seconds": 301, "End": True},
            "E": {
                "Type": "Parallel",
                "End": True,
                "Branches": [
                    {
                        "StartAt": "F",
                        "States": {"F": _task("arn:aws:states:::glue:startJobRun.sync")},
                    }
                ],
            },
        },
    }
    reasons = express_refusals(definition, expected_duration_ms=Decimal(400_000))
    assert [reason.split(" ", 2)[1] for reason in reasons[:5]] == [
        "'A'",
        "'B'",
        "'C'",
        "'D'",
        "'F'",
    ]
    assert "stops after 5 minutes (300000 ms)" in reasons[5]


def test_a_definition_express_can_run_has_no_refusal() -> None:
    definition = {"StartAt": "A", "States": {"A": _task("arn:aws:states:::lambda:invoke")}}
    assert express_refusals(definition, expected_duration_ms=Decimal(100)) == []


def _map(mode: str) -> dict[str, object]:
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "End": True,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": mode, "ExecutionType": "STANDARD"},
                    "StartAt": "Wait",
                    "States": {"Wait": _task("arn:aws:states:::sqs:sendMessage.waitForTaskToken")},
                },
            }
        },
    }


def test_an_inline_map_runs_its_items_in_the_execution_so_their_limits_apply() -> None:
    assert [r.split(" ", 2)[1] for r in express_refusals(_map("INLINE"))] == ["'Wait'"]


def test_a_distributed_map_runs_its_items_as_executions_of_their_own_type() -> None:
    assert express_refusals(_map("DISTRIBUTED")) == []


def test_a_definition_no_walker_can_read_is_refused_as_the_walkers_refuse_it() -> None:
    broken = {"StartAt": "A", "States": {"A": {"Type": "Tasks", "End": True}}}
    with pytest.raises(DefinitionError, match=r"orders\.asl\.json: P branch 1: .*'Tasks'"):
        express_refusals(
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [broken],
                                              "End": True}}},
            where="orders.asl.json",
        )  # fmt: skip


def _diff_to_express(tmp_path: Path, definition: str) -> subprocess.CompletedProcess[str]:
    """``costcalc diff`` from the orders template to a copy of it with Type: EXPRESS whose
    definition is ``definition``."""
    (tmp_path / "orders.asl.json").write_text(definition, encoding="utf-8")
    text = ORCHESTRATION.read_text(encoding="utf-8")
    text = text.replace("CodeUri: ../../functions/", f"CodeUri: {ROOT / 'functions'}/")
    text = text.replace(
        "DefinitionUri: ../../statemachine/orders.asl.json",
        f"DefinitionUri: {tmp_path / 'orders.asl.json'}",
    )
    express = tmp_path / "template.yaml"
    express.write_text(text.replace("Type: STANDARD", "Type: EXPRESS"), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "costcalc", "diff", ORCHESTRATION, express],
        capture_output=True,
        text=True,
        check=False,
    )


def test_diff_from_standard_to_express_on_the_orders_template_refuses_with_the_reason(
    tmp_path: Path,
) -> None:
    result = _diff_to_express(tmp_path, DEFINITION.read_text(encoding="utf-8"))
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = [line for line in result.stderr.splitlines() if "error" in line]
    assert "Type EXPRESS, which cannot run this definition" in line
    assert "state 'AwaitRestaurant' waits for a task token" in line


def test_diff_from_standard_to_an_express_machine_express_can_run_shows_the_real_difference(
    tmp_path: Path,
) -> None:
    runnable = DEFINITION.read_text(encoding="utf-8").replace('.waitForTaskToken"', '"')
    result = _diff_to_express(tmp_path, runnable)
    assert result.returncode == 0, result.stderr
    rows = {
        cells[1]: cells[2:4]
        for line in result.stdout.splitlines()
        if (cells := [c.strip() for c in line.split("|")])[1:2] != []
        and cells[1].startswith("stepfunctions/")
    }
    base, head = rows["stepfunctions/state-transitions"]
    assert (float(base) > 0, float(head)) == (True, 0)
    for item in ("express-requests", "express-duration"):
        base, head = rows[f"stepfunctions/{item}"]
        assert (float(base), float(head) > 0) == (0, True)
    assert "no change in cost" not in result.stdout
