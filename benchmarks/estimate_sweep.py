"""`costcalc estimate` on every SAM template under a folder: what it makes of each, and how fast.

The figures docs/estimate-any-workflow.md quotes for public repositories (aws-samples'
serverless-patterns and step-functions-workflows-collection) come from this script, run on a
checkout of each (it reads local files only)::

    .venv/bin/python benchmarks/estimate_sweep.py ../serverless-patterns [--json out.json]

With no folder it sweeps the kit's own estimate corpus (what `make bench` runs).

Each `template.yaml` / `template.yml` (outside node_modules and .aws-sam) is estimated in this
process, as `costcalc estimate FILE --volume 100000 --format json` would (nothing written),
under a time limit per file, and counted by outcome:

- ``priced``: exit 0 with at least one entry point;
- ``nothing billable``: exit 0, no entry point (the estimate says why in its notes);
- ``refused``: exit 2 with its one-line reason (what a user would read; the commonest are
  listed);
- ``timeout`` and ``traceback``: defects, each file named.

The slowest files are listed with their seconds (wall time, one file at a time).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import signal
import sys
import time
import traceback
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from types import FrameType

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from costcalc.cli.main import main as costcalc  # noqa: E402

CORPUS = ROOT / "tests/costcalc/estimate/template_corpus/cases"
SKIPPED_FOLDERS = {"node_modules", ".aws-sam", ".git"}
NAMES = ("template.yaml", "template.yml")


@dataclass(frozen=True)
class Outcome:
    file: str
    kind: str  # priced, nothing billable, refused, timeout, traceback
    seconds: float
    detail: str  # the refusal's line, the traceback's last line, or the entry count


class _TimeLimit(Exception):
    pass


def _alarm(_signal: int, _frame: FrameType | None) -> None:
    raise _TimeLimit


def templates(folder: Path) -> list[Path]:
    """The SAM templates under ``folder``, sorted."""
    return sorted(
        path
        for name in NAMES
        for path in folder.rglob(name)
        if not SKIPPED_FOLDERS & set(path.relative_to(folder).parts)
    )


def estimate(path: Path, folder: Path, limit: int) -> Outcome:
    """One template estimated in-process within ``limit`` seconds."""
    out, err = io.StringIO(), io.StringIO()
    started = time.perf_counter()
    signal.alarm(limit)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = _run(path)
    except _TimeLimit:
        kind, detail = "timeout", f"still running after {limit} s"
    except Exception:
        kind, detail = "traceback", traceback.format_exc().strip().splitlines()[-1]
    else:
        kind, detail = _read(code, out.getvalue(), err.getvalue())
    finally:
        signal.alarm(0)
    seconds = round(time.perf_counter() - started, 2)
    return Outcome(str(path.relative_to(folder)), kind, seconds, detail.replace(str(path), "FILE"))


def _run(path: Path) -> int:
    try:
        return costcalc(["estimate", str(path), "--volume", "100000", "--format", "json"])
    except SystemExit as stopped:  # argparse's exits
        return stopped.code if isinstance(stopped.code, int) else 2


def _read(code: int, out: str, err: str) -> tuple[str, str]:
    if code != 0:
        lines = [line for line in err.splitlines() if "error:" in line]
        return "refused", (lines[-1] if lines else err.strip()[-300:])
    entries = sum(len(t["entries"]) for t in json.loads(out)["templates"])
    return ("priced", f"{entries} entries") if entries else ("nothing billable", "")


def _cause(line: str) -> str:
    """A refusal's reason after ``costcalc estimate: error: FILE:``, cut short, so that like
    refusals count together."""
    reason = line.split("error:", 1)[-1].strip().removeprefix("FILE:").strip()
    return reason if len(reason) <= 90 else reason[:87] + "..."


def report(outcomes: list[Outcome], slowest: int) -> str:
    kinds = Counter(o.kind for o in outcomes)
    lines = [f"{len(outcomes)} templates"]
    lines += [f"  {kind:<17} {kinds[kind]:>4}" for kind in sorted(kinds, key=kinds.__getitem__)]
    refusals = Counter(_cause(o.detail) for o in outcomes if o.kind == "refused")
    if refusals:
        lines.append("commonest refusals:")
        lines += [f"  {n:>4}  {cause}" for cause, n in refusals.most_common(8)]
    defects = [o for o in outcomes if o.kind in {"timeout", "traceback"}]
    lines += [f"DEFECT {o.kind}: {o.file}: {o.detail}" for o in defects]
    lines.append(f"slowest {slowest}:")
    for outcome in sorted(outcomes, key=lambda o: -o.seconds)[:slowest]:
        lines.append(f"  {outcome.seconds:6.2f} s  {outcome.file}  ({outcome.kind})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "folder",
        type=Path,
        nargs="?",
        default=CORPUS,
        help="a folder of SAM templates, searched whole (default: the kit's estimate corpus)",
    )
    parser.add_argument("--limit", type=int, default=60, help="seconds per file (60)")
    parser.add_argument("--slowest", type=int, default=5, help="slowest files listed (5)")
    parser.add_argument("--json", type=Path, help="also write every outcome to this file")
    args = parser.parse_args(argv)
    if not args.folder.is_dir():
        parser.error(f"{args.folder}: not a folder")
    signal.signal(signal.SIGALRM, _alarm)
    found = templates(args.folder)
    outcomes = []
    for number, path in enumerate(found, 1):
        outcomes.append(estimate(path, args.folder, args.limit))
        print(f"[{number}/{len(found)}] {outcomes[-1].kind}: {path}", file=sys.stderr, flush=True)
    print(report(outcomes, args.slowest))
    if args.json:
        args.json.write_text(json.dumps([asdict(o) for o in outcomes], indent=1) + "\n")
    return 1 if any(o.kind in {"timeout", "traceback"} for o in outcomes) else 0


if __name__ == "__main__":
    raise SystemExit(main())
