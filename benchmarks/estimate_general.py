"""How long `costcalc estimate` takes on public templates of some 30 deployed resources.

The general estimate (discovery, the graph followed, priced per resource) on two corpus cases:
a SAM template of 33 resources once transformed (Kinesis and SQS event source mappings with
filters) and one of 27 (a callback workflow behind an API, with SQS and SNS). Process start to
exit; the baseline, measured interleaved in the same run, is `costcalc compare --format json`
(pricing a bundled profile, no template). Target: median under 2 s. The CPU time of each run
(user + system, the process's own) is printed too: on a machine shared by other work the wall
time grows with the load, the CPU time much less. Run: `make bench`.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
from pathlib import Path

from _startup_timing import COSTCALC, interleaved_medians

RUNS = 10
TARGET_SECONDS = 2.0
CORPUS = Path(__file__).resolve().parents[1] / "tests/costcalc/estimate/template_corpus/cases"
CASES = {
    "server-lambda-esm-kinesis-filters-sam": 33,
    "step-f-curbside-pickup": 27,
}


def cpu_seconds(command: list[str]) -> float:
    """User plus system time of one run of ``command``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


if __name__ == "__main__":
    commands = {
        "costcalc compare --format json": [COSTCALC, "compare", "--format", "json"],
        **{
            f"costcalc estimate {case} --format json": [
                COSTCALC, "estimate", str(CORPUS / case / "template.yaml"), "--format", "json",
            ]
            for case in CASES
        },
    }  # fmt: skip
    baseline, *timed = interleaved_medians(commands, RUNS).values()
    cpu = [statistics.median(cpu_seconds(c) for _ in range(RUNS)) for c in commands.values()]
    for index, ((case, resources), seconds) in enumerate(zip(CASES.items(), timed, strict=True)):
        verdict = "within" if seconds < TARGET_SECONDS else "OVER"
        print(
            f"estimate {case} ({resources} resources): {seconds:.2f} s median wall ({verdict} "
            f"the {TARGET_SECONDS:g} s target), {seconds - baseline:+.2f} s over compare; "
            f"CPU {cpu[index + 1]:.2f} s (compare {cpu[0]:.2f} s)"
        )
