"""What `costcalc estimate` derives from either style's template equals what the stack does.

Each path of the order flow runs on the local runner (the real template, the real handlers,
moto executing the real state machine definition); what AWS would bill is counted there —
state transitions from moto's execution history, events put, rule deliveries, invocations,
API requests, table writes, notifications, emails, schedules — and compared, figure by figure,
with the derivation and with the shipped profile of the style. Modified copies of the
templates (a new rule and its function, a new state, a larger memory size) change the estimate
and stay equal to the run.
"""

from __future__ import annotations

import re
import time
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any
from unittest import mock

import boto3
import pytest
from moto.dynamodb.models import DynamoDBBackend
from moto.scheduler.models import EventBridgeSchedulerBackend
from stack_helpers import (
    CHOREOGRAPHY,
    CUSTOMER_CALLER,
    DEADLINE_SECONDS,
    ORCHESTRATION,
    ROOT,
    SENDER,
    STAFF,
    order_body,
    prepare,
)

from costcalc.estimate.flow import FLOW, OrderPath
from costcalc.estimate.usage import Estimated, estimate
from costcalc.workload.profiles import PATHS, ProfileError, load_profiles
from orderflow_localrun import LocalRunner
from orderflow_localrun.executions import states_entered

# The production default: the runner's clock is advanced past it on choreography's timed-out
# path, so no answered path can time out on a machine slowed by other work.
TIMEOUT_SECONDS = 600
PARAMETERS = {"SenderEmail": SENDER, "AcceptanceTimeoutSeconds": str(TIMEOUT_SECONDS)}
#: A state machine's time-out fires in real time: its timed-out path waits this long.
MACHINE_TIMEOUT_SECONDS = 2
STYLES = {"choreography": CHOREOGRAPHY, "orchestration": ORCHESTRATION}
#: Figures the run counts; the profile's idempotency writes are counted too (not derived).
COUNTED = (
    "api_requests",
    "events",
    "rule_matches",
    "transitions",
    "executions",
    "notifications",
    "emails",
    "schedules_created",
    "schedules_fired",
)


def _caller_for(route: str) -> dict[str, str]:
    """The restaurant answers and completes orders; the customer does the rest."""
    answers = route.rsplit("/", 1)[-1] in {"accept", "reject", "complete"}
    return STAFF if answers else CUSTOMER_CALLER


class _Calls:
    """Counts calls to moto backend methods by their first argument (a table, a group)."""

    def __init__(self) -> None:
        self.counts: Counter[tuple[str, str]] = Counter()

    def wrap(self, cls: type, method: str, key: Callable[..., str]) -> Any:
        original = getattr(cls, method)

        def counted(backend: Any, *args: Any, **kwargs: Any) -> Any:
            self.counts[(method, key(*args, **kwargs))] += 1
            return original(backend, *args, **kwargs)

        return mock.patch.object(cls, method, counted)


#: The functions a Scheduler schedule invokes (the acceptance clock's, the deadline's).
SCHEDULED = ("OrderTimeoutFunction", "OrderOverdueFunction")


def _parameters(runner_template: Path, path: OrderPath) -> dict[str, str]:
    machine = "AWS::Serverless::StateMachine" in runner_template.read_text(encoding="utf-8")
    if path.deadline_fires:  # a short deadline, passed in real time for the state machine
        return {**PARAMETERS, "OrderDeadlineSeconds": str(DEADLINE_SECONDS)}
    if machine and path.acceptance_timeout_fires:
        return {**PARAMETERS, "AcceptanceTimeoutSeconds": str(MACHINE_TIMEOUT_SECONDS)}
    return PARAMETERS


def _pass_the_deadline(runner: LocalRunner, order_id: str) -> None:
    """Move past the order's deadline and wait until it is overdue, reading its status from the
    table (a GET would bill a request the path does not make). Choreography's deadline fires
    on the runner's clock, the state machine's in real time."""
    runner.advance(DEADLINE_SECONDS + 1)
    dynamodb = boto3.client("dynamodb", region_name=runner.names.region)
    table = runner.names.refs["OrdersTable"]
    give_up = time.monotonic() + 60
    while True:
        item = dynamodb.get_item(TableName=table, Key={"order_id": {"S": order_id}})["Item"]
        if item["status"]["S"] == "overdue":
            return
        assert time.monotonic() < give_up, f"order {order_id} never went overdue"
        time.sleep(0.1)
        runner.advance(0)


def _transitions(runner: LocalRunner, order_id: str) -> tuple[int, int]:
    """States entered by the order's execution and executions started (0, 0 without one)."""
    if not runner.deployment.outputs.get("OrdersStateMachineArn"):
        return 0, 0
    runner.wait_for_executions(MACHINE_TIMEOUT_SECONDS + 60)
    runner.settle()  # deliver what the execution published after the last request
    sfn = boto3.client("stepfunctions", region_name=runner.names.region)
    started = sfn.list_executions(
        stateMachineArn=runner.deployment.outputs["OrdersStateMachineArn"]
    )
    return len(states_entered(runner.execution_history(order_id))), len(started["executions"])


def _run(template: Path, path: OrderPath) -> dict[str, Any]:
    """Drive one order down ``path`` on the runner; what AWS would bill for it."""
    calls = _Calls()
    with LocalRunner.start(template, _parameters(template, path)) as runner:
        prepare(runner)
        tables = {name: logical for logical, name in runner.names.refs.items()}
        runner.deliveries.clear()
        runner.bus_events.clear()
        for function in runner.functions.values():
            function.invocations.clear()
        with (
            calls.wrap(DynamoDBBackend, "put_item", lambda table, *a, **k: table),
            calls.wrap(DynamoDBBackend, "update_item", lambda table, *a, **k: table),
            calls.wrap(DynamoDBBackend, "delete_item", lambda table, *a, **k: table),
            calls.wrap(EventBridgeSchedulerBackend, "create_schedule", lambda *a, **k: "any"),
        ):
            order_id = ""
            for number, (method, route) in enumerate(path.requests, 1):
                if path.deadline_fires and number == len(path.requests):
                    _pass_the_deadline(runner, order_id)
                url = route.replace("{order_id}", order_id)
                if route == "/orders":
                    response = runner.request(
                        method,
                        url,
                        order_body(),
                        {"Idempotency-Key": "reality-1"},
                        caller=CUSTOMER_CALLER,
                    )
                    order_id = response.json()["order_id"]
                else:
                    body = {"reason": "closed"} if url.endswith("/reject") else None
                    response = runner.request(method, url, body, caller=_caller_for(route))
                assert response.status < 300, (method, url, response.body)
            if path.acceptance_timeout_fires:
                runner.advance(TIMEOUT_SECONDS + 1)
            transitions, executions = _transitions(runner, order_id)
        writes: Counter[str] = Counter()
        for (method, table), count in calls.counts.items():
            if method != "create_schedule":
                writes[tables[table]] += count
        scheduled = [f for f in runner.functions if f in SCHEDULED]
        return {
            "api_requests": len(path.requests),
            "events": len(runner.bus_events),
            "rule_matches": len(runner.deliveries),
            "transitions": transitions,
            "executions": executions,
            "invocations": {
                logical: len(function.invocations)
                for logical, function in runner.functions.items()
                if function.invocations
            },
            "memory_mb": {
                logical: function.spec.memory_mb for logical, function in runner.functions.items()
            },
            "writes": dict(writes),
            "notifications": len(runner.notifications()),
            "emails": len(runner.emails()),
            "schedules_created": calls.counts[("create_schedule", "any")],
            "schedules_fired": sum(len(runner.functions[f].invocations) for f in scheduled),
        }


def _derived(estimated: Estimated, path: str) -> dict[str, Any]:
    usage = estimated.profile.paths[path]
    names = {function.name: logical for logical, function in estimated.found.functions.items()}
    tables = {
        "orders": "OrdersTable",
        "idempotency": "IdempotencyTable",
        "timeline": "TimelineTable",
    }
    return {
        **{figure: int(getattr(usage, figure)) for figure in COUNTED},
        "invocations": {names[f]: int(n) for f, n in usage.invocations.items() if n},
        "memory_mb": {
            names[f]: int(function.memory_mb) for f, function in estimated.profile.functions.items()
        },
        "writes": {tables[t]: int(n) for t, n in usage.writes.items() if n},
    }


@pytest.fixture(scope="module")
def choreography() -> Estimated:
    return estimate(CHOREOGRAPHY, parameters=PARAMETERS)[0]


@pytest.fixture(scope="module")
def orchestration() -> Estimated:
    return estimate(ORCHESTRATION, parameters=PARAMETERS)[0]


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("style", list(STYLES))
def test_each_path_bills_what_the_definition_says_and_the_profile_agrees(
    style: str, path: str, request: pytest.FixtureRequest
) -> None:
    estimated: Estimated = request.getfixturevalue(style)
    ran = _run(STYLES[style], FLOW[path])
    assert _derived(estimated, path) == ran
    # the definition states each path itself, not the profile beneath it
    stated = estimated.derivation.paths[path]
    assert {figure: int(stated.get(figure, 0)) for figure in COUNTED} == {
        figure: ran[figure] for figure in COUNTED
    }
    shipped = load_profiles([style])[0].paths[path]
    for figure in COUNTED:
        assert getattr(shipped, figure) == ran[figure], figure
    assert {f: int(n) for f, n in shipped.invocations.items() if n} == {
        estimated.found.functions[logical].name: n for logical, n in ran["invocations"].items()
    }
    assert shipped.writes == {
        "orders": Decimal(ran["writes"]["OrdersTable"]),
        "idempotency": Decimal(ran["writes"]["IdempotencyTable"]),
        "timeline": Decimal(ran["writes"]["TimelineTable"]),
    }


AUDIT_FUNCTION = """
  AuditFunction:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code}
      Handler: audit.handler
      MemorySize: 1024
      Events:
        EveryOrderEvent:
          Type: EventBridgeRule
          Properties:
            EventBusName: !GetAtt OrdersBus.Name
            Pattern:
              source: [orderflow.orders]
              detail-type: [{{prefix: order_}}]
"""


@pytest.fixture
def modified(tmp_path: Path) -> Path:
    """A copy of the choreography template with an audit rule and a larger notifier."""
    code = tmp_path / "audit"
    code.mkdir()
    (code / "audit.py").write_text("def handler(event, context):\n    return None\n")
    text = CHOREOGRAPHY.read_text(encoding="utf-8")
    text = text.replace("CodeUri: ../../functions/", f"CodeUri: {ROOT / 'functions'}/")
    text = re.sub(
        r"(  CustomerNotifierFunction:\n    Type: AWS::Serverless::Function\n)",
        AUDIT_FUNCTION.format(code=code).lstrip("\n") + "\n" + r"\1",
        text,
    )
    text = text.replace(
        "      Description: Emails the customer",
        "      MemorySize: 512\n      Description: Emails the customer",
    )
    target = tmp_path / "stack" / "template.yaml"
    target.parent.mkdir()
    target.write_text(text, encoding="utf-8")
    return target


def _audit_usage(tmp_path: Path) -> Path:
    """What no template says about the new function: its duration, cold starts and logs."""
    usage = tmp_path / "audit-usage.yaml"
    usage.write_text(
        "design: choreography\nfunctions:\n  audit: {duration_ms: 5, cold_start_rate: 0.01, "
        "init_ms: 200, log_kb: 0.5}\n"
    )
    return usage


@pytest.mark.slow
@pytest.mark.parametrize("path", ["accepted", "cancelled"])
def test_a_new_rule_and_a_larger_memory_size_change_the_estimate_and_match_the_run(
    modified: Path, choreography: Estimated, path: str, tmp_path: Path
) -> None:
    changed = estimate(modified, parameters=PARAMETERS, usage_files=[_audit_usage(tmp_path)])[0]
    before, after = choreography.profile, changed.profile
    # the audit rule matches the order_* events, not restaurant_notified or user_notified
    audited = sum(event.startswith("order_") for event in FLOW[path].events)
    assert after.paths[path].rule_matches == before.paths[path].rule_matches + audited
    assert after.paths[path].invocations["audit"] == audited
    assert after.functions["audit"].memory_mb == 1024
    assert after.functions["customer_notifier"].memory_mb == 512
    assert _derived(changed, path) == _run(modified, FLOW[path])
    assert changed.figures()[0].source  # every figure still says where it came from


def test_a_function_no_profile_knows_needs_its_figures_from_the_user(modified: Path) -> None:
    with pytest.raises(ProfileError, match=r"functions\.audit: missing key .*--usage FILE"):
        estimate(modified, parameters=PARAMETERS)


AUDIT_STATE = '"Audit": {"Type": "Pass", "Comment": "added in a PR", "Next": "AwaitRestaurant"},'


@pytest.fixture
def modified_machine(tmp_path: Path) -> Path:
    """A copy of the orchestration stack with a state added and a larger acceptance function."""
    definition = (ROOT / "statemachine/orders.asl.json").read_text(encoding="utf-8")
    definition = definition.replace('"Next": "AwaitRestaurant"', '"Next": "Audit"', 1)
    definition = definition.replace('"States": {', '"States": {' + AUDIT_STATE, 1)
    (tmp_path / "orders.asl.json").write_text(definition, encoding="utf-8")
    text = ORCHESTRATION.read_text(encoding="utf-8")
    text = text.replace("CodeUri: ../../functions/", f"CodeUri: {ROOT / 'functions'}/")
    text = text.replace(
        "DefinitionUri: ../../statemachine/orders.asl.json",
        f"DefinitionUri: {tmp_path / 'orders.asl.json'}",
    )
    text = text.replace(
        "      Handler: await_restaurant.handler\n",
        "      Handler: await_restaurant.handler\n      MemorySize: 1024\n",
    )
    target = tmp_path / "stack" / "template.yaml"
    target.parent.mkdir()
    target.write_text(text, encoding="utf-8")
    return target


@pytest.mark.slow
@pytest.mark.parametrize("path", ["accepted", "cancelled"])
def test_a_new_state_and_a_larger_memory_size_change_the_estimate_and_match_the_run(
    modified_machine: Path, orchestration: Estimated, path: str
) -> None:
    changed = estimate(modified_machine, parameters=PARAMETERS)[0]
    before, after = orchestration.profile, changed.profile
    assert after.paths[path].transitions == before.paths[path].transitions + 1
    assert after.functions["await_restaurant"].memory_mb == 1024
    assert before.functions["await_restaurant"].memory_mb == 256
    assert _derived(changed, path) == _run(modified_machine, FLOW[path])
