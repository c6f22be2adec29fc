"""The README's table of billed transitions per path is what moto's execution history shows."""

from __future__ import annotations

import re

import pytest
from stack_helpers import ORCHESTRATION, ROOT, SENDER, TIMEOUT_SECONDS

from localrun.scenarios import PATHS, PathRun, run_paths

ROW = re.compile(r"^\| `(\w+)` \| (\d+) \| ([^|]+) \| ([^|]+) \|$", re.MULTILINE)


def _readme_table() -> dict[str, tuple[int, list[str], list[str]]]:
    """path -> (transitions, states entered, events published), as the README states them."""
    readme = (ROOT / "README.md").read_text()
    section = readme.split("### The transitions, counted", 1)[1].split("\n#", 1)[0]
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


def test_the_readme_lists_every_path() -> None:
    assert sorted(_readme_table()) == sorted(PATHS.values())


@pytest.mark.slow
@pytest.mark.parametrize("path", sorted(PATHS.values()))
def test_each_path_enters_the_states_and_publishes_the_events_the_readme_counts(
    runs: dict[str, PathRun], path: str
) -> None:
    transitions, states, events = _readme_table()[path]
    run = runs[path]
    assert run.execution_status == "SUCCEEDED"
    assert len(run.states_entered) == transitions
    assert run.states_entered == states
    assert run.events == events
