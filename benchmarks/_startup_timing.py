"""Shared timing for the start-up benchmarks: a command against bare `python -c pass`.

Both are run interleaved (so machine noise hits both alike), the medians printed with the ratio.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

RUNS = 30
COSTCALC = shutil.which("costcalc", path=str(Path(sys.executable).parent)) or "costcalc"


def run_once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def against_bare_python(name: str, command: list[str], goal: float = 10.0) -> None:
    """Print the medians of ``command`` and of a bare interpreter, and their ratio."""
    commands = {"python -c pass": [sys.executable, "-c", "pass"], name: command}
    timings: dict[str, list[float]] = {label: [] for label in commands}
    for each in commands.values():
        run_once(each)  # warm the file cache and byte-code
    for _ in range(RUNS):
        for label, each in commands.items():
            timings[label].append(run_once(each))
    medians = {label: statistics.median(values) for label, values in timings.items()}
    for label, median in medians.items():
        print(f"{label:<40} median {median * 1000:7.1f} ms over {RUNS} runs")
    baseline, measured = medians.values()
    print(f"ratio {measured / baseline:.1f}x the bare interpreter (goal: within {goal:g}x)")
