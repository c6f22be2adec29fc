"""Expected visits of an absorbing Markov chain over a state graph, in polynomial time.

The graph is solved one strongly connected component at a time, in topological order: a
component without a cycle is a sum of its inflows; a component with cycles is one small linear
system ``(I - Q^T) x = inflow`` solved exactly by Gaussian elimination over fractions. Paths are
never enumerated, so n Choice states in sequence cost O(n), not O(2^n).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction

Edges = Mapping[str, Sequence[tuple[str, Fraction]]]


class NeverEnds(ValueError):
    """Some states form a loop the execution cannot leave (it would run forever)."""

    def __init__(self, states: Sequence[str]) -> None:
        super().__init__(", ".join(states))
        self.states = tuple(states)


def expected_visits(start: str, edges: Edges) -> dict[str, Fraction]:
    """How often each node is entered per run from ``start`` (terminal nodes included)."""
    visits: dict[str, Fraction] = {}
    inflow: dict[str, Fraction] = {start: Fraction(1)}
    for component in reversed(_components(start, edges)):
        members = set(component)
        cyclic = len(component) > 1 or any(
            t == component[0] for t, _ in edges.get(component[0], ())
        )
        if cyclic:
            solved = _solve(component, members, edges, inflow)
        else:
            solved = {component[0]: inflow.get(component[0], Fraction(0))}
        for node, count in solved.items():
            visits[node] = count
            for target, probability in edges.get(node, ()):
                if target not in members and probability:
                    inflow[target] = inflow.get(target, Fraction(0)) + count * probability
    return visits


def _components(start: str, edges: Edges) -> list[list[str]]:
    """Tarjan's strongly connected components reachable from ``start``, iteratively (a chain
    of thousands of states must not exhaust the interpreter's stack); reverse topological."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    on_stack: set[str] = set()
    stack: list[str] = []
    found: list[list[str]] = []
    work: list[tuple[str, int]] = [(start, 0)]
    while work:
        node, child = work.pop()
        if child == 0:
            index[node] = low[node] = len(index)
            stack.append(node)
            on_stack.add(node)
        targets = [t for t, p in edges.get(node, ()) if p]
        if child < len(targets):
            work.append((node, child + 1))
            target = targets[child]
            if target not in index:
                work.append((target, 0))
            elif target in on_stack:
                low[node] = min(low[node], index[target])
            continue
        for target in targets:
            if target in on_stack:
                low[node] = min(low[node], low[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            found.append(component[::-1])
    return found


def _solve(
    component: list[str], members: set[str], edges: Edges, inflow: Mapping[str, Fraction]
) -> dict[str, Fraction]:
    size = len(component)
    position = {node: i for i, node in enumerate(component)}
    matrix = [[Fraction(int(i == j)) for j in range(size)] + [inflow.get(node, Fraction(0))]
              for i, node in enumerate(component)]  # fmt: skip
    for node in component:
        for target, probability in edges.get(node, ()):
            if target in members:
                matrix[position[target]][position[node]] -= probability
    for column in range(size):
        pivot = next((r for r in range(column, size) if matrix[r][column] != 0), None)
        if pivot is None:
            raise NeverEnds(component)
        matrix[column], matrix[pivot] = matrix[pivot], matrix[column]
        head = matrix[column]
        for row in range(size):
            factor = matrix[row][column]
            if row != column and factor:
                matrix[row] = [
                    a - factor * b / head[column] for a, b in zip(matrix[row], head, strict=False)
                ]
    return {node: matrix[i][size] / matrix[i][i] for i, node in enumerate(component)}
