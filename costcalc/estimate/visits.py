"""How often each state of a state machine is entered per execution, as an expectation.

Each state's outcomes (a Choice's rules and Default, a Catch's targets, Next) take a
probability: the usage file's, else the default — a Choice's outcomes equally likely, a Catch
never taken (errors are not the expected case) — and the expected entries of every state follow
from one linear system (visits = start + visits x P), so loops cost their expected passes and
a chain of n Choices costs n steps, never 2^n paths. Parallel branches are entered once per
entry of the Parallel; an Inline Map's processor once per item; a Distributed Map starts one
child execution per item (or per batch with an ItemBatcher), billed as its own type. Items per
Map and retries per entry are the usage file's or a default; every default is reported so the
usage file can replace it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Any

from costcalc.errors import UsageError

_TYPES = ("Task", "Pass", "Wait", "Choice", "Succeed", "Fail", "Parallel", "Map")
#: Largest state count solved as a linear system (a loop); acyclic machines have no limit.
MAX_CYCLIC_STATES = 400
#: Deepest nesting of Parallel branches and Map processors read.
MAX_DEPTH = 12
_ONE = Decimal(1)
_CLOSE = Decimal("1e-6")


class VisitError(UsageError):
    """A definition whose expected visits cannot be computed; the message names the state."""


@dataclass(frozen=True)
class Given:
    """What the usage file says of one state machine (state names as written)."""

    choices: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    map_items: Mapping[str, Decimal] = field(default_factory=dict)
    retries: Mapping[str, Decimal] = field(default_factory=dict)


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
    transitions: Decimal = Decimal(0)
    children: list[Child] = field(default_factory=list)
    assumed: list[Assumed] = field(default_factory=list)


def walk(definition: Mapping[str, Any], given: Given = Given(), where: str = "definition") -> Walk:
    """Expected entries per execution of every state of ``definition``."""
    result = Walk()
    with localcontext() as context:
        context.prec = 40
        _Level(definition, given, where, result, 0).add(_ONE)
    return result


class _Level:
    """One StartAt/States machine: the top one, a Parallel branch or a Map's processor."""

    def __init__(self, definition: Any, given: Given, where: str, result: Walk, depth: int) -> None:
        if depth > MAX_DEPTH:
            raise VisitError(f"{where}: nested deeper than {MAX_DEPTH} Parallel/Map levels")
        if not isinstance(definition, Mapping):
            raise VisitError(f"{where}: expected a mapping with StartAt and States")
        states = definition.get("States")
        start = definition.get("StartAt")
        if not isinstance(states, Mapping) or not states:
            raise VisitError(f"{where}: States: expected a mapping of states")
        if not isinstance(start, str) or start not in states:
            raise VisitError(f"{where}: StartAt: {start!r} is not one of the States")
        for name, state in states.items():
            kind = state.get("Type") if isinstance(state, Mapping) else None
            if kind not in _TYPES:
                raise VisitError(
                    f"{where}: state {name!r}: Type {kind!r} is not one of {', '.join(_TYPES)}"
                )
        self.states: Mapping[str, Mapping[str, Any]] = states
        self.start = start
        self.given = given
        self.where = where
        self.result = result
        self.depth = depth

    def add(self, entries: Decimal) -> Decimal:
        """Record this level's states for ``entries`` starts; return its transitions."""
        odds = {name: self._odds(name, state) for name, state in self.states.items()}
        visits = _solve(self.start, odds, self.where)
        total = Decimal(0)
        for name, per_start in visits.items():
            if per_start == 0:
                continue
            state = self.states[name]
            entered = per_start * entries
            self.result.visits.append(Visit(name, state, entered))
            retries = (
                self._figure("retries", name, self.given.retries, Decimal(0), "no retries expected")
                if state.get("Retry")
                else Decimal(0)
            )
            total += entered * (_ONE + retries)
            total += self._nested(name, state, entered)
        self.result.transitions += total if self.depth == 0 else Decimal(0)
        return total

    def _nested(self, name: str, state: Mapping[str, Any], entered: Decimal) -> Decimal:
        kind = state["Type"]
        if kind == "Parallel":
            branches = state.get("Branches")
            if not isinstance(branches, list) or not branches:
                raise VisitError(f"{self.where}: state {name!r}: Branches: expected a list")
            return sum(
                (
                    self._inner(b, f"{name} branch {i + 1}").add(entered)
                    for i, b in enumerate(branches)
                ),
                Decimal(0),
            )
        if kind != "Map":
            return Decimal(0)
        processor = state.get("ItemProcessor", state.get("Iterator"))
        items = self._figure(
            "map_items",
            name,
            self.given.map_items,
            _ONE,
            "the items a Map iterates over are its input's",
        )
        config = processor.get("ProcessorConfig", {}) if isinstance(processor, Mapping) else {}
        if not isinstance(config, Mapping) or config.get("Mode") != "DISTRIBUTED":
            return self._inner(processor, f"{name} item processor").add(entered * items)
        batcher = state.get("ItemBatcher")
        per_child = batcher.get("MaxItemsPerBatch") if isinstance(batcher, Mapping) else None
        children = items
        if isinstance(per_child, int | str) and str(per_child).isdigit() and int(per_child) > 0:
            children = (items / Decimal(str(per_child))).to_integral_value(rounding=ROUND_CEILING)
        executions = entered * children
        child = Walk()
        _Level(processor, self.given, f"{self.where}: {name} child", child, 0).add(executions)
        express = config.get("ExecutionType") == "EXPRESS"
        self.result.children.append(Child(name, executions, express, child))
        self.result.assumed.extend(child.assumed)
        return executions  # one transition per child execution started

    def _inner(self, definition: Any, label: str) -> _Level:
        return _Level(definition, self.given, f"{self.where}: {label}", self.result, self.depth + 1)

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
        rules = self._rules(name, state)
        catchers = state.get("Catch")
        caught = (
            [str(c.get("Next")) for c in catchers if isinstance(c, Mapping)]
            if isinstance(catchers, list)
            else []
        )
        outcomes = list(dict.fromkeys([*rules, *caught]))
        for target in outcomes:
            if target not in self.states:
                raise VisitError(
                    f"{self.where}: state {name!r}: next state {target!r} is not one of the States"
                )
        if not outcomes:
            return {}
        wanted = self.given.choices.get(name)
        if wanted is not None:
            return self._given_odds(name, outcomes, wanted)
        if len(outcomes) == 1 and rules:
            return {outcomes[0]: _ONE}
        distinct = list(dict.fromkeys(rules))
        shares = {target: _ONE / len(distinct) for target in distinct}
        for target in outcomes:
            if target not in shares:
                shares[target] = Decimal(0)
        for target, share in shares.items():
            reason = (
                "a Choice's outcomes equally likely"
                if target in distinct
                else "a Catch is not taken (errors not expected)"
            )
            self._assume(Assumed(f"choices.{name}.{target}", share, "default", reason))
        return shares

    def _rules(self, name: str, state: Mapping[str, Any]) -> list[str]:
        """The states ``name`` goes on to when it does not fail: Next, or a Choice's."""
        kind = state["Type"]
        rules: list[str] = []
        if kind == "Choice":
            choices = state.get("Choices")
            if not isinstance(choices, list) or not choices:
                raise VisitError(f"{self.where}: state {name!r}: Choices: expected a list")
            rules = [str(rule.get("Next")) for rule in choices if isinstance(rule, Mapping)]
            if "Default" in state:
                rules.append(str(state["Default"]))
        elif kind not in ("Succeed", "Fail") and not state.get("End"):
            if "Next" not in state:
                raise VisitError(f"{self.where}: state {name!r}: expected Next or End: true")
            rules = [str(state["Next"])]
        return rules

    def _given_odds(
        self, name: str, outcomes: list[str], wanted: Mapping[str, Decimal]
    ) -> dict[str, Decimal]:
        unknown = set(wanted) - set(outcomes)
        if unknown:
            raise VisitError(
                f"{self.where}: choices.{name}.{sorted(unknown)[0]}: {name!r} leads to "
                f"{', '.join(outcomes)}"
            )
        total = sum(wanted.values(), Decimal(0))
        if abs(total - _ONE) < _CLOSE:  # 1/3 written to ten places three times
            wanted = {target: share / total for target, share in wanted.items()}
            total = _ONE
        if total > _ONE or (total < _ONE and len(wanted) == len(outcomes)):
            raise VisitError(
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
    """Expected entries of each state per start: a topological pass, else a linear solve."""
    order = _topological(start, odds)
    if order is not None:
        visits = dict.fromkeys(odds, Decimal(0))
        visits[start] = _ONE
        for name in order:
            for target, share in odds[name].items():
                visits[target] += visits[name] * share
        return visits
    names = list(odds)
    if len(names) > MAX_CYCLIC_STATES:
        raise VisitError(
            f"{where}: {len(names)} states in a machine with loops; at most "
            f"{MAX_CYCLIC_STATES} are solved"
        )
    index = {name: i for i, name in enumerate(names)}
    size = len(names)
    # (I - P^T) v = e_start
    matrix = [[Decimal(int(i == j)) for j in range(size)] + [Decimal(0)] for i in range(size)]
    matrix[index[start]][size] = _ONE
    for name, targets in odds.items():
        for target, share in targets.items():
            matrix[index[target]][index[name]] -= share
    for column in range(size):
        pivot = max(range(column, size), key=lambda row: abs(matrix[row][column]))
        if abs(matrix[pivot][column]) < Decimal("1e-20"):
            raise VisitError(
                f"{where}: state {names[column]!r} is in a loop its probabilities never leave; "
                "give the loop's exit a probability (choices.STATE.NEXT in the usage file)"
            )
        matrix[column], matrix[pivot] = matrix[pivot], matrix[column]
        head = matrix[column]
        for row in range(size):
            factor = matrix[row][column]
            if row != column and factor != 0:
                matrix[row] = [
                    a - factor * b / head[column] for a, b in zip(matrix[row], head, strict=True)
                ]
    visits = {name: matrix[index[name]][size] / matrix[index[name]][index[name]] for name in names}
    negative = [name for name, value in visits.items() if value < 0]
    if negative:
        raise VisitError(f"{where}: state {negative[0]!r}: the loop's probabilities do not solve")
    return visits


def _topological(start: str, odds: Mapping[str, Mapping[str, Decimal]]) -> list[str] | None:
    """The states reachable from ``start`` in an order where each precedes its successors, or
    None when a loop can be taken (an edge of positive probability back to a state)."""
    order: list[str] = []
    state: dict[str, int] = {}  # 1 on the stack, 2 done
    stack: list[tuple[str, list[str]]] = [(start, list(_taken(odds[start])))]
    state[start] = 1
    while stack:
        name, pending = stack[-1]
        if not pending:
            stack.pop()
            state[name] = 2
            order.append(name)
            continue
        target = pending.pop()
        mark = state.get(target)
        if mark == 1:
            return None
        if mark is None:
            state[target] = 1
            stack.append((target, list(_taken(odds[target]))))
    return order[::-1]


def _taken(targets: Mapping[str, Decimal]) -> list[str]:
    return [target for target, share in targets.items() if share > 0]
