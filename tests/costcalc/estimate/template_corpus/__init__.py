"""Public templates the general estimate is checked on, each with its golden breakdown.

``python -m tests.costcalc.estimate.template_corpus`` (``make estimate-goldens``) rewrites every
case's ``golden.json`` from the estimate's JSON at :data:`VOLUME` units with the case's
``usage.yaml``; review the diff as a change of behaviour. MANIFEST.yaml says where each case
came from.
"""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.breakdown_render import init_usage, render_breakdown
from costcalc.estimate.usage_file import UsageFile, read_usage_file

CASES = Path(__file__).parent / "cases"
VOLUME = Decimal(1000)
#: What a case's usage file gives each function (the figure no definition holds).
DURATION_MS = "100"


def cases() -> list[Path]:
    return sorted(folder for folder in CASES.iterdir() if folder.is_dir())


def source(case: Path) -> Path:
    """The case's definition: its Pulumi project or cdk.out folder, else its template file."""
    if (case / "Pulumi.yaml").is_file():
        return case
    if (case / "cdk.out").is_dir():
        return case / "cdk.out"
    names = ("template.yaml", "template.yml", "template.json")
    return next(case / n for n in names if (case / n).is_file())


def golden(case: Path) -> str:
    """The case's breakdown as JSON, paths relative to the case's folder."""
    usage_path = case / "usage.yaml"
    usage = read_usage_file(usage_path) if usage_path.is_file() else UsageFile()
    breakdown = estimate_source(source(case), VOLUME, usage, samconfig=False)
    return render_breakdown(breakdown, "json").replace(f"{case}/", "").replace(str(case), ".")


def write_usage(case: Path) -> None:
    """A first usage file for a case: --init-usage's, each function's duration filled in."""
    breakdown = estimate_source(source(case), VOLUME, UsageFile(), samconfig=False)
    text = init_usage(breakdown).replace('"duration_ms": ~', f'"duration_ms": {DURATION_MS}')
    (case / "usage.yaml").write_text(text, encoding="utf-8")


def main() -> int:
    for case in cases():
        if not (case / "usage.yaml").is_file():
            write_usage(case)
        (case / "golden.json").write_text(golden(case), encoding="utf-8")
        print(f"wrote {case / 'golden.json'}", file=sys.stderr)
    return 0
