"""Firehose's delivery to S3 as AWS does it, where moto's differs.

moto writes each PutRecord(Batch) call as one object under `<Prefix>YYYY/MM/DD/HH/`, raw. AWS
evaluates the prefix's `!{timestamp:...}` and `!{firehose:...}` expressions (and then adds no
time folders), applies the stream's processors (`AppendDelimiterToRecord` puts a newline after
every record) and compresses the object (`.gz` for GZIP). The runner patches this in, so what
lands in moto's S3 has the layout and encoding the Glue table over it expects on AWS.
"""

from __future__ import annotations

import gzip
import re
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from moto.firehose.models import FirehoseBackend
from moto.s3.models import s3_backends

_EXPRESSION = re.compile(r"!\{(timestamp|firehose):([^}]+)\}")
# Java DateTimeFormatter letters Firehose documents for `!{timestamp:...}`, as strftime codes.
_JAVA_DATE = (("yyyy", "%Y"), ("MM", "%m"), ("dd", "%d"), ("HH", "%H"), ("mm", "%M"), ("ss", "%S"))
_COMPRESSION: dict[str, tuple[Callable[[bytes], bytes], str]] = {
    "UNCOMPRESSED": (lambda data: data, ""),
    "GZIP": (gzip.compress, ".gz"),
}


class FirehoseConfigError(Exception):
    """The delivery stream uses something the runner does not emulate; the message says what."""


def render_prefix(prefix: str, at: datetime) -> str:
    """The S3 key prefix AWS computes from `prefix` for a record arriving at `at` (UTC).

    A prefix without expressions gets AWS's default `YYYY/MM/DD/HH/` time folders.
    """
    if not _EXPRESSION.search(prefix):
        separator = "" if prefix.endswith("/") or not prefix else "/"
        return f"{prefix}{separator}{at.strftime('%Y/%m/%d/%H')}/"

    def evaluate(match: re.Match[str]) -> str:
        namespace, argument = match.groups()
        if namespace == "firehose":
            if argument == "random-string":
                return uuid.uuid4().hex[:11]
            raise FirehoseConfigError(
                f"prefix {prefix!r}: the expression {match.group(0)!r} is not emulated"
            )
        pattern = argument
        for java, strftime in _JAVA_DATE:
            pattern = pattern.replace(java, strftime)
        return at.strftime(pattern)

    return _EXPRESSION.sub(evaluate, prefix)


def object_body(destination: dict[str, Any], records: list[bytes]) -> tuple[bytes, str]:
    """The object's bytes and its name's suffix, after the stream's processors and compression."""
    processing = destination.get("ProcessingConfiguration", {})
    processors = processing.get("Processors", []) if processing.get("Enabled") else []
    delimiter = b""
    for processor in processors:
        if processor["Type"] != "AppendDelimiterToRecord":
            raise FirehoseConfigError(f"processor {processor['Type']} is not emulated")
        delimiter = b"\n"
    data = b"".join(record + delimiter for record in records)
    compression = destination.get("CompressionFormat", "UNCOMPRESSED")
    if compression not in _COMPRESSION:
        raise FirehoseConfigError(
            f"CompressionFormat {compression} is not emulated "
            f"(the runner writes {', '.join(_COMPRESSION)})"
        )
    compress, suffix = _COMPRESSION[compression]
    return compress(data), suffix


def s3_delivery(clock: Callable[[], datetime]) -> Callable[..., list[dict[str, str]]]:
    """A replacement for moto's `FirehoseBackend.put_s3_records`, timed by `clock`."""

    def put_s3_records(
        backend: FirehoseBackend,
        delivery_stream_name: str,
        version_id: str,
        s3_destination: dict[str, Any],
        records: list[dict[str, bytes]],
    ) -> list[dict[str, str]]:
        at = clock()
        body, suffix = object_body(s3_destination, [r["Data"] for r in records])
        key = (
            f"{render_prefix(s3_destination.get('Prefix', ''), at)}{delivery_stream_name}-"
            f"{version_id}-{at.strftime('%Y-%m-%d-%H-%M-%S')}-{uuid.uuid4()}{suffix}"
        )
        bucket = s3_destination["BucketARN"].split(":")[-1]
        s3_backends[backend.account_id][backend.partition].put_object(bucket, key, body)
        return [{"RecordId": str(uuid.uuid4())} for _ in records]

    return put_s3_records
