"""One reader of ASL levels: the visit walk and the transition counter refuse alike."""

from __future__ import annotations

from typing import Any

import pytest

from costcalc.estimate.asl_levels import MAX_DEPTH, DefinitionError
from costcalc.estimate.transitions import Counting, expected_transitions
from costcalc.estimate.visits import Given, walk


def _nested(depth: int) -> dict[str, Any]:
    definition: dict[str, Any] = {"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
    for _ in range(depth):
        definition = {
            "StartAt": "Fork",
            "States": {"Fork": {"Type": "Parallel", "Branches": [definition], "End": True}},
        }
    return definition


BROKEN = [
    ([], "m: expected a mapping with StartAt and States"),
    ({"StartAt": "A", "States": {}}, "m: States: expected a mapping of states"),
    ({"StartAt": "B", "States": {"A": {"Type": "Pass", "End": True}}}, "m: StartAt: 'B'"),
    ({"StartAt": "A", "States": {"A": {"Type": "Nap", "End": True}}}, "state 'A': Type 'Nap'"),
    ({"StartAt": "A", "States": {"A": {"Type": "Pass"}}}, "state 'A': expected Next or End"),
    (
        {"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "Gone"}}},
        "state 'A': next state 'Gone' is not one of the States",
    ),
    (
        {"StartAt": "A", "States": {"A": {"Type": "Choice", "Choices": ["x"]}}},
        "state 'A': Choices: expected a list of rules",
    ),
    (
        {"StartAt": "A", "States": {"A": {"Type": "Parallel", "End": True}}},
        "state 'A': Branches: expected a list",
    ),
    (
        {"StartAt": "A", "States": {"A": {"Type": "Map", "End": True}}},
        "state 'A': expected an ItemProcessor",
    ),
    (_nested(MAX_DEPTH + 1), f"nested deeper than {MAX_DEPTH} Parallel/Map levels"),
]


@pytest.mark.parametrize(("definition", "message"), BROKEN)
def test_the_visit_walk_and_the_transition_counter_refuse_a_definition_with_the_same_line(
    definition: Any, message: str
) -> None:
    refusals = []
    for read in (
        lambda: walk(definition, Given(map_items={"A": 1}), "m"),
        lambda: expected_transitions(definition, Counting(map_items={"A": 1}), "m"),
    ):
        with pytest.raises(DefinitionError) as refused:
            read()
        refusals.append(str(refused.value))
    assert refusals[0] == refusals[1]
    assert message in refusals[0]


def test_a_definition_nested_to_the_limit_is_read() -> None:
    assert [v.name for v in walk(_nested(MAX_DEPTH)).visits][-1] == "Done"
    assert expected_transitions(_nested(MAX_DEPTH)).expected == MAX_DEPTH + 1
