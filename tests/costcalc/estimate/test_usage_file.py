"""The usage file is read with bounds and refused on one line naming file and key."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from costcalc.errors import UsageError
from costcalc.estimate.usage_file import read_usage_file


def _file(tmp_path: Path, text: str | bytes) -> Path:
    path = tmp_path / "usage.yml"
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def test_a_usage_file_gives_numbers_per_resource(tmp_path: Path) -> None:
    usage = read_usage_file(
        _file(tmp_path, "version: 0.1\nresource_usage:\n  Fn: {duration_ms: 120}\n")
    )
    assert usage.figure("Fn", "duration_ms") == 120
    assert usage.figure("Fn", "memory_mb") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("a: &x [1]\nb: *x\nresource_usage: {}\n", "YAML aliases"),
        (b"resource_usage:\n  Fn: {duration_ms: \xff}\n", "not UTF-8"),
        ("- a list\n", "expected a usage file"),
        ("resource_usage:\n  Fn: 3\n", "resource_usage.Fn: expected a mapping"),
        ("resource_usage: {Fn: {duration_ms: [1]}}\n", r"Fn.duration_ms: \[1\] is not a number"),
        ("resource_usage: {Fn: {duration_ms: -4}}\n", "Fn.duration_ms: -4 must be a number"),
        ("resource_usage: {Fn: {duration_ms: .nan}}\n", "must be a number from 0 to 1e12"),
        ("resource_usage: {Fn: [\n", "not valid YAML"),
    ],
)
def test_a_bad_usage_file_is_refused_naming_the_file_and_the_key(
    tmp_path: Path, text: str | bytes, message: str
) -> None:
    path = _file(tmp_path, text)
    with pytest.raises(UsageError, match=message) as refused:
        read_usage_file(path).figure("Fn", "duration_ms")
    assert str(path) in str(refused.value)


def test_a_usage_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="over 1,000,000 bytes"):
        read_usage_file(_file(tmp_path, "#" * 1_000_001))


def test_the_usage_file_init_usage_writes_for_a_template_with_no_unknowns_reads_back(
    tmp_path: Path,
) -> None:
    template = tmp_path / "template.yaml"
    template.write_text(
        "Resources:\n  Tick:\n    Type: AWS::Scheduler::Schedule\n    Properties:\n"
        "      ScheduleExpression: rate(1 hour)\n      FlexibleTimeWindow: {Mode: 'OFF'}\n"
        "      Target: {Arn: !GetAtt Queue.Arn, RoleArn: arn:aws:iam::1:role/r}\n"
        "  Queue: {Type: AWS::SQS::Queue}\n"
    )
    written = tmp_path / "usage.yml"
    run = [sys.executable, "-m", "costcalc", "estimate", str(template), "--volume", "10"]
    subprocess.run([*run, "--init-usage", str(written)], check=True, capture_output=True)
    assert read_usage_file(written).figure("Queue", "records_per_unit") is None
