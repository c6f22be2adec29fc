"""An orchestration README's picture and per-path transitions are read from the definition."""

from __future__ import annotations

from typing import Any

import pytest
from orderflow_generator.manifest import ManifestError
from orderflow_generator.state_machine import TransitionRow, mermaid, transition_rows
from template_helpers import ROOT


def _publish(name: str, *events: str, then: str | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {
        "Type": "Task",
        "Resource": "arn:aws:states:::events:putEvents",
        "Parameters": {"Entries": [{"DetailType": e} for e in events]},
    }
    return state | ({"Next": then} if then else {"End": True})


DEFINITION: dict[str, Any] = {
    "StartAt": "Placed",
    "States": {
        "Placed": _publish("Placed", "placed", then="Wait"),
        "Wait": {
            "Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "Next": "Done",
            "Catch": [{"ErrorEquals": ["States.Timeout"], "Next": "TimedOut"}],
        },
        "Done": _publish("Done", "accepted", "done"),
        "TimedOut": _publish("TimedOut", "timed_out"),
    },
}
PATHS = {
    "done": ["placed", "notified", "accepted", "done"],
    "timed out": ["placed", "notified", "timed_out"],
}


def test_each_path_gets_the_execution_path_publishing_its_events_and_its_transitions() -> None:
    assert transition_rows(DEFINITION, PATHS, ROOT) == [
        TransitionRow("done", 3, ("Placed", "Wait", "Done"), tuple(PATHS["done"])),
        TransitionRow("timed out", 3, ("Placed", "Wait", "TimedOut"), tuple(PATHS["timed out"])),
    ]


def test_a_path_no_execution_publishes_is_a_manifest_error_naming_it() -> None:
    with pytest.raises(ManifestError, match="path 'shipped': 0 execution paths"):
        transition_rows(DEFINITION, {"shipped": ["placed", "shipped"]}, ROOT)


def test_the_diagram_draws_every_next_catch_and_end() -> None:
    assert mermaid(DEFINITION).splitlines() == [
        "stateDiagram-v2",
        "  [*] --> Placed",
        "  Placed --> Wait",
        "  Wait --> Done",
        "  Wait --> TimedOut: States.Timeout",
        "  Done --> [*]",
        "  TimedOut --> [*]",
    ]
