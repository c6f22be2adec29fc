"""Per-order quantities: metered through costcalc.pricing.services and weighted by the path mix."""

import dataclasses
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.workload.metering import workload
from costcalc.workload.path_mix import path_mix
from costcalc.workload.profiles import ProfileError, load_profiles

D = Decimal
ONLY_ACCEPTED = path_mix({"accepted": D(1)})


def per_order(design: str, *, count_start_end: bool = False) -> dict[tuple[str, str], Decimal]:
    profile = load_profiles([design])[0]
    return dict(workload(profile, path_mix({}), count_start_end=count_start_end).per_order)


def test_transitions_are_the_states_entered_weighted_by_the_path_mix() -> None:
    # 0.89 x 8 + 0.05 x 6 + 0.03 x 7 + 0.02 x 6 + 0.01 x 12 (overdue) states entered
    assert per_order("orchestration")["stepfunctions", "state-transitions"] == D("7.87")


def test_counting_start_and_end_adds_two_transitions_per_execution() -> None:
    quantities = per_order("orchestration", count_start_end=True)
    assert quantities["stepfunctions", "state-transitions"] == D("9.87")


def test_choreography_bills_no_state_transitions_and_orchestration_no_schedules() -> None:
    assert ("stepfunctions", "state-transitions") not in per_order("choreography")
    assert ("eventbridge", "scheduler-invocations") not in per_order("orchestration")
    # only the 3% of orders that time out and the 1% that go overdue fire a schedule
    assert per_order("choreography")["eventbridge", "scheduler-invocations"] == D("0.04")


def test_express_bills_requests_and_duration_instead_of_transitions() -> None:
    quantities = per_order("orchestration-express")
    assert ("stepfunctions", "state-transitions") not in quantities
    assert quantities["stepfunctions", "express-requests"] == 1
    # 0.89 x 600 ms + 0.05 x 500 + 0.03 x 500 + 0.02 x 500 + 0.01 x 900 (100 ms steps), 64 MB,
    # in GB-hours
    billed_ms = (
        D("0.89") * 600 + D("0.05") * 500 + D("0.03") * 500 + D("0.02") * 500 + D("0.01") * 900
    )
    expected = billed_ms / 1000 * D(64) / 1024 / 3600
    assert quantities["stepfunctions", "express-duration"] == pytest.approx(
        expected, rel=Decimal("1e-20")
    )


@pytest.mark.parametrize("design", ["choreography", "orchestration"])
def test_a_path_at_a_share_of_zero_bills_nothing(design: str) -> None:
    """At --overdue-rate 0 the month is the four other paths' alone, whatever the overdue path
    consumes: a tenfold overdue path changes no quantity."""
    profile = load_profiles([design])[0]
    overdue = profile.paths["overdue"]
    tenfold = dataclasses.replace(
        overdue,
        events=overdue.events * 10,
        invocations={name: count * 10 for name, count in overdue.invocations.items()},
        emails=overdue.emails * 10,
    )
    heavier = dataclasses.replace(profile, paths={**profile.paths, "overdue": tenfold})
    none_overdue = path_mix({"overdue": D(0)})
    assert none_overdue.rates["accepted"] == D("0.90")
    assert workload(heavier, none_overdue).per_order == workload(profile, none_overdue).per_order
    assert workload(heavier, path_mix({})).per_order != workload(profile, path_mix({})).per_order


def test_lambda_duration_includes_the_billed_init_of_cold_starts() -> None:
    profile = load_profiles(["orchestration"])[0]
    quantities = workload(profile, ONLY_ACCEPTED).per_order
    init = {name: function.init_ms for name, function in profile.functions.items()}
    # (5 API requests x 50 + 60 + 5 timeline writes x 30 ms) + 2% of the 11 invocations (5 API,
    # 1 await, 5 timeline) cold, each with its function's INIT, at 0.25 GB
    cold = D("0.02") * (5 * init["api"] + init["await_restaurant"] + 5 * init["timeline_writer"])
    assert quantities["lambda", "duration-arm64"] == (D(460) + cold) / 1000 / 4
    assert quantities["lambda", "requests-arm64"] == 11


def test_dynamodb_units_follow_item_sizes_and_read_consistency() -> None:
    profile = load_profiles(["orchestration"])[0]
    quantities = workload(profile, ONLY_ACCEPTED).per_order
    # 4 order writes x 2 units (1.5 KB) + 3 idempotency-table writes x 1 unit (0.5 KB)
    # + 5 timeline writes x 1 unit (1 KB)
    assert quantities["dynamodb", "write-request-units"] == 16
    # 7 strongly consistent reads of 1.5 KB: one unit each; 2 eventual timeline reads: half each
    assert quantities["dynamodb", "read-request-units"] == 8


def test_fixed_monthly_items_do_not_scale_with_orders() -> None:
    load = workload(load_profiles(["choreography"])[0], path_mix({}))
    assert load.fixed == {
        ("cloudwatch", "alarms"): 23,
        ("cloudwatch", "metrics"): 8,
        ("cloudwatch", "dashboards"): 1,
    }
    assert load.usage(D(1000)).quantities["cloudwatch", "alarms"] == 23


def test_a_figure_the_billing_rules_refuse_is_reported_at_its_profile_line(tmp_path: Path) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("design: choreography\nfunctions:\n  api: {memory_mb: 20000}\n")
    profile = load_profiles(["choreography"], [usage])[0]
    with pytest.raises(
        ProfileError, match=r"usage\.yaml:3: functions\.api\.memory_mb: --memory-mb 20000"
    ):
        workload(profile, path_mix({}))


@pytest.mark.parametrize("design", ["choreography", "orchestration"])
def test_the_quantities_split_by_resource_add_up_to_the_per_order_quantities(design: str) -> None:
    profile = load_profiles([design])[0]
    load = workload(profile, path_mix({}))
    summed: dict[tuple[str, str], Decimal] = {}
    for quantities in load.parts.values():
        for key, quantity in quantities.items():
            summed[key] = summed.get(key, D(0)) + quantity
    assert summed == dict(load.per_order)
    functions = {name for name, kind in load.parts if kind == "AWS::Lambda::Function"}
    invoked = {f for path in profile.paths.values() for f, n in path.invocations.items() if n}
    assert functions == invoked  # a function no path invokes (yet) has nothing to split


def test_the_archive_bills_its_archived_events_at_their_size_and_months_stored() -> None:
    # 4.89 events of 1 KB an order (every one archived), kept 12 months in steady state
    quantities = per_order("choreography")
    archived = D("4.89") / 1024**2
    assert quantities["eventbridge", "archive-processing"] == archived
    assert quantities["eventbridge", "archive-storage"] == archived * 12


def test_only_the_events_the_archive_takes_are_archived_and_retention_scales_storage(
    tmp_path: Path,
) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text(
        "design: choreography\narchive: {months_stored: 2.4}\n"
        "paths:\n  accepted: {archived_events: 1}\n"  # the archive takes order_placed alone
    )
    profile = load_profiles(["choreography"], [usage])[0]
    quantities = workload(profile, ONLY_ACCEPTED).per_order
    assert quantities["eventbridge", "archive-processing"] == D(1) / 1024**2
    assert quantities["eventbridge", "archive-storage"] == D("2.4") / 1024**2
    assert quantities["eventbridge", "custom-events"] == 5  # every event is still put


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("paths:\n  accepted: {archived_events: 6}\n", r"6 archived of 5 events put"),
        ("archive: {months_stored: -1}\n", r"archive\.months_stored: expected a number >= 0"),
    ],
)
def test_an_archive_figure_that_cannot_be_is_refused_at_its_key(
    tmp_path: Path, document: str, message: str
) -> None:
    usage = tmp_path / "usage.yaml"
    usage.write_text("design: choreography\n" + document)
    with pytest.raises(ProfileError, match=message):
        load_profiles(["choreography"], [usage])
