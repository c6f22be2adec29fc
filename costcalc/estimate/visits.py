"""How often each state of a state machine is entered per execution: what its tasks call.

The billed transitions, Express duration and Distributed Map children are the transition
counter's (costcalc.estimate.transitions); this walk says how often each Task runs, nested ones
included, so each call reaches its service as often as the execution makes it.

Each state's outcomes (a Choice's rules and Default, a Catch's targets, Next) take a
probability: the usage file's, else the default — a Choice's outcomes equally likely, a Catch
never taken (errors are not the expected case) — and the expected entries of every state follow
from one linear system (visits = start + visits x P), so loops cost their expected passes and
a chain of n Choices costs n steps, never 2^n paths. Parallel branches are entered once per
entry of the Parallel; an Inline Map's processor once per item; a Distributed Map starts one
child execution per item (or per batch with an ItemBatcher). Items per Map are the usage
file's or a default; every default is reported so the usage file can replace it, and handed to
the counter so both read the same scenario.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, localcontext
from fractions import Fraction
from typing import Any

from costcalc.estimate.asl_levels import ENDS, DefinitionError, Level, read_level
from costcalc.estimate.markov import NeverEnds, expected_visits

_ONE = Decimal(1)
_CLOSE = Decimal("1e-6")


@dataclass(frozen=True)
class Given:
    """What the usage file says of one state machine (state names as written)."""

    choices: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    map_items: Mapping[str, Decimal] = field(default_factory=dict)


@dataclass(frozen=True)
class Assumed:
    """A figure of the walk: its usage key (below the machine), value, label and why."""

    key: str
    value: Decimal
    label: str  # "default" or "user"
    reason: str


@dataclass(frozen=True)
class Visit:
    """One state entered ``visits`` times per execution of the top machine."""

    name: str
    state: Mapping[str, Any]
    visits: Decimal


@dataclass(frozen=True)
class Child:
    """Child executions a Distributed Map starts per execution of the top machine."""

    state: str
    executions: Decimal
    express: bool
    walk: Walk


@dataclass
class Walk:
    """The expected entries of every state (nested ones included) of one execution."""

    visits: list[Visit] = field(default_factory=list)
    children: list[Child] = field(default_factory=list)
    assumed: list[Assumed] = field(default_factory=list)


def walk(definition: Mapping[str, Any], given: Given = Given(), where: str = "definition") -> Walk:
    """Expected entries per execution of every state of ``definition``."""
    result = Walk()
    with localcontext() as context:
        context.prec = 40
        _Level(read_level(definition, where), given, result).add(_ONE)
    return result


class _Level:
    """One StartAt/States machine: the top one, a Parallel branch or a Map's processor."""

    def __init__(self, level: Level, given: Given, result: Walk) -> None:
        self.level = level
        self.states = level.states
        self.where = level.where
        self.given = given
        self.result = result

    def add(self, entries: Decimal) -> None:
        """Record this level's states (nested ones too) for ``entries`` starts."""
        odds = {name: self._odds(name, state) for name, state in self.states.items()}
        for name, per_start in _solve(self.level.start, odds, self.where).items():
            if per_start == 0 or name not in self.states:
                continue
            state = self.states[name]
            entered = per_start * entries
            self.result.visits.append(Visit(name, state, entered))
            self._nested(name, state, entered)

    def _nested(self, name: str, state: Mapping[str, Any], entered: Decimal) -> None:
        kind = state["Type"]
        if kind == "Parallel":
            for branch in self.level.branches(name):
                _Level(branch, self.given, self.result).add(entered)
            return
        if kind != "Map":
            return
        items = self._figure(
            "map_items",
            name,
            self.given.map_items,
            _ONE,
            "the items a Map iterates over are its input's",
        )
        config = self.level.processor_config(name)
        if config.get("Mode") != "DISTRIBUTED":
            _Level(self.level.processor(name), self.given, self.result).add(entered * items)
            return
        batcher = state.get("ItemBatcher")
        per_child = batcher.get("MaxItemsPerBatch") if isinstance(batcher, Mapping) else None
        children = items
        if isinstance(per_child, int | str) and str(per_child).isdigit() and int(per_child) > 0:
            children = (items / Decimal(str(per_child))).to_integral_value(rounding=ROUND_CEILING)
        executions = entered * children
        child = Walk()
        _Level(self.level.processor(name, "child"), self.given, child).add(executions)
        express = config.get("ExecutionType") == "EXPRESS"
        self.result.children.append(Child(name, executions, express, child))
        self.result.assumed.extend(a for a in child.assumed if a not in self.result.assumed)

    def _figure(
        self, kind: str, name: str, given: Mapping[str, Decimal], default: Decimal, why: str
    ) -> Decimal:
        key = f"{kind}.{name}"
        if name in given:
            self._assume(Assumed(key, given[name], "user", "usage file"))
            return given[name]
        self._assume(Assumed(key, default, "default", why))
        return default

    def _assume(self, assumed: Assumed) -> None:
        if assumed not in self.result.assumed:
            self.result.assumed.append(assumed)

    def _odds(self, name: str, state: Mapping[str, Any]) -> dict[str, Decimal]:
        """Each next state of ``name`` and its probability (empty for a terminal state)."""
        rules = self.level.rules(name)
        outcomes = [t for t in dict.fromkeys(self.level.targets(name)) if t not in ENDS]
        if not outcomes:
            return {}
        wanted = self.given.choices.get(name)
        if wanted is not None:
            return self._given_odds(name, outcomes, wanted)
        if len(outcomes) == 1 and rules:
            return {outcomes[0]: _ONE}
        if state["Type"] in ("Parallel", "Map"):
            # whether it fails follows from its branches' or items' own outcomes (the counter's)
            return {target: _ONE if target in rules else Decimal(0) for target in outcomes}
        distinct = list(dict.fromkeys(rules))
        shares = {target: _ONE / len(distinct) for target in distinct}
        for target in outcomes:
            if target not in shares:
                shares[target] = Decimal(0)
        for target, share in shares.items():
            reason = (
                "a Catch is not taken (errors not expected)"
                if target not in distinct
                else "a Choice's outcomes equally likely"
                if state["Type"] == "Choice"
                else "the next state, unless the state fails"
            )
            self._assume(Assumed(f"choices.{name}.{target}", share, "default", reason))
        return shares

    def _given_odds(
        self, name: str, outcomes: list[str], wanted: Mapping[str, Decimal]
    ) -> dict[str, Decimal]:
        unknown = set(wanted) - set(outcomes)
        if unknown:
            raise DefinitionError(
                f"{self.where}: choices.{name}.{sorted(unknown)[0]}: {name!r} leads to "
                f"{', '.join(outcomes)}"
            )
        total = sum(wanted.values(), Decimal(0))
        if abs(total - _ONE) < _CLOSE:  # 1/3 written to ten places three times
            wanted = {target: share / total for target, share in wanted.items()}
            total = _ONE
        if total > _ONE or (total < _ONE and len(wanted) == len(outcomes)):
            raise DefinitionError(
                f"{self.where}: choices.{name}: the probabilities add up to {total}; expected 1"
            )
        rest = [t for t in outcomes if t not in wanted]
        odds = dict(wanted)
        for target in rest:
            odds[target] = (_ONE - total) / len(rest)
        for target, share in odds.items():
            self._assume(Assumed(f"choices.{name}.{target}", share, "user", "usage file"))
        return odds


def _solve(start: str, odds: Mapping[str, Mapping[str, Decimal]], where: str) -> dict[str, Decimal]:
    """Expected entries of each state per start (costcalc.estimate.markov solves the chain)."""
    edges = {
        name: [(target, Fraction(share)) for target, share in targets.items()]
        for name, targets in odds.items()
    }
    try:
        visits = expected_visits(start, edges)
    except NeverEnds as error:
        raise DefinitionError(
            f"{where}: state {error.states[0]!r} is in a loop its probabilities never leave; "
            "give the loop's exit a probability (choices.STATE.NEXT in the usage file)"
        ) from None
    return {name: Decimal(v.numerator) / Decimal(v.denominator) for name, v in visits.items()}
