"""Issue 8's production parts on the local runner, each figure beside a baseline from this run.

1. promo issuance per completed order: a completed order's wall time with the promo stack
   beside the choreography stack, against the same order without it; the AWS calls the promo
   context adds per completed order (its DynamoDB writes and SES sends are what its bill grows
   with); the issuer's own invocation, against the customer notifier's (also one email);
2. authorisation per request: the handler's own check (`orders.identity`: read the claims the
   JWT authorizer passed on, apply the rule) in microseconds, against a whole GET /orders/{id}
   on the runner; a refused request (403) against an allowed one;
3. replay throughput: replaying N completed orders' events from the archive, events per second,
   against the live run of the same orders; what the replay invoked and sent (no email).

The JWT authorizer itself runs in API Gateway (no Lambda time, nothing to measure here), and
EventBridge paces real replays itself: the runner's figures compare designs, not AWS latency.

Run: `.venv/bin/python benchmarks/production.py [--orders N]` (or `make bench`).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
from botocore.client import BaseClient

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests/support"), str(ROOT / "functions"), str(ROOT / "benchmarks")]

from _median import median_seconds  # noqa: E402
from stack_helpers import (  # noqa: E402
    CHOREOGRAPHY,
    CUSTOMER_CALLER,
    PROMO,
    SENDER,
    STAFF,
    order_body,
    prepare,
)

from orderflow_localrun import LocalRunner, customer  # noqa: E402
from orderflow_localrun.promo import deploy_promo, promo_codes  # noqa: E402
from orders import identity  # noqa: E402
from orders.model import Order, Status  # noqa: E402

# The per-account order quota is lifted: one benchmark customer places every order.
PARAMETERS = {"SenderEmail": SENDER, "OrdersPerCallerPerMinute": "10000"}
RUNS = 20


def complete_an_order(runner: LocalRunner) -> str:
    """Place, accept and complete one order (everything it causes delivered); its id."""
    order_id = str(
        runner.request("POST", "/orders", order_body(), caller=CUSTOMER_CALLER).json()["order_id"]
    )
    runner.request("POST", f"/orders/{order_id}/accept", caller=STAFF)
    runner.request("POST", f"/orders/{order_id}/complete", caller=STAFF)
    return order_id


@contextmanager
def counting_aws_calls() -> Iterator[Counter[str]]:
    """Every AWS call made in the block (by any function or the runner), as `service Operation`."""
    calls: Counter[str] = Counter()
    original = BaseClient._make_api_call

    def make_api_call(client: BaseClient, name: str, params: dict[str, Any]) -> Any:
        calls[f"{client.meta.service_model.service_name} {name}"] += 1
        return original(client, name, params)

    with mock.patch.object(BaseClient, "_make_api_call", make_api_call):
        yield calls


def _rule_invoking(runner: LocalRunner, logical_id: str) -> str:
    """The name of the rule on the orders bus that targets the promo stack's `logical_id`."""
    events = boto3.client("events", region_name=runner.names.region)
    bus = runner.deployment.outputs["OrdersBusName"]
    function = runner.neighbours["promo"].functions[logical_id].arn
    for rule in events.list_rules(EventBusName=bus)["Rules"]:
        targets = events.list_targets_by_rule(Rule=rule["Name"], EventBusName=bus)["Targets"]
        if any(t["Arn"] == function for t in targets):
            return str(rule["Name"])
    raise LookupError(f"no rule on {bus} invokes {logical_id}")


def _switch(runner: LocalRunner, rule: str, *, on: bool) -> None:
    events = boto3.client("events", region_name=runner.names.region)
    bus = runner.deployment.outputs["OrdersBusName"]
    (events.enable_rule if on else events.disable_rule)(Name=rule, EventBusName=bus)


def _median_ms(runner_function: Any) -> float:
    return statistics.median(i.duration_ms for i in runner_function.invocations[1:])


def report_promo() -> None:
    print("== promo issuance per completed order ==")
    with LocalRunner.start(CHOREOGRAPHY, PARAMETERS) as runner:
        prepare(runner)
        deploy_promo(runner, PROMO, SENDER)
        promo_rule = _rule_invoking(runner, "PromoIssuerFunction")
        complete_an_order(runner)  # cold starts
        # One stack, the promo rule switched off and on in turns: the same machine state for
        # both halves of each pair, so a busy machine slows both alike.
        timings: dict[bool, list[float]] = {False: [], True: []}
        calls: dict[bool, Counter[str]] = {}
        for _ in range(RUNS):
            for with_promo in (False, True):
                _switch(runner, promo_rule, on=with_promo)
                started = time.perf_counter()
                complete_an_order(runner)
                timings[with_promo].append(time.perf_counter() - started)
        for with_promo in (False, True):
            _switch(runner, promo_rule, on=with_promo)
            with counting_aws_calls() as counted:
                complete_an_order(runner)
            calls[with_promo] = counted
        issuer = runner.neighbour_functions["promo"]["PromoIssuerFunction"]
        notifier = runner.functions["CustomerNotifierFunction"]
        issuer_ms, notifier_ms = _median_ms(issuer), _median_ms(notifier)
        codes, completed = len(promo_codes(runner)), RUNS + 2
    baseline, promo = statistics.median(timings[False]), statistics.median(timings[True])
    print(f"  baseline: a completed order, promo rule off      {baseline * 1000:8.1f} ms")
    print(
        f"  the same order, promo rule on (issues + emails)  {promo * 1000:8.1f} ms"
        f"  ({(promo - baseline) * 1000:+.1f} ms, {promo / baseline:.2f}x; medians of {RUNS})"
    )
    print(f"  ({codes} codes issued for the {completed} orders completed with the rule on)")
    print(f"  baseline: customer notifier invocation (median)  {notifier_ms:8.1f} ms")
    print(
        f"  promo issuer invocation (median)                 {issuer_ms:8.1f} ms"
        f"  ({issuer_ms / notifier_ms:.2f}x)"
    )
    added = calls[True] - calls[False]
    print(
        f"  AWS calls during one completed order (the runner's polling included): "
        f"{sum(calls[False].values())} with the promo rule off, {sum(calls[True].values())} on;"
    )
    print("  the promo context adds:")
    for call, count in sorted(added.items()):
        print(f"    {count} x {call}")


def _order(customer_id: str) -> Order:
    return Order(
        order_id="o-1", status=Status.PLACED, restaurant_id="pizza-1", customer_email="",
        items=(), delivery_note="", correlation_id="c-1", placed_at="", updated_at="",
        version=1, customer_id=customer_id,
    )  # fmt: skip


def _authorise(context: dict[str, Any], order: Order) -> None:
    identity.require_reader(identity.caller_from(context), order)


def report_authorisation() -> None:
    print("== authorisation per request ==")
    owner, stranger = customer("customer-ana"), customer("customer-bob")
    context = {"authorizer": {"jwt": {"claims": owner}}}
    order = _order("customer-ana")
    loops = 10_000
    check = median_seconds(lambda: [_authorise(context, order) for _ in range(loops)], 5) / loops
    with LocalRunner.start(CHOREOGRAPHY, PARAMETERS) as runner:
        prepare(runner)
        order_id = complete_an_order(runner)
        path = f"/orders/{order_id}"
        allowed = runner.request("GET", path, caller=owner)
        refused = runner.request("GET", path, caller=stranger)
        assert (allowed.status, refused.status) == (200, 403), (allowed.status, refused.status)
        # A GET causes nothing to deliver: no settling, the request alone is timed; allowed
        # and refused requests take turns, so a busy machine slows both alike.
        timings: dict[str, list[float]] = {"allowed": [], "refused": []}
        for _ in range(RUNS * 5):
            for kind, caller in (("allowed", owner), ("refused", stranger)):
                started = time.perf_counter()
                runner.request("GET", path, caller=caller, settle=False)
                timings[kind].append(time.perf_counter() - started)
        read, deny = (statistics.median(timings[k]) for k in ("allowed", "refused"))
    print(f"  baseline: GET /orders/{{id}} on the runner (200)   {read * 1e6:9.1f} us")
    print(
        f"  the handler's check (claims -> caller -> rule)    {check * 1e6:9.2f} us"
        f"  ({check / read:.3%} of the request)"
    )
    print(
        f"  the same GET by another customer (403)            {deny * 1e6:9.1f} us"
        f"  ({deny / read:.2f}x: the order is read before the rule can refuse)"
    )


def report_replay(orders: int) -> None:
    print("== replaying the archive ==")
    with LocalRunner.start(CHOREOGRAPHY, PARAMETERS) as runner:
        prepare(runner)
        deploy_promo(runner, PROMO, SENDER)
        started = time.perf_counter()
        for _ in range(orders):
            complete_an_order(runner)
        live = time.perf_counter() - started
        events = len(runner.bus_events)
        issuer = runner.neighbour_functions["promo"]["PromoIssuerFunction"]
        invoked, emails = len(issuer.invocations), len(runner.emails())
        now, deliveries = runner.now(), len(runner.deliveries)
        started = time.perf_counter()
        state = runner.replay("OrdersArchive", "bench", now - timedelta(hours=1), now)
        replayed = time.perf_counter() - started
        assert state == "COMPLETED", state
        reinvoked = len(issuer.invocations) - invoked
        resent = len(runner.emails()) - emails
        redelivered = len(runner.deliveries) - deliveries
    print(
        f"  {f'baseline: {orders} orders run live ({events} events)':<50}{live:8.2f} s"
        f"  ({events / live:.1f} events/s)"
    )
    print(
        f"  {f'replay of the same {events} events from the archive':<50}{replayed:8.2f} s"
        f"  ({events / replayed:.1f} events/s, {replayed / live:.2f}x the live run)"
    )
    print(
        f"  the replay made {redelivered} rule deliveries, {reinvoked} to the promo issuer (one "
        f"per completed order; the orders stack's rules exclude replays), and sent {resent} emails"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=100, help="orders for the replay run")
    args = parser.parse_args()
    if args.orders < 1:
        parser.error(f"--orders {args.orders}: use at least 1")
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    report_promo()
    report_authorisation()
    report_replay(args.orders)


if __name__ == "__main__":
    main()
