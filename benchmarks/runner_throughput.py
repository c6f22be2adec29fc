"""Orders per second through the local runner, both styles, and whether the rate stays flat.

For each style (choreography, orchestration): one order end to end (placed, accepted,
completed; median of 20 warm orders), then N orders in a row (default 1,000) with the rate of
the first hundred, of the last hundred and their ratio (1.0 = flat), and the process's CPU
seconds per order (the figure a busy shared machine disturbs least). The AWS calls an order
makes are counted too: they are most of what an order costs on the runner.

Run: `nice -n 10 .venv/bin/python benchmarks/runner_throughput.py [--orders N] [--style S]`.
"""

from __future__ import annotations

import argparse
import collections
import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

from botocore.client import BaseClient

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests/support"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from _median import median_seconds  # noqa: E402
from stack_helpers import CHOREOGRAPHY, CUSTOMER_CALLER, ORCHESTRATION, STAFF, prepare  # noqa: E402

from orderflow_localrun import LocalRunner  # noqa: E402

STYLES = {"choreography": CHOREOGRAPHY, "orchestration": ORCHESTRATION}
# One benchmark customer places every order: the per-account quota is at its top. Nobody answers
# late: the acceptance timeout is the one the runner's tests use.
PARAMETERS = {
    "SenderEmail": "orders@orderflow.example",
    "OrdersPerCallerPerMinute": "10000",
    "AcceptanceTimeoutSeconds": "600",
}
ORDER = {
    "restaurant_id": "pizza-1",
    "items": [{"name": "margherita", "quantity": 2, "unit_price": 9.5}],
}
WINDOW = 100


def place_and_complete(runner: LocalRunner) -> None:
    answer = runner.request("POST", "/orders", ORDER, caller=CUSTOMER_CALLER)
    assert answer.status == 201, answer.body
    order_id = answer.json()["order_id"]
    runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    runner.request("POST", f"/orders/{order_id}/complete", caller=STAFF)


@contextmanager
def counting_calls() -> Iterator[collections.Counter[str]]:
    """Every AWS call any client makes (the runner's, the handlers', moto's tasks')."""
    counted: collections.Counter[str] = collections.Counter()
    original = BaseClient._make_api_call

    def make_api_call(client: BaseClient, name: str, params: dict[str, Any]) -> Any:
        counted[f"{client.meta.service_model.service_name}:{name}"] += 1
        return original(client, name, params)

    with mock.patch.object(BaseClient, "_make_api_call", make_api_call):
        yield counted


def run_style(style: str, orders: int) -> None:
    print(f"== {style} ==")
    with LocalRunner.start(STYLES[style], PARAMETERS) as runner:
        prepare(runner)
        place_and_complete(runner)  # cold starts
        one = median_seconds(lambda: place_and_complete(runner), runs=20)
        print(f"  one order end to end (median of 20)  {one * 1000:8.1f} ms")
        with counting_calls() as counted:
            place_and_complete(runner)
        print(f"  AWS calls per order                  {sum(counted.values()):8d}")
        for call, count in counted.most_common():
            print(f"    {count:3d} {call}")

    with LocalRunner.start(STYLES[style], PARAMETERS) as runner:
        prepare(runner)
        place_and_complete(runner)
        window = min(WINDOW, orders // 2)
        marks: dict[int, float] = {}
        cpu = time.process_time()
        started = time.perf_counter()
        for done in range(1, orders + 1):
            place_and_complete(runner)
            if done in (window, orders - window, orders):
                marks[done] = time.perf_counter()
            if done % max(1, orders // 10) == 0:
                print(f"  ... {done}/{orders} orders", file=sys.stderr, flush=True)
        total = time.perf_counter() - started
        cpu_per_order = (time.process_time() - cpu) / orders
    first = window / (marks[window] - started)
    last = window / (marks[orders] - marks[orders - window])
    print(f"  {orders} orders in a row             {total:8.1f} s, {orders / total:.1f} orders/s")
    print(f"  first {window}: {first:.1f} orders/s, last {window}: {last:.1f} orders/s")
    print(f"  ratio last/first                     {last / first:8.2f}")
    print(f"  CPU per order                        {cpu_per_order * 1000:8.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=1000, help="orders for the throughput run")
    parser.add_argument("--style", choices=[*STYLES, "both"], default="both")
    args = parser.parse_args()
    if args.orders < 2 * 10:
        parser.error(f"--orders {args.orders}: use at least 20")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    print(f"(load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    for style in STYLES if args.style == "both" else [args.style]:
        run_style(style, args.orders)


if __name__ == "__main__":
    main()
