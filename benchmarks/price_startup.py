"""How long `costcalc price lambda ... --format json` takes from process start to exit.

Measured against a bare `python -c pass` in the same run (interleaved, so machine noise hits
both alike) and printed with the ratio; the goal is within 10x. Run: `make bench`.
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
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "costcalc price lambda --format json": [
        COSTCALC,
        "price",
        "lambda",
        "--requests",
        "3e6",
        "--duration-ms",
        "120",
        "--memory-mb",
        "1536",
        "--format",
        "json",
    ],
}


def run_once(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    timings: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for command in COMMANDS.values():
        run_once(command)  # warm the file cache and byte-code
    for _ in range(RUNS):
        for name, command in COMMANDS.items():
            timings[name].append(run_once(command))
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, median in medians.items():
        print(f"{name:<40} median {median * 1000:7.1f} ms over {RUNS} runs")
    baseline, measured = medians.values()
    print(f"ratio {measured / baseline:.1f}x the bare interpreter (goal: within 10x)")


if __name__ == "__main__":
    main()
