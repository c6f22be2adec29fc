"""`actual` reads a stack through the real botocore clients, stubbed with real-shape answers:
ListStackResources and GetMetricData in two pages, GetCostAndUsage grouped by usage type."""

from __future__ import annotations

from decimal import Decimal

import pytest

from costcalc.actual.read import read_actual
from costcalc.actual.resources import Resource
from costcalc.errors import UsageError
from tests.costcalc.actual.aws_answers import WINDOW, Answers, stub
from tests.costcalc.actual.orders_stack import answers


def test_every_page_of_every_answer_is_summed_per_unit_of_work() -> None:
    found = answers()
    slept: list[float] = []
    with stub(found) as clients:
        measured = read_actual(
            clients, stack="orders", tag=None, window=WINDOW, unit=None, sleep=slept.append
        )
    assert (measured.unit, measured.units) == ("executions started", Decimal(1000))
    assert measured.per_unit["executions"] == 1
    assert measured.per_unit["invocations.api"] == Decimal("3.7")
    assert measured.per_unit["rule_matches"] == Decimal("4.7")
    assert measured.per_unit["transitions"] == Decimal("7.46")  # billed usage, not a metric
    assert measured.per_unit["write_units.orders"] == 8
    assert measured.per_invocation["functions.api.duration_ms"] == 131
    assert measured.per_invocation["functions.api.log_kb"] == Decimal("0.5")
    assert measured.rates == {  # the 20 overdue orders counted out of the 820 accepted
        "accepted": Decimal("0.8"),
        "rejected": Decimal("0.1"),
        "cancelled": Decimal("0.03"),
        "timed_out": Decimal("0.05"),
        "overdue": Decimal("0.02"),
    }
    assert measured.outcomes["orders_state_machine"]["ExecutionsFailed"] == 10
    assert sum(item.usd for item in measured.billed) == Decimal("0.194084")
    assert found.calls == [
        "cloudformation:ListStackResources",
        "cloudformation:ListStackResources",
        "cloudwatch:GetMetricData",
        "cloudwatch:GetMetricData",
        "logs:StartQuery",
        *["logs:GetQueryResults"] * 4,  # running, then three pages
        *["ce:GetCostAndUsage"] * 4,  # by service and usage type: four pages
        *["ce:GetCostAndUsage"] * 5,  # by the logical-id tag: five pages
    ]
    assert slept == [0.0]  # one poll found the query running


def test_tagged_resources_are_found_by_arn_and_named_by_their_logical_id() -> None:
    with stub(answers(), tag=True) as clients:
        measured = read_actual(
            clients, stack=None, tag=("project", "orderflow-kit"), window=WINDOW, unit="requests"
        )
    assert (measured.unit, measured.units) == ("POST /orders requests", Decimal(1000))
    assert measured.per_unit["notifications"] == 1


def test_a_named_function_can_be_the_unit_of_work() -> None:
    with stub(answers()) as clients:
        measured = read_actual(
            clients, stack="orders", tag=None, window=WINDOW, unit="invocations:await_restaurant"
        )
    assert measured.per_unit["invocations.api"] == Decimal("3.7")


def test_a_window_without_metrics_is_said_plainly_and_nothing_is_invented() -> None:
    quiet = Answers(answers().resources, {})
    with stub(quiet) as clients, pytest.raises(UsageError, match="CloudWatch holds no metric"):
        read_actual(clients, stack="orders", tag=None, window=WINDOW, unit=None)


def test_a_stack_without_measured_resources_is_refused() -> None:
    with stub(Answers([], {})) as clients, pytest.raises(UsageError, match="no resource"):
        read_actual(clients, stack="orders", tag=None, window=WINDOW, unit=None)


def test_an_untagged_bill_is_left_out_with_a_note() -> None:
    found = answers()
    found.billed = []
    with stub(found) as clients:
        measured = read_actual(clients, stack="orders", tag=None, window=WINDOW, unit=None)
    assert "transitions" not in measured.per_unit
    assert "activated as a cost allocation tag" in measured.notes[-1]


def test_the_report_lines_give_each_functions_cold_start_rate_and_mean_init() -> None:
    with stub(answers()) as clients:
        measured = read_actual(clients, stack="orders", tag=None, window=WINDOW, unit=None)
    assert measured.per_invocation["functions.api.cold_start_rate"] == Decimal("0.1")
    assert measured.per_invocation["functions.api.init_ms"] == 420
    assert measured.per_invocation["functions.await_restaurant.init_ms"] == 300
    assert measured.per_invocation["functions.timeline_writer.cold_start_rate"] == 0
    assert "functions.timeline_writer.init_ms" not in measured.per_invocation  # none: unknown


def test_without_init_no_logs_query_is_made_and_the_notes_say_so() -> None:
    found = answers()
    with stub(found, init=False) as clients:
        measured = read_actual(
            clients, stack="orders", tag=None, window=WINDOW, unit=None, init=False
        )
    assert not any(call.startswith("logs:") for call in found.calls)
    assert not any(key.endswith("init_ms") for key in measured.per_invocation)
    assert "INIT not read (--no-init)" in measured.notes[0]


def test_scheduler_invocations_and_sns_deliveries_are_measured_per_unit() -> None:
    found = answers()
    found.resources.append(
        Resource("schedule_group", "orders-AcceptanceSchedules-7", "AcceptanceSchedules")
    )
    found.metrics = {
        **found.metrics,
        ("acceptance_schedules", "InvocationAttemptCount"): Decimal(50),
        ("restaurant_topic", "NumberOfNotificationsDelivered"): Decimal(2000),
    }
    with stub(found) as clients:
        measured = read_actual(clients, stack="orders", tag=None, window=WINDOW, unit=None)
    assert measured.per_unit["schedules_fired"] == Decimal("0.05")
    assert measured.per_unit["deliveries"] == 2


def test_a_logs_query_that_fails_leaves_init_unmeasured_with_a_note() -> None:
    found = answers()
    found.query_ends = "Failed"
    with stub(found) as clients:
        measured = read_actual(clients, stack="orders", tag=None, window=WINDOW, unit=None)
    assert not any(key.endswith("cold_start_rate") for key in measured.per_invocation)
    assert (
        "Logs Insights query query-1 ended Failed: INIT not measured for api,"
        in (measured.notes[0])
    )


def test_the_bill_is_also_read_per_resource_by_its_logical_id_tag_untagged_apart() -> None:
    found = answers()
    found.billed_resources = [*found.billed_resources, ("", "0.0001")]
    with stub(found) as clients:
        measured = read_actual(clients, stack="orders", tag=None, window=WINDOW, unit=None)
    assert measured.billed_resources["ApiFunction"] == Decimal("0.0025")
    assert measured.billed_resources["OrdersStateMachine"] == Decimal("0.1865")
    assert measured.billed_resources["(untagged)"] == Decimal("0.0001")
