"""The analytics stack beside an orders stack: a seeded mix of orders on every path lands in the
lake, and the named queries report exactly the counts, rates and revenue the mix implies."""

from __future__ import annotations

import gzip
import json
import random
import re
from collections import Counter
from datetime import UTC, datetime
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import boto3
import pytest
from stack_helpers import CUSTOMER, StartStack
from template_checks import TEMPLATES, stack_of

from orderflow_localrun import LocalRunner, customer
from orderflow_localrun.analytics.lake import QueryResult, run_named_queries
from orderflow_localrun.deploy import Deployment
from orderflow_localrun.restaurants import Restaurant, seed_restaurants
from orderflow_localrun.template import load_template
from orderflow_localrun.traffic import OUTCOMES, OrderPlan, drive

ANALYTICS = Path("sam/analytics/template.yaml").resolve()
# The orders stacks of both styles (orchestration once its template exists).
ORDERS_TEMPLATES = [t for t in TEMPLATES if stack_of(t) in {"choreography", "orchestration"}]
# Restaurants notified by email (moto's SNS would try a real HTTPS endpoint); curry-3 is seeded
# here, pizza-1 by the fixture.
CURRY = Restaurant("curry-3", "Curry Three", "kitchen@curry-three.example")
MIX_RESTAURANTS = ("pizza-1", CURRY.restaurant_id)
# Long enough that no order times out while the mix is still being driven (handlers schedule
# time-outs by wall time); `drive` then moves the runner's clock past it. A state machine's
# time-out fires in real time, so the orchestration stack gets one `drive` waits for (each
# answered order is answered right after it is placed, well within it).
TIMEOUT = "600"
TIMEOUTS = {"choreography": TIMEOUT, "orchestration": "30"}
MENU = [("margherita", "9.50"), ("water", "1.25"), ("tiramisu", "4.50"), ("maki set", "6.00")]


def seeded_mix(seed: int, count: int) -> list[OrderPlan]:
    """`count` random orders (restaurants, items, outcomes) with every outcome at least once."""
    rng = random.Random(seed)
    outcomes = list(OUTCOMES) + [rng.choice(OUTCOMES) for _ in range(count - len(OUTCOMES))]
    rng.shuffle(outcomes)
    return [
        OrderPlan(
            restaurant_id=rng.choice(MIX_RESTAURANTS),
            items=tuple(
                (name, rng.randint(1, 4), price)
                for name, price in rng.sample(MENU, rng.randint(1, 3))
            ),
            outcome=outcome,
        )
        for outcome in outcomes
    ]


def _beside(runner: LocalRunner) -> tuple[LocalRunner, Deployment]:
    """The analytics stack deployed on `runner`'s bus, with the mix's second restaurant."""
    seed_restaurants(
        [CURRY],
        table_name=runner.deployment.outputs["RestaurantsTableName"],
        topic_arn=runner.deployment.outputs["RestaurantTopicArn"],
        region=runner.names.region,
    )
    parameters = {"OrdersBusName": runner.deployment.outputs["OrdersBusName"]}
    return runner, runner.deploy_beside(ANALYTICS, parameters, "analytics")


@pytest.fixture(params=ORDERS_TEMPLATES, ids=stack_of)
def stacks(
    request: pytest.FixtureRequest, start_stack: StartStack
) -> tuple[LocalRunner, Deployment]:
    timeout = TIMEOUTS[stack_of(request.param)]
    return _beside(start_stack(request.param, AcceptanceTimeoutSeconds=timeout))


def _report(runner: LocalRunner, deployment: Deployment) -> dict[str, QueryResult]:
    parameters = {"OrdersBusName": runner.deployment.outputs["OrdersBusName"]}
    results = run_named_queries(load_template(ANALYTICS, parameters), deployment)
    return {r.query.name: r for r in results}


def _pct(part: int, whole: int) -> Decimal:
    return (Decimal(100 * part) / whole).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_a_seeded_mix_on_every_path_gives_exactly_the_expected_report(
    stacks: tuple[LocalRunner, Deployment],
) -> None:
    runner, deployment = stacks
    plans = seeded_mix(seed=13, count=20)
    drive(runner, plans, CUSTOMER)
    report = _report(runner, deployment)
    outcomes = Counter(p.outcome for p in plans)
    n = len(plans)

    [rates] = report["outcome-rates"].as_dicts()
    assert {k: Decimal(str(v)) for k, v in rates.items()} == {
        "orders_placed": n,
        "accepted_pct": _pct(outcomes["complete"] + outcomes["accept"], n),
        "rejected_pct": _pct(outcomes["reject"], n),
        "timed_out_pct": _pct(outcomes["timeout"], n),
        "cancelled_pct": _pct(outcomes["cancel"], n),
        "waiting_pct": 0,
        "overdue_pct": 0,  # every order of the mix meets the template's two-hour deadline
        "completed": outcomes["complete"],
    }

    completed = [p for p in plans if p.outcome == "complete"]
    expected_revenue = Counter[str]()
    for plan in completed:
        expected_revenue[plan.restaurant_id] += plan.total  # type: ignore[assignment]
    assert {
        r["restaurant_id"]: (r["completed_orders"], r["revenue"])
        for r in report["revenue-per-restaurant"].as_dicts()
    } == {
        restaurant: (sum(p.restaurant_id == restaurant for p in completed), revenue)
        for restaurant, revenue in expected_revenue.items()
    }

    assert sum(r["orders_placed"] for r in report["orders-per-hour"].as_dicts()) == n
    [accept] = report["time-to-accept"].as_dicts()
    [complete] = report["time-to-complete"].as_dicts()
    assert accept["orders_accepted"] == outcomes["complete"] + outcomes["accept"]
    assert complete["orders_completed"] == outcomes["complete"]
    for timing in (accept, complete):
        assert 0 <= timing["p50_seconds"] <= timing["p95_seconds"] <= timing["max_seconds"]


def test_an_order_still_waiting_counts_as_waiting_not_as_an_outcome(
    stacks: tuple[LocalRunner, Deployment],
) -> None:
    runner, deployment = stacks
    decided = [p for p in seeded_mix(seed=1, count=len(OUTCOMES)) if p.outcome != "timeout"]
    drive(runner, decided, CUSTOMER)  # nothing times out: the clock does not move
    waiting = runner.request(
        "POST", "/orders", decided[0].body(), caller=customer("waiting", CUSTOMER)
    )
    assert waiting.status == 201
    [rates] = _report(runner, deployment)["outcome-rates"].as_dicts()
    assert rates["orders_placed"] == len(decided) + 1
    assert Decimal(str(rates["waiting_pct"])) == _pct(1, len(decided) + 1)
    assert Decimal(str(rates["timed_out_pct"])) == 0


def test_the_lake_holds_every_bus_event_once_as_gzipped_json_lines_in_day_folders(
    stacks: tuple[LocalRunner, Deployment],
) -> None:
    runner, deployment = stacks
    started = datetime.now(UTC)
    drive(runner, seeded_mix(seed=7, count=6), CUSTOMER)
    # Firehose names the day folder after the records' arrival (UTC wall time), which may cross
    # midnight during the run: each object's folder is the day its own name stamps.
    days = {started.strftime("%Y-%m-%d"), datetime.now(UTC).strftime("%Y-%m-%d")}
    s3 = boto3.client("s3", region_name=runner.names.region)
    bucket = deployment.outputs["EventsBucketName"]
    landed = []
    for item in s3.list_objects_v2(Bucket=bucket)["Contents"]:
        folder = re.fullmatch(
            r"events/dt=([0-9-]{10})/.+-(\d{4})-(\d\d)-(\d\d)-\d\d-\d\d-\d\d-.+", item["Key"]
        )
        assert folder is not None, item["Key"]
        assert folder[1] in days
        assert folder[1] == "-".join(folder.groups()[1:])
        assert item["Key"].endswith(".gz")
        body = gzip.decompress(s3.get_object(Bucket=bucket, Key=item["Key"])["Body"].read())
        assert body.endswith(b"\n")
        landed += [json.loads(line) for line in body.splitlines()]
    assert sorted((e["detail-type"], e["detail"]["order_id"]) for e in landed) == sorted(
        (e.detail_type, e.detail["order_id"]) for e in runner.bus_events
    )


def test_events_the_stream_cannot_take_go_to_the_rule_dead_letter_queue(
    start_stack: StartStack,
) -> None:
    runner, deployment = _beside(start_stack(AcceptanceTimeoutSeconds=TIMEOUT))
    firehose = boto3.client("firehose", region_name=runner.names.region)
    firehose.delete_delivery_stream(DeliveryStreamName=deployment.outputs["DeliveryStreamName"])
    drive(runner, seeded_mix(seed=3, count=1), CUSTOMER)
    dead = _drain(runner, deployment.outputs["RuleDeadLetterQueueUrl"])
    assert [m["detail-type"] for m in dead] == [e.detail_type for e in runner.bus_events]


def _drain(runner: LocalRunner, url: str) -> list[dict[str, object]]:
    """Every message in the queue, in order (received and deleted ten at a time)."""
    sqs = boto3.client("sqs", region_name=runner.names.region)
    bodies = []
    while messages := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [json.loads(m["Body"]) for m in messages]
        for message in messages:
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return bodies
