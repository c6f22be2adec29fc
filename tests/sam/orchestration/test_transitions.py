"""The documented table of billed transitions per path is what moto's execution history shows."""

from __future__ import annotations

import re

import pytest
from documented import documented_section
from stack_helpers import ORCHESTRATION, SENDER, TIMEOUT_SECONDS

from orderflow_localrun.scenarios import PATHS, PathRun, run_paths

ROW = re.compile(r"^\| `(\w+)` \| (\d+) \| ([^|]+) \| ([^|]+) \|$", re.MULTILINE)


def _documented_table() -> dict[str, tuple[int, list[str], list[str]]]:
    """path -> (transitions, states entered, events published), as the docs state them."""
    section = documented_section("The transitions, counted")
    return {
        path: (
            int(count),
            [s.strip(" `") for s in states.split(">")],
            [e.strip(" `") for e in events.split(",")],
        )
        for path, count, states, events in ROW.findall(section)
    }


@pytest.fixture(scope="module")
def runs() -> dict[str, PathRun]:
    parameters = {"SenderEmail": SENDER, "AcceptanceTimeoutSeconds": str(TIMEOUT_SECONDS)}
    return {run.path: run for run in run_paths(ORCHESTRATION, parameters)}


def test_the_documented_table_lists_every_path() -> None:
    assert sorted(_documented_table()) == sorted(PATHS.values())


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(PATHS.values()))
def test_each_path_enters_the_states_and_publishes_the_events_the_docs_count(
    runs: dict[str, PathRun], path: str
) -> None:
    transitions, states, events = _documented_table()[path]
    run = runs[path]
    assert run.execution_status == "SUCCEEDED"
    assert len(run.states_entered) == transitions
    assert run.states_entered == states
    assert run.events == events
