"""The reports are read from the SAM template that declares them: one source for SQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from pulumi_program import ROOT

from orderflow_infra.named_queries import NamedQueryError, named_queries
from orderflow_localrun.analytics.lake import named_queries as local_queries
from orderflow_localrun.template import load_template

TEMPLATE = ROOT / "sam/analytics/template.yaml"


def test_the_queries_are_those_the_local_runner_runs_on_duckdb_in_template_order(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")  # the SAM transform needs a region
    local = local_queries(load_template(TEMPLATE, {"OrdersBusName": "orders"}))

    assert [(q.name, q.description, q.sql) for q in named_queries(TEMPLATE)] == [
        (q.name, q.description, q.sql) for q in local
    ]


def test_each_query_is_named_after_its_logical_id_in_kebab_case() -> None:
    assert [q.resource_name for q in named_queries(TEMPLATE)] == [
        "orders-per-hour-query",
        "outcome-rates-query",
        "time-to-accept-query",
        "time-to-complete-query",
        "revenue-per-restaurant-query",
    ]


def test_a_query_whose_sql_is_not_written_out_is_refused_by_its_logical_id(
    tmp_path: Path,
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n"
        "  CountQuery:\n"
        "    Type: AWS::Athena::NamedQuery\n"
        "    Properties:\n"
        "      Name: count\n"
        "      Database: !Ref AnalyticsDatabase\n"
        "      QueryString: !Sub SELECT count(*) FROM ${Table}\n"
    )

    with pytest.raises(NamedQueryError, match="CountQuery: Name and QueryString must be literal"):
        named_queries(template)


def test_a_template_without_named_queries_is_refused(tmp_path: Path) -> None:
    template = tmp_path / "template.yaml"
    template.write_text("Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n")

    with pytest.raises(NamedQueryError, match="no AWS::Athena::NamedQuery resource"):
        named_queries(template)
