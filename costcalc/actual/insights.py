"""Lambda's INIT, read from the REPORT lines with CloudWatch Logs Insights.

CloudWatch has no metric for a cold start: Lambda writes ``Init Duration`` only on the REPORT
line of an invocation that started a new execution environment. One query per batch of 50 log
groups (StartQuery's limit) counts each function's REPORT lines, those with an INIT and the
INIT's total; it is polled until it ends, then its results are read page by page. Logs
Insights bills the bytes it scans, which is why ``--no-init`` skips it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from costcalc.actual.aws import Clients
from costcalc.actual.resources import Resource
from costcalc.actual.window import Window
from orderflow_definitions.cli import progress

QUERY = (
    'filter @type = "REPORT" | stats count(*) as reports, count(@initDuration) as cold_starts, '
    "sum(@initDuration) as init_ms by @log"
)
GROUPS_PER_QUERY = 50  # StartQuery's limit of log groups
POLL_SECONDS = 1.0
MAX_POLLS = 300  # five minutes of a query still running: given up on, said in the notes
_RUNNING = ("Scheduled", "Running")


@dataclass(frozen=True)
class Inits:
    """Per function (the estimate's name): REPORT lines, those with an INIT, the INIT's total."""

    reports: Mapping[str, Decimal]
    cold_starts: Mapping[str, Decimal]
    init_ms: Mapping[str, Decimal]
    notes: tuple[str, ...] = ()


def inits(
    clients: Clients,
    functions: Sequence[Resource],
    window: Window,
    sleep: Callable[[float], None] = time.sleep,
) -> Inits:
    """The REPORT lines' counts and INIT totals of ``functions`` in the window."""
    by_group = {f"/aws/lambda/{function.physical}": function.name for function in functions}
    groups = list(by_group)
    reports: dict[str, Decimal] = {}
    cold: dict[str, Decimal] = {}
    init_ms: dict[str, Decimal] = {}
    notes: list[str] = []
    for first in range(0, len(groups), GROUPS_PER_QUERY):
        batch = groups[first : first + GROUPS_PER_QUERY]
        progress(
            f"costcalc actual: querying Logs Insights for the INIT of {len(batch)} functions "
            f"({window}) ..."
        )
        logs = clients("logs")  # asked for only when there is a function to query
        started = logs.start_query(
            logGroupNames=batch,
            startTime=int(window.start.timestamp()),
            endTime=int(window.end.timestamp()),
            queryString=QUERY,
        )
        rows, status = _results(logs, started["queryId"], sleep)
        if status != "Complete":
            notes.append(
                f"Logs Insights query {started['queryId']} ended {status}: INIT not measured for "
                f"{', '.join(by_group[group] for group in batch)}"
            )
            continue
        for row in rows:
            group = row["@log"].partition(":")[2]  # "ACCOUNT:/aws/lambda/NAME"
            if group not in by_group:
                continue
            name = by_group[group]
            reports[name] = Decimal(row.get("reports", "0"))
            cold[name] = Decimal(row.get("cold_starts", "0"))
            init_ms[name] = Decimal(row.get("init_ms") or "0")
    return Inits(reports, cold, init_ms, tuple(notes))


def _results(
    logs: Any, query_id: str, sleep: Callable[[float], None]
) -> tuple[list[dict[str, str]], str]:
    """Polled until the query ends, then every page; each row as ``{field: value}``."""
    answer = logs.get_query_results(queryId=query_id)
    for _ in range(MAX_POLLS):
        if answer["status"] not in _RUNNING:
            break
        sleep(POLL_SECONDS)
        answer = logs.get_query_results(queryId=query_id)
    else:
        return [], f"{answer['status']} after {MAX_POLLS * POLL_SECONDS:.0f} s"
    if answer["status"] != "Complete":
        return [], answer["status"]
    return list(_rows(logs, query_id, answer)), "Complete"


def _rows(logs: Any, query_id: str, answer: Mapping[str, Any]) -> Iterator[dict[str, str]]:
    while True:
        for fields in answer["results"]:
            yield {field["field"]: field["value"] for field in fields}
        token = answer.get("nextToken")
        if not token:
            return
        answer = logs.get_query_results(queryId=query_id, nextToken=token)
