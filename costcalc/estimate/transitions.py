"""Billed transitions of an Amazon States Language definition, as an expectation per execution.

The rule (docs/design.md#how-standard-transitions-are-counted): one transition per state entered, as
the execution history shows them (one ``<Type>StateEntered`` event each). An execution is a random
walk over the states: every Choice outcome and every Catch has a probability (``Counting.choices``;
defaults below), so the expected transitions per execution are ``sum(expected entries of s x billed
per entry of s)``, solved as an absorbing Markov chain (``costcalc.estimate.markov``) in time
polynomial in the number of states. Paths are never enumerated to count; the most probable ones are
listed (``costcalc.estimate.likely_paths``), capped, with the probability they leave unlisted.

Billed per entry of a state:

- Task, Pass, Wait, Choice, Succeed, Fail: 1; a state with ``Retry`` adds the expected retries
  (``retry_rate`` per entry: each retry runs the step again and is billed).
- Parallel: 1, plus every branch's expected states entered. A branch reaching ``Fail`` ends the
  Parallel: the other branches are stopped where they are. The model of where they are:
  branches advance in lockstep, one state entered per step, so when a branch fails on its k-th
  state every other branch has entered ``min(k, its own length)`` states.
- Map, Inline mode: 1, plus items x the expected states of one iteration (AWS bills no
  transition for an iteration itself). Every item runs; the Map fails when more items fail
  than ``ToleratedFailureCount`` / ``ToleratedFailurePercentage`` allow (none by default).
- Map, Distributed mode: 1, plus one transition per child execution (items, or
  ``ceil(items / MaxItemsPerBatch)`` with an ItemBatcher); the children's own bill is their
  own type (``TransitionEstimate.children``): a STANDARD child's transitions, an EXPRESS
  child's requests and duration.
- ``states:startExecution.sync`` / ``.sync:2``: the Task's 1, and the child execution is
  billed as a child (its definition is not in the parent's: one child execution, its bill
  left to the child's own estimate).
- A loop (an outcome leading back to a state already on the way) repeats as a geometric
  number of extra passes with the mean ``loops[head]`` (fractional), applied at the loop's last
  branching state, so only the executions that take the loop pay for it.

Start and End are not states entered; the seed article's reading that adds them is applied
per execution by ``costcalc.workload.metering`` (``--count-start-end``).
"""

from __future__ import annotations

import shlex
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Any

from costcalc.estimate.asl_levels import (
    ENDS,
    FAILED,
    SUCCEEDED,
    DefinitionError,
    Level,
    read_level,
)
from costcalc.estimate.likely_paths import likely_paths
from costcalc.estimate.markov import NeverEnds, expected_visits

#: Default mean extra passes of a loop nobody gave a count for.
DEFAULT_LOOP_PASSES = Fraction(1)
#: Express: default billed duration per state entered, by what the state does (ms).
DEFAULT_DURATION_MS = {"lambda": 100, "service": 50, "flow": 0}
_START_EXECUTION = "arn:aws:states:::states:startExecution"
#: Paths listed unless asked for more.
DEFAULT_PATH_CAP = 10
#: How far from 1 a Choice's written shares may add up (0.333 + 0.333 + 0.334 is fine).
_SHARE_SLACK = Fraction(1, 10**6)


@dataclass(frozen=True)
class Counting:
    """What the definition cannot say: probabilities, counts and rates a user supplies.

    ``choices`` maps a Choice (or a state with Catch) to its outcomes' probabilities; one
    outcome alone (probability 1) pins it. ``loops`` maps a loop's head to its mean number of
    extra passes. ``redrive_rate`` is the share of failed executions redriven once.
    ``durations_ms`` overrides the Express duration of a state.
    """

    loops: Mapping[str, Decimal] = field(default_factory=dict)
    map_items: Mapping[str, Decimal] = field(default_factory=dict)
    choices: Mapping[str, Mapping[str, Decimal]] = field(default_factory=dict)
    retry_rate: Decimal = Decimal(0)
    redrive_rate: Decimal = Decimal(0)
    durations_ms: Mapping[str, Decimal] = field(default_factory=dict)
    path_cap: int = DEFAULT_PATH_CAP


@dataclass(frozen=True)
class ChildBill:
    """Child executions a state starts per parent execution, billed as their own type."""

    state: str
    execution_type: str  # STANDARD, EXPRESS, or STATE_MACHINE (a startExecution's own type)
    executions: Decimal
    states_entered: Decimal  # all children together (known for a Map's inline definition)
    transitions: Decimal  # STANDARD children: their billed transitions, all together
    duration_ms: Decimal  # EXPRESS children: each child's expected duration

    def scaled(self, factor: Fraction) -> ChildBill:
        """The same children, started ``factor`` times as often."""
        times = _decimal(factor)
        return ChildBill(self.state, self.execution_type, self.executions * times,
                         self.states_entered * times, self.transitions * times,
                         self.duration_ms)  # fmt: skip


@dataclass(frozen=True)
class PathEstimate:
    """One way through the machine: its states, its probability and its billed transitions."""

    states: tuple[str, ...]
    probability: Decimal
    transitions: Decimal
    failed: bool
    children: tuple[ChildBill, ...] = ()  # the child executions its states start

    @property
    def end(self) -> str:
        return self.states[-1]


@dataclass(frozen=True)
class TransitionEstimate:
    """The expected bill of one execution of a definition, and how it was reached."""

    expected: Decimal  # transitions per execution, redrives included
    redrive_transitions: Decimal  # the part of ``expected`` that redrives re-run
    failure_probability: Decimal
    paths: tuple[PathEstimate, ...]  # the most probable, best first
    path_cap: int
    remaining_probability: Decimal  # the probability of the paths not listed
    express_duration_ms: Decimal  # expected duration of one execution run as Express
    children: tuple[ChildBill, ...]
    assumptions: tuple[str, ...]


def expected_transitions(
    definition: Mapping[str, Any], scenario: Counting = Counting(), where: str = "definition"
) -> TransitionEstimate:
    """The expected billed transitions of one execution of ``definition`` under ``scenario``."""
    notes: list[str] = []
    machine = _Machine(read_level(definition, where), scenario, notes)
    redrive = machine.redrive_cost() * Fraction(scenario.redrive_rate)
    found = likely_paths(machine.start, machine.edges, ENDS, scenario.path_cap)
    paths = tuple(
        PathEstimate(
            states=states[:-1],
            probability=_decimal(probability),
            transitions=_decimal(sum((machine.cost(s) for s in states[:-1]), Fraction(0))),
            failed=states[-1] == FAILED,
            children=tuple(c for s in states[:-1] for c in machine.own_children(s)),
        )
        for states, probability in found
    )
    listed = sum((probability for _, probability in found), Fraction(0))
    _check_given(scenario, machine, where)
    return TransitionEstimate(
        expected=_decimal(machine.expected() + redrive),
        redrive_transitions=_decimal(redrive),
        failure_probability=_decimal(machine.failure()),
        paths=paths,
        path_cap=scenario.path_cap,
        remaining_probability=_decimal(1 - listed),
        express_duration_ms=_decimal(machine.duration()),
        children=tuple(machine.children_per_run()),
        assumptions=tuple(dict.fromkeys(notes)),
    )


@dataclass(frozen=True)
class ExecutionPath:
    """One possible way through the machine (any probability), its billed transitions and
    the duration it bills when run as Express."""

    states: tuple[str, ...]
    transitions: Decimal
    express_duration_ms: Decimal = Decimal(0)

    @property
    def end(self) -> str:
        return self.states[-1]


def execution_paths(
    definition: Mapping[str, Any],
    counting: Counting = Counting(),
    where: str = "definition",
    cap: int = 256,
) -> list[ExecutionPath]:
    """Every way from ``StartAt`` to an end that enters no state twice, whatever its
    probability (a caller that labels paths, as the orders estimate does, needs the unlikely
    ones too); more than ``cap`` is refused rather than enumerated."""
    notes: list[str] = []
    machine = _Machine(read_level(definition, where), counting, notes)
    _check_given(counting, machine, where)
    possible = {
        node: [
            (target, Fraction(1))
            for target, share in machine.edges[node]
            if share or node not in counting.choices
        ]
        for node in machine.states
    }
    found: list[ExecutionPath] = []
    work: list[tuple[str, ...]] = [(machine.start,)]
    while work:
        trail = work.pop()
        if trail[-1] in ENDS:
            states = trail[:-1]
            total = sum((machine.cost(s) + machine.child_cost(s) for s in states), Fraction(0))
            duration = sum((machine.duration_of(s) for s in states), Fraction(0))
            found.append(ExecutionPath(states, _decimal(total), _decimal(duration)))
            if len(found) > cap:
                raise DefinitionError(
                    f"{where}: more than {cap} ways through the definition; this estimate "
                    "labels each one, pin choices with --choice STATE=NEXT"
                )
            continue
        work.extend((*trail, t) for t, _ in reversed(possible[trail[-1]]) if t not in trail)
    return found


# ---------------------------------------------------------------------------------- internals


def _decimal(value: Fraction) -> Decimal:
    return Decimal(value.numerator) / Decimal(value.denominator)


def _check_given(scenario: Counting, machine: _Machine, where: str) -> None:
    """Names the user gave that no state of the definition answers to."""
    known = machine.all_states()
    for flag, names in (
        ("--choice", scenario.choices),
        ("--map-items", scenario.map_items),
        ("--state-duration-ms", scenario.durations_ms),
    ):
        unknown = [name for name in names if name not in known]
        if unknown:
            raise DefinitionError(
                f"{where}: {flag} {unknown[0]}: no such state (states: {', '.join(sorted(known))})"
            )
    heads = machine.all_loop_heads()
    for head in scenario.loops:
        if head not in heads:
            listed = ", ".join(sorted(heads)) or "none"
            raise DefinitionError(
                f"{where}: --loop {head}: not the head of a loop (loop heads: {listed})"
            )


class _Machine:
    """One (sub)machine's graph: outcomes with probabilities, billed cost per state entry."""

    def __init__(self, level: Level, counting: Counting, notes: list[str]) -> None:
        self.level = level
        self.where = where = level.where
        self.counting = counting
        self.notes = notes
        self.states = states = level.states
        self.start = start = level.start
        self._children: dict[str, list[ChildBill]] = {}  # per entry of the state
        self.nested: dict[str, list[_Machine]] = {}
        self._costs: dict[str, Fraction] = {}
        self._child_costs: dict[str, Fraction] = {}
        self._durations: dict[str, Fraction] = {}
        self._failures: dict[str, Fraction] = {}
        self._errors: dict[str, dict[str, Fraction]] = {}  # a Parallel's or Map's, by share
        for name in states:
            self._nest(name)
        self.cycles = self._cycles()
        self.loop_heads = {head for head, _ in self.cycles}
        self.deciders = {self._decider(cycle) for _, cycle in self.cycles}
        self.edges: dict[str, list[tuple[str, Fraction]]] = {
            name: self._probabilities(name) for name in states
        }
        self._loops()
        try:
            self.visits = expected_visits(start, self.edges)
        except NeverEnds as endless:
            raise DefinitionError(
                f"{where}: states {', '.join(endless.states)} loop with no way out under "
                "the probabilities given (give --loop HEAD=N or a --choice share that leaves)"
            ) from None

    # ------------------------------------------------------------------ results
    def expected(self) -> Fraction:
        return sum((self.visits.get(s, Fraction(0)) * self.cost(s) for s in self.states),
                   Fraction(0))  # fmt: skip

    def failure(self) -> Fraction:
        return self.visits.get(FAILED, Fraction(0))

    def duration(self) -> Fraction:
        return sum((self.visits.get(s, Fraction(0)) * self.duration_of(s) for s in self.states),
                   Fraction(0))  # fmt: skip

    def redrive_cost(self) -> Fraction:
        """Expected transitions a redrive of a failed execution re-runs: from the state that
        failed (a Fail state, or a Parallel / Map whose branch or item failed) to the end."""
        total = Fraction(0)
        for name in self.states:
            into_failure = sum((p for t, p in self.edges[name] if t == FAILED), Fraction(0))
            if into_failure and self.visits.get(name):
                rerun = expected_visits(name, self.edges)
                again = sum((rerun.get(s, Fraction(0)) * self.cost(s) for s in self.states),
                            Fraction(0))  # fmt: skip
                total += self.visits[name] * into_failure * again
        return total

    def own_children(self, name: str) -> list[ChildBill]:
        """The child executions one entry of ``name`` starts itself."""
        return self._children.get(name, [])

    def children_per_run(self) -> list[ChildBill]:
        """Child executions per run of this machine: its states' own, and those its branches
        and items start, each scaled by how often it runs."""
        found: list[ChildBill] = []
        for name, state in self.states.items():
            visits = self.visits.get(name, Fraction(0))
            if not visits:
                continue
            found += [child.scaled(visits) for child in self._children.get(name, [])]
            per_item = Fraction(int(self.counting.map_items.get(name, 0)))
            factor = per_item if state["Type"] == "Map" else Fraction(1)
            for machine in self.nested.get(name, []):
                found += [child.scaled(visits * factor) for child in machine.children_per_run()]
        return found

    def all_states(self) -> set[str]:
        found = set(self.states)
        for machines in self.nested.values():
            for machine in machines:
                found |= machine.all_states()
        return found

    def all_loop_heads(self) -> set[str]:
        found = set(self.loop_heads)
        for machines in self.nested.values():
            for machine in machines:
                found |= machine.all_loop_heads()
        return found

    # ------------------------------------------------------------------ the graph
    def _probabilities(self, name: str) -> list[tuple[str, Fraction]]:
        state = self.states[name]
        targets = self.level.targets(name)
        unique = list(dict.fromkeys(targets))
        given = self.counting.choices.get(name)
        if given is not None:
            if state["Type"] in ("Parallel", "Map"):
                raise DefinitionError(
                    f"{self.where}: --choice {name}: a {state['Type']} state's outcome follows "
                    "from its branches' or items' own choices; give those instead"
                )
            return self._given(name, unique, given)
        if state["Type"] == "Choice":
            share = Fraction(1, len(unique))
            if len(unique) > 1 and not (name in self.deciders and len(unique) == 2):
                self.notes.append(
                    f"Choice {name!r}: its {len(unique)} outcomes taken in equal shares (the "
                    f"definition does not say how often each rule matches; give "
                    f"{_flag('--choice', f'{name}=NEXT:P,...')})"
                )
            return [(t, share) for t in unique]
        if state["Type"] in ("Parallel", "Map"):
            return self._failing(name, targets[0])
        catchers = self.level.catchers(name)
        if catchers:
            self.notes.append(
                f"state {name!r}: its Catch never taken (tasks succeed, after their retries; "
                f"give {_flag('--choice', f'{name}={catchers[0]}:P')} for a failure share)"
            )
        return [(t, Fraction(int(t == targets[0]))) for t in unique]

    def _given(
        self, name: str, unique: list[str], given: Mapping[str, Decimal]
    ) -> list[tuple[str, Fraction]]:
        for target, share in given.items():
            if target not in unique:
                raise DefinitionError(
                    f"{self.where}: --choice {name}={target}: {name!r} leads to {', '.join(unique)}"
                )
            if not share.is_finite() or not 0 <= share <= 1:
                raise DefinitionError(
                    f"{self.where}: --choice {name}={target}:{share}: expected a probability "
                    "from 0 to 1"
                )
        total = sum((Fraction(s) for s in given.values()), Fraction(0))
        state = self.states[name]
        if state["Type"] != "Choice" and total <= 1:
            # A task's catchers: what they do not take goes on to Next.
            success = self.level.targets(name)[0]
            rest = 1 - total + Fraction(given.get(success, Decimal(0)))
            shares = {t: Fraction(s) for t, s in given.items()}
            shares[success] = rest
            return [(t, shares.get(t, Fraction(0))) for t in unique]
        if abs(total - 1) > _SHARE_SLACK:
            raise DefinitionError(
                f"{self.where}: --choice {name}: the probabilities add up to {_decimal(total)}; "
                "expected 1"
            )
        # Shares written in decimals (thirds...) are scaled to add up to exactly 1.
        return [(t, Fraction(given.get(t, Decimal(0))) / total) for t in unique]

    def _failing(self, name: str, success: str) -> list[tuple[str, Fraction]]:
        """A Parallel's or Map's outcome: each error its branches or items fail with goes to
        the first catcher that catches it (by name, or States.ALL), or ends the execution."""
        failure = self._failures[name]
        outcomes: dict[str, Fraction] = {success: 1 - failure}
        catchers = self.states[name].get("Catch")
        for error, share in self.errors_of(name).items():
            caught = FAILED
            for catcher in catchers if isinstance(catchers, list) else []:
                errors = catcher.get("ErrorEquals") if isinstance(catcher, Mapping) else None
                if isinstance(errors, list) and (error in errors or "States.ALL" in errors):
                    caught = str(catcher.get("Next"))
                    break
            outcomes[caught] = outcomes.get(caught, Fraction(0)) + failure * share
        return list(outcomes.items())

    def errors_of(self, name: str) -> dict[str, Fraction]:
        """The errors a failing entry of ``name`` raises, each with its share."""
        state = self.states[name]
        if state["Type"] == "Fail":
            return {str(state.get("Error", "")): Fraction(1)}
        return self._errors.get(name, {})

    def failures_by_error(self) -> dict[str, Fraction]:
        """The probability that a run fails, split by the error it fails with."""
        found: dict[str, Fraction] = {}
        for name in self.states:
            into = sum((p for t, p in self.edges[name] if t == FAILED), Fraction(0))
            mass = self.visits.get(name, Fraction(0)) * into
            for error, share in self.errors_of(name).items() if mass else ():
                found[error] = found.get(error, Fraction(0)) + mass * share
        return found

    def _loops(self) -> None:
        """Each loop's last branching state repeats it with probability m / (1 + m): a mean
        of ``m`` extra passes per execution reaching the loop, none for the others."""
        assigned: dict[str, str] = {}
        for head, cycle in self.cycles:
            decider = self._decider(cycle)
            stay = cycle[(cycle.index(decider) + 1) % len(cycle)]
            if decider in self.counting.choices:
                if head in self.counting.loops:
                    raise DefinitionError(
                        f"{self.where}: --loop {head} and --choice {decider} both say how often "
                        "the loop repeats; give one"
                    )
                continue
            if assigned.get(decider, stay) != stay:
                raise DefinitionError(
                    f"{self.where}: state {decider!r} closes two loops; give its shares with "
                    f"{_flag('--choice', f'{decider}=NEXT:P,...')}"
                )
            assigned[decider] = stay
            given = self.counting.loops.get(head)
            if given is None and self.states[decider]["Type"] != "Choice":
                passes = Fraction(0)  # the loop is a Catch's: tasks succeed by default
                self.notes.append(
                    f"loop at {head!r}: taken only when {decider!r} fails into its Catch, "
                    f"never by default (give {_flag('--loop', f'{head}=N')}, N fractional)"
                )
            elif given is None:
                passes = DEFAULT_LOOP_PASSES
                self.notes.append(
                    f"loop at {head!r}: {_decimal(passes)} extra pass on average assumed "
                    f"(the definition cannot say how often it repeats; give "
                    f"{_flag('--loop', f'{head}=N')}, N fractional)"
                )
            else:
                if not given.is_finite() or given < 0:
                    raise DefinitionError(f"--loop {head}={given}: expected a number >= 0")
                passes = Fraction(given)
            repeat = passes / (1 + passes)
            others = [(t, p) for t, p in self.edges[decider] if t != stay]
            rest = sum((p for _, p in others), Fraction(0))
            shares = {t: (p / rest if rest else Fraction(1, len(others))) for t, p in others}
            self.edges[decider] = [
                (t, repeat if t == stay else (1 - repeat) * shares[t])
                for t, _ in self.edges[decider]
            ]

    def _decider(self, cycle: tuple[str, ...]) -> str:
        """The last state of a loop that can leave it: where its repeats are decided."""
        branching = [s for s in cycle if len(set(self.level.targets(s))) > 1]
        if not branching:
            raise DefinitionError(
                f"{self.where}: states {' > '.join(cycle)} loop forever: none of them "
                "can leave the loop"
            )
        return branching[-1]

    def _cycles(self) -> list[tuple[str, tuple[str, ...]]]:
        """(head, states from the head round to the back edge) for each back edge of a
        depth-first walk from StartAt in definition order (iterative: no recursion limit)."""
        found: list[tuple[str, tuple[str, ...]]] = []
        trail: list[str] = [self.start]
        on_trail = {self.start}
        done: set[str] = set()
        work: list[tuple[str, int]] = [(self.start, 0)]
        while work:
            node, child = work.pop()
            targets = [t for t in dict.fromkeys(self.level.targets(node)) if t not in ENDS]
            if child < len(targets):
                work.append((node, child + 1))
                target = targets[child]
                if target in on_trail:
                    found.append((target, tuple(trail[trail.index(target) :])))
                elif target not in done:
                    trail.append(target)
                    on_trail.add(target)
                    work.append((target, 0))
                continue
            done.add(node)
            trail.pop()
            on_trail.discard(node)
        return found

    # ------------------------------------------------------------------ billed per entry
    def cost(self, name: str) -> Fraction:
        return self._costs[name]

    def child_cost(self, name: str) -> Fraction:
        """Transitions of the STANDARD child executions one entry of ``name`` starts."""
        return self._child_costs.get(name, Fraction(0))

    def _nest(self, name: str) -> None:
        """The billed transitions, Express duration and failure share of entering ``name``."""
        state = self.states[name]
        kind = state["Type"]
        cost = Fraction(1)
        if _retries(state):
            cost += Fraction(self.counting.retry_rate)
        failure = Fraction(0)
        duration = self._own_duration(name, state)
        resource = str(state.get("Resource", "")) if kind == "Task" else ""
        if resource.startswith(_START_EXECUTION):
            self._children[name] = [ChildBill(name, "STATE_MACHINE", Decimal(1), Decimal(0),
                                              Decimal(0), Decimal(0))]  # fmt: skip
            pattern = resource.removeprefix(_START_EXECUTION) or "async"
            self.notes.append(
                f"state {name!r} starts a child execution ({pattern}): one per entry; its own "
                "bill is its definition's estimate, not the parent's"
            )
        if kind == "Parallel":
            machines = [
                _Machine(branch, self.counting, self.notes) for branch in self.level.branches(name)
            ]
            self.nested[name] = machines
            extra, self._errors[name] = _lockstep(machines)
            cost += extra
            survive = Fraction(1)
            for machine in machines:
                survive *= 1 - machine.failure()
            failure = 1 - survive
            duration += max((m.duration() for m in machines), default=Fraction(0))
            if any(m.failure() for m in machines):
                self.notes.append(
                    f"Parallel {name!r}: a failing branch stops the others where they are; "
                    "modelled as branches advancing in lockstep, one state entered per step"
                )
        elif kind == "Map":
            extra, failure, duration_extra = self._map(name, state)
            cost += extra
            duration += duration_extra
        self._costs[name] = cost
        self._durations[name] = duration
        self._failures[name] = failure

    def _map(self, name: str, state: Mapping[str, Any]) -> tuple[Fraction, Fraction, Fraction]:
        processor = self.level.processor(name)
        given = self.counting.map_items.get(name)
        if given is None:
            raise DefinitionError(
                f"{self.where}: Map state {name!r} runs once per item and the definition "
                f"cannot say how many: give {_flag('--map-items', f'{name}=N')}"
            )
        items = int(given)
        config = self.level.processor_config(name)
        inner = _Machine(processor, self.counting, self.notes)
        self.nested[name] = [inner]
        failure = _map_failure(state, items, inner.failure())
        self._errors[name] = _shares(inner.failures_by_error())
        concurrency = state.get("MaxConcurrency")
        rounds = Fraction(items)
        if isinstance(concurrency, int) and concurrency > 0:
            rounds = Fraction(-(-items // concurrency))
        elif items:
            rounds = Fraction(1)
        if config.get("Mode") != "DISTRIBUTED":
            return items * inner.expected(), failure, rounds * inner.duration()
        batcher = state.get("ItemBatcher")
        per_child = batcher.get("MaxItemsPerBatch") if isinstance(batcher, Mapping) else None
        children = Decimal(items)
        if isinstance(per_child, int) and per_child > 0:
            children = (Decimal(items) / per_child).to_integral_value(rounding=ROUND_CEILING)
        child_type = str(config.get("ExecutionType", "STANDARD")).upper()
        standard = child_type == "STANDARD"
        entered = Fraction(children) * inner.expected()
        self._child_costs[name] = entered if standard else Fraction(0)
        self._children.setdefault(name, []).append(
            ChildBill(
                state=name,
                execution_type=child_type,
                executions=children,
                states_entered=_decimal(entered),
                transitions=_decimal(self._child_costs[name]),
                duration_ms=Decimal(0) if standard else _decimal(inner.duration()),
            )
        )
        return Fraction(children), failure, rounds * inner.duration()

    def _own_duration(self, name: str, state: Mapping[str, Any]) -> Fraction:
        override = self.counting.durations_ms.get(name)
        if override is not None:
            return Fraction(override)
        if state["Type"] == "Wait":
            seconds = state.get("Seconds")
            if isinstance(seconds, int | float):
                return Fraction(seconds) * 1000
            self.notes.append(
                f"Wait {name!r}: its time is read at run time; 0 ms assumed (give "
                f"{_flag('--state-duration-ms', f'{name}=MS')})"
            )
            return Fraction(0)
        if state["Type"] != "Task":
            return Fraction(DEFAULT_DURATION_MS["flow"])
        resource = str(state.get("Resource", ""))
        kind = "lambda" if ":lambda:" in resource else "service"
        return Fraction(DEFAULT_DURATION_MS[kind])

    def duration_of(self, name: str) -> Fraction:
        """The Express duration (ms) of one entry of ``name``, nested states included."""
        return self._durations[name]


def _retries(state: Mapping[str, Any]) -> bool:
    """Whether a failed attempt of ``state`` can be retried (a retrier with MaxAttempts 0
    retries nothing)."""
    retriers = state.get("Retry")
    return isinstance(retriers, list) and any(
        isinstance(r, Mapping) and r.get("MaxAttempts", 3) != 0 for r in retriers
    )


def _map_failure(state: Mapping[str, Any], items: int, item_failure: Fraction) -> Fraction:
    """The chance that more items fail than the Map tolerates (binomial, items independent)."""
    if not item_failure or not items:
        return Fraction(0)
    count = state.get("ToleratedFailureCount")
    percentage = state.get("ToleratedFailurePercentage")
    tolerated = int(count) if isinstance(count, int | float) else 0
    if isinstance(percentage, int | float):
        tolerated = max(tolerated, int(items * percentage / 100))
    if tolerated >= items:
        return Fraction(0)
    p = Decimal(item_failure.numerator) / Decimal(item_failure.denominator)
    within = Decimal(0)
    term = (1 - p) ** items  # k = 0
    for k in range(tolerated + 1):
        within += term
        term = term * (items - k) / (k + 1) * p / (1 - p) if p < 1 else Decimal(0)
    return Fraction(max(Decimal(0), 1 - within))


def _shares(masses: Mapping[str, Fraction]) -> dict[str, Fraction]:
    total = sum(masses.values(), Fraction(0))
    return {key: mass / total for key, mass in masses.items()} if total else {}


def _lockstep(machines: Sequence[_Machine]) -> tuple[Fraction, dict[str, Fraction]]:
    """Expected states entered by a Parallel's branches, each stopped when another fails, and
    the errors the Parallel fails with (the first branch to fail names it).

    Branch j's (t+1)-th state is entered when it has not ended by step t and no other branch
    has failed by step t: ``sum_t E[cost of that state; alive] x prod_(i != j) P(i not failed
    by t)``. Branches that cannot fail need no steps: each bills its own expectation."""
    if not any(m.failure() for m in machines):
        return sum((m.expected() for m in machines), Fraction(0)), {}
    profiles = [_steps(m) for m in machines]
    total = Fraction(0)
    errors: dict[str, Fraction] = {}
    for j, (entered, _, tail, fails) in enumerate(profiles):
        others = [survival for i, (_, survival, _, _) in enumerate(profiles) if i != j]

        def alive(t: int, others: list[list[Fraction]] = others) -> Fraction:
            product = Fraction(1)
            for survival in others:
                product *= survival[min(t, len(survival) - 1)]
            return product

        for t, cost in enumerate(entered):
            total += cost * alive(t)
            for error, mass in fails[t].items():
                errors[error] = errors.get(error, Fraction(0)) + mass * alive(t)
        if tail:
            total += tail * alive(len(entered))
    return total, _shares(errors)


#: Lockstep steps followed before the rest of a looping branch is taken as its expectation.
_HORIZON = 400


def _steps(
    machine: _Machine,
) -> tuple[list[Fraction], list[Fraction], Fraction, list[dict[str, Fraction]]]:
    """Per step t: the expected cost of the state entered at step t+1, the probability that
    the branch has not failed by step t, the expected cost left after the horizon, and per
    step the probability that the state entered fails, by error."""
    fails: list[dict[str, Fraction]] = []
    entered: list[Fraction] = []
    survival: list[Fraction] = [Fraction(1)]
    current = {machine.start: Fraction(1)}
    failed = Fraction(0)
    for _ in range(min(_HORIZON, 4 * len(machine.states) + 4)):
        if not current:
            break
        entered.append(sum((p * machine.cost(s) for s, p in current.items()), Fraction(0)))
        following: dict[str, Fraction] = {}
        fails.append({})
        for state, mass in current.items():
            for target, probability in machine.edges[state]:
                if target == FAILED:
                    failed += mass * probability
                    for error, share in machine.errors_of(state).items():
                        fails[-1][error] = (
                            fails[-1].get(error, Fraction(0)) + mass * probability * share
                        )
                elif target != SUCCEEDED and probability:
                    following[target] = following.get(target, Fraction(0)) + mass * probability
        survival.append(1 - failed)
        current = following
    tail = Fraction(0)
    if current:
        tail = machine.expected() - sum(entered, Fraction(0))
    return entered, survival, tail, fails


def _flag(flag: str, value: str) -> str:
    """A flag as a hint writes it: its value quoted for the shell (names may hold spaces)."""
    return f"{flag} {shlex.quote(value)}"
