"""Athena, locally: a stack's named queries on DuckDB over what its Firehose wrote to S3.

The SQL is read from the template's `AWS::Athena::NamedQuery` resources (written once, in
Athena's Trino dialect) and translated by sqlglot; a query it cannot translate is refused by
name. Each table of the query's Glue database becomes a DuckDB table loaded from a local copy of
the table's S3 objects, typed from the Glue columns and honouring the JSON SerDe's column mappings
(`mapping.detail_type: detail-type`) and the Hive-style partition folders (`dt=2026-11-24/`).
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import duckdb
import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, SqlglotError

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.intrinsics import resolve
from orderflow_localrun.deploy import Deployment
from orderflow_localrun.template import TransformedTemplate

_ATHENA = "athena"
_DUCKDB = "duckdb"


class QueryTranslationError(DefinitionError):
    """sqlglot cannot translate a named query to DuckDB; the message names the query (a
    definition the runner cannot use, reported as every other)."""


@dataclass(frozen=True)
class NamedQuery:
    name: str
    description: str
    sql: str
    database: Any  # as the template says it (usually a Ref to the Glue database)


@dataclass(frozen=True)
class QueryResult:
    query: NamedQuery
    columns: list[str]
    rows: list[tuple[Any, ...]]

    def as_dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def named_queries(template: TransformedTemplate) -> list[NamedQuery]:
    """The template's named queries, in template order."""
    queries = []
    for logical_id, resource in template.of_type("AWS::Athena::NamedQuery").items():
        properties = resource["Properties"]
        fields = (properties.get("Name"), properties.get("QueryString"))
        if not all(isinstance(f, str) for f in fields):
            raise DefinitionError(f"{logical_id}: Name and QueryString must be literal strings")
        queries.append(
            NamedQuery(
                name=properties["Name"],
                description=str(properties.get("Description", "")),
                sql=properties["QueryString"],
                database=properties.get("Database"),
            )
        )
    return queries


def to_duckdb(query: NamedQuery) -> str:
    """The query in DuckDB's dialect; QueryTranslationError if sqlglot cannot translate it."""
    try:
        statements = sqlglot.transpile(
            query.sql, read=_ATHENA, write=_DUCKDB, unsupported_level=ErrorLevel.RAISE, pretty=True
        )
    except SqlglotError as error:
        first_line = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise QueryTranslationError(
            f"query {query.name}: sqlglot cannot translate it from Athena SQL to DuckDB: "
            f"{first_line}"
        ) from None
    if len(statements) != 1:
        raise QueryTranslationError(
            f"query {query.name}: holds {len(statements)} statements; a named query runs one"
        )
    return statements[0]


def _duckdb_type(hive_type: str) -> str:
    return exp.DataType.build(hive_type, dialect="hive").sql(_DUCKDB)


def _quoted(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _split_s3(location: str) -> tuple[str, str]:
    if not location.startswith("s3://"):
        raise DefinitionError(f"table location {location!r}: only s3:// locations run locally")
    bucket, _, prefix = location[len("s3://") :].partition("/")
    return bucket, prefix


def table_sql(table: dict[str, Any], files: list[Path]) -> str:
    """DuckDB SQL loading `files` (JSON lines, any compression) as the Glue `table` reads them.

    Loaded once into a table rather than a view, so the queries do not each parse the JSON again.
    """
    storage = table["StorageDescriptor"]
    serde = storage.get("SerdeInfo", {})
    if "JsonSerDe" not in serde.get("SerializationLibrary", ""):
        raise DefinitionError(f"table {table['Name']}: only JSON SerDe tables run locally")
    mappings = {
        key.removeprefix("mapping."): value
        for key, value in serde.get("Parameters", {}).items()
        if key.startswith("mapping.")
    }
    columns = storage["Columns"]
    partitions = table.get("PartitionKeys", [])
    json_columns = ", ".join(
        f"{_literal(mappings.get(c['Name'], c['Name']))}: {_literal(_duckdb_type(c['Type']))}"
        for c in columns
    )
    hive_types = ", ".join(
        f"{_literal(p['Name'])}: {_literal(_duckdb_type(p['Type']))}" for p in partitions
    )
    selected = ", ".join(
        [f"{_quoted(mappings.get(c['Name'], c['Name']))} AS {_quoted(c['Name'])}" for c in columns]
        + [_quoted(p["Name"]) for p in partitions]
    )
    file_list = ", ".join(_literal(str(f)) for f in files)
    partitioning = (
        ", hive_partitioning = true, hive_types = {" + hive_types + "}" if partitions else ""
    )
    return (
        f"CREATE TABLE {_quoted(table['Name'])} AS SELECT {selected} FROM read_json([{file_list}], "
        "format = 'newline_delimited', columns = {" + json_columns + "}" + partitioning + ")"
    )


def _download(location: str, into: Path, region: str) -> list[Path]:
    bucket, prefix = _split_s3(location)
    s3 = boto3.client("s3", region_name=region)
    files = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents", []):
            target = into / bucket / item["Key"]
            target.parent.mkdir(parents=True, exist_ok=True)
            s3.download_file(bucket, item["Key"], str(target))
            files.append(target)
    return sorted(files)


@contextmanager
def connect(tables: list[tuple[dict[str, Any], list[Path]]]) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection in UTC (as Athena runs) with each Glue table loaded from its files."""
    connection = duckdb.connect()
    try:
        connection.execute("SET TimeZone = 'UTC'")
        for table, files in tables:
            connection.execute(table_sql(table, files))
        yield connection
    finally:
        connection.close()


@contextmanager
def local_athena(database: str, region: str) -> Iterator[duckdb.DuckDBPyConnection]:
    """`connect` over every table of the Glue `database`, its objects copied from (moto's) S3.

    The copies live in a temporary folder for the connection's lifetime. A table with no objects
    yet raises DefinitionError naming its location.
    """
    glue = boto3.client("glue", region_name=region)
    with tempfile.TemporaryDirectory(prefix="localrun-lake-") as folder:
        tables = []
        for table in glue.get_tables(DatabaseName=database)["TableList"]:
            location = table["StorageDescriptor"]["Location"]
            files = _download(location, Path(folder), region)
            if not files:
                raise DefinitionError(
                    f"table {database}.{table['Name']}: no objects under {location} yet"
                )
            tables.append((dict(table), files))
        with connect(tables) as connection:
            yield connection


def run_query(connection: duckdb.DuckDBPyConnection, query: NamedQuery) -> QueryResult:
    """Translate `query` and run it; QueryTranslationError, naming it, if either step fails.

    sqlglot passes some Trino-only syntax through unchanged (MATCH_RECOGNIZE, for one), so a
    query is only known to work locally once DuckDB has run its translation.
    """
    sql = to_duckdb(query)
    try:
        cursor = connection.execute(sql)
        columns = [d[0] for d in cursor.description or []]
        return QueryResult(query, columns, cursor.fetchall())
    except duckdb.Error as error:
        first_line = str(error).splitlines()[0]
        raise QueryTranslationError(
            f"query {query.name}: DuckDB cannot run its translation: {first_line}"
        ) from None


def run_named_queries(template: TransformedTemplate, deployment: Deployment) -> list[QueryResult]:
    """Run every named query of the deployed analytics stack on DuckDB, in template order."""
    queries = named_queries(template)
    for query in queries:
        to_duckdb(query)  # refuse an untranslatable query before copying any data
    by_database: dict[str, list[NamedQuery]] = {}
    for query in queries:
        by_database.setdefault(str(resolve(query.database, deployment.names)), []).append(query)
    results: dict[str, QueryResult] = {}
    for database, members in sorted(by_database.items()):
        with local_athena(database, deployment.names.region) as connection:
            for query in members:
                results[query.name] = run_query(connection, query)
    return [results[query.name] for query in queries]
