"""Each Lambda function's cold import against `import boto3`, on python3.13 as Lambda runs it.

Every function of the SAM stacks (choreography, orchestration, promo) is imported in a fresh
python3.13 interpreter from `.venv-lambda` (`make lambda-venv`: the runtime's boto3 and the
Powertools layer's packages, benchmarks/lambda-requirements.txt), in its code folder, with the
environment its template gives it and the variables Lambda sets (`LAMBDA_TASK_ROOT`, ...): so
Powertools sees Lambda and turns its tracer on, as it does at a real INIT. Each run times the
import inside the interpreter (interpreter start-up excluded); the baseline `import boto3` runs
interleaved with the functions, and each function's figure is its median over the rounds as a
ratio to the baseline's median (goal: within 1.3x).

`--record` writes the ratios to costcalc/data/cold_imports.yaml, each with the INIT it stands for
(the ratio times BOTO3_INIT_MS): the calculator's default INIT per cold start of each function
(docs/speed.md#cold-starts). Also printed: each function's
deployment package (its code folder zipped, as `sam build` ships it) against the 1 MB target,
and the size of the Powertools layer as .venv-lambda holds it (the packages the runtime does not
already have).

Run: `make lambda-venv && .venv/bin/python benchmarks/cold_import.py [--rounds N] [--record]`.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import zipfile
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests/support"))

from stack_helpers import CHOREOGRAPHY, ORCHESTRATION, PROMO, SENDER  # noqa: E402

from orderflow_localrun import LocalRunner  # noqa: E402
from orderflow_localrun.promo import deploy_promo  # noqa: E402

LAMBDA_PYTHON = ROOT / ".venv-lambda/bin/python"
RECORD = ROOT / "costcalc/data/cold_imports.yaml"
GOAL = 1.3
#: A Lambda INIT that imports boto3 alone, in ms: what a recorded ratio is multiplied by. It is
#: the kit's former flat INIT assumption (500 ms for handlers then 2.2-3.0x boto3, issue 21)
#: divided by their median ratio (2.6x). A ratio is what this shared machine measures well;
#: `costcalc actual` reads the real INIT of a deployed stack.
BOTO3_INIT_MS = 190
TARGET_BYTES = 1_000_000
#: What the python3.13 runtime already has: boto3 and what it needs, not part of the layer.
RUNTIME_DISTRIBUTIONS = {"boto3", "botocore", "s3transfer", "jmespath", "python_dateutil", "six",
                         "urllib3", "pip", "setuptools"}  # fmt: skip
TIMED = "import time; t = time.perf_counter(); {module}; print(time.perf_counter() - t)"
#: The floor of a handler that makes its client at INIT (as every one does): boto3 and a client.
WITH_CLIENT = "import boto3; boto3.client('dynamodb')"


@dataclass(frozen=True, eq=False)  # each one is its own key
class Function:
    stack: str  # the design `costcalc` prices it in (its SAM stack's folder)
    name: str  # as `costcalc estimate` names it: logical id without "Function", snake_case
    module: str
    code_dir: Path
    environment: dict[str, str]


def snake_name(logical_id: str) -> str:
    stem = logical_id.removesuffix("Function")
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in stem).lstrip("_")


def functions() -> Iterator[Function]:
    """Every function of the three stacks, with its template's environment (deployed on moto)."""
    stacks = {"choreography": CHOREOGRAPHY, "orchestration": ORCHESTRATION}
    parameters = {"SenderEmail": SENDER}
    for stack, template in stacks.items():
        with ExitStack() as running:
            runner = running.enter_context(LocalRunner.start(template, parameters))
            deployments = {stack: runner.deployment}
            if stack == "choreography":
                deployments["promo"] = deploy_promo(runner, PROMO, SENDER)
            for design, deployment in deployments.items():
                for logical_id, spec in sorted(deployment.functions.items()):
                    yield Function(
                        design,
                        snake_name(logical_id),
                        spec.handler.rsplit(".", 1)[0],
                        spec.code_dir,
                        dict(spec.environment),
                    )


def lambda_environment(function: Function) -> dict[str, str]:
    """What the runtime's process sees at INIT: Lambda's variables and the template's."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "en_US.UTF-8",
        "AWS_REGION": "us-east-1",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_EXECUTION_ENV": "AWS_Lambda_python3.13",
        "AWS_LAMBDA_FUNCTION_NAME": function.name,
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "256",
        "LAMBDA_TASK_ROOT": str(function.code_dir),
        "_HANDLER": f"{function.module}.handler",
        **function.environment,
    }


def import_seconds(python: Path, module: str, cwd: Path, env: dict[str, str]) -> float:
    statement = module if " " in module else f"import {module}"
    result = subprocess.run(
        [str(python), "-c", TIMED.format(module=statement)],
        capture_output=True, text=True, cwd=cwd, env=env, check=False,
    )  # fmt: skip
    if result.returncode != 0:
        raise SystemExit(f"import {module} failed in {cwd}:\n{result.stderr}")
    return float(result.stdout)


def measure(
    python: Path, every: list[Function], rounds: int
) -> tuple[float, float, dict[Function, float]]:
    """Medians of `import boto3`, of boto3 with a client, and of each function's import,
    interleaved round by round."""
    baseline_env = lambda_environment(every[0])
    baseline: list[float] = []
    floor: list[float] = []
    timings: dict[Function, list[float]] = {f: [] for f in every}
    for warm_up in every:  # byte-code and file cache, as a warm host has them
        import_seconds(python, warm_up.module, warm_up.code_dir, lambda_environment(warm_up))
    for done in range(rounds):
        baseline.append(import_seconds(python, "boto3", ROOT, baseline_env))
        floor.append(import_seconds(python, WITH_CLIENT, ROOT, baseline_env))
        for function in every:
            env = lambda_environment(function)
            timings[function].append(
                import_seconds(python, function.module, function.code_dir, env)
            )
        print(f"  ... round {done + 1}/{rounds}", file=sys.stderr, flush=True)
    medians = {f: statistics.median(t) for f, t in timings.items()}
    return statistics.median(baseline), statistics.median(floor), medians


def zipped_size(files: list[tuple[Path, str]]) -> int:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path, name in files:
            archive.write(path, name)
    return len(buffer.getvalue())


def package_files(code_dir: Path) -> list[tuple[Path, str]]:
    return [
        (path, str(path.relative_to(code_dir)))
        for path in sorted(code_dir.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    ]


def layer_files(python: Path) -> list[tuple[Path, str]]:
    """The layer's files: .venv-lambda's packages less those the runtime brings (byte-code kept,
    as the published layer ships it)."""
    site = next((python.parent.parent / "lib").glob("python3.*/site-packages"))
    runtime: set[Path] = set()
    for record in site.glob("*.dist-info/RECORD"):
        distribution = record.parent.name.split("-")[0].lower()
        if distribution in RUNTIME_DISTRIBUTIONS:
            runtime |= {
                (site / line.split(",")[0]).resolve() for line in record.read_text().split()
            }
    return [
        (path, f"python/{path.relative_to(site)}")
        for path in sorted(site.rglob("*"))
        if path.is_file() and path.resolve() not in runtime
    ]


def write_record(python: Path, baseline: float, medians: dict[Function, float]) -> None:
    version = subprocess.run(
        [str(python), "-c", "import platform as p; print(p.python_version(), p.machine())"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    lines = [
        "# Written by `benchmarks/cold_import.py --record` (do not edit by hand; re-run it).",
        "# ratio: each function's cold import (its handler module imported in a fresh python3.13",
        "# with its template's environment, median of the run) over `import boto3` in the same",
        f"# run. init_ms: that ratio x {BOTO3_INIT_MS} ms, a Lambda INIT importing boto3 alone",
        "# (BOTO3_INIT_MS in the benchmark): the INIT costcalc prices a cold start at",
        "# (docs/speed.md#cold-starts).",
        f"measured: {datetime.now(UTC):%Y-%m-%d}",
        f"python: '{version[0]}'",
        f"machine: {version[1]}",
        f"boto3_ms: {baseline * 1000:.0f}  # import boto3 on that machine, in that run",
        "functions:",
    ]
    for stack in sorted({f.stack for f in medians}):
        lines.append(f"  {stack}:")
        for function, took in sorted(medians.items(), key=lambda item: item[0].name):
            if function.stack == stack:
                ratio = round(took / baseline, 2)
                init = f"{ratio * BOTO3_INIT_MS:.0f}"
                lines.append(f"    {function.name}: {{init_ms: {init}, ratio: {ratio:.2f}}}")
    RECORD.write_text("\n".join(lines) + "\n")
    print(f"recorded in {RECORD.relative_to(ROOT)}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rounds", type=int, default=15, help="interleaved rounds (default 15)")
    parser.add_argument("--python", type=Path, default=LAMBDA_PYTHON, help="python3.13 to use")
    parser.add_argument("--record", action="store_true", help=f"write {RECORD.relative_to(ROOT)}")
    args = parser.parse_args()
    if args.rounds < 3:
        parser.error(f"--rounds {args.rounds}: use at least 3")
    if not args.python.is_file():
        parser.error(f"--python {args.python}: no such interpreter; run `make lambda-venv` first")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    every = list(functions())
    print(f"== cold import per function (median of {args.rounds} interleaved rounds) ==")
    baseline, floor, medians = measure(args.python, every, args.rounds)
    print(f"  baseline: import boto3 alone                      {baseline * 1000:7.1f} ms")
    print(
        f"  floor: boto3 and one client (as made at INIT)     {floor * 1000:7.1f} ms"
        f"  ({floor / baseline:.2f}x boto3)"
    )
    for function, took in medians.items():
        ratio = took / baseline
        verdict = "ok" if ratio <= GOAL else f"over the {GOAL}x goal"
        label = f"{function.stack}/{function.name}"
        print(
            f"  {label:<34} {function.module:<18}{took * 1000:7.1f} ms"
            f"  ({ratio:.2f}x boto3, {verdict})"
        )
    print(f"  (python {sys.version.split()[0]} runs this script; the imports run on {args.python})")
    print("== deployment package per function (code folder zipped) ==")
    for code_dir in sorted({f.code_dir for f in every}):
        size = zipped_size(package_files(code_dir))
        users = ", ".join(sorted({f.name for f in every if f.code_dir == code_dir}))
        print(f"  {size / 1024:7.1f} KiB ({size / TARGET_BYTES:.1%} of the 1 MB target): {users}")
    files = layer_files(args.python)
    unzipped = sum(path.stat().st_size for path, _ in files)
    print("== the Powertools layer (aws-lambda-powertools[all], less what the runtime has) ==")
    print(f"  {zipped_size(files) / 2**20:.1f} MiB zipped, {unzipped / 2**20:.1f} MiB unzipped")
    if args.record:
        write_record(args.python, baseline, medians)


if __name__ == "__main__":
    main()
