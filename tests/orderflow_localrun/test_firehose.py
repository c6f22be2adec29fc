"""Firehose's S3 object layout and encoding, as the runner writes them."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime

import pytest

from orderflow_localrun.firehose import FirehoseConfigError, object_body, render_prefix

AT = datetime(2026, 3, 7, 9, 5, 1, tzinfo=UTC)


def test_timestamp_expressions_become_the_arrival_time_without_default_time_folders() -> None:
    assert render_prefix("events/dt=!{timestamp:yyyy-MM-dd}/", AT) == "events/dt=2026-03-07/"
    assert render_prefix("h=!{timestamp:HH}/", AT) == "h=09/"


def test_a_prefix_without_expressions_gets_the_default_hourly_folders() -> None:
    assert render_prefix("raw", AT) == "raw/2026/03/07/09/"
    assert render_prefix("", AT) == "2026/03/07/09/"


def test_a_random_string_expression_is_filled_and_unknown_ones_are_refused() -> None:
    rendered = render_prefix("x/!{firehose:random-string}/", AT)
    assert rendered.startswith("x/")
    assert len(rendered) == len("x//") + 11
    with pytest.raises(FirehoseConfigError, match="firehose:error-output-type"):
        render_prefix("!{firehose:error-output-type}/", AT)


def test_the_delimiter_processor_ends_every_record_with_a_newline_and_gzip_compresses() -> None:
    destination = {
        "CompressionFormat": "GZIP",
        "ProcessingConfiguration": {
            "Enabled": True,
            "Processors": [{"Type": "AppendDelimiterToRecord"}],
        },
    }
    body, suffix = object_body(destination, [b'{"a":1}', b'{"a":2}'])
    assert (gzip.decompress(body), suffix) == (b'{"a":1}\n{"a":2}\n', ".gz")


def test_without_processors_records_are_concatenated_as_aws_does() -> None:
    assert object_body({}, [b"{}", b"{}"]) == (b"{}{}", "")


def test_disabled_processing_appends_nothing() -> None:
    destination = {
        "ProcessingConfiguration": {
            "Enabled": False,
            "Processors": [{"Type": "AppendDelimiterToRecord"}],
        }
    }
    assert object_body(destination, [b"{}"]) == (b"{}", "")


@pytest.mark.parametrize(
    ("destination", "message"),
    [
        ({"CompressionFormat": "Snappy"}, "CompressionFormat Snappy is not emulated"),
        (
            {"ProcessingConfiguration": {"Enabled": True, "Processors": [{"Type": "Lambda"}]}},
            "processor Lambda is not emulated",
        ),
    ],
)
def test_what_the_runner_cannot_emulate_is_refused_by_name(
    destination: dict[str, object], message: str
) -> None:
    with pytest.raises(FirehoseConfigError, match=message):
        object_body(destination, [])
