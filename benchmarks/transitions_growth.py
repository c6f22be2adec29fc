"""How the transition counter's time grows with the states: n Choices in sequence (2^n paths)
and a chain of n states, each size against the one half its size, measured in the same run.

An enumerating counter doubles its time with every Choice added (issue 24: 16 Choices took
36 s); the expectation solves the chain once, so doubling n should multiply the time by about
two to four (the paths listed cost a little more as the chain grows). Run:
``python benchmarks/transitions_growth.py`` or ``make bench``.
"""

from __future__ import annotations

from typing import Any

from _median import median_seconds

from costcalc.estimate.transitions import expected_transitions

SIZES = (16, 32, 64, 128, 256)


def choices(count: int) -> dict[str, Any]:
    states: dict[str, Any] = {}
    for i in range(count):
        after = f"C{i + 1}" if i + 1 < count else "End"
        rule = {"Variable": "$.x", "IsPresent": True, "Next": f"A{i}"}
        states[f"C{i}"] = {"Type": "Choice", "Default": after, "Choices": [rule]}
        states[f"A{i}"] = {"Type": "Pass", "Next": after}
    states["End"] = {"Type": "Succeed"}
    return {"StartAt": "C0", "States": states}


def chain(count: int) -> dict[str, Any]:
    states: dict[str, Any] = {f"S{i}": {"Type": "Pass", "Next": f"S{i + 1}"} for i in range(count)}
    states[f"S{count}"] = {"Type": "Succeed"}
    return {"StartAt": "S0", "States": states}


def main() -> None:
    for name, build in (("Choices in sequence", choices), ("chained states", chain)):
        print(f"{name}: n, median seconds, ratio to n/2")
        previous = None
        for size in SIZES:
            definition = build(size)
            seconds = median_seconds(lambda d=definition: expected_transitions(d), runs=5)
            ratio = f"{seconds / previous:.1f}x" if previous else "-"
            print(f"  {size:>4}  {seconds:8.4f}  {ratio}")
            previous = seconds


if __name__ == "__main__":
    main()
