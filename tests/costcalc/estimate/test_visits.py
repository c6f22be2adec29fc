"""Expected state entries per execution (what tasks call): an expectation, never a path list."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from costcalc.estimate.asl_levels import DefinitionError
from costcalc.estimate.visits import Given, walk


def _task(next_state: str | None = None, **extra: Any) -> dict[str, Any]:
    state: dict[str, Any] = {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke"}
    state.update({"Next": next_state} if next_state else {"End": True})
    return {**state, **extra}


POLL = {
    "StartAt": "Ask",
    "States": {
        "Ask": _task("Ready"),
        "Ready": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "Done"}],
            "Default": "Wait",
        },
        "Wait": {"Type": "Wait", "Seconds": 5, "Next": "Ask"},
        "Done": {"Type": "Succeed"},
    },
}


def test_a_poll_loop_costs_its_expected_passes_from_the_exit_probability() -> None:
    # Exit with probability 1/4: Ask and Ready are entered 4 times, Wait 3, Done once.
    given = Given(choices={"Ready": {"Done": Decimal("0.25")}})
    result = walk(POLL, given)
    visits = {v.name: v.visits for v in result.visits}
    assert visits == {"Ask": 4, "Ready": 4, "Wait": 3, "Done": 1}


def test_a_choice_without_figures_splits_evenly_and_says_so() -> None:
    result = walk(POLL)
    visits = {v.name: v.visits for v in result.visits}
    assert visits == {"Ask": 2, "Ready": 2, "Wait": 1, "Done": 1}
    assert {(a.key, a.value, a.label) for a in result.assumed} == {
        ("choices.Ready.Done", Decimal("0.5"), "default"),
        ("choices.Ready.Wait", Decimal("0.5"), "default"),
    }


def test_a_catch_is_not_taken_unless_the_usage_file_says_how_often() -> None:
    machine = {
        "StartAt": "Charge",
        "States": {
            "Charge": _task("Ship", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Refund"}]),
            "Ship": _task(),
            "Refund": _task(),
        },
    }
    assert {v.name for v in walk(machine).visits} == {"Charge", "Ship"}
    failing = walk(machine, Given(choices={"Charge": {"Refund": Decimal("0.1")}}))
    assert {v.name: v.visits for v in failing.visits} == {
        "Charge": 1,
        "Ship": Decimal("0.9"),
        "Refund": Decimal("0.1"),
    }


def test_a_long_chain_of_choices_is_linear_not_exponential() -> None:
    states: dict[str, Any] = {}
    for i in range(300):
        states[f"C{i}"] = {
            "Type": "Choice",
            "Choices": [{"Variable": "$.x", "IsPresent": True, "Next": f"P{i}"}],
            "Default": f"C{i + 1}" if i < 299 else "End",
        }
        states[f"P{i}"] = {"Type": "Pass", "Next": f"C{i + 1}" if i < 299 else "End"}
    states["End"] = {"Type": "Succeed"}
    started = time.process_time()
    result = walk({"StartAt": "C0", "States": states})
    assert time.process_time() - started < 5  # 2^300 paths would never finish
    assert sum(v.visits for v in result.visits) == 300 + 150 + 1


def test_parallel_branches_and_an_inline_map_enter_their_states_per_entry_and_item() -> None:
    machine = {
        "StartAt": "Both",
        "States": {
            "Both": {
                "Type": "Parallel",
                "Branches": [
                    {"StartAt": "A", "States": {"A": _task()}},
                    {"StartAt": "B", "States": {"B": _task("C"), "C": _task()}},
                ],
                "Next": "Each",
            },
            "Each": {
                "Type": "Map",
                "ItemProcessor": {"StartAt": "Item", "States": {"Item": _task()}},
                "End": True,
            },
        },
    }
    result = walk(machine, Given(map_items={"Each": Decimal(10)}))
    visits = {v.name: v.visits for v in result.visits}
    assert visits == {"Both": 1, "A": 1, "B": 1, "C": 1, "Each": 1, "Item": 10}


def test_a_distributed_map_starts_one_child_per_batch_billed_as_its_own_type() -> None:
    machine = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Map",
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
                    "StartAt": "Work",
                    "States": {"Work": _task()},
                },
                "ItemBatcher": {"MaxItemsPerBatch": 10},
                "End": True,
            }
        },
    }
    result = walk(machine, Given(map_items={"Fan": Decimal(95)}))
    [child] = result.children
    assert (child.executions, child.express) == (10, True)
    assert {v.name: v.visits for v in child.walk.visits} == {"Work": 10}


def test_probabilities_that_do_not_add_up_are_refused_naming_the_state() -> None:
    with pytest.raises(DefinitionError, match=r"choices.Ready: the probabilities add up to 1.5"):
        walk(POLL, Given(choices={"Ready": {"Done": Decimal(1), "Wait": Decimal("0.5")}}))


def test_a_loop_its_probabilities_never_leave_is_refused() -> None:
    with pytest.raises(DefinitionError, match="never leave"):
        walk(POLL, Given(choices={"Ready": {"Wait": Decimal(1)}}))
