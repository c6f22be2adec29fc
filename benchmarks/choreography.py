"""Speed and size of the choreography stack, each figure beside a baseline measured in this run.

1. each handler's cold import time (`python -X importtime`), against `import boto3` alone;
2. each function's deployment package (`sam build`, zipped), against the 1 MB target;
3. the wall time of one order (placed, accepted, completed) on the local runner, against one
   moto DynamoDB round trip;
4. orders per second through the runner for N orders (default 1,000), first and last tenth.

Run: `.venv/bin/python benchmarks/choreography.py [--orders N]` (or `make bench`).
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import boto3

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests/support"))

from stack_helpers import CHOREOGRAPHY, CUSTOMER_CALLER, STAFF, prepare  # noqa: E402

from orderflow_localrun import LocalRunner  # noqa: E402
from orderflow_localrun.deploy import Deployment  # noqa: E402

# The per-account order quota is lifted: one benchmark customer places every order.
PARAMETERS = {"SenderEmail": "orders@orderflow.example", "OrdersPerCallerPerMinute": "10000"}
TARGET_BYTES = 1_000_000
ORDER = {
    "restaurant_id": "pizza-1",
    "items": [{"name": "margherita", "quantity": 2, "unit_price": 9.5}],
}
_IMPORT_LINE = re.compile(r"import time:\s+\d+ \|\s+(\d+) \| (\S.*)$")


def cold_import_us(module: str, cwd: Path, env: dict[str, str], runs: int = 5) -> int:
    """The best of `runs` cumulative import times of `module` in a fresh interpreter (µs)."""
    best = None
    for _ in range(runs):
        result = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", f"import {module}"],
            capture_output=True, text=True, cwd=cwd, env=env, check=True,
        )  # fmt: skip
        for line in result.stderr.splitlines():
            found = _IMPORT_LINE.match(line)
            if found and found.group(2) == module:
                value = int(found.group(1))
                best = value if best is None else min(best, value)
    assert best is not None, f"no importtime line for {module}"
    return best


def report_imports(deployment: Deployment) -> None:
    print("== cold import time per handler (python -X importtime, best of 5) ==")
    base_env = {**os.environ, "AWS_DEFAULT_REGION": "us-east-1"}
    baseline = cold_import_us("boto3", ROOT, base_env)
    print(f"  baseline: import boto3 alone                {baseline / 1000:8.1f} ms")
    for logical_id, spec in sorted(deployment.functions.items()):
        module = spec.handler.rsplit(".", 1)[0]
        env = {**base_env, **spec.environment}
        took = cold_import_us(module, spec.code_dir, env)
        print(
            f"  {logical_id:<28} {module:<20} {took / 1000:8.1f} ms  ({took / baseline:.1f}x boto3)"
        )
    print(f"  (measured on {sys.version.split()[0]}; Lambda runs python3.13 on arm64)")


def report_packages() -> None:
    print("== deployment package per function (sam build, zipped) ==")
    with tempfile.TemporaryDirectory() as scratch:
        build = Path(scratch) / "build"
        subprocess.run(
            [str(Path(sys.executable).parent / "sam"), "build", "-t", str(CHOREOGRAPHY),
             "--build-dir", str(build)],
            capture_output=True, text=True, cwd=ROOT, check=True,
            env={**os.environ, "SAM_CLI_TELEMETRY": "0"},
        )  # fmt: skip
        for folder in sorted(p for p in build.iterdir() if p.is_dir()):
            archive = Path(scratch) / f"{folder.name}.zip"
            with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
                for file in sorted(folder.rglob("*")):
                    zipped.write(file, file.relative_to(folder))
            size = archive.stat().st_size
            print(
                f"  {folder.name:<28} {size / 1024:7.1f} KiB"
                f"  ({size / TARGET_BYTES:.1%} of the 1 MB target)"
            )
    print("  (Powertools comes from its public layer and is not in the package)")


def place_and_complete(runner: LocalRunner) -> None:
    order_id = runner.request("POST", "/orders", ORDER, caller=CUSTOMER_CALLER).json()["order_id"]
    runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    runner.request("POST", f"/orders/{order_id}/complete", caller=STAFF)


def report_runner(orders: int) -> None:
    print("== the local runner ==")
    started = time.perf_counter()
    with LocalRunner.start(CHOREOGRAPHY, PARAMETERS) as runner:
        prepare(runner)
        deployed = time.perf_counter() - started
        print(f"  deploy (transform + moto resources)   {deployed * 1000:8.1f} ms")
        place_and_complete(runner)  # cold starts
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        table = runner.deployment.outputs["RestaurantsTableName"]
        trips = []
        for _ in range(50):
            t = time.perf_counter()
            dynamodb.get_item(TableName=table, Key={"restaurant_id": {"S": "pizza-1"}})
            trips.append(time.perf_counter() - t)
        baseline = statistics.median(trips)
        print(f"  baseline: one moto GetItem round trip {baseline * 1000:8.2f} ms")
        singles = []
        for _ in range(20):
            t = time.perf_counter()
            place_and_complete(runner)
            singles.append(time.perf_counter() - t)
        one = statistics.median(singles)
        print(
            f"  one order, warm (median of 20)        {one * 1000:8.1f} ms"
            f"  ({one / baseline:.0f}x a GetItem)"
        )

    with LocalRunner.start(CHOREOGRAPHY, PARAMETERS) as runner:
        prepare(runner)
        place_and_complete(runner)
        tenth = max(1, orders // 10)
        laps = []
        started = time.perf_counter()
        lap = started
        for done in range(1, orders + 1):
            place_and_complete(runner)
            if done % tenth == 0:
                now = time.perf_counter()
                laps.append(now - lap)
                lap = now
                print(f"  ... {done}/{orders} orders", file=sys.stderr, flush=True)
        total = time.perf_counter() - started
        events = len(runner.bus_events)
    print(
        f"  {orders} orders (placed, accepted, completed): {total:.1f} s, "
        f"{orders / total:.1f} orders/s, {events} events on the bus"
    )
    print(
        f"  first tenth {tenth / laps[0]:.1f} orders/s, last tenth {tenth / laps[-1]:.1f} orders/s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1000, help="orders for the throughput run")
    args = parser.parse_args()
    if args.orders < 10:
        parser.error(f"--orders {args.orders}: use at least 10")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    with LocalRunner.start(CHOREOGRAPHY, PARAMETERS) as runner:
        deployment = runner.deployment
    report_imports(deployment)
    report_packages()
    report_runner(args.orders)


if __name__ == "__main__":
    main()
