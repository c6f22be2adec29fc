"""Named queries on DuckDB: translated by sqlglot, over tables shaped by the Glue table."""

from __future__ import annotations

import gzip
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import boto3
import pytest
from stack_helpers import ROOT

from orderflow_definitions.errors import DefinitionError
from orderflow_localrun import LocalRunner
from orderflow_localrun.analytics.lake import (
    NamedQuery,
    QueryTranslationError,
    connect,
    named_queries,
    run_query,
    table_sql,
    to_duckdb,
)
from orderflow_localrun.template import load_template

PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
ANALYTICS = ROOT / "sam/analytics/template.yaml"
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
TEMPLATE = load_template(ANALYTICS, {"OrdersBusName": "orders-orders"})
QUERIES = named_queries(TEMPLATE)
[TABLE] = [r["Properties"]["TableInput"] for r in TEMPLATE.of_type("AWS::Glue::Table").values()]


def _event(detail_type: str, order_id: str, at: str, **detail: Any) -> dict[str, Any]:
    return {
        "version": "0",
        "id": f"{order_id}-{detail_type}",
        "detail-type": detail_type,
        "source": "orderflow.orders",
        "account": "123456789012",
        "time": at,
        "region": "us-east-1",
        "resources": [],
        "detail": {
            "version": "1",
            "order_id": order_id,
            "occurred_at": at,
            "correlation_id": "c-1",
            "restaurant_id": "pizza-1",
            **detail,
        },
    }


@pytest.fixture
def lake(tmp_path: Path) -> list[Path]:
    """One day's object: an order placed, accepted 30 s later and completed 10 min after."""
    folder = tmp_path / f"events/dt={date.today().isoformat()}"
    folder.mkdir(parents=True)
    events = [
        _event(
            "order_placed",
            "o-1",
            "2026-01-02T10:00:00.000000+00:00",
            items=[{"name": "margherita", "quantity": 2, "unit_price": "9.50"}],
            total="19.00",
        ),
        _event("order_accepted", "o-1", "2026-01-02T10:00:30.000000+00:00"),
        _event("order_completed", "o-1", "2026-01-02T10:10:30.000000+00:00"),
    ]
    path = folder / "part-1.gz"
    path.write_bytes(gzip.compress(b"".join(json.dumps(e).encode() + b"\n" for e in events)))
    return [path]


def test_the_template_declares_the_five_reports() -> None:
    assert [q.name for q in QUERIES] == [
        "orders-per-hour",
        "outcome-rates",
        "time-to-accept",
        "time-to-complete",
        "revenue-per-restaurant",
    ]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: q.name)
def test_every_named_query_translates_and_runs_on_duckdb(
    query: NamedQuery, lake: list[Path]
) -> None:
    with connect([(TABLE, lake)]) as connection:
        result = run_query(connection, query)
    assert result.rows, f"{query.name} returned nothing over a day with one completed order"


def test_the_table_reads_json_keys_through_the_serde_mapping_and_types_the_detail(
    lake: list[Path],
) -> None:
    by_name = {q.name: q for q in QUERIES}
    with connect([(TABLE, lake)]) as connection:
        [accept] = run_query(connection, by_name["time-to-accept"]).as_dicts()
        [complete] = run_query(connection, by_name["time-to-complete"]).as_dicts()
        [revenue] = run_query(connection, by_name["revenue-per-restaurant"]).as_dicts()
    assert (accept["orders_accepted"], accept["max_seconds"]) == (1, 30)
    assert complete["max_seconds"] == 600
    assert (revenue["restaurant_id"], str(revenue["revenue"])) == ("pizza-1", "19.00")


def test_a_query_sqlglot_cannot_parse_is_refused_naming_it() -> None:
    broken = NamedQuery("broken-report", "", "SELECT FROM WHERE", None)
    with pytest.raises(QueryTranslationError, match="query broken-report: sqlglot cannot"):
        to_duckdb(broken)


def test_trino_syntax_sqlglot_passes_through_but_duckdb_lacks_is_refused_naming_it(
    lake: list[Path],
) -> None:
    trino_only = NamedQuery(
        "pattern-report",
        "",
        "SELECT * FROM order_events MATCH_RECOGNIZE (ORDER BY time MEASURES A.id AS x "
        "PATTERN (A B+) DEFINE B AS B.id > A.id)",
        None,
    )
    with (
        connect([(TABLE, lake)]) as connection,
        pytest.raises(QueryTranslationError, match="query pattern-report: DuckDB cannot run"),
    ):
        run_query(connection, trino_only)


def test_only_json_serde_tables_are_read() -> None:
    parquet = {
        **TABLE,
        "StorageDescriptor": {
            **TABLE["StorageDescriptor"],
            "SerdeInfo": {
                "SerializationLibrary": PARQUET_SERDE,
            },
        },
    }
    with pytest.raises(DefinitionError, match="only JSON SerDe tables run locally"):
        table_sql(parquet, [])


def test_a_stack_beside_another_gets_its_own_names_and_the_given_parameters(
    choreography: LocalRunner,
) -> None:
    bus = choreography.deployment.outputs["OrdersBusName"]
    beside = choreography.deploy_beside(
        "sam/analytics/template.yaml", {"OrdersBusName": bus}, "reports"
    )
    assert beside.names.stack_name == "reports"
    assert beside.outputs["WorkGroupName"] == "reports-reports"
    rules = boto3.client("events").list_rules(EventBusName=bus)["Rules"]
    assert "reports-OrderEventsRule" in {r["Name"] for r in rules}
    assert choreography.neighbours == {"reports": beside}


def test_outcome_rates_count_an_overdue_order_among_the_accepted_ones(tmp_path: Path) -> None:
    """Two orders accepted, one of them past its deadline before it was completed late."""
    folder = tmp_path / f"events/dt={date.today().isoformat()}"
    folder.mkdir(parents=True)
    at = "2026-01-02T10:00:00.000000+00:00"
    events = [
        _event(kind, order_id, at, items=[], total="0")
        for order_id in ("o-1", "o-2")
        for kind in ("order_placed", "order_accepted", "order_completed")
    ] + [_event("order_overdue", "o-2", at, deadline_seconds=7200)]
    path = folder / "part-1.gz"
    path.write_bytes(gzip.compress(b"".join(json.dumps(e).encode() + b"\n" for e in events)))
    by_name = {q.name: q for q in QUERIES}
    with connect([(TABLE, [path])]) as connection:
        [rates] = run_query(connection, by_name["outcome-rates"]).as_dicts()
    assert (rates["orders_placed"], rates["completed"]) == (2, 2)
    assert (float(rates["accepted_pct"]), float(rates["overdue_pct"])) == (100.0, 50.0)
    assert float(rates["waiting_pct"]) == 0.0
