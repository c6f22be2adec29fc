"""The orchestration stack's Pulumi program, run under mocks: resources, key inputs, outputs."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pytest
from pulumi_program import PULUMI_DIR, ROOT, ProgramRun, project_name, run_program, stack_config

from orderflow_infra.deployment import ConfigError

PROJECT = "orders-orchestration"
# The name in its Pulumi.yaml: it prefixes config keys and names the stack's resources.
NAME = project_name(PROJECT)
FUNCTION = "aws:lambda/function:Function"
STATE_MACHINE_ARN = "arn:aws:states:us-east-1:123456789012:stateMachine:orders-state-machine"
AWAIT_RESTAURANT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:await-restaurant-function"


@cache
def dev() -> ProgramRun:
    return run_program(PROJECT)


def definition(run: ProgramRun) -> dict[str, Any]:
    return dict(json.loads(run.named("orders-state-machine").inputs["definition"]))


def test_the_stack_exports_the_sam_stack_outputs_under_the_same_names() -> None:
    assert dev().stack_outputs == {
        "AlarmTopicArn": "arn:aws:sns:us-east-1:123456789012:alarm-topic",
        "ApiUrl": "https://orders-api-id.execute-api.us-east-1.amazonaws.com",
        "OrdersArchiveName": "orders-archive",
        "OrdersBusName": f"{NAME}-dev-orders",
        "OrdersStateMachineArn": STATE_MACHINE_ARN,
        "OrdersTableName": "orders-table",
        "RestaurantsTableName": "restaurants-table",
        "RestaurantTopicArn": "arn:aws:sns:us-east-1:123456789012:restaurant-topic",
        "UserPoolClientId": "user-pool-client-id",
        "UserPoolId": "us-east-1_user-pool",
    }


def test_the_flow_runs_in_the_api_and_the_callback_and_only_the_timeline_is_asynchronous() -> None:
    functions = {f.name: f.inputs for f in dev().of_type(FUNCTION)}

    assert set(functions) == {
        "api-function",
        "await-restaurant-function",
        "timeline-writer-function",
    }
    assert "deadLetterConfig" not in functions["api-function"]
    assert "deadLetterConfig" not in functions["await-restaurant-function"]
    assert functions["timeline-writer-function"]["deadLetterConfig"] == {
        "targetArn": dev().named("function-dead-letter-queue").outputs["arn"]
    }
    (invoke_config,) = dev().of_type(
        "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig"
    )
    assert invoke_config.inputs["maximumRetryAttempts"] == 2
    (rule,) = dev().of_type("aws:cloudwatch/eventRule:EventRule")
    assert json.loads(rule.inputs["eventPattern"]) == {"source": ["orderflow.orders"]}
    target = dev().named(f"{rule.name}-lambda-target").inputs
    assert target["deadLetterConfig"]["arn"] == dev().named("rule-dead-letter-queue").outputs["arn"]


def test_the_definition_is_the_asl_file_with_every_placeholder_filled() -> None:
    source = json.loads((ROOT / "statemachine/orders.asl.json").read_text())
    filled = definition(dev())
    states = filled["States"]

    assert "${" not in dev().named("orders-state-machine").inputs["definition"]
    assert set(states) == set(source["States"])
    assert states["AwaitRestaurant"]["Parameters"]["FunctionName"] == AWAIT_RESTAURANT_ARN
    assert states["RecordOrder"]["Parameters"]["TableName"] == "orders-table"
    sender = stack_config(PULUMI_DIR / PROJECT)[f"{NAME}:SenderEmail"]
    assert states["EmailAcceptance"]["Parameters"]["Source"] == sender
    buses = {
        entry["EventBusName"]
        for state in states.values()
        for entry in state.get("Parameters", {}).get("Entries", [])
    }
    assert buses == {f"{NAME}-dev-orders"}


def test_the_sender_email_reaches_the_definition_and_the_state_machine_policy() -> None:
    run = run_program(PROJECT, overrides={f"{NAME}:SenderEmail": "shop@example.org"})
    email = {s["Sid"]: s for s in run.statements("orders-state-machine-role")}["EmailTheCustomer"]

    assert definition(run)["States"]["EmailRejection"]["Parameters"]["Source"] == (
        "shop@example.org"
    )
    assert email["Resource"] == "arn:aws:ses:us-east-1:123456789012:identity/shop@example.org"


def test_the_state_machine_is_standard_traced_and_logs_errors_without_execution_data() -> None:
    machine = dev().named("orders-state-machine").inputs
    logs = dev().named("state-machine-logs").inputs

    assert machine["type"] == "STANDARD"
    assert machine["tracingConfiguration"] == {"enabled": True}
    assert machine["loggingConfiguration"] == {
        "level": "ERROR",
        "includeExecutionData": False,
        "logDestination": "arn:aws:logs:us-east-1:123456789012:log-group:"
        f"/aws/vendedlogs/states/{NAME}-dev-orders:*",
    }
    assert logs["name"] == f"/aws/vendedlogs/states/{NAME}-dev-orders"
    assert logs["retentionInDays"] == 30


def test_the_state_machine_allows_all_resources_only_for_log_delivery_and_tracing() -> None:
    role = dev().named("orders-state-machine-role").inputs
    statements = dev().statements("orders-state-machine-role")
    unbounded = [s for s in statements if s["Resource"] == "*"]

    assert json.loads(role["assumeRolePolicy"])["Statement"][0]["Principal"] == {
        "Service": "states.amazonaws.com"
    }
    assert [s["Sid"] for s in unbounded] == ["DeliverLogsAndTraces"]
    assert all(a.startswith(("logs:", "xray:")) for a in unbounded[0]["Action"])
    invoke = {s["Sid"]: s for s in statements}["AwaitTheRestaurant"]
    assert (invoke["Action"], invoke["Resource"]) == (
        ["lambda:InvokeFunction"],
        AWAIT_RESTAURANT_ARN,
    )


def test_the_api_function_starts_executions_and_is_the_only_one_to_call_back_task_tokens() -> None:
    variables = dev().named("api-function").inputs["environment"]["variables"]
    api = {s["Sid"]: s for s in dev().statements("api-function-role")}
    await_restaurant = dev().statements("await-restaurant-function-role")

    assert variables["ORDER_FLOW"] == "state_machine"
    assert variables["STATE_MACHINE_ARN"] == STATE_MACHINE_ARN
    assert api["StartTheOrdersFlow"]["Resource"] == STATE_MACHINE_ARN
    assert api["CallBackTheWaitingTask"]["Action"] == [
        "states:SendTaskSuccess",
        "states:SendTaskFailure",
    ]
    assert [s["Sid"] for s in api.values() if s["Resource"] == "*"] == ["CallBackTheWaitingTask"]
    assert all(s["Resource"].startswith("arn:aws:") for s in await_restaurant)


def test_the_acceptance_timeout_reaches_the_api_function_in_seconds() -> None:
    run = run_program(PROJECT, overrides={f"{NAME}:AcceptanceTimeoutSeconds": 2})
    variables = run.named("api-function").inputs["environment"]["variables"]

    assert variables["ACCEPTANCE_TIMEOUT_SECONDS"] == "2"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "SenderEmail",
            "not-an-address",
            "config SenderEmail: 'not-an-address' is not an email address",
        ),
        ("AcceptanceTimeoutSeconds", 0, "config AcceptanceTimeoutSeconds: 0"),
    ],
)
def test_a_bad_config_value_is_refused_naming_the_key_and_the_value(
    key: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        run_program(PROJECT, overrides={f"{NAME}:{key}": value})
