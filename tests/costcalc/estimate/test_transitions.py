"""Billed transitions on small hand-written definitions, each answer counted by hand: the
possible paths (``execution_paths``) and the expectation (``expected_transitions``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from costcalc.estimate.asl_levels import DefinitionError
from costcalc.estimate.transitions import (
    Counting,
    execution_paths,
    expected_transitions,
)


def _task(next_state: str | None = None, **extra: Any) -> dict[str, Any]:
    ending: dict[str, Any] = {"Next": next_state} if next_state else {"End": True}
    return {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", **ending, **extra}


def _counts(definition: dict[str, Any], counting: Counting | None = None) -> dict[str, Decimal]:
    counting = counting or Counting()
    return {path.end: path.transitions for path in execution_paths(definition, counting)}


def test_a_straight_line_bills_one_transition_per_state_entered() -> None:
    # A, B (Pass), C (Wait), D (Succeed): four states entered
    definition = {
        "StartAt": "A",
        "States": {
            "A": _task("B"),
            "B": {"Type": "Pass", "Next": "C"},
            "C": {"Type": "Wait", "Seconds": 1, "Next": "D"},
            "D": {"Type": "Succeed"},
        },
    }
    assert _counts(definition) == {"D": Decimal(4)}


def test_a_choice_splits_the_execution_into_one_path_per_outcome() -> None:
    # yes: Check, Yes, Done = 3; no: Check, No = 2
    definition = {
        "StartAt": "Check",
        "States": {
            "Check": {
                "Type": "Choice",
                "Choices": [{"Variable": "$.ok", "BooleanEquals": True, "Next": "Yes"}],
                "Default": "No",
            },
            "Yes": {"Type": "Pass", "Next": "Done"},
            "Done": {"Type": "Succeed"},
            "No": {"Type": "Fail"},
        },
    }
    assert _counts(definition) == {"Done": Decimal(3), "No": Decimal(2)}


def test_a_pinned_choice_keeps_only_the_chosen_path() -> None:
    definition = {
        "StartAt": "Check",
        "States": {
            "Check": {"Type": "Choice", "Choices": [{"Next": "Yes"}], "Default": "No"},
            "Yes": {"Type": "Succeed"},
            "No": {"Type": "Fail"},
        },
    }
    assert _counts(definition, Counting(choices={"Check": {"No": Decimal(1)}})) == {
        "No": Decimal(2)
    }


def test_a_catch_is_a_path_of_its_own_and_retries_add_their_expected_rate() -> None:
    # success: Call (1 + 0.1 retries), Done = 2.1; caught: Call (1.1), Recover = 2.1;
    # Recover has no Retry, so both are 2.1
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": _task(
                "Done",
                Retry=[{"ErrorEquals": ["Lambda.TooManyRequestsException"]}],
                Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Recover"}],
            ),
            "Done": {"Type": "Succeed"},
            "Recover": {"Type": "Fail"},
        },
    }
    assert _counts(definition, Counting(retry_rate=Decimal("0.1"))) == {
        "Done": Decimal("2.1"),
        "Recover": Decimal("2.1"),
    }


def test_a_parallel_state_bills_itself_and_every_state_of_every_branch() -> None:
    # Fan (1) + branch one: X, Y (2) + branch two: Z (1) + Done (1) = 5
    definition = {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Next": "Done",
                "Branches": [
                    {"StartAt": "X", "States": {"X": _task("Y"), "Y": _task()}},
                    {"StartAt": "Z", "States": {"Z": _task()}},
                ],
            },
            "Done": {"Type": "Succeed"},
        },
    }
    assert _counts(definition) == {"Done": Decimal(5)}


def _map(mode: str, **extra: Any) -> dict[str, Any]:
    return {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "End": True,
                "ItemProcessor": {
                    "ProcessorConfig": {"Mode": mode, **extra},
                    "StartAt": "Price",
                    "States": {"Price": _task("Save"), "Save": _task()},
                },
            }
        },
    }


def test_an_inline_map_bills_the_states_of_each_iteration_but_not_the_iteration_itself() -> None:
    # Each (1) + 10 items x (Price, Save) = 21
    counting = Counting(map_items={"Each": Decimal(10)})
    assert _counts(_map("INLINE"), counting) == {"Each": Decimal(21)}


def test_a_distributed_map_bills_one_transition_per_child_execution_and_the_children_apart() -> (
    None
):
    batched = _map("DISTRIBUTED", ExecutionType="STANDARD")
    batched["States"]["Each"]["ItemBatcher"] = {"MaxItemsPerBatch": 4}
    estimate = expected_transitions(batched, Counting(map_items={"Each": Decimal(10)}))
    # the parent: Each (1) + 3 children; the children: 3 x (Price, Save), Standard transitions
    assert estimate.expected == Decimal(4)
    [child] = estimate.children
    assert (child.execution_type, child.executions, child.transitions) == ("STANDARD", 3, 6)
    express = _map("DISTRIBUTED", ExecutionType="EXPRESS")
    [child] = expected_transitions(express, Counting(map_items={"Each": Decimal(10)})).children
    # Express children: requests and duration (two Lambda tasks of 100 ms by default)
    assert (child.execution_type, child.executions, child.duration_ms) == ("EXPRESS", 10, 200)


def test_the_possible_paths_of_a_distributed_map_bill_standard_children_on_their_path() -> None:
    # Express children: Each (1) + 10 children = 11 (their states bill as Express)
    counting = Counting(map_items={"Each": Decimal(10)})
    assert _counts(_map("DISTRIBUTED", ExecutionType="EXPRESS"), counting) == {"Each": Decimal(11)}
    # Standard children in batches of 4: 3 children; Each (1) + 3 + 3 x (Price, Save) = 10
    batched = _map("DISTRIBUTED", ExecutionType="STANDARD")
    batched["States"]["Each"]["ItemBatcher"] = {"MaxItemsPerBatch": 4}
    assert _counts(batched, counting) == {"Each": Decimal(10)}


def test_a_map_without_an_item_count_is_refused_with_the_flag_to_give() -> None:
    with pytest.raises(DefinitionError, match=r"Map state 'Each'.*--map-items Each=N"):
        execution_paths(_map("INLINE"))


_POLLING = {
    "StartAt": "Ask",
    "States": {
        "Ask": _task("Ready"),
        "Ready": {
            "Type": "Choice",
            "Choices": [{"Variable": "$.done", "BooleanEquals": True, "Next": "Done"}],
            "Default": "Pause",
        },
        "Pause": {"Type": "Wait", "Seconds": 5, "Next": "Ask"},
        "Done": {"Type": "Succeed"},
    },
}


def test_a_loop_bills_its_body_once_per_extra_pass_the_user_states() -> None:
    # Ask, Ready, Done = 3, plus 2 extra passes on average through Ask, Ready, Pause (3 each)
    estimate = expected_transitions(_POLLING, Counting(loops={"Ask": Decimal(2)}))
    assert estimate.expected == Decimal(9)


def test_a_loop_without_a_count_assumes_one_extra_pass_and_says_so() -> None:
    estimate = expected_transitions(_POLLING)
    assert estimate.expected == Decimal(6)
    assert any("loop at 'Ask'" in note and "--loop Ask=N" in note for note in estimate.assumptions)


@pytest.mark.parametrize(
    ("definition", "message"),
    [
        ({"States": {}}, "States: expected a mapping"),
        ({"StartAt": "Nope", "States": {"A": {"Type": "Succeed"}}}, "'Nope' is not one of"),
        ({"StartAt": "A", "States": {"A": {"Type": "Bogus"}}}, "Type 'Bogus' is not one of"),
        ({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}, "expected Next or End"),
        ({"StartAt": "A", "States": {"A": _task("Gone")}}, "next state 'Gone'"),
    ],
)
def test_a_malformed_definition_is_refused_naming_the_state(
    definition: dict[str, Any], message: str
) -> None:
    with pytest.raises(DefinitionError, match=message):
        execution_paths(definition, where="machine.asl.json")
