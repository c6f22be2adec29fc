"""An event archive bills the GB its pattern takes from its bus, stored for its retention."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.errors import UsageError
from costcalc.estimate.breakdown import Breakdown, estimate_source
from costcalc.estimate.template import TemplateError
from costcalc.estimate.usage_file import UsageFile

HEAD = "AWSTemplateFormatVersion: 2010-09-09\nResources:\n"
#: A state machine putting a paid and a refunded event per execution on the shop bus.
BUS = """\
  Bus: {Type: AWS::Events::EventBus, Properties: {Name: shop}}
  Machine:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::123456789012:role/machine
      Definition:
        StartAt: Put
        States:
          Put:
            Type: Task
            Resource: arn:aws:states:::events:putEvents
            Parameters:
              Entries:
                - {EventBusName: !Ref Bus, Source: shop, DetailType: paid, Detail: {}}
                - {EventBusName: !Ref Bus, Source: shop, DetailType: refunded, Detail: {}}
            End: true
"""
ARCHIVE = """\
  Archive:
    Type: AWS::Events::Archive
    Properties:
      SourceArn: !GetAtt Bus.Arn
{properties}
"""
KB_PER_GB = Decimal(1024) ** 2


def _archive(tmp_path: Path, properties: str, usage: dict[str, dict[str, object]] | None = None,
             volume: int = 1_048_576) -> Breakdown:  # fmt: skip
    template = tmp_path / "template.yaml"
    template.write_text(HEAD + BUS + ARCHIVE.format(properties=properties))
    return estimate_source(template, Decimal(volume), UsageFile(tmp_path / "u.yml", usage or {}),
                           samconfig=False)  # fmt: skip


def _billed(breakdown: Breakdown) -> dict[str, tuple[Decimal, Decimal, str]]:
    """The archive's items over every event it takes: quantity, money, the last trail."""
    found: dict[str, tuple[Decimal, Decimal, str]] = {}
    for p in breakdown.estimates[0].priced:
        if p.charge.resource == "Archive":
            quantity, money, _ = found.get(p.charge.item, (Decimal(0), Decimal(0), ""))
            found[p.charge.item] = (
                quantity + p.charge.monthly,
                money + (p.monthly_usd or Decimal(0)),
                p.charge.source,
            )
    return found


def test_an_archive_with_a_pattern_bills_only_the_events_it_matches(tmp_path: Path) -> None:
    # 1,048,576 executions put 2 events of 1 KB each: 2 GB put, 1 GB of them paid
    pattern = "      EventPattern: {detail-type: [paid]}\n      RetentionDays: 365"
    billed = _archive(tmp_path, pattern)
    assert billed.estimates[0].priced  # the bus is billed too
    quantity, money, trail = _billed(billed)["archive-processing"]
    assert (quantity, money) == (Decimal(1), Decimal("0.10"))
    assert trail.endswith("Archive: archives paid > Archive: 12 months stored (RetentionDays 365)")


def test_an_archive_without_a_pattern_takes_every_event_on_its_bus(tmp_path: Path) -> None:
    billed = _billed(_archive(tmp_path, "      RetentionDays: 365"))
    assert billed["archive-processing"][0] == Decimal(2)


def test_the_bus_event_size_sets_the_bytes_archived(tmp_path: Path) -> None:
    usage: dict[str, dict[str, object]] = {"Bus": {"event_kb": 3}}
    billed = _billed(_archive(tmp_path, "      RetentionDays: 365", usage))
    assert billed["archive-processing"][0] == Decimal(6)


def test_retention_days_set_the_gb_months_stored_in_steady_state(tmp_path: Path) -> None:
    # 365 days of a 730-hour month's 30.42 days: 12 months of 2 GB held, 24 GB-months
    year = _billed(_archive(tmp_path, "      RetentionDays: 365"))
    assert year["archive-storage"][:2] == (Decimal(24), Decimal("0.552"))
    (tmp_path / "73").mkdir()
    month = _billed(_archive(tmp_path / "73", "      RetentionDays: 73"))
    assert month["archive-storage"][0] == Decimal("4.8")  # 73 days: 2.4 months of 2 GB


def test_an_indefinite_archive_holds_a_year_by_default_and_says_so(tmp_path: Path) -> None:
    breakdown = _archive(tmp_path, "      RetentionDays: 0")
    quantity, _, trail = _billed(breakdown)["archive-storage"]
    assert quantity == Decimal(24)
    assert trail.endswith("12 months stored (kept indefinitely: a year's events, default)")
    defaults = {d.key: d.value for d in breakdown.estimates[0].followed.defaults}
    assert defaults["Archive.months_stored"] == Decimal(12)


def test_the_usage_file_sets_an_indefinite_archive_s_horizon(tmp_path: Path) -> None:
    usage: dict[str, dict[str, object]] = {"Archive": {"months_stored": 36}}
    quantity, _, trail = _billed(_archive(tmp_path, "      RetentionDays: 0", usage))[
        "archive-storage"
    ]
    assert quantity == Decimal(72)
    assert trail.endswith("Archive: 36 months stored (user)")


def test_a_retention_that_is_not_a_whole_number_of_days_is_refused(tmp_path: Path) -> None:
    with pytest.raises(TemplateError, match=r"Archive.RetentionDays: 'a year' is not a whole"):
        _archive(tmp_path, "      RetentionDays: a year")


def test_a_negative_horizon_is_refused_naming_the_key(tmp_path: Path) -> None:
    usage: dict[str, dict[str, object]] = {"Archive": {"months_stored": -1}}
    with pytest.raises(UsageError, match=r"Archive\.months_stored"):
        _archive(tmp_path, "      RetentionDays: 0", usage)
