"""The order-flow model reads the stack's archive: the events its pattern takes, its retention."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.usage import estimate
from costcalc.workload.profiles import PATHS

ROOT = Path(__file__).parents[3]
CHOREOGRAPHY = ROOT / "sam/choreography/template.yaml"
PARAMETERS = {"SenderEmail": "orders@example.com"}
PATTERN = "      EventPattern:\n        source: [orderflow.orders]\n"


def _stack(tmp_path: Path, pattern: str = PATTERN) -> Path:
    """A copy of the choreography stack whose archive has ``pattern``."""
    text = CHOREOGRAPHY.read_text(encoding="utf-8")
    assert PATTERN in text
    text = text.replace("CodeUri: ../../functions/", f"CodeUri: {ROOT / 'functions'}/")
    target = tmp_path / "stack" / "template.yaml"
    target.parent.mkdir()
    target.write_text(text.replace(PATTERN, pattern), encoding="utf-8")
    return target


def test_the_kit_s_archive_takes_every_order_event_and_keeps_a_year() -> None:
    [estimated] = estimate(CHOREOGRAPHY, parameters=PARAMETERS)
    profile = estimated.profile
    for name in PATHS:
        assert profile.paths[name].archived_events == profile.paths[name].events, name
    assert profile.settings["archive"]["months_stored"] == Decimal(12)


def test_an_archive_pattern_takes_only_the_events_it_matches(tmp_path: Path) -> None:
    placed_only = PATTERN + "        detail-type: [order_placed]\n"
    [estimated] = estimate(_stack(tmp_path, placed_only), parameters=PARAMETERS)
    assert {
        name: p.archived_events for name, p in estimated.profile.paths.items()
    } == dict.fromkeys(PATHS, Decimal(1))


@pytest.mark.parametrize(("days", "months"), [("73", Decimal("2.4")), ("730", Decimal(24))])
def test_retention_days_set_the_months_stored(tmp_path: Path, days: str, months: Decimal) -> None:
    parameters = {**PARAMETERS, "ArchiveRetentionDays": days}
    [estimated] = estimate(_stack(tmp_path), parameters=parameters)
    assert estimated.profile.settings["archive"]["months_stored"] == months


def test_an_indefinite_archive_keeps_the_profile_s_year(tmp_path: Path) -> None:
    parameters = {**PARAMETERS, "ArchiveRetentionDays": "0"}
    [estimated] = estimate(_stack(tmp_path), parameters=parameters)
    assert estimated.profile.settings["archive"]["months_stored"] == Decimal(12)
    assert estimated.profile.at("archive.months_stored").startswith("costcalc/data/profiles/")
