"""Start-up of `costcalc --help` and `costcalc price lambda ...`: this tree against a revision.

The revision's ``costcalc/`` is exported with ``git archive`` into a temporary folder and both
trees run as ``python -m costcalc`` from their own folder, interleaved (so machine noise hits
both alike); the medians are printed with the ratio now/then. The default revision is the last
one before ``costcalc/`` became feature packages (cli/, pricing/, workload/, compare/, report/),
so the figure says what the packages' imports cost. Run: ``python benchmarks/
startup_before_after.py [REVISION]`` or ``make bench``.
"""

from __future__ import annotations

import subprocess
import sys
import tarfile
import tempfile
from io import BytesIO
from pathlib import Path

from _startup_timing import interleaved_medians

ROOT = Path(__file__).resolve().parent.parent
FLAT_LAYOUT = "8b09283"  # costcalc/ as one flat folder of modules
COMMANDS = {
    "--help": ["--help"],
    "price lambda": [
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


def export(revision: str, into: Path) -> None:
    """Write ``revision``'s ``costcalc/`` folder into ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", "--format=tar", revision, "costcalc"],
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def command(tree: Path, arguments: list[str]) -> list[str]:
    """``python -m costcalc ARGUMENTS`` importing the package from ``tree`` (via ``-c``)."""
    run = (
        f"import sys; sys.path.insert(0, {str(tree)!r}); import runpy; sys.argv[1:] = {arguments!r}"
    )
    return [sys.executable, "-c", f"{run}; runpy.run_module('costcalc', run_name='__main__')"]


def main(revision: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        then = Path(folder)
        export(revision, then)
        for label, arguments in COMMANDS.items():
            print(f"== costcalc {label}")
            medians = interleaved_medians(
                {
                    f"{revision} (then)": command(then, arguments),
                    "this tree (now)": command(ROOT, arguments),
                },
                runs=20,
            )
            before, after = medians.values()
            print(f"ratio now/then {after / before:.2f}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else FLAT_LAYOUT)
