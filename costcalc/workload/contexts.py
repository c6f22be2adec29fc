"""Optional bounded contexts priced on top of a design: today, analytics (``--with analytics``).

A context is a data file under ``costcalc/data/contexts/`` (``<name>.yaml``) checked with the
profiles' shape checker. ``costcalc compare --usage FILE`` documents naming ``context:
analytics`` instead of a ``design`` override its figures, key by key. Schema (version 1)::

    schema: 1
    context: analytics
    title: Analytics: ...
    firehose: {record_kb: 0.45, buffer_seconds: 300, buffer_mb: 64}
    lake: {compression: 0.13, retention_months: 24}
    queries: {per_month: 150, months_scanned: 1}

How the analytics context meters, per month at ``orders`` orders (``events`` is the design's
average events per order over the path mix, every one delivered to Firehose):

- Firehose: ``orders x events`` records of ``record_kb``, each billed in 5 KB increments.
- S3 storage: raw KB x ``compression`` x ``retention_months`` GB-months (steady state, once the
  lifecycle rule expires as much as arrives).
- S3 PUTs: one object per buffer interval (``730 h x 3600 / buffer_seconds``, fixed) plus one per
  ``buffer_mb`` of raw records. The sum bounds Firehose's "whichever comes first" from above.
- Athena: each query scans ``months_scanned`` months of compressed events, billed per TB, plus
  its 10 MB minimum. Scan + 10 MB bounds AWS's max(scan, 10 MB) from above by at most 10 MB a
  query (0.0075 USD a month at 150 queries), which keeps the month linear in orders.
- S3 GETs: each query reads every object of the months it scans.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, localcontext
from pathlib import Path
from typing import Any

from costcalc.errors import UsageError
from costcalc.pricing import services
from costcalc.pricing.bill import PRECISION, Usage
from costcalc.workload.metering import Key, Workload
from costcalc.workload.path_mix import PathMix
from costcalc.workload.profiles import ProfileError, check_document, merge_documents, read_documents

CONTEXT_DIR = Path(__file__).parent.parent / "data" / "contexts"
CONTEXTS = ("analytics",)
SCHEMA_VERSION = 1
HOURS_PER_MONTH = Decimal(730)  # AWS's monthly hours
_KB_PER_GB = Decimal(1024) ** 2
_KB_PER_MB = Decimal(1024)
_MB_PER_TB = Decimal(1024) ** 2
#: One line for the report's assumptions; the module docstring has the whole rule.
ANALYTICS_METERING = (
    "every order event is a Firehose record (5 KB increments); S3 holds the gzipped events for "
    "retention_months; PUTs = one object per buffer interval + one per buffer_mb, and each query "
    "bills its scan + 10 MB: both upper bounds of AWS's max(), keeping the month linear"
)
_N, _T, _C = "number", "text", "count"
SCHEMA: dict[str, Any] = {
    "schema": _C,
    "context": _T,
    "title": _T,
    "firehose": {"record_kb": _N, "buffer_seconds": _N, "buffer_mb": _N},
    "lake": {"compression": _N, "retention_months": _N},
    "queries": {"per_month": _C, "months_scanned": _N},
}


@dataclass(frozen=True)
class Context:
    """A validated context: its figures and the files they came from."""

    name: str
    title: str
    settings: dict[str, Any]
    sources: tuple[str, ...]

    def figure(self, dotted: str) -> Decimal:
        value: Any = self.settings
        for part in dotted.split("."):
            value = value[part]
        return Decimal(value)


def load_context(name: str, usage_files: list[Path] | None = None) -> Context:
    """The bundled context ``name`` with the ``context: name`` documents of ``usage_files``."""
    if name not in CONTEXTS:
        raise UsageError(f"--with {name!r}: unknown context; accepted: {', '.join(CONTEXTS)}")
    [document] = list(read_documents(CONTEXT_DIR / f"{name}.yaml"))
    sources = [document.source]
    for path in usage_files or []:
        for override in read_documents(path):
            if override.value.get("context") != name:
                continue
            check_document(override, SCHEMA, partial=True)
            merge_documents(document, override)
            sources.append(override.source)
    check_document(document, SCHEMA, partial=False)
    if document.value["schema"] != SCHEMA_VERSION:
        raise ProfileError(
            f"{document.where['schema']}: schema: {document.value['schema']} is not "
            f"{SCHEMA_VERSION}"
        )
    for key in ("firehose.buffer_seconds", "firehose.buffer_mb", "lake.compression"):
        section, field = key.split(".")
        if document.value[section][field] == 0:
            raise ProfileError(f"{document.where[key]}: {key}: must be > 0")
    return Context(name, document.value["title"], document.value, tuple(sources))


def with_analytics(load: Workload, context: Context, mix: PathMix) -> Workload:
    """``load`` plus the analytics context's quantities for the design's events per order."""
    events = sum(
        (rate * load.profile.paths[path].events for path, rate in mix.rates.items()),
        Decimal(0),
    )
    figure = context.figure
    per_order: dict[Key, Decimal] = dict(load.per_order)
    fixed: dict[Key, Decimal] = dict(load.fixed)
    with localcontext() as precision:
        precision.prec = PRECISION
        raw_kb = events * figure("firehose.record_kb")
        stored_kb = raw_kb * figure("lake.compression")
        size_objects = raw_kb / (figure("firehose.buffer_mb") * _KB_PER_MB)
        interval_objects = HOURS_PER_MONTH * 3600 / figure("firehose.buffer_seconds")
        queries = figure("queries.per_month")
        scanned = figure("queries.months_scanned")
        per_query_mb = stored_kb / _KB_PER_MB * scanned
        one_record = _meter(services.add_firehose, records=Decimal(1),
                            record_size_kb=figure("firehose.record_kb"))  # fmt: skip
        _add(per_order, one_record, events)
        _add(per_order, {("s3", "standard-storage"): stored_kb / _KB_PER_GB}, figure(
            "lake.retention_months"))  # fmt: skip
        _add(per_order, {("s3", "put-requests"): size_objects}, Decimal(1))
        _add(per_order, {("s3", "get-requests"): size_objects * scanned * queries}, Decimal(1))
        _add(per_order, {("athena", "data-scanned"): per_query_mb / _MB_PER_TB}, queries)
        _add(fixed, {("s3", "put-requests"): interval_objects}, Decimal(1))
        _add(fixed, {("s3", "get-requests"): interval_objects * scanned * queries}, Decimal(1))
        minimum = _meter(services.add_athena, queries=queries, scanned_mb_per_query=Decimal(0))
        _add(fixed, minimum, Decimal(1))
    return Workload(load.profile, per_order, fixed)


def _meter(add: Any, **figures: Any) -> dict[Key, Decimal]:
    usage = Usage()
    add(usage, **figures)
    return dict(usage.quantities)


def _add(target: dict[Key, Decimal], quantities: dict[Key, Decimal], times: Decimal) -> None:
    for key, quantity in quantities.items():
        target[key] = target.get(key, Decimal(0)) + quantity * times
