"""How long `costcalc estimate` on the choreography SAM template takes, process start to exit.

Includes parsing and transforming the template locally (samtranslator), deriving the usage and
pricing it. The baseline, measured interleaved in the same run, is `costcalc compare --format
json` (the same pricing from a bundled profile, no template). Target: median under 2 s.
Run: `make bench`.
"""

from __future__ import annotations

import statistics
from pathlib import Path

from _startup_timing import COSTCALC, run_once

RUNS = 10
TARGET_SECONDS = 2.0
TEMPLATE = Path(__file__).resolve().parents[1] / "sam/choreography/template.yaml"

if __name__ == "__main__":
    commands = {
        "costcalc compare --format json": [COSTCALC, "compare", "--format", "json"],
        "costcalc estimate <template> --format json": [
            COSTCALC, "estimate", str(TEMPLATE), "--format", "json",
        ],
    }  # fmt: skip
    timings: dict[str, list[float]] = {label: [] for label in commands}
    for each in commands.values():
        run_once(each)  # warm the file cache and byte-code
    for _ in range(RUNS):
        for label, each in commands.items():
            timings[label].append(run_once(each))
    medians = {label: statistics.median(values) for label, values in timings.items()}
    for label, median in medians.items():
        print(f"{label:<45} median {median * 1000:7.1f} ms over {RUNS} runs")
    baseline, measured = medians.values()
    verdict = "within" if measured < TARGET_SECONDS else "OVER"
    print(
        f"estimate: {measured:.2f} s ({verdict} the {TARGET_SECONDS:g} s target), "
        f"{measured - baseline:+.2f} s over compare for reading and transforming the template"
    )
