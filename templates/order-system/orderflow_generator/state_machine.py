"""An orchestration project's README figures, read from its state machine definition (ASL).

The paths and their billed transitions come from the kit's cost calculator
(`costcalc.estimate.transitions`, one rule, stated in
the kit's docs/design.md#how-standard-transitions-are-counted), the events each path publishes
from its `events:putEvents` states, and the picture from every `Next`, `Catch` and `End`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

from orderflow_generator.manifest import ManifestError

PUT_EVENTS = "arn:aws:states:::events:putEvents"


@dataclass(frozen=True)
class TransitionRow:
    """One path of the README's transitions table (the shape tests/sam/orchestration reads)."""

    path: str
    transitions: int
    states: tuple[str, ...]
    events: tuple[str, ...]


def _transitions(kit_root: Path) -> ModuleType:
    """The calculator's transition counting, from the kit itself when it is not installed (as in
    the SAM CLI's own environment, where `sam init` runs the generator)."""
    try:
        return importlib.import_module("costcalc.estimate.transitions")
    except ImportError:
        sys.path.append(str(kit_root))
        return importlib.import_module("costcalc.estimate.transitions")


def _published(state: Mapping[str, Any]) -> Iterator[str]:
    if state.get("Resource") == PUT_EVENTS:
        for entry in state.get("Parameters", {}).get("Entries", []):
            yield str(entry["DetailType"])


def transition_rows(
    definition: Mapping[str, Any], paths: Mapping[str, Sequence[str]], kit_root: Path
) -> list[TransitionRow]:
    """Each manifest path with the execution path that publishes its events (the definition's
    own events, in order, must be the path's events without those a function publishes)."""
    found = _transitions(kit_root).execution_paths(definition)
    published = {e for state in definition["States"].values() for e in _published(state)}
    rows = []
    for name, events in paths.items():
        # every event of the path the definition can publish, in order, and no other
        expected = [e for e in events if e in published]
        matching = [
            p
            for p in found
            if (own := [e for s in p.states for e in _published(definition["States"][s])])
            and own == expected
            and own[-1] == events[-1]
        ]
        if len(matching) != 1:
            raise ManifestError(
                f"path {name!r}: {len(matching)} execution paths of the state machine publish "
                f"{', '.join(events)} (expected exactly one)"
            )
        [path] = matching
        rows.append(TransitionRow(name, int(path.transitions), path.states, tuple(events)))
    return rows


def mermaid(definition: Mapping[str, Any]) -> str:
    """The definition as a Mermaid state diagram: every Next, choice, Catch (labelled), End."""
    lines = ["stateDiagram-v2", f"  [*] --> {definition['StartAt']}"]
    for name, state in definition["States"].items():
        targets = [r["Next"] for r in state.get("Choices", [])] + [
            state[key] for key in ("Next", "Default") if key in state
        ]
        lines.extend(f"  {name} --> {target}" for target in dict.fromkeys(targets))
        for catcher in state.get("Catch", []):
            errors = ", ".join(catcher["ErrorEquals"])
            lines.append(f"  {name} --> {catcher['Next']}: {errors}")
        if state.get("End") or state["Type"] in ("Succeed", "Fail"):
            lines.append(f"  {name} --> [*]")
    return "\n".join(lines)
