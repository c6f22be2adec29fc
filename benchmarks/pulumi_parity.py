"""Speed of the Pulumi tests (mocks + parity), each figure beside a baseline from this run.

1. baseline: a fresh interpreter importing the Pulumi SDK and pulumi-aws (what any Pulumi
   test pays first);
2. one program run under `pulumi.runtime.set_mocks` and one SAM transform, per stack, in
   process (best of 5), and the two reductions to the parity model;
3. the whole Pulumi test suite (`pytest tests/pulumi`, every stack), wall time in a fresh
   process against the import baseline, and the CPU time it used (on a machine shared with
   other runs the wall time includes waiting for a core; the CPU time does not).

Run: `.venv/bin/python benchmarks/pulumi_parity.py` (or `make bench`).
"""

from __future__ import annotations

import logging
import os
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests/support"), str(ROOT / "pulumi"), str(ROOT / "tests/pulumi")]

from parity_model import from_pulumi  # noqa: E402
from parity_sam import from_sam  # noqa: E402
from pulumi_program import run_program  # noqa: E402
from test_parity import STACKS, sam_parameters  # noqa: E402

from costcalc.estimate.fake_aws import Account  # noqa: E402


def best_of(runs: int, action: Callable[[], object]) -> float:
    """The fastest of `runs` calls of `action`, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.perf_counter()
        action()
        best = min(best, time.perf_counter() - start)
    return best


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wall(command: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, capture_output=True, env=os.environ.copy())
    return time.perf_counter() - start


def main() -> None:
    # samtranslator warns at exit about usage metrics it never publishes (offline by design).
    logging.getLogger("samtranslator").setLevel(logging.ERROR)
    print("== baseline: a fresh interpreter importing pulumi and pulumi_aws ==")
    baseline = min(
        wall([sys.executable, "-c", "import pulumi, pulumi_aws.lambda_"]) for _ in range(3)
    )
    print(f"  import pulumi + pulumi_aws (best of 3)   {baseline:6.2f} s")
    print("== per stack, in process (best of 5) ==")
    for stack, pair in sorted(STACKS.items()):
        parameters = sam_parameters(pair)
        run_time = best_of(5, lambda p=pair: run_program(p.project))
        run = run_program(pair.project)
        sam_time = best_of(
            5,
            lambda p=pair, values=parameters: from_sam(
                p.template, values, Account(), stack_name=f"{p.project}-dev"
            ),
        )
        model_time = best_of(5, lambda r=run: from_pulumi(r))
        print(
            f"  {stack:<14} program under mocks {run_time * 1000:6.0f} ms "
            f"({len(run.resources)} resources); SAM transform + model {sam_time * 1000:6.0f} ms; "
            f"Pulumi model {model_time * 1000:5.1f} ms"
        )
    print("== the Pulumi test suite, every stack: pytest -q tests/pulumi (fresh process) ==")
    cpu_before = _children_cpu()
    suite = wall([sys.executable, "-m", "pytest", "-q", "tests/pulumi"])
    cpu = _children_cpu()
    print(f"  wall time {suite:6.2f} s  ({suite / baseline:.1f}x the import baseline)")
    print(f"  CPU time  {cpu - cpu_before:6.2f} s  (user + system)")


if __name__ == "__main__":
    main()
