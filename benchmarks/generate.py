"""How long generating one project takes: in-process (cookiecutter's API) and from the CLI,
for the default answers and for the largest project (orchestration, SAM and Pulumi, promo).

Each figure is a median against a baseline measured in the same run, interleaved so machine noise
hits both alike: copying the same project's files with shutil (the floor any generator pays) for
the in-process figure, and a bare `python -c pass` for the CLI. The goal is under 1 s.
Run: `make bench`.
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from cookiecutter.main import cookiecutter

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE = ROOT / "templates/order-system"
RUNS = 15
PROJECTS = {
    "default answers": {},
    "orchestration, iac both, promo": {
        "style": "orchestration",
        "iac": "both",
        "include_promo": "yes",
    },
}


def _generate(output: Path, answers: dict[str, str]) -> None:
    cookiecutter(
        str(TEMPLATE),
        no_input=True,
        output_dir=str(output),
        accept_hooks=False,
        extra_context=answers,
        default_config={"replay_dir": str(output / ".replay")},
    )


def _timed(action: Callable[[Path], object]) -> float:
    with tempfile.TemporaryDirectory() as scratch:
        start = time.perf_counter()
        action(Path(scratch))
        return time.perf_counter() - start


def _measure(title: str, answers: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        _generate(Path(scratch), answers)  # warm imports and the file cache
        project = Path(scratch) / "my-orders"
        files = sum(1 for p in project.rglob("*") if p.is_file())
        cli = [
            str(Path(sys.executable).parent / "cookiecutter"),
            "--no-input",
            str(TEMPLATE),
            *(f"{key}={value}" for key, value in answers.items()),
        ]
        actions: dict[str, Callable[[Path], object]] = {
            "baseline: copy the project's files (shutil)": lambda out: shutil.copytree(
                project, out / "copy"
            ),
            "generate one project (cookiecutter API)": lambda out: _generate(out, answers),
            "baseline: python -c pass": lambda out: subprocess.run(
                [sys.executable, "-c", "pass"], check=True
            ),
            "generate one project (cookiecutter CLI)": lambda out: subprocess.run(
                [*cli, "-o", str(out)], check=True, stdout=subprocess.DEVNULL
            ),
        }
        timings: dict[str, list[float]] = {label: [] for label in actions}
        for _ in range(RUNS):
            for label, action in actions.items():
                timings[label].append(_timed(action))
    print(f"== generating a project, {title} ({files} files), median of {RUNS} runs ==")
    medians = {label: statistics.median(values) for label, values in timings.items()}
    for label, median in medians.items():
        print(f"  {label:<46} {median * 1000:8.1f} ms")
    labels = list(medians)
    for baseline, measured in ((labels[0], labels[1]), (labels[2], labels[3])):
        ratio = medians[measured] / medians[baseline]
        print(f"  {measured}: {ratio:.1f}x its baseline; goal under 1 s: "
              + ("met" if medians[measured] < 1 else "NOT met"))  # fmt: skip


def main() -> None:
    for title, answers in PROJECTS.items():
        _measure(title, answers)


if __name__ == "__main__":
    main()
