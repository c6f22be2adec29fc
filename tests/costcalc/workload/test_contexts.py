"""The analytics context: its figures, how it meters on top of a design, and its refusals."""

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.compare.scenario import scenario
from costcalc.errors import UsageError
from costcalc.workload.contexts import load_context
from costcalc.workload.profiles import ProfileError

D = Decimal
MILLION = D(1_000_000)
# choreography's events per order over the default mix (accepted, rejected, timed out,
# cancelled, overdue): 0.89 x 5 + 0.05 x 4 + 0.03 x 4 + 0.02 x 3 + 0.01 x 6
EVENTS = D("4.89")
KB_PER_GB = D(1024) ** 2
ANALYTICS_ITEMS = {
    ("firehose", "ingestion-direct-put"),
    ("s3", "standard-storage"),
    ("s3", "put-requests"),
    ("s3", "get-requests"),
    ("athena", "data-scanned"),
}


def _quantities(**kw: object) -> dict[tuple[str, str], Decimal]:
    plan = scenario(designs=["choreography"], **kw)  # type: ignore[arg-type]
    return dict(plan.workloads[0].usage(MILLION).quantities)


def test_the_bundled_context_reads_its_figures() -> None:
    context = load_context("analytics")
    assert context.figure("firehose.record_kb") == D("0.45")
    assert context.figure("queries.per_month") == 150
    assert context.sources == ("costcalc/data/contexts/analytics.yaml",)


def test_analytics_adds_its_lines_and_leaves_the_designs_own_unchanged() -> None:
    alone = _quantities()
    both = _quantities(contexts=["analytics"])
    assert set(both) - set(alone) == ANALYTICS_ITEMS
    assert {k: v for k, v in both.items() if k not in ANALYTICS_ITEMS} == alone


def test_analytics_quantities_match_the_hand_computation_at_a_million_orders() -> None:
    got = _quantities(contexts=["analytics"])
    records = EVENTS * MILLION
    raw_kb = records * D("0.45")
    stored_gb = raw_kb * D("0.13") / KB_PER_GB
    interval_objects = D(730) * 3600 / 300
    size_objects = raw_kb / (64 * 1024)
    assert got["firehose", "ingestion-direct-put"] == records * 5 / KB_PER_GB
    assert got["s3", "standard-storage"] == pytest.approx(stored_gb * 24, rel=D("1e-20"))
    assert got["s3", "put-requests"] == pytest.approx(interval_objects + size_objects)
    assert got["s3", "get-requests"] == pytest.approx(150 * (interval_objects + size_objects))
    scanned_tb = 150 * (stored_gb * 1024 + 10) / 1024**2  # each query: a month + its 10 MB
    assert got["athena", "data-scanned"] == pytest.approx(scanned_tb)


def test_a_usage_file_changes_the_context_figures_it_names(tmp_path: Path) -> None:
    usage = tmp_path / "more-queries.yaml"
    usage.write_text("context: analytics\nqueries: {per_month: 300}\n")
    base = _quantities(contexts=["analytics"])
    more = _quantities(contexts=["analytics"], usage_files=[usage])
    assert more["athena", "data-scanned"] == pytest.approx(2 * base["athena", "data-scanned"])
    assert more["firehose", "ingestion-direct-put"] == base["firehose", "ingestion-direct-put"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("context: analytics\nqueries: {per_day: 3}\n", r":2: queries\.per_day: unknown key"),
        ("context: analytics\nlake: {compression: 0}\n", r":2: lake\.compression: must be > 0"),
        (
            "context: analytics\nqueries: {per_month: 1.5}\n",
            r"queries\.per_month: expected a whole number",
        ),
    ],
)
def test_bad_context_figures_are_refused_naming_file_line_and_key(
    tmp_path: Path, text: str, message: str
) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text(text)
    with pytest.raises(ProfileError, match=message):
        load_context("analytics", [usage])


def test_an_unknown_context_is_refused_listing_the_known_ones() -> None:
    with pytest.raises(UsageError, match="--with 'promo': unknown context; accepted: analytics"):
        load_context("promo")


def test_the_assumptions_say_what_is_and_is_not_priced() -> None:
    without = scenario(designs=["choreography"]).assumptions()
    included = scenario(designs=["choreography"], contexts=["analytics"]).assumptions()
    assert any("--with analytics" in line for line in without["not_priced"])
    assert not any("--with analytics" in line for line in included["not_priced"])
    assert list(included["contexts"]) == ["analytics"]
