"""Billed Standard state transitions of an Amazon States Language definition, path by path.

The rule (DESIGN.md, "How Standard transitions are counted"): one transition per state entered,
as the execution history shows them (one ``<Type>StateEntered`` event each). Applied per type:

- Task, Pass, Wait, Choice, Succeed, Fail: 1 when entered; a state with ``Retry`` adds the
  expected retries (``retry_rate`` per entry: each retry runs the step again and is billed).
- Parallel: 1, plus every branch's states entered (all branches run).
- Map, Inline mode: 1, plus the iterations' states entered (items x one iteration). AWS does
  not bill a transition for each iteration of an Inline Map, only the states run inside it.
- Map, Distributed mode: 1, plus one transition per child workflow execution it starts
  (items, or ``ceil(items / MaxItemsPerBatch)`` with an ItemBatcher); a STANDARD child's
  states are billed too (one iteration per child), an EXPRESS child's are billed as Express.
- Choice and Catch branch the execution: each distinct outcome is its own path.
- A loop (an outcome leading back to a state already on the path) runs its body ``loops[head]``
  extra times, each entering every state of the cycle once; without a count it is an error.

Start and End are not states entered; the seed article's reading that adds them is applied
per execution by ``costcalc.workload.metering`` (``--count-start-end``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal

from costcalc.errors import UsageError

_TYPES = ("Task", "Pass", "Wait", "Choice", "Succeed", "Fail", "Parallel", "Map")


class DefinitionError(UsageError):
    """A state machine definition cannot be counted; the message names the state."""


@dataclass(frozen=True)
class Counting:
    """What the definition cannot say: counts and rates a user (or profile) supplies."""

    loops: Mapping[str, Decimal] = field(default_factory=dict)
    map_items: Mapping[str, Decimal] = field(default_factory=dict)
    choices: Mapping[str, str] = field(default_factory=dict)
    retry_rate: Decimal = Decimal(0)


@dataclass(frozen=True)
class ExecutionPath:
    """One way through the machine: the states entered once each, and the billed total."""

    states: tuple[str, ...]
    transitions: Decimal

    @property
    def end(self) -> str:
        return self.states[-1]


def execution_paths(
    definition: Mapping[str, object], counting: Counting = Counting(), where: str = "definition"
) -> list[ExecutionPath]:
    """Every path from ``StartAt`` to a terminal state, with its billed transitions."""
    return _Machine(definition, counting, where).paths()


class _Machine:
    def __init__(self, definition: Mapping[str, object], counting: Counting, where: str) -> None:
        self.where = where
        self.counting = counting
        states = definition.get("States")
        start = definition.get("StartAt")
        if not isinstance(states, dict) or not states:
            raise DefinitionError(f"{where}: States: expected a mapping of states")
        if not isinstance(start, str) or start not in states:
            raise DefinitionError(f"{where}: StartAt: {start!r} is not one of the States")
        for name, state in states.items():
            kind = state.get("Type") if isinstance(state, dict) else None
            if kind not in _TYPES:
                raise DefinitionError(
                    f"{where}: state {name!r}: Type {kind!r} is not one of {', '.join(_TYPES)}"
                )
        self.states: dict[str, dict[str, object]] = states
        self.start = start

    def paths(self) -> list[ExecutionPath]:
        simple: list[tuple[str, ...]] = []
        cycles: dict[str, tuple[str, ...]] = {}
        self._walk((self.start,), simple, cycles)
        found = []
        for states in simple:
            total = sum((self._entered(name) for name in states), Decimal(0))
            for head, body in cycles.items():
                if head in states:
                    cost = sum((self._entered(name) for name in body), Decimal(0))
                    total += self._loop_count(head) * cost
            found.append(ExecutionPath(states, total))
        return found

    def _walk(
        self,
        trail: tuple[str, ...],
        done: list[tuple[str, ...]],
        cycles: dict[str, tuple[str, ...]],
    ) -> None:
        outcomes = self._outcomes(trail[-1])
        if not outcomes:
            done.append(trail)
            return
        for target in outcomes:
            if target in trail:
                cycles[target] = trail[trail.index(target) :]
                continue
            self._walk((*trail, target), done, cycles)

    def _outcomes(self, name: str) -> list[str]:
        """The states that may follow ``name`` (empty for a terminal state)."""
        state = self.states[name]
        kind = state["Type"]
        targets: list[str] = []
        if kind == "Choice":
            rules = state.get("Choices")
            if not isinstance(rules, list) or not rules:
                raise DefinitionError(f"{self.where}: state {name!r}: Choices: expected a list")
            targets = [str(rule.get("Next")) for rule in rules if isinstance(rule, dict)]
            if "Default" in state:
                targets.append(str(state["Default"]))
        elif kind not in ("Succeed", "Fail") and not state.get("End"):
            if "Next" not in state:
                raise DefinitionError(f"{self.where}: state {name!r}: expected Next or End: true")
            targets = [str(state["Next"])]
        catchers = state.get("Catch")
        for catcher in catchers if isinstance(catchers, list) else []:
            targets.append(str(catcher.get("Next")))
        for target in targets:
            if target not in self.states:
                raise DefinitionError(
                    f"{self.where}: state {name!r}: next state {target!r} is not one of the States"
                )
        unique = list(dict.fromkeys(targets))
        pinned = self.counting.choices.get(name)
        if pinned is not None and len(unique) > 1:
            if pinned not in unique:
                raise DefinitionError(
                    f"{self.where}: choice {name}={pinned}: {name!r} leads to {', '.join(unique)}"
                )
            return [pinned]
        return unique

    def _entered(self, name: str) -> Decimal:
        """Transitions billed each time ``name`` is entered (nested states included)."""
        state = self.states[name]
        total = Decimal(1)
        if state.get("Retry"):
            total += self.counting.retry_rate
        if state["Type"] == "Parallel":
            branches = state.get("Branches")
            if not isinstance(branches, list) or not branches:
                raise DefinitionError(f"{self.where}: state {name!r}: Branches: expected a list")
            for index, branch in enumerate(branches):
                total += self._single(branch, f"{name} branch {index + 1}")
        elif state["Type"] == "Map":
            total += self._map(name, state)
        return total

    def _map(self, name: str, state: Mapping[str, object]) -> Decimal:
        processor = state.get("ItemProcessor", state.get("Iterator"))
        if not isinstance(processor, dict):
            raise DefinitionError(f"{self.where}: state {name!r}: expected an ItemProcessor")
        items = self.counting.map_items.get(name)
        if items is None:
            raise DefinitionError(
                f"{self.where}: Map state {name!r} runs once per item and the definition "
                f"cannot say how many: give --map-items {name}=N"
            )
        config = processor.get("ProcessorConfig", {})
        mode = config.get("Mode", "INLINE") if isinstance(config, dict) else "INLINE"
        inner = self._single(processor, f"{name} item processor")
        if mode != "DISTRIBUTED":
            return items * inner
        batcher = state.get("ItemBatcher")
        per_child = batcher.get("MaxItemsPerBatch") if isinstance(batcher, dict) else None
        children = (
            (items / Decimal(str(per_child))).to_integral_value(rounding=ROUND_CEILING)
            if per_child
            else items
        )
        standard = isinstance(config, dict) and config.get("ExecutionType") == "STANDARD"
        return children + (children * inner if standard else Decimal(0))

    def _single(self, definition: object, label: str) -> Decimal:
        """A nested machine's transitions; its paths must agree unless choices pin one."""
        if not isinstance(definition, dict):
            raise DefinitionError(f"{self.where}: {label}: expected StartAt and States")
        paths = _Machine(definition, self.counting, f"{self.where}: {label}").paths()
        counts = sorted({path.transitions for path in paths})
        if len(counts) > 1:
            ends = ", ".join(f"{path.end} ({path.transitions})" for path in paths)
            raise DefinitionError(
                f"{self.where}: {label}: its paths enter different numbers of states ({ends}); "
                "pin one with --choice STATE=NEXT"
            )
        return counts[0]

    def _loop_count(self, head: str) -> Decimal:
        count = self.counting.loops.get(head)
        if count is None:
            raise DefinitionError(
                f"{self.where}: state {head!r} is the head of a loop and the definition cannot "
                f"say how often it repeats: give --loop {head}=N (extra passes per execution)"
            )
        return count
