"""What the order's deadline took in each style, measured against the tree before it.

    python benchmarks/deadline_side_by_side.py

The tree before is the parent of the commit that added `functions/deadline_timer.py`
(`git archive`). Per style it counts, in the SAM template after the transform: the resources
the deadline added and the IAM policy statements it added; from `git diff --numstat`: the net
lines (added less removed) of definition (the template, and the ASL for orchestration), of
handler code (the handler modules the style's template names) and of the domain modules both
styles share (`functions/orders/`); from `costcalc estimate` of the style's template: what an
order that goes overdue costs, and how much more than one completed in time (list prices in
us-east-1, no free tier, the month's fixed items left out). Prints one Markdown table.
"""

from __future__ import annotations

import io
import os
import subprocess
import tarfile
import tempfile
from collections.abc import Iterable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

from costcalc.compare.scenario import scenario
from costcalc.estimate.usage import estimate
from costcalc.workload.profiles import PATHS
from orderflow_localrun.template import load_template

ROOT = Path(__file__).resolve().parents[1]
STYLES = {
    "choreography": ["sam/choreography/template.yaml"],
    "orchestration": ["sam/orchestration/template.yaml", "statemachine/orders.asl.json"],
}
PARAMETERS = {"SenderEmail": "orders@orderflow.example"}
_GIT = ["git", "-C", str(ROOT)]
#: Orders a month the per-order cost is measured between (twice as many at the top): the
#: difference is what the orders cost, without the month's alarms and dashboards.
_ORDERS = Decimal(1_000_000)


def _git(*args: str) -> str:
    return subprocess.run([*_GIT, *args], capture_output=True, text=True, check=True).stdout


def before_the_deadline() -> str:
    added = _git("log", "--format=%H", "--diff-filter=A", "--", "functions/deadline_timer.py")
    return f"{added.split()[-1]}^"


def _export(revision: str, into: Path) -> None:
    archive = subprocess.run(
        [*_GIT, "archive", revision, "sam", "functions", "statemachine"],
        capture_output=True,
        check=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")


def _resources(root: Path, template: str) -> dict[str, Mapping[str, Any]]:
    return dict(load_template(root / template, PARAMETERS).resources)


def _statements(resources: Mapping[str, Mapping[str, Any]]) -> int:
    """IAM policy statements of the stack's roles (the functions', the machine's, Scheduler's)."""
    count = 0
    for resource in resources.values():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for policy in resource.get("Properties", {}).get("Policies") or []:
            statements = policy.get("PolicyDocument", {}).get("Statement", [])
            count += len(statements) if isinstance(statements, list) else 1
    return count


def _net_lines(revision: str, paths: Iterable[str]) -> int:
    """Lines added less lines removed in `paths` since `revision` (the work tree included)."""
    counts = [
        line.split()[:2] for line in _git("diff", "--numstat", revision, "--", *paths).splitlines()
    ]
    return sum(int(added) - int(removed) for added, removed in counts if added.isdigit())


def _handler_files(resources: Mapping[str, Mapping[str, Any]]) -> list[str]:
    handlers = {
        str(r.get("Properties", {}).get("Handler", "")).split(".")[0]
        for r in resources.values()
        if r["Type"] == "AWS::Lambda::Function"
    }
    return sorted(f"functions/{module}.py" for module in handlers if module)


def usd_per_1000_orders(template: Path) -> dict[str, Decimal]:
    """Per path, what 1,000 orders on it add to the month, as `costcalc estimate` prices the
    template (each path alone in the mix, priced at _ORDERS and twice as many)."""
    (estimated,) = estimate(template, parameters=PARAMETERS, samconfig=False)
    found = {}
    for path in ("accepted", "overdue"):
        plan = scenario(rates={p: Decimal(p == path) for p in PATHS}, profiles=[estimated.profile])
        low, high = (plan.price(n).designs[0].monthly_usd for n in (_ORDERS, 2 * _ORDERS))
        found[path] = ((high - low) / _ORDERS * 1000).quantize(Decimal("0.0001"))
    return found


def measure() -> dict[str, dict[str, int | Decimal]]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    revision = before_the_deadline()
    figures: dict[str, dict[str, int | Decimal]] = {}
    with tempfile.TemporaryDirectory() as folder:
        before = Path(folder)
        _export(revision, before)
        for style, definitions in STYLES.items():
            then, now = _resources(before, definitions[0]), _resources(ROOT, definitions[0])
            usd = usd_per_1000_orders(ROOT / definitions[0])
            figures[style] = {
                "resources added": len(set(now) - set(then)),
                "IAM statements added": _statements(now) - _statements(then),
                "lines of definition added": _net_lines(revision, definitions),
                "lines of handler code added": _net_lines(revision, _handler_files(now)),
                "lines of shared domain code added": _net_lines(revision, ["functions/orders"]),
                "USD per 1,000 orders that go overdue": usd["overdue"],
                "USD more than 1,000 completed in time": usd["overdue"] - usd["accepted"],
            }
    return figures


def main() -> None:
    figures = measure()
    rows = list(next(iter(figures.values())))
    print("| what the deadline took | " + " | ".join(figures) + " |")
    print("|---|" + "---|" * len(figures))
    for row in rows:
        print(f"| {row} | " + " | ".join(str(f[row]) for f in figures.values()) + " |")


if __name__ == "__main__":
    main()
