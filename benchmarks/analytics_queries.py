"""The five named queries on DuckDB over synthetic order events (goal: 10,000 orders in 2 s).

Writes N orders' events (placed, notified, accepted, user notified, completed; the contract's
shape) as gzipped JSON lines, 10,000 events an object, in a temporary `dt=` folder; then times
loading them, translating and running every named query of sam/analytics/template.yaml
through orderflow_localrun.analytics.lake, next to a baseline from the same run: reading the same
files with Python's gzip and json alone. Run: `make bench`.
"""

from __future__ import annotations

import gzip
import json
import os
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from _median import median_seconds

from orderflow_localrun.analytics.lake import connect, named_queries, run_query
from orderflow_localrun.template import load_template

ORDERS = (10_000, 100_000)
EVENTS_PER_OBJECT = 10_000
RUNS = 3
STEPS = (
    "order_placed",
    "restaurant_notified",
    "order_accepted",
    "user_notified",
    "order_completed",
)


def _events(orders: int) -> list[bytes]:
    start = datetime.now(UTC) - timedelta(hours=1)
    lines = []
    for number in range(orders):
        order_id = f"o-{number}"
        for step, detail_type in enumerate(STEPS):
            at = (start + timedelta(seconds=number % 3600, milliseconds=300 * step)).isoformat()
            detail = {
                "version": "1",
                "order_id": order_id,
                "occurred_at": at,
                "correlation_id": order_id,
                "restaurant_id": f"r-{number % 50}",
            }
            if detail_type == "order_placed":
                detail |= {
                    "items": [{"name": "margherita", "quantity": 2, "unit_price": "9.50"}],
                    "total": "19.00",
                }
            event = {"id": f"{order_id}-{step}", "detail-type": detail_type,
                     "source": "orderflow.orders", "account": "123456789012", "time": at,
                     "region": "us-east-1", "resources": [], "detail": detail}  # fmt: skip
            lines.append(json.dumps(event, separators=(",", ":")).encode() + b"\n")
    return lines


def _write(lines: list[bytes], folder: Path) -> list[Path]:
    day = folder / f"events/dt={date.today().isoformat()}"
    day.mkdir(parents=True)
    files = []
    for index in range(0, len(lines), EVENTS_PER_OBJECT):
        path = day / f"part-{index // EVENTS_PER_OBJECT:05d}.gz"
        path.write_bytes(gzip.compress(b"".join(lines[index : index + EVENTS_PER_OBJECT])))
        files.append(path)
    return files


def main() -> None:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    template = load_template(Path("sam/analytics/template.yaml"), {"OrdersBusName": "bench"})
    [table] = [r["Properties"]["TableInput"] for r in template.of_type("AWS::Glue::Table").values()]
    queries = named_queries(template)
    for orders in ORDERS:
        with tempfile.TemporaryDirectory() as folder:
            files = _write(_events(orders), Path(folder))
            size = sum(f.stat().st_size for f in files)

            def baseline(files: list[Path] = files) -> int:
                return sum(
                    len([json.loads(line) for line in gzip.decompress(f.read_bytes()).splitlines()])
                    for f in files
                )

            def report(files: list[Path] = files) -> None:
                with connect([(table, files)]) as connection:
                    for query in queries:
                        run_query(connection, query)

            base, ours = median_seconds(baseline, RUNS), median_seconds(report, RUNS)
            print(
                f"{orders:>7,} orders, {orders * len(STEPS):,} events, {size / 1e6:.1f} MB gzipped"
            )
            print(f"  baseline: gzip + json.loads of every event   {base * 1000:8.1f} ms")
            print(
                f"  5 named queries on DuckDB (sqlglot)          {ours * 1000:8.1f} ms  "
                f"({ours / base:.2f}x the baseline)"
            )


if __name__ == "__main__":
    main()
