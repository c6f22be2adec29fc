"""AWS billing rules per service: from the figures a user knows to the quantities AWS bills.

Each ``add_<service>`` function validates its figures (raising :class:`UsageError` with a
one-line message naming the value and what is accepted), applies the service's metering rules
(duration rounding, 64 KB chunks, 512 KB HTTP API increments, 64 MB Express memory steps...) and
adds the resulting monthly quantities to a :class:`~costcalc.pricing.bill.Usage`. Call several
of them on one ``Usage`` (for example one ``add_lambda`` per function) and price it once with
:func:`costcalc.pricing.bill.price_usage`, so volume tiers apply to the month's total.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_CEILING, Decimal

from costcalc.errors import UsageError
from costcalc.pricing.bill import Usage

#: Largest monthly volume accepted (a million billion): above it a figure is a typo, not a plan.
MAX_VOLUME = Decimal(10) ** 15

ARCHITECTURES = ("x86_64", "arm64")
LAMBDA_MEMORY_MB = (128, 10_240)
LAMBDA_EPHEMERAL_MB = (512, 10_240)
LAMBDA_MAX_DURATION_MS = 900_000
LAMBDA_MAX_INIT_MS = 10_000
EXPRESS_MAX_DURATION_MS = 300_000
#: EventBridge events and SQS messages take payloads up to 1 MB since 2026-01-29 (AWS Compute
#: Blog, "More room to build", 2026-01-29); each 64 KB chunk is still billed as one.
EVENT_MAX_KB = 1024
#: SNS delivery protocols with a sourced price, and the catalogue item each bills under.
SNS_PROTOCOLS = {
    "http": "deliveries-http",
    "https": "deliveries-http",
    "email": "deliveries-email",
    "email-json": "deliveries-email",
    "sqs": "deliveries-sqs",
    "lambda": "deliveries-lambda",
}
FIREHOSE_MAX_RECORD_KB = 1000  # Firehose's largest record (1,000 KiB)
ATHENA_MINIMUM_MB = Decimal(10)  # Athena bills at least 10 MB per query
_THOUSAND = Decimal(1000)
_KB_PER_GB = Decimal(1024)


def add_lambda(
    usage: Usage,
    *,
    requests: Decimal,
    duration_ms: Decimal,
    memory_mb: Decimal,
    arch: str = "x86_64",
    ephemeral_storage_mb: Decimal = Decimal(512),
    cold_start_rate: Decimal = Decimal(0),
    init_duration_ms: Decimal = Decimal(0),
) -> None:
    """On-demand invocations of one function configuration.

    Duration is rounded up to 1 ms and billed per GB-second of configured memory. Since
    1 August 2025 the INIT phase is billed as duration too: ``cold_start_rate`` of the requests
    each add ``init_duration_ms`` (rounded up to 1 ms). Ephemeral storage above 512 MB is billed
    per GB-second over the same billed time.
    """
    requests = _count("--requests", requests)
    duration = _ceil(_within("--duration-ms", duration_ms, Decimal(0), LAMBDA_MAX_DURATION_MS))
    if duration == 0:
        raise UsageError(f"--duration-ms {duration_ms}: must be > 0 (Lambda bills at least 1 ms)")
    memory = _whole_within("--memory-mb", memory_mb, *LAMBDA_MEMORY_MB)
    storage = _whole_within("--ephemeral-storage-mb", ephemeral_storage_mb, *LAMBDA_EPHEMERAL_MB)
    if arch not in ARCHITECTURES:
        raise UsageError(f"--arch {arch!r}: accepted values are {', '.join(ARCHITECTURES)}")
    rate = _within("--cold-start-rate", cold_start_rate, Decimal(0), 1)
    init = _ceil(_within("--init-duration-ms", init_duration_ms, Decimal(0), LAMBDA_MAX_INIT_MS))
    if rate > 0 and init == 0:
        raise UsageError(f"--cold-start-rate {cold_start_rate} needs --init-duration-ms > 0")

    suffix = "x86" if arch == "x86_64" else "arm64"
    gigabytes = memory / _KB_PER_GB
    invoke_seconds = requests * duration / _THOUSAND
    init_seconds = requests * rate * init / _THOUSAND
    usage.add("lambda", f"requests-{suffix}", requests)
    usage.add("lambda", f"duration-{suffix}", (invoke_seconds + init_seconds) * gigabytes)
    if init_seconds > 0:
        usage.notes.append(
            f"lambda: duration-{suffix} includes {(init_seconds * gigabytes).normalize():,f} "
            "GB-s of INIT "
            f"({rate} of requests are cold starts of {init} ms; INIT is billed since 2025-08-01)"
        )
    if storage > 512:
        extra_gb = (storage - 512) / _KB_PER_GB
        usage.add("lambda", "ephemeral-storage", (invoke_seconds + init_seconds) * extra_gb)


def add_stepfunctions_standard(usage: Usage, *, transitions: Decimal) -> None:
    """Standard workflows: every state transition, retries included, is billed."""
    usage.add("stepfunctions", "state-transitions", _count("--transitions", transitions))


def add_stepfunctions_express(
    usage: Usage, *, requests: Decimal, duration_ms: Decimal, memory_mb: Decimal = Decimal(64)
) -> None:
    """Express workflows: requests, plus duration (100 ms steps) x memory (64 MB steps).

    Express memory use is not configured but estimated (50 MB + definition + payload; the
    default 64 MB is one billing step); Express has no free tier.
    """
    requests = _count("--requests", requests)
    duration = _within("--duration-ms", duration_ms, Decimal(0), EXPRESS_MAX_DURATION_MS)
    if duration == 0:
        raise UsageError(f"--duration-ms {duration_ms}: must be > 0")
    memory = _within("--memory-mb", memory_mb, Decimal(0), LAMBDA_MEMORY_MB[1])
    if memory == 0:
        raise UsageError(f"--memory-mb {memory_mb}: must be > 0")
    billed_ms = _ceil(duration / 100) * 100
    billed_mb = _ceil(memory / 64) * 64
    gb_hours = requests * billed_ms / _THOUSAND * billed_mb / _KB_PER_GB / 3600
    usage.add("stepfunctions", "express-requests", requests)
    usage.add("stepfunctions", "express-duration", gb_hours)


def add_eventbridge(usage: Usage, *, events: Decimal, event_size_kb: Decimal = Decimal(1)) -> None:
    """Custom events put on a bus, each 64 KB chunk of payload billed as one event."""
    chunks = _chunks("--event-size-kb", event_size_kb, 64, EVENT_MAX_KB)
    usage.add("eventbridge", "custom-events", _count("--events", events) * chunks)


def add_eventbridge_archive(
    usage: Usage, *, archived_gb: Decimal, archive_storage_gb_months: Decimal = Decimal(0)
) -> None:
    """An event archive: the GB of events processed into it a month (each event's own size, not
    64 KB chunks) and the GB-months it stores. A replay puts its events on the bus again, billed
    as custom events (``add_eventbridge``)."""
    archived = _amount("--archived-gb", archived_gb)
    stored = _amount("--archive-storage-gb-months", archive_storage_gb_months)
    if archived:
        usage.add("eventbridge", "archive-processing", archived)
    if stored:
        usage.add("eventbridge", "archive-storage", stored)


def add_appsync(
    usage: Usage,
    *,
    requests: Decimal = Decimal(0),
    realtime_updates: Decimal = Decimal(0),
    connection_minutes: Decimal = Decimal(0),
) -> None:
    """AWS AppSync GraphQL: query and data modification operations, real-time updates
    (subscription messages delivered) and connection minutes."""
    usage.add("appsync", "requests", _count("--requests", requests))
    usage.add("appsync", "realtime-updates", _count("--realtime-updates", realtime_updates))
    usage.add("appsync", "connection-minutes", _amount("--connection-minutes", connection_minutes))


def add_scheduler(usage: Usage, *, invocations: Decimal) -> None:
    """EventBridge Scheduler target invocations (payloads up to 64 KB)."""
    usage.add("eventbridge", "scheduler-invocations", _count("--invocations", invocations))


def add_sns(
    usage: Usage,
    *,
    publishes: Decimal,
    message_size_kb: Decimal = Decimal(1),
    deliveries: Mapping[str, Decimal] | None = None,
) -> None:
    """Publishes (64 KB chunks) and deliveries priced per protocol."""
    chunks = _chunks("--message-size-kb", message_size_kb, 64, 256)
    usage.add("sns", "publish-requests", _count("--publishes", publishes) * chunks)
    for protocol, count in (deliveries or {}).items():
        item = SNS_PROTOCOLS.get(protocol)
        if item is None:
            raise UsageError(
                f"--deliveries {protocol}=...: unknown protocol; accepted: "
                f"{', '.join(SNS_PROTOCOLS)}"
            )
        usage.add("sns", item, _count(f"--deliveries {protocol}", count))


def add_ses(usage: Usage, *, emails: Decimal) -> None:
    """Outbound emails (one message per recipient)."""
    usage.add("ses", "outbound-emails", _count("--emails", emails))


def add_sqs(usage: Usage, *, requests: Decimal, message_size_kb: Decimal = Decimal(1)) -> None:
    """Standard queue API requests (send, receive, delete each count), each 64 KB chunk of
    payload billed as one request."""
    chunks = _chunks("--message-size-kb", message_size_kb, 64, EVENT_MAX_KB)
    usage.add("sqs", "standard-requests", _count("--requests", requests) * chunks)


def add_apigw_http(
    usage: Usage, *, requests: Decimal, request_size_kb: Decimal = Decimal(1)
) -> None:
    """HTTP API requests, metered in 512 KB increments."""
    increments = _chunks("--request-size-kb", request_size_kb, 512, 10_240)
    usage.add("apigateway", "http-requests", _count("--requests", requests) * increments)


def add_apigw_rest(
    usage: Usage, *, requests: Decimal, request_size_kb: Decimal = Decimal(1)
) -> None:
    """REST API requests; their size is checked but not metered."""
    _chunks("--request-size-kb", request_size_kb, 512, 10_240)
    usage.add("apigateway", "rest-requests", _count("--requests", requests))


def add_dynamodb(usage: Usage, *, write_units: Decimal, read_units: Decimal) -> None:
    """On-demand request units (1 KB per write unit, 4 KB per strongly consistent read unit)."""
    usage.add("dynamodb", "write-request-units", _count("--write-units", write_units))
    usage.add("dynamodb", "read-request-units", _count("--read-units", read_units))


def add_logs(
    usage: Usage, *, ingested_gb: Decimal, vended: bool = False, stored_gb: Decimal = Decimal(0)
) -> None:
    """CloudWatch Logs: vended (Lambda, Step Functions; tiered) or standard ingestion, storage."""
    item = "logs-ingestion-vended" if vended else "logs-ingestion-standard"
    usage.add("cloudwatch", item, _amount("--ingested-gb", ingested_gb))
    if stored_gb:
        usage.add("cloudwatch", "logs-storage", _amount("--stored-gb", stored_gb))


def add_xray(usage: Usage, *, traces: Decimal) -> None:
    """X-Ray traces recorded (the sampled ones)."""
    usage.add("xray", "traces-recorded", _count("--traces", traces))


def add_cloudwatch(
    usage: Usage,
    *,
    alarms: Decimal = Decimal(0),
    metrics: Decimal = Decimal(0),
    dashboards: Decimal = Decimal(0),
) -> None:
    """Fixed monthly monitoring: standard alarms, custom metrics, dashboards."""
    usage.add("cloudwatch", "alarms", _count("--alarms", alarms))
    usage.add("cloudwatch", "metrics", _count("--metrics", metrics))
    usage.add("cloudwatch", "dashboards", _count("--dashboards", dashboards))


def add_firehose(usage: Usage, *, records: Decimal, record_size_kb: Decimal = Decimal(1)) -> None:
    """Firehose Direct PUT ingestion: each record rounded up to 5 KB, billed per GB."""
    increments = _chunks("--record-size-kb", record_size_kb, 5, FIREHOSE_MAX_RECORD_KB)
    gigabytes = _count("--records", records) * increments * 5 / _KB_PER_GB / _KB_PER_GB
    usage.add("firehose", "ingestion-direct-put", gigabytes)


def add_s3(
    usage: Usage,
    *,
    stored_gb_months: Decimal = Decimal(0),
    puts: Decimal = Decimal(0),
    gets: Decimal = Decimal(0),
) -> None:
    """S3 Standard: storage in GB-months, PUT/COPY/POST/LIST and GET/SELECT requests."""
    usage.add("s3", "standard-storage", _amount("--stored-gb-months", stored_gb_months))
    usage.add("s3", "put-requests", _count("--puts", puts))
    usage.add("s3", "get-requests", _count("--gets", gets))


def add_athena(usage: Usage, *, queries: Decimal, scanned_mb_per_query: Decimal) -> None:
    """Athena SQL queries: each query's scan rounded up to 1 MB with a 10 MB minimum, per TB."""
    scanned = _amount("--scanned-mb-per-query", scanned_mb_per_query)
    billed_mb = max(_ceil(scanned), ATHENA_MINIMUM_MB)
    terabytes = _count("--queries", queries) * billed_mb / _KB_PER_GB / _KB_PER_GB
    usage.add("athena", "data-scanned", terabytes)


def _amount(flag: str, value: Decimal) -> Decimal:
    """A non-negative monthly amount no larger than :data:`MAX_VOLUME`."""
    return _within(flag, value, Decimal(0), MAX_VOLUME)


def _count(flag: str, value: Decimal) -> Decimal:
    """A whole, non-negative monthly count no larger than :data:`MAX_VOLUME`."""
    value = _amount(flag, value)
    if value != value.to_integral_value():
        raise UsageError(f"{flag} {value}: must be a whole number")
    return value


def _within(flag: str, value: Decimal, low: Decimal | int, high: Decimal | int) -> Decimal:
    if not value.is_finite() or not low <= value <= high:
        raise UsageError(f"{flag} {value}: accepted values are {low:,} to {high:,}")
    return value


def _whole_within(flag: str, value: Decimal, low: int, high: int) -> Decimal:
    value = _within(flag, value, low, high)
    if value != value.to_integral_value():
        raise UsageError(f"{flag} {value}: must be a whole number of MB ({low:,} to {high:,})")
    return value


def _chunks(flag: str, size_kb: Decimal, chunk_kb: int, max_kb: int) -> Decimal:
    """How many ``chunk_kb`` increments a payload of ``size_kb`` is billed as (at least one)."""
    size = _within(flag, size_kb, Decimal(0), max_kb)
    if size == 0:
        raise UsageError(f"{flag} {size_kb}: must be > 0 (up to {max_kb:,} KB)")
    return _ceil(size / chunk_kb)


def _ceil(value: Decimal) -> Decimal:
    return value.to_integral_value(rounding=ROUND_CEILING)
