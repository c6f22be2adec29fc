"""Per-order quantities: metered through costcalc.services and weighted by the path mix."""

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.pathmix import path_mix
from costcalc.profiles import ProfileError, load_profiles
from costcalc.workload import workload

D = Decimal
ONLY_ACCEPTED = path_mix({"accepted": D(1)})


def per_order(design: str, *, count_start_end: bool = False) -> dict[tuple[str, str], Decimal]:
    profile = load_profiles([design])[0]
    return dict(workload(profile, path_mix({}), count_start_end=count_start_end).per_order)


def test_transitions_are_the_states_entered_weighted_by_the_path_mix() -> None:
    # 0.90 x 13 + 0.05 x 10 + 0.03 x 9 + 0.02 x 7 states entered
    assert per_order("orchestration")["stepfunctions", "state-transitions"] == D("12.61")


def test_counting_start_and_end_adds_two_transitions_per_execution() -> None:
    quantities = per_order("orchestration", count_start_end=True)
    assert quantities["stepfunctions", "state-transitions"] == D("14.61")


def test_choreography_bills_no_state_transitions_and_orchestration_no_schedules() -> None:
    assert ("stepfunctions", "state-transitions") not in per_order("choreography")
    assert ("eventbridge", "scheduler-invocations") not in per_order("orchestration")
    # only the 3% of orders that time out fire their schedule
    assert per_order("choreography")["eventbridge", "scheduler-invocations"] == D("0.03")


def test_express_bills_requests_and_duration_instead_of_transitions() -> None:
    quantities = per_order("orchestration-express")
    assert ("stepfunctions", "state-transitions") not in quantities
    assert quantities["stepfunctions", "express-requests"] == 1
    # 0.9 x 1,000 ms + 0.05 x 700 + 0.03 x 700 + 0.02 x 500 (100 ms steps), 64 MB, in GB-hours
    billed_ms = D("0.9") * 1000 + D("0.05") * 700 + D("0.03") * 700 + D("0.02") * 500
    expected = billed_ms / 1000 * D(64) / 1024 / 3600
    assert quantities["stepfunctions", "express-duration"] == pytest.approx(
        expected, rel=Decimal("1e-20")
    )


def test_lambda_duration_includes_the_billed_init_of_cold_starts() -> None:
    profile = load_profiles(["orchestration"])[0]
    quantities = workload(profile, ONLY_ACCEPTED).per_order
    # (80 + 50 + 50 + 2 x 20 + 2 x 30 ms) + 7 invocations x 2% x 500 ms INIT, at 0.25 GB
    assert quantities["lambda", "duration-arm64"] == (D(280) + 7 * D("0.02") * 500) / 1000 / 4
    assert quantities["lambda", "requests-arm64"] == 7


def test_dynamodb_units_follow_item_sizes_and_read_consistency() -> None:
    profile = load_profiles(["orchestration"])[0]
    quantities = workload(profile, ONLY_ACCEPTED).per_order
    # 5 order writes x 2 units (1.5 KB) + 2 idempotency writes x 1 unit (0.5 KB)
    assert quantities["dynamodb", "write-request-units"] == 12
    # 4 eventually consistent reads of 1.5 KB: half a unit each
    assert quantities["dynamodb", "read-request-units"] == 2


def test_fixed_monthly_items_do_not_scale_with_orders() -> None:
    load = workload(load_profiles(["choreography"])[0], path_mix({}))
    assert load.fixed == {
        ("cloudwatch", "alarms"): 11,
        ("cloudwatch", "metrics"): 8,
        ("cloudwatch", "dashboards"): 1,
    }
    assert load.usage(D(1000)).quantities["cloudwatch", "alarms"] == 11


def test_a_figure_the_billing_rules_refuse_is_reported_at_its_profile_line(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("design: choreography\nfunctions:\n  get_order: {memory_mb: 20000}\n")
    profile = load_profiles(["choreography"], [usage])[0]
    with pytest.raises(
        ProfileError, match=r"usage\.yaml:3: functions\.get_order\.memory_mb: --memory-mb 20000"
    ):
        workload(profile, path_mix({}))
