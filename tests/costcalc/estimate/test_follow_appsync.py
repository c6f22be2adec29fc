"""AppSync GraphQL APIs followed and billed: each root field an entry point billed as AppSync
requests, what its data source reaches billed behind it, what no definition says listed."""

from __future__ import annotations

import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.errors import UsageError
from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.follow import Followed
from costcalc.estimate.usage_file import UsageFile
from tests.costcalc.estimate.test_appsync import API, _resolver

FUNCTION = """\
  Fn:
    Type: AWS::Lambda::Function
    Properties: {Runtime: python3.12, Handler: a.h, Role: arn:aws:iam::1:role/r,
                 Code: {ZipFile: x}}
  FnSource:
    Type: AWS::AppSync::DataSource
    Properties:
      ApiId: !GetAtt Api.ApiId
      Name: FnSource
      Type: AWS_LAMBDA
      LambdaConfig: {LambdaFunctionArn: !GetAtt Fn.Arn}
"""
BODY = (
    _resolver("Get", "Query.getNote", "NotesSource", '{"operation": "GetItem"}')
    + _resolver("Save", "Mutation.saveNote", "NotesSource", '{"operation": "PutItem"}')
    + FUNCTION
    + _resolver("Ask", "Query.ask", "FnSource", "")
)
Usage = dict[str, dict[str, object]]


def _followed(tmp_path: Path, body: str = BODY, usage: Usage | None = None) -> Followed:
    path = tmp_path / "template.yaml"
    path.write_text(f"Resources:\n{API}{body}")
    given = UsageFile(tmp_path / "u.yml", usage or {})
    return estimate_source(path, Decimal(1000), given, samconfig=False).estimates[0].followed


def _billed(followed: Followed) -> dict[tuple[str, str, str], Decimal]:
    found: dict[tuple[str, str, str], Decimal] = {}
    for c in followed.charges:
        key = (c.workflow, c.resource, c.item)
        found[key] = found.get(key, Decimal(0)) + c.monthly
    return found


def test_each_root_field_is_an_entry_point_hit_once_per_unit_and_billed_as_appsync_requests(
    tmp_path: Path,
) -> None:
    followed = _followed(tmp_path)

    assert {(e.workflow, e.kind, e.monthly, e.label) for e in followed.entries} == {
        (f"Api {f}", "GraphQL resolver", Decimal(1000), "default")
        for f in ("Query.getNote", "Mutation.saveNote", "Query.ask")
    }
    billed = _billed(followed)
    assert billed["Api Query.getNote", "Api", "requests"] == 1000
    assert billed["Api Query.getNote", "Notes", "read-request-units"] == 1000
    assert billed["Api Mutation.saveNote", "Notes", "write-request-units"] == 1000
    assert billed["Api Query.ask", "Fn", "requests-x86"] == 1000
    assert "Api.requests_per_unit.Query.ask" in {d.key for d in followed.defaults}


def test_a_function_behind_a_resolver_is_invoked_by_it_not_listed_as_started_elsewhere(
    tmp_path: Path,
) -> None:
    followed = _followed(tmp_path)

    assert "Fn.invocations_per_unit" not in {u.key for u in followed.unknowns}
    assert "Fn" not in {e.resource for e in followed.entries}


def test_the_usage_file_gives_requests_per_field(tmp_path: Path) -> None:
    usage: Usage = {"Api": {"requests_per_unit": {"Query.getNote": 3}}}
    followed = _followed(tmp_path, usage=usage)

    billed = _billed(followed)
    assert billed["Api Query.getNote", "Api", "requests"] == 3000
    assert billed["Api Query.getNote", "Notes", "read-request-units"] == 3000


def test_a_usage_key_naming_no_resolver_is_refused_naming_it(tmp_path: Path) -> None:
    usage: Usage = {"Api": {"requests_per_unit": {"Query.getNotes": 3}}}
    with pytest.raises(UsageError, match=r'Api.requests_per_unit."Query.getNotes": no resolver'):
        _followed(tmp_path, usage=usage)


def test_a_table_operation_not_written_literally_is_unknown_until_the_usage_file_gives_it(
    tmp_path: Path,
) -> None:
    body = _resolver("List", "Query.list", "NotesSource", "{}")
    unknown = _followed(tmp_path, body)

    assert {u.key for u in unknown.unknowns} >= {
        "Api.reads_per_request.Query.list",
        "Api.writes_per_request.Query.list",
    }
    assert ("Api Query.list", "Notes", "read-request-units") not in _billed(unknown)

    given: Usage = {"Api": {"reads_per_request": {"Query.list": 2}}}
    billed = _billed(_followed(tmp_path, body, given))
    assert billed["Api Query.list", "Notes", "read-request-units"] == 2000
    assert ("Api Query.list", "Notes", "write-request-units") not in billed


def test_real_time_updates_are_unknown_where_the_schema_has_subscriptions_and_billed_when_given(
    tmp_path: Path,
) -> None:
    schema = """\
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties:
      ApiId: !GetAtt Api.ApiId
      Definition: 'type Mutation { a: Int } type Subscription { b: Int @aws_subscribe }'
"""
    keys = {"Api.realtime_updates_per_unit", "Api.connection_minutes_per_unit"}
    assert keys <= {u.key for u in _followed(tmp_path, BODY + schema).unknowns}

    usage: Usage = {"Api": {"realtime_updates_per_unit": 5, "connection_minutes_per_unit": 30}}
    followed = _followed(tmp_path, BODY + schema, usage)
    billed = _billed(followed)
    assert billed["Api real-time", "Api", "realtime-updates"] == 5000
    assert billed["Api real-time", "Api", "connection-minutes"] == 30000
    assert not keys & {u.key for u in followed.unknowns}


def test_a_schema_without_subscriptions_lists_no_real_time_unknowns(tmp_path: Path) -> None:
    schema = """\
  Schema:
    Type: AWS::AppSync::GraphQLSchema
    Properties: {ApiId: !GetAtt Api.ApiId, Definition: 'type Query { a: Int }'}
"""
    unknowns = {u.key for u in _followed(tmp_path, BODY + schema).unknowns}
    assert "Api.realtime_updates_per_unit" not in unknowns


def test_the_cli_refuses_a_resolver_naming_a_missing_data_source_in_one_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(f"Resources:\n{API}" + _resolver("Lost", "Query.q", "Gone", "{}"))
    result = subprocess.run(
        [sys.executable, "-m", "costcalc", "estimate", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stdout) == (2, "")
    [line] = [x for x in result.stderr.splitlines() if "reading" not in x]
    assert "Lost (Query.q): DataSourceName 'Gone' names no AWS::AppSync::DataSource" in line
