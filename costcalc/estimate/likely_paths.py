"""The most probable ways through a state graph, best first, without enumerating them all.

A best-first search whose priority is a prefix's probability times the best probability of
finishing from its last node (a widest-path pass over the reversed graph): the priority is
then exactly the probability of the best complete path through that prefix, so complete paths
come out in order of probability and each one costs about its own length in heap operations.
Loops unroll as often as their probability keeps them among the most probable.
"""

from __future__ import annotations

import heapq
from collections.abc import Sequence
from fractions import Fraction

from costcalc.estimate.markov import Edges

#: Heap pops allowed per path asked for: a bound on the work, whatever the graph.
_POPS_PER_PATH = 2_000


def likely_paths(
    start: str, edges: Edges, terminals: Sequence[str], cap: int
) -> list[tuple[tuple[str, ...], Fraction]]:
    """Up to ``cap`` complete paths (node sequences ending in a terminal), most probable first."""
    finish = _best_finish(edges, terminals)
    if start not in finish:
        return []
    heap: list[tuple[Fraction, int, int, tuple[str, ...], Fraction]] = []
    pushed = 0

    def push(path: tuple[str, ...], probability: Fraction) -> None:
        nonlocal pushed
        if path[-1] in finish:
            pushed += 1
            score = probability * finish[path[-1]]
            heapq.heappush(heap, (-score, -len(path), pushed, path, probability))

    push((start,), Fraction(1))
    found: list[tuple[tuple[str, ...], Fraction]] = []
    pops = 0
    while heap and len(found) < cap and pops < cap * _POPS_PER_PATH:
        pops += 1
        _, _, _, path, probability = heapq.heappop(heap)
        node = path[-1]
        if node in terminals:
            found.append((path, probability))
            continue
        for target, step in edges.get(node, ()):
            if step:
                push((*path, target), probability * step)
    return found


def _best_finish(edges: Edges, terminals: Sequence[str]) -> dict[str, Fraction]:
    """For each node that can finish, the probability of its most probable way to a terminal
    (Dijkstra on the reversed graph, exact: equal paths must tie exactly, or a float's last
    bit would turn the search breadth-first)."""
    into: dict[str, list[tuple[str, Fraction]]] = {}
    for node, outcomes in edges.items():
        for target, probability in outcomes:
            if probability:
                into.setdefault(target, []).append((node, probability))
    best: dict[str, Fraction] = {}
    heap: list[tuple[Fraction, str]] = [(Fraction(-1), terminal) for terminal in terminals]
    while heap:
        negative, node = heapq.heappop(heap)
        if node in best:
            continue
        best[node] = -negative
        for source, probability in into.get(node, ()):
            if source not in best:
                heapq.heappush(heap, (negative * probability, source))
    return best
