"""One level of an Amazon States Language definition, read and checked once for every walker.

A level is a ``StartAt``/``States`` machine: the top one, a Parallel branch or a Map's item
processor. The visit walk (``costcalc.estimate.visits``) and the transition counter
(``costcalc.estimate.transitions``) both go through a definition level by level; both read
it here, so a definition is refused by the same rule, with the same line and the one
``DefinitionError``, whichever of them reads it first.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from costcalc.errors import UsageError

STATE_TYPES = ("Task", "Pass", "Wait", "Choice", "Succeed", "Fail", "Parallel", "Map")
#: Where an execution ends: the two pseudo-states every level's graph leads to.
SUCCEEDED = "(succeeded)"
FAILED = "(failed)"
ENDS = (SUCCEEDED, FAILED)
#: Deepest nesting of Parallel branches and Map processors read.
MAX_DEPTH = 12


class DefinitionError(UsageError):
    """A state machine definition cannot be walked; the message names the state."""


@dataclass(frozen=True)
class Level:
    """A checked ``StartAt``/``States`` machine and where it sits in the definition."""

    start: str
    states: Mapping[str, Mapping[str, Any]]
    where: str
    depth: int

    def rules(self, name: str) -> list[str]:
        """The states ``name`` goes on to when it does not fail: Next, or a Choice's rules
        and Default; none for a state that ends the level."""
        state = self.states[name]
        kind = state["Type"]
        if kind == "Choice":
            choices = state.get("Choices")
            if not isinstance(choices, list) or not choices:
                raise DefinitionError(f"{self.where}: state {name!r}: Choices: expected a list")
            if not all(isinstance(rule, Mapping) for rule in choices):
                raise DefinitionError(
                    f"{self.where}: state {name!r}: Choices: expected a list of rules"
                )
            found = [str(rule.get("Next")) for rule in choices]
            if "Default" in state:
                found.append(str(state["Default"]))
            return found
        if kind in ("Succeed", "Fail") or state.get("End"):
            return []
        if "Next" not in state:
            raise DefinitionError(f"{self.where}: state {name!r}: expected Next or End: true")
        return [str(state["Next"])]

    def catchers(self, name: str) -> list[str]:
        """The states a Catch of ``name`` leads to, in the order written."""
        catchers = self.states[name].get("Catch")
        return (
            [str(c.get("Next")) for c in catchers if isinstance(c, Mapping)]
            if isinstance(catchers, list)
            else []
        )

    def targets(self, name: str) -> list[str]:
        """Every state (or end) that may follow ``name``: its rules, or the end it reaches,
        then its catchers; each one checked to be a state of this level."""
        rules = self.rules(name)
        if not rules:
            rules = [FAILED if self.states[name]["Type"] == "Fail" else SUCCEEDED]
        found = [*rules, *self.catchers(name)]
        for target in found:
            if target not in self.states and target not in ENDS:
                raise DefinitionError(
                    f"{self.where}: state {name!r}: next state {target!r} is not one of the States"
                )
        return found

    def branches(self, name: str) -> list[Level]:
        """A Parallel state's branches, each a level one deeper."""
        branches = self.states[name].get("Branches")
        if not isinstance(branches, list) or not branches:
            raise DefinitionError(f"{self.where}: state {name!r}: Branches: expected a list")
        return [
            read_level(branch, f"{self.where}: {name} branch {index + 1}", self.depth + 1)
            for index, branch in enumerate(branches)
        ]

    def processor(self, name: str, label: str = "item processor") -> Level:
        """A Map state's item processor (``ItemProcessor``, or the older ``Iterator``)."""
        state = self.states[name]
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if not isinstance(processor, Mapping):
            raise DefinitionError(f"{self.where}: state {name!r}: expected an ItemProcessor")
        return read_level(processor, f"{self.where}: {name} {label}", self.depth + 1)

    def processor_config(self, name: str) -> Mapping[str, Any]:
        """A Map's ``ProcessorConfig`` (empty when absent or not a mapping: Inline mode)."""
        state = self.states[name]
        processor = state.get("ItemProcessor", state.get("Iterator"))
        config = processor.get("ProcessorConfig", {}) if isinstance(processor, Mapping) else {}
        return config if isinstance(config, Mapping) else {}


def states_run(level: Level) -> Iterator[tuple[str, Mapping[str, Any]]]:
    """Every state one execution of ``level`` may run, nested ones included: Parallel
    branches and Inline Map item processors; a Distributed Map's item processor is not, its
    children being executions of their own."""
    for name, state in level.states.items():
        yield name, state
        nested: list[Level] = []
        if state["Type"] == "Parallel":
            nested = level.branches(name)
        elif state["Type"] == "Map" and level.processor_config(name).get("Mode") != "DISTRIBUTED":
            nested = [level.processor(name)]
        for inner in nested:
            yield from states_run(inner)


def read_level(definition: object, where: str, depth: int = 0) -> Level:
    """``definition`` checked as one level: a mapping of typed states and a StartAt among them."""
    if depth > MAX_DEPTH:
        raise DefinitionError(f"{where}: nested deeper than {MAX_DEPTH} Parallel/Map levels")
    if not isinstance(definition, Mapping):
        raise DefinitionError(f"{where}: expected a mapping with StartAt and States")
    states = definition.get("States")
    start = definition.get("StartAt")
    if not isinstance(states, Mapping) or not states:
        raise DefinitionError(f"{where}: States: expected a mapping of states")
    if not isinstance(start, str) or start not in states:
        raise DefinitionError(f"{where}: StartAt: {start!r} is not one of the States")
    for name, state in states.items():
        kind = state.get("Type") if isinstance(state, Mapping) else None
        if kind not in STATE_TYPES:
            raise DefinitionError(
                f"{where}: state {name!r}: Type {kind!r} is not one of {', '.join(STATE_TYPES)}"
            )
    return Level(start, states, where, depth)
