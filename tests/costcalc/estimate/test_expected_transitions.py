"""The expectation per execution: probabilities, loops, Parallel failures, Map tolerance,
redrives, the listed paths and their cap, each figure worked out by hand."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from costcalc.estimate.asl_levels import DefinitionError
from costcalc.estimate.transitions import Counting, expected_transitions


def _task(next_state: str | None = None, **extra: Any) -> dict[str, Any]:
    ending: dict[str, Any] = {"Next": next_state} if next_state else {"End": True}
    return {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", **ending, **extra}


def _choice(*targets: str) -> dict[str, Any]:
    rules = [{"Variable": "$.x", "StringEquals": t, "Next": t} for t in targets[:-1]]
    return {"Type": "Choice", "Choices": rules, "Default": targets[-1]}


_CHECK = {
    "StartAt": "Check",
    "States": {
        "Check": _choice("Yes", "No"),
        "Yes": {"Type": "Pass", "Next": "Done"},
        "Done": {"Type": "Succeed"},
        "No": {"Type": "Fail"},
    },
}


def test_choice_shares_weight_each_path_and_the_expectation_is_their_weighted_sum() -> None:
    estimate = expected_transitions(
        _CHECK, Counting(choices={"Check": {"Yes": Decimal("0.8"), "No": Decimal("0.2")}})
    )
    # yes: Check, Yes, Done = 3 (0.8); no: Check, No = 2 (0.2)
    assert estimate.expected == Decimal("2.8")
    assert [(p.states, p.probability, p.transitions) for p in estimate.paths] == [
        (("Check", "Yes", "Done"), Decimal("0.8"), 3),
        (("Check", "No"), Decimal("0.2"), 2),
    ]
    assert estimate.failure_probability == Decimal("0.2")
    assert estimate.remaining_probability == 0


def test_a_choice_without_shares_splits_equally_and_says_why() -> None:
    estimate = expected_transitions(_CHECK)
    assert estimate.expected == Decimal("2.5")
    assert any(
        "equal shares" in note and "--choice Check=" in note for note in estimate.assumptions
    )


def test_shares_that_do_not_add_up_to_one_are_refused() -> None:
    with pytest.raises(DefinitionError, match=r"--choice Check: the probabilities add up to 0.9"):
        expected_transitions(
            _CHECK, Counting(choices={"Check": {"Yes": Decimal("0.5"), "No": Decimal("0.4")}})
        )


def test_a_catch_share_goes_to_its_catcher_and_the_rest_to_next() -> None:
    definition = {
        "StartAt": "Call",
        "States": {
            "Call": _task("Done", Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Undo"}]),
            "Undo": _task("Failed"),
            "Failed": {"Type": "Fail"},
            "Done": {"Type": "Succeed"},
        },
    }
    estimate = expected_transitions(
        definition, Counting(choices={"Call": {"Undo": Decimal("0.1")}})
    )
    # 0.9 x (Call, Done) + 0.1 x (Call, Undo, Failed) = 1.8 + 0.3
    assert estimate.expected == Decimal("2.1")


def _chain_of_choices(count: int) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for i in range(count):
        after = f"C{i + 1}" if i + 1 < count else "End"
        states[f"C{i}"] = _choice(f"A{i}", after)
        states[f"A{i}"] = {"Type": "Pass", "Next": after}
    states["End"] = {"Type": "Succeed"}
    return {"StartAt": "C0", "States": states}


def test_choices_in_sequence_are_counted_without_enumerating_their_paths() -> None:
    # 2^120 paths; each Choice (1) and half of the time its Pass: 120 x 1.5 + End = 181
    estimate = expected_transitions(_chain_of_choices(120), Counting(path_cap=5))
    assert estimate.expected == Decimal(181)
    assert len(estimate.paths) == 5
    assert estimate.remaining_probability == 1 - 5 * Decimal(2) ** -120


def test_a_chain_of_990_states_is_counted() -> None:
    states: dict[str, Any] = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(990)}
    states["S990"] = {"Type": "Succeed"}
    assert expected_transitions({"StartAt": "S0", "States": states}).expected == 991


def test_loop_passes_are_fractional_and_paid_only_by_the_executions_that_loop() -> None:
    # Idempotency: Check (Choice) -> Fresh work (Do, Done) or a repeat (Wait, back to Check)
    definition = {
        "StartAt": "Lookup",
        "States": {
            "Lookup": _task("Check"),
            "Check": _choice("Do", "Pause"),
            "Pause": {"Type": "Wait", "Seconds": 1, "Next": "Lookup"},
            "Do": _task("Done"),
            "Done": {"Type": "Succeed"},
        },
    }
    estimate = expected_transitions(definition, Counting(loops={"Lookup": Decimal("0.05")}))
    # Lookup, Check, Do, Done = 4, plus 0.05 passes of Lookup, Check, Pause (3): 4.15
    assert estimate.expected == Decimal("4.15")
    first = estimate.paths[0]
    assert (first.states, first.transitions) == (("Lookup", "Check", "Do", "Done"), 4)


def test_a_loop_given_both_a_count_and_choice_shares_is_refused() -> None:
    definition = {
        "StartAt": "Ask",
        "States": {
            "Ask": _task("Ready"),
            "Ready": _choice("Done", "Ask"),
            "Done": {"Type": "Succeed"},
        },
    }
    both = Counting(loops={"Ask": Decimal(1)}, choices={"Ready": {"Done": Decimal(1)}})
    with pytest.raises(DefinitionError, match="both say how often the loop repeats"):
        expected_transitions(definition, both)
    with pytest.raises(DefinitionError, match=r"--loop Done: not the head of a loop.*Ask"):
        expected_transitions(definition, Counting(loops={"Done": Decimal(1)}))


def _either_or() -> dict[str, Any]:
    """Branch one: Check (Choice) fails at once or passes on; branch two: four tasks."""
    return {
        "StartAt": "Fan",
        "States": {
            "Fan": {
                "Type": "Parallel",
                "Next": "Done",
                "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}],
                "Branches": [
                    {
                        "StartAt": "Check",
                        "States": {
                            "Check": _choice("Stop", "Go"),
                            "Stop": {"Type": "Fail", "Error": "Quorum"},
                            "Go": _task(),
                        },
                    },
                    {
                        "StartAt": "T1",
                        "States": {
                            "T1": _task("T2"),
                            "T2": _task("T3"),
                            "T3": _task("T4"),
                            "T4": _task(),
                        },
                    },
                ],
            },
            "Done": {"Type": "Succeed"},
            "Caught": {"Type": "Pass", "End": True},
        },
    }


def test_a_failing_branch_stops_the_others_at_the_same_step() -> None:
    definition = _either_or()
    # Check, Stop fail on step 2: the other branch entered T1, T2. Fan + 4 + Caught = 6
    pinned = Counting(choices={"Check": {"Stop": Decimal(1)}})
    assert expected_transitions(definition, pinned).expected == 6
    # Never failing: Fan + Check, Go + T1..T4 + Done = 8
    assert (
        expected_transitions(definition, Counting(choices={"Check": {"Go": Decimal(1)}})).expected
        == 8
    )
    # Half and half: the weighted sum
    halves = Counting(choices={"Check": {"Stop": Decimal("0.5"), "Go": Decimal("0.5")}})
    assert expected_transitions(definition, halves).expected == 7


def test_an_inline_map_fails_only_beyond_its_tolerated_failures() -> None:
    definition = {
        "StartAt": "Each",
        "States": {
            "Each": {
                "Type": "Map",
                "End": True,
                "ToleratedFailureCount": 1,
                "ItemProcessor": {
                    "StartAt": "Work",
                    "States": {
                        "Work": _choice("Bad", "Ok"),
                        "Bad": {"Type": "Fail"},
                        "Ok": {"Type": "Succeed"},
                    },
                },
            }
        },
    }
    estimate = expected_transitions(
        definition,
        Counting(
            map_items={"Each": Decimal(2)},
            choices={"Work": {"Bad": Decimal("0.5"), "Ok": Decimal("0.5")}},
        ),
    )
    # 1 + 2 items x 2 states; both items failing (0.25) is beyond one tolerated failure
    assert estimate.expected == 5
    assert estimate.failure_probability == Decimal("0.25")


def test_a_redrive_bills_every_state_it_re_enters_from_the_failed_state() -> None:
    definition = _either_or()
    del definition["States"]["Fan"]["Catch"]
    counting = Counting(choices={"Check": {"Stop": Decimal(1)}}, redrive_rate=Decimal("0.5"))
    estimate = expected_transitions(definition, counting)
    # The run: Fan + Check, Stop + T1, T2 = 5, failed; half are redriven from Fan (5 again)
    assert (estimate.expected, estimate.redrive_transitions) == (Decimal("7.5"), Decimal("2.5"))


@st.composite
def _acyclic(draw: st.DrawFn) -> tuple[dict[str, Any], Counting]:
    """A random loop-free machine: each state leads only to later ones; random shares."""
    size = draw(st.integers(2, 9))
    states: dict[str, Any] = {}
    choices: dict[str, dict[str, Decimal]] = {}
    for i in range(size):
        later = [f"S{j}" for j in range(i + 1, size)]
        if not later:
            states[f"S{i}"] = {"Type": "Succeed"}
            continue
        targets = draw(st.lists(st.sampled_from(later), min_size=1, max_size=3, unique=True))
        if len(targets) == 1:
            states[f"S{i}"] = {"Type": "Pass", "Next": targets[0]}
            continue
        states[f"S{i}"] = _choice(*targets)
        weights = [draw(st.integers(1, 9)) for _ in targets]
        shares = [Decimal(w) / sum(weights) for w in weights[:-1]]
        shares.append(1 - sum(shares))
        choices[f"S{i}"] = dict(zip(targets, shares, strict=True))
    return {"StartAt": "S0", "States": states}, Counting(choices=choices, path_cap=1000)


@settings(max_examples=60, deadline=None)
@given(_acyclic())
def test_the_expectation_lies_between_the_cheapest_and_the_dearest_path(
    case: tuple[dict[str, Any], Counting],
) -> None:
    definition, counting = case
    estimate = expected_transitions(definition, counting)
    counts = [path.transitions for path in estimate.paths]
    assert min(counts) <= estimate.expected <= max(counts)
    weighted = sum(path.probability * path.transitions for path in estimate.paths)
    assert abs(weighted - estimate.expected) < Decimal("1e-20")
    assert abs(estimate.remaining_probability) < Decimal("1e-20")


def test_a_retrier_allowed_no_attempts_bills_no_retries() -> None:
    never = {"ErrorEquals": ["States.ALL"], "MaxAttempts": 0}
    definition = {"StartAt": "Call", "States": {"Call": _task(Retry=[never])}}
    assert expected_transitions(definition, Counting(retry_rate=Decimal(1))).expected == 1
