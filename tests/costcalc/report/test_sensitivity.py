"""Sensitivity: each moved assumption prices exactly what the same figures priced directly do."""

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.compare.scenario import scenario
from costcalc.report.sensitivity import Factor, Sensitivity, missing_prices, sensitivity, spans
from costcalc.workload.profiles import load_profiles
from tests.costcalc.compare.test_scenario import EU_WEST_1_UNSOURCED

D = Decimal
ORDERS = D(250_000)


@pytest.fixture(scope="module")
def result() -> Sensitivity:
    return sensitivity(scenario(), ORDERS)


def factor(result: Sensitivity, name: str) -> Factor:
    return next(f for f in result.factors if f.name == name)


def monthly(**kwargs: object) -> dict[str, Decimal]:
    plan = scenario(**kwargs)  # type: ignore[arg-type]
    return {d.name: d.monthly_usd for d in plan.price(ORDERS).designs}


def test_the_base_is_the_comparison_at_the_volume(result: Sensitivity) -> None:
    assert result.base == monthly()
    assert result.pair == ("orchestration", "choreography")
    assert result.measured == "orchestration minus choreography, USD per month"


def test_every_assumption_the_issue_names_is_moved(result: Sensitivity) -> None:
    assert [f.name for f in result.factors] == [
        "Lambda duration",
        "Lambda memory",
        "Acceptance rate",
        "Time-out rate",
        "Overdue rate",
        "Event size",
        "Retries",
        "Free tier",
        "Transition counting",
        "Region",
    ]


def test_the_free_tier_and_counting_switches_equal_pricing_with_the_flag(
    result: Sensitivity,
) -> None:
    assert factor(result, "Free tier").variants[0].monthly == monthly(free_tier=True)
    assert factor(result, "Transition counting").variants[0].monthly == monthly(
        count_start_end=True
    )


def test_moving_the_accept_rate_keeps_the_other_paths_in_proportion(
    result: Sensitivity,
) -> None:
    low, high = factor(result, "Acceptance rate").variants
    assert (low.label, high.label) == ("0.74", "0.94")
    # 0.26 shared 5 : 3 : 2 : 1 like the defaults 0.05 : 0.03 : 0.02 : 0.01 (to 12 places)
    expected = monthly(
        rates={
            "accepted": D("0.74"),
            "rejected": D("0.118181818182"),
            "timed_out": D("0.070909090909"),
            "cancelled": D("0.047272727273"),
            "overdue": D("0.023636363636"),
        }
    )
    assert low.monthly == expected


def test_the_overdue_rate_moves_to_none_and_a_tenth_more_and_each_overdue_order_costs_more(
    result: Sensitivity,
) -> None:
    moved = factor(result, "Overdue rate")
    assert moved.base == "0.01"
    none, more = moved.variants
    assert (none.label, more.label) == ("0", "0.11")
    for design, usd in result.base.items():
        assert none.monthly[design] < usd < more.monthly[design]  # type: ignore[index]


def test_a_rate_at_its_bound_is_moved_one_way_only() -> None:
    moved = sensitivity(scenario(rates={"timed_out": D(0)}), ORDERS)
    assert [v.label for v in factor(moved, "Time-out rate").variants] == ["0.1"]


def write_usage(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "usage.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_doubling_memory_equals_a_usage_file_giving_every_function_double(
    tmp_path: Path,
) -> None:
    profile = load_profiles(["choreography"])[0]
    lines = ["design: choreography", "functions:"]
    lines += [f"  {name}: {{memory_mb: 512}}" for name in profile.functions]
    usage = write_usage(tmp_path, "\n".join(lines))
    moved = sensitivity(scenario(designs=["choreography"]), ORDERS)
    doubled = factor(moved, "Lambda memory").variants[1]
    assert doubled.label == "\N{MULTIPLICATION SIGN} 2 (512 MB)"
    assert doubled.monthly == monthly(designs=["choreography"], usage_files=[usage])


def test_halving_memory_never_goes_below_lambdas_128_mb(tmp_path: Path) -> None:
    profile = load_profiles(["choreography"])[0]
    lines = ["design: choreography", "functions:"]
    lines += [f"  {name}: {{memory_mb: 128}}" for name in profile.functions]
    usage = write_usage(tmp_path, "\n".join(lines))
    moved = sensitivity(scenario(designs=["choreography"], usage_files=[usage]), ORDERS)
    halved = factor(moved, "Lambda memory").variants[0]
    assert halved.label == "\N{MULTIPLICATION SIGN} 0.5 (128 MB)"
    assert halved.monthly == moved.base


def test_a_larger_event_is_billed_in_64_kb_chunks(result: Sensitivity, tmp_path: Path) -> None:
    same, larger = factor(result, "Event size").variants
    assert same.label == "64 KB (one 64 KB chunk)"
    assert larger.label == "200 KB (4 chunks of 64 KB)"
    for variant, size in ((same, 64), (larger, 200)):
        usage = write_usage(
            tmp_path,
            "\n---\n".join(
                f"design: {name}\nevents: {{size_kb: {size}}}"
                for name in ("choreography", "orchestration")
            ),
        )
        priced = monthly(designs=["choreography", "orchestration"], usage_files=[usage])
        assert {k: variant.monthly[k] for k in priced} == priced  # type: ignore[index]


def test_one_chunk_bills_the_same_events_but_the_archive_takes_every_byte(
    result: Sensitivity,
) -> None:
    """A 64 KB event is one chunk as a 1 KB one is, but the archive stores its 64 KB: per
    archived event 63 KB more, processed ($0.10/GB) and kept 12 months ($0.023/GB-month)."""
    same = factor(result, "Event size").variants[0]
    archived = {"choreography": D("4.89"), "orchestration": D("4.89")}
    for design, events in archived.items():
        extra_gb = ORDERS * events * 63 / 1024**2
        archive_usd = extra_gb * (D("0.10") + 12 * D("0.023"))
        moved = same.monthly[design] - result.base[design]  # type: ignore[index]
        assert abs(moved - archive_usd) < D("1e-20"), design  # 28 digits of two ~100 USD sums


def test_retries_rerun_event_driven_steps_and_transitions_not_api_or_schedule_targets(
    result: Sensitivity, tmp_path: Path
) -> None:
    """The same figures written as a usage file (which the loader checks for consistency)."""
    documents = []
    for profile in load_profiles(["choreography", "orchestration"]):
        lines = [f"design: {profile.design}", "paths:"]
        for name, path in profile.paths.items():
            lines.append(f"  {name}:")
            for figure in ("rule_matches", "transitions"):
                lines.append(f"    {figure}: {getattr(path, figure) * D('1.1')}")
            lines.append("    invocations:")
            for function, count in path.invocations.items():
                trigger = profile.functions[function].trigger
                grow = D("1.1") if trigger in ("rule", "stream", "sns") else 1
                lines.append(f"      {function}: {count * grow}")
        documents.append("\n".join(lines))
    usage = write_usage(tmp_path, "\n---\n".join(documents))
    retried = factor(result, "Retries").variants[0]
    assert retried.label == "10% of retried steps re-run"
    priced = monthly(designs=["choreography", "orchestration"], usage_files=[usage])
    assert {k: retried.monthly[k] for k in priced} == priced  # type: ignore[index]


def test_a_region_without_every_price_is_reported_not_priced_naming_the_gaps(
    result: Sensitivity,
) -> None:
    (region,) = factor(result, "Region").variants
    assert region.label == "eu-west-1"
    assert region.monthly is None
    assert set(missing_prices(scenario(), "eu-west-1")) == EU_WEST_1_UNSOURCED
    assert "dynamodb/write-request-units" in region.note


def test_a_moved_assumption_that_changes_the_cheaper_design_is_flagged() -> None:
    # At 5,000 orders/month orchestration is the cheaper design by about 8 cents (ten alarm
    # metrics fewer; the curves cross near 5,424); retried transitions or Start/End counting tip
    # it over (the free tier's 10 alarms leave both designs with more, so not the free tier).
    moved = sensitivity(scenario(), D(5_000))
    assert moved.pair == ("choreography", "orchestration")
    flipped = [f.name for f in moved.factors for v in f.variants if moved.flips(v)]
    assert flipped == ["Retries", "Transition counting"]


def test_spans_put_the_widest_swing_first_and_include_the_base(result: Sensitivity) -> None:
    found = spans(result)
    widths = [high - low for _, low, high in found]
    assert widths == sorted(widths, reverse=True)
    base = result.measure(result.base)
    assert all(low <= base <= high for _, low, high in found)
    assert found[0][0].name == "Transition counting"
    assert "Region" not in [f.name for f, _, _ in found]  # nothing priced to span


def test_with_one_runnable_design_the_measure_is_its_monthly_cost() -> None:
    alone = sensitivity(scenario(designs=["choreography"]), ORDERS)
    assert alone.pair is None
    assert alone.measure(alone.base) == alone.base["choreography"]
