"""The counter against moto's execution history on public state machine definitions.

Each definition of ``corpus/`` (sources and licence in ``corpus/sources.yaml``) is priced under
scenarios (every Map over two items, nested Choices pinned to their first or their last
outcome, the top level's Choices and Catches left to shares), and every path the counter lists
is run in moto's ASL interpreter with its outcomes scripted (``asl_runs``): the path's count
equals the states the history entered, retries included; and when the listed paths cover every
execution, the expectation equals their probability-weighted sum of runs. A Distributed Map runs
its children inline in moto: the parent's count less one transition per child plus the
children's own states entered is what moto's history holds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import replace
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from asl_runs import run

from costcalc.estimate.asl_levels import SUCCEEDED, DefinitionError
from costcalc.estimate.express_limits import express_refusals
from costcalc.estimate.transitions import (
    Counting,
    PathEstimate,
    TransitionEstimate,
    expected_transitions,
)

CORPUS = Path(__file__).parent / "corpus"
SOURCES = yaml.safe_load((CORPUS / "sources.yaml").read_text(encoding="utf-8"))
NAMES = sorted(SOURCES["definitions"])
#: Paths run in moto per scenario (the most probable ones).
PATHS = 8
_NO_MATCH = "Scripted.Failure"

pytestmark = pytest.mark.slow  # some 600 executions in moto (about two minutes)


def _states(machine: Mapping[str, Any], nested: bool = False) -> Iterator[tuple[str, Any, bool]]:
    """(name, state, inside a Parallel or Map) for every state, nested ones included."""
    for name, state in machine["States"].items():
        yield name, state, nested
        for branch in state.get("Branches", []):
            yield from _states(branch, True)
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if processor:
            yield from _states(processor, True)


def _choice_targets(state: Mapping[str, Any]) -> list[str]:
    targets = [rule["Next"] for rule in state["Choices"]]
    return list(dict.fromkeys([*targets, *([state["Default"]] if "Default" in state else [])]))


def _error_for(state: Mapping[str, Any], catcher: Mapping[str, Any]) -> str | None:
    """An error ``catcher`` catches and no Retry of ``state`` retries (None if none is)."""
    retried = {e for r in state.get("Retry", []) for e in r["ErrorEquals"]}
    if retried & {"States.ALL", "States.TaskFailed"}:
        return None
    for error in catcher["ErrorEquals"]:
        name = _NO_MATCH if error in ("States.ALL", "States.TaskFailed") else error
        if name not in retried and not name.startswith("States."):
            return name
    return None


def _scenario(definition: Mapping[str, Any], pin: int) -> tuple[Counting, dict[str, list[str]]]:
    """Map items, nested Choices pinned (``pin`` 0: first outcome, -1: last), top-level
    Catches a 0.2 share where an error can reach them; and the nested script that goes with it."""
    items: dict[str, Decimal] = {}
    choices: dict[str, dict[str, Decimal]] = {}
    script: dict[str, list[str]] = {}
    for name, state, nested in _states(definition):
        if state["Type"] == "Map":
            items[name] = Decimal(1 if state.get("ItemBatcher") else 2)
        if state["Type"] == "Choice" and nested:
            target = _choice_targets(state)[pin]
            choices[name] = {target: Decimal(1)}
            script[name] = [target]
        if state["Type"] == "Task" and not nested and state.get("Catch"):
            catcher = state["Catch"][0]
            if _error_for(state, catcher):
                choices[name] = {catcher["Next"]: Decimal("0.2")}
    return Counting(map_items=items, choices=choices, path_cap=PATHS), script


def _estimate(definition: Mapping[str, Any], counting: Counting) -> TransitionEstimate:
    """The estimate; a decision that closes several loops gets equal shares (the kit asks)."""
    for _ in range(10):
        try:
            return expected_transitions(definition, counting)
        except DefinitionError as refusal:
            closes = re.search(r"state '(.+?)' closes two loops", str(refusal))
            if not closes:
                raise
            state = next(s for n, s, _ in _states(definition) if n == closes.group(1))
            targets = _choice_targets(state)
            shares = {t: Decimal(1) / len(targets) for t in targets}
            counting = replace(counting, choices={**counting.choices, closes.group(1): shares})
    raise AssertionError("too many loop refusals")


def _estimate_or_skip(definition: Mapping[str, Any], counting: Counting) -> TransitionEstimate:
    """The estimate, or a skip when the pinned nested choices never leave a loop (the
    counter refuses such a scenario with the reason, which is checked here)."""
    try:
        return _estimate(definition, counting)
    except DefinitionError as refusal:
        if "no way out" not in str(refusal):
            raise
        pytest.skip(f"pinned nested choices loop forever: {refusal}")


def _path_script(
    definition: Mapping[str, Any], path: PathEstimate, nested: Mapping[str, list[str]]
) -> dict[str, list[str]]:
    """The outcomes that make moto take ``path``: each Choice's next state, each Task's
    success or the error its catcher on the path catches."""
    script = {name: list(outcomes) for name, outcomes in nested.items()}
    states = definition["States"]
    following = [*path.states[1:], SUCCEEDED]
    for name, after in zip(path.states, following, strict=True):
        state = states[name]
        if state["Type"] == "Choice":
            script.setdefault(name, []).append(after)
        elif state["Type"] == "Task" and state.get("Catch"):
            if after == state.get("Next") or after == SUCCEEDED:
                script.setdefault(name, []).append("ok")
                continue
            catcher = next(c for c in state["Catch"] if c["Next"] == after)
            script.setdefault(name, []).append(_error_for(state, catcher) or "unreachable")
    return script


def _moto_count(path: PathEstimate) -> Decimal:
    """What moto's history holds for ``path``: Distributed children run inline there."""
    inline = sum((c.states_entered - c.executions for c in path.children
                  if c.execution_type in ("STANDARD", "EXPRESS")), Decimal(0))  # fmt: skip
    return path.transitions + inline


def _definition(name: str) -> dict[str, Any]:
    return json.loads((CORPUS / name).read_text(encoding="utf-8"))


def _kinds(definition: Mapping[str, Any]) -> set[str]:
    found = set()
    for _, state, nested in _states(definition):
        resource = str(state.get("Resource", ""))
        mode = "DISTRIBUTED" in json.dumps(state.get("ItemProcessor", {}))
        checks = {
            "parallel-fail": state["Type"] == "Fail" and nested,
            "inline-map": state["Type"] == "Map" and not mode,
            "distributed-map": state["Type"] == "Map" and mode,
            "callback": resource.endswith(".waitForTaskToken"),
            "sync": ".sync" in resource,
            "catch": bool(state.get("Catch")),
            "retry": bool(state.get("Retry")),
        }
        found |= {kind for kind, holds in checks.items() if holds}
    for pin in (0, -1):
        try:
            estimate = _estimate(definition, _scenario(definition, pin)[0])
        except DefinitionError:  # pinned nested choices that never leave their loop
            continue
        if any(len(set(path.states)) < len(path.states) for path in estimate.paths):
            found.add("loop")
    return found


def test_the_corpus_holds_thirty_public_definitions_of_every_pattern_with_their_source() -> None:
    assert len(NAMES) >= 30
    assert re.fullmatch(r"[0-9a-f]{40}", SOURCES["commit"])
    assert SOURCES["licence"].startswith("MIT-0")
    kinds = {SOURCES["definitions"][name]["type"].lower() for name in NAMES}
    for name in NAMES:
        kinds |= _kinds(_definition(name))
    assert kinds >= {"parallel-fail", "inline-map", "distributed-map", "callback", "sync",
                     "catch", "retry", "loop", "express", "standard"}  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pin", [0, -1], ids=["first", "last"])
def test_each_listed_path_counts_what_moto_enters_and_the_expectation_weighs_them(
    name: str, pin: int
) -> None:
    definition = _definition(name)
    counting, nested = _scenario(definition, pin)
    estimate = _estimate_or_skip(definition, counting)
    weighted = Decimal(0)
    for path in estimate.paths:
        script = _path_script(definition, path, nested)
        if any("unreachable" in outcomes for outcomes in script.values()):
            continue
        history = run(definition, script, {k: int(v) for k, v in counting.map_items.items()})
        assert Decimal(history.billed) == _moto_count(path), (path.states, history.entered)
        assert (history.status == "FAILED") == path.failed
        weighted += path.probability * history.billed
    if abs(estimate.remaining_probability) < Decimal("1e-20"):
        inline = sum((c.states_entered - c.executions for c in estimate.children
                      if c.execution_type in ("STANDARD", "EXPRESS")), Decimal(0))  # fmt: skip
        assert abs(estimate.expected + inline - weighted) < Decimal("1e-20")
    else:
        assert weighted <= estimate.expected + Decimal("1e-20")


@pytest.mark.parametrize("name", NAMES)
def test_a_retried_first_attempt_of_every_retrying_task_bills_one_more_transition(
    name: str,
) -> None:
    definition = _definition(name)
    counting, nested = _scenario(definition, 0)
    retried = [state for _, state, _ in _states(definition) if state.get("Retry")]
    if not retried:
        pytest.skip("no state retries")
    if any(state["Type"] != "Task" for state in retried):
        pytest.skip("a Parallel or Map with Retry: moto cannot be scripted to fail it")
    retrying = replace(counting, retry_rate=Decimal(1))
    estimate = _estimate_or_skip(definition, retrying)
    path = estimate.paths[0]
    script = _path_script(definition, path, nested)
    for state_name, state, _ in _states(definition):
        retriers = state.get("Retry") if state["Type"] == "Task" else None
        if not retriers:
            continue
        retrier = next((r for r in retriers if r.get("MaxAttempts", 3) != 0), None)
        if retrier is None:
            continue
        error = retrier["ErrorEquals"][0]
        error = _NO_MATCH if error.startswith("States.") else error
        later = script.get(state_name, ["ok"])
        # each entry: one retried failure, then the outcome the path needs
        script[state_name] = [step for outcome in later * 40 for step in (error, outcome)]
    history = run(definition, script, {k: int(v) for k, v in counting.map_items.items()})
    assert Decimal(history.billed) == _moto_count(path), (path.states, history.entered)
    # every retry moto made is one the counter billed, and no other
    once = next(p for p in _estimate(definition, counting).paths if p.states == path.states)
    assert history.retries == _moto_count(path) - _moto_count(once)


@pytest.mark.parametrize(
    "name", [n for n in NAMES if SOURCES["definitions"][n]["type"] == "EXPRESS"]
)
def test_an_express_definition_is_refused_only_for_what_express_cannot_run(name: str) -> None:
    definition = _definition(name)
    estimate = expected_transitions(definition, _scenario(definition, 0)[0])
    reasons = express_refusals(definition, estimate.express_duration_ms)
    # these samples are deployed as Express by their own templates: AWS runs them
    assert reasons == []
    assert estimate.express_duration_ms > 0
