"""`actual` on the local runner: a known mix of orders, measured back.

Honest about what is real: moto's Lambda, Step Functions, SNS and SES emit no CloudWatch
metrics, so the test puts the runner's own counts (executions moto started, the requests the
test sent per route, the notifications and emails the runner delivered) into moto's
CloudWatch with PutMetricData, and `actual` reads them back through moto's GetMetricData.
Moto has no Cost Explorer data, so its answer is stubbed (botocore Stubber), built from the
states every execution entered in moto's history. The stack's resource list is stubbed from
the runner's deployment (the runner does not deploy through CloudFormation).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import boto3
import pytest
from botocore.stub import Stubber
from stack_helpers import ORCHESTRATION, drive, place

from costcalc.actual.forecast import forecast, read_definition
from costcalc.actual.read import read_actual
from costcalc.actual.resources import Resource
from costcalc.actual.window import Window
from costcalc.compare.scenario import scenario
from orderflow_localrun import LocalRunner
from orderflow_localrun.executions import states_entered
from tests.costcalc.actual.aws_answers import cost_pages, resource_pages, stack_page

MIX = {"completed": 4, "rejected": 2, "cancelled": 2}
ROUTES = {"completed": "accept", "rejected": "reject", "cancelled": "cancel"}
API = "local-api"


def test_actual_recovers_the_mix_and_the_estimates_per_order_figures(
    orchestration: LocalRunner,
) -> None:
    runner = orchestration
    orders = [(place(runner), outcome) for outcome, n in MIX.items() for _ in range(n)]
    for order_id, outcome in orders:
        drive(runner, order_id, outcome)
    runner.wait_for_executions(60)
    runner.settle()
    region = runner.names.region
    machine = runner.deployment.outputs["OrdersStateMachineArn"]
    sfn = boto3.client("stepfunctions", region_name=region)
    executions = sfn.list_executions(stateMachineArn=machine)["executions"]
    transitions = sum(len(states_entered(runner.execution_history(e["name"]))) for e in executions)
    now = dt.datetime.now(dt.UTC)
    cloudwatch = boto3.client("cloudwatch", region_name=region)
    route_counts = {"POST /orders": len(orders)} | {
        f"POST /orders/{{order_id}}/{ROUTES[o]}": n for o, n in MIX.items()
    }
    data = [
        ("AWS/States", "ExecutionsStarted", [("StateMachineArn", machine)], len(executions)),
        ("AWS/SES", "Send", [], len(runner.emails())),
        *(
            ("AWS/ApiGateway", "Count", [("ApiId", API), ("Stage", "$default"), ("Route", r)], n)
            for r, n in route_counts.items()
        ),
    ]
    for namespace, metric, dimensions, value in data:
        cloudwatch.put_metric_data(
            Namespace=namespace,
            MetricData=[{
                "MetricName": metric,
                "Dimensions": [{"Name": k, "Value": v} for k, v in dimensions],
                "Timestamp": now - dt.timedelta(minutes=30),
                "Value": value,
            }],
        )  # fmt: skip
    resources = [
        Resource("state_machine", machine, "OrdersStateMachine"),
        Resource("http_api", API, "OrdersApi"),
    ]
    cfn = boto3.client("cloudformation", region_name=region)
    ce = boto3.client("ce", region_name="us-east-1")
    billed = [("AWS Step Functions", "USE1-StateTransition", str(transitions), "StateTransition",
               str(Decimal(transitions) * Decimal("0.000025")))]  # fmt: skip
    with Stubber(cfn) as cfn_stub, Stubber(ce) as ce_stub:
        cfn_stub.add_response("list_stack_resources", stack_page(resources, None))
        for page in cost_pages(billed):
            ce_stub.add_response("get_cost_and_usage", page)
        for page in resource_pages([("OrdersStateMachine", billed[0][-1])]):
            ce_stub.add_response("get_cost_and_usage", page)
        clients = {"cloudformation": cfn, "cloudwatch": cloudwatch, "ce": ce}.__getitem__
        window = Window(now - dt.timedelta(hours=2), now)
        measured = read_actual(clients, stack="orders", tag=None, window=window, unit=None)
    placed = Decimal(len(orders))
    assert measured.units == placed
    assert measured.rates == {
        "accepted": Decimal(4) / placed,
        "rejected": Decimal(2) / placed,
        "cancelled": Decimal(2) / placed,
        "timed_out": 0,
        "overdue": 0,  # the stack counted none (no OrdersOverdue point)
    }
    (estimated,) = read_definition(ORCHESTRATION, None)
    plan = scenario(rates=measured.rates, profiles=[estimated.profile])
    expected = forecast(estimated, plan, measured.units)
    for figure in ("transitions", "executions", "emails"):
        assert measured.per_unit[figure] == pytest.approx(expected.per_unit[figure]), figure
