"""The choreography stack's Pulumi program, run under mocks: resources, key inputs, outputs."""

from __future__ import annotations

import json
from functools import cache

from pulumi_program import ProgramRun, project_name, run_program

PROJECT = "orders-choreography"
# The name in its Pulumi.yaml: it prefixes config keys and names the stack's resources.
NAME = project_name(PROJECT)
FUNCTION = "aws:lambda/function:Function"
FUNCTION_NAMES = {
    "outbox-publisher-function",
    "api-function",
    "restaurant-notifier-function",
    "acceptance-timer-function",
    "order-timeout-function",
    "customer-notifier-function",
    "timeline-writer-function",
    "deadline-timer-function",
    "order-overdue-function",
}


@cache
def dev() -> ProgramRun:
    return run_program(PROJECT)


def test_the_stack_exports_the_sam_stack_outputs_under_the_same_names() -> None:
    assert dev().stack_outputs == {
        "AlarmTopicArn": "arn:aws:sns:us-east-1:123456789012:alarm-topic",
        "ApiUrl": "https://orders-api-id.execute-api.us-east-1.amazonaws.com",
        "OrdersArchiveName": "orders-archive",
        "OrdersBusName": f"{NAME}-dev-orders",
        "OrdersTableName": "orders-table",
        "RestaurantsTableName": "restaurants-table",
        "RestaurantTopicArn": "arn:aws:sns:us-east-1:123456789012:restaurant-topic",
        "UserPoolClientId": "user-pool-client-id",
        "UserPoolId": "us-east-1_user-pool",
    }


def test_the_bus_and_the_schedule_group_are_named_after_the_project_and_stack() -> None:
    assert dev().named("orders-bus").inputs["name"] == f"{NAME}-dev-orders"
    assert dev().named("acceptance-schedules").inputs["name"] == f"{NAME}-dev-acceptance"


def test_every_function_runs_python313_on_arm64_with_the_powertools_layer_and_traces() -> None:
    functions = dev().of_type(FUNCTION)

    assert {f.name for f in functions} == FUNCTION_NAMES
    for function in functions:
        inputs = function.inputs
        assert inputs["runtime"] == "python3.13"
        assert inputs["architectures"] == ["arm64"]
        assert inputs["layers"] == [
            "arn:aws:lambda:us-east-1:017000801446:layer:"
            "AWSLambdaPowertoolsPythonV3-python313-arm64:27"
        ]
        assert inputs["tracingConfig"] == {"mode": "Active"}
        assert inputs["loggingConfig"]["logFormat"] == "JSON"
        assert inputs["environment"]["variables"]["ORDERS_TABLE"] == "orders-table"


def test_x86_64_runs_every_function_on_x86_64_with_the_matching_powertools_layer() -> None:
    run = run_program(PROJECT, overrides={f"{NAME}:Architecture": "x86_64"})

    for function in run.of_type(FUNCTION):
        assert function.inputs["architectures"] == ["x86_64"]
        assert function.inputs["layers"][0].endswith(
            ":AWSLambdaPowertoolsPythonV3-python313-x86_64:27"
        )


def test_the_acceptance_timeout_reaches_the_timer_function_in_seconds() -> None:
    run = run_program(PROJECT, overrides={f"{NAME}:AcceptanceTimeoutSeconds": 2})
    variables = run.named("acceptance-timer-function").inputs["environment"]["variables"]

    assert variables["ACCEPTANCE_TIMEOUT_SECONDS"] == "2"


def test_a_memory_size_override_changes_that_function_only() -> None:
    run = run_program(PROJECT, overrides={f"{NAME}:MemorySizes": {"default": 192, "api": 512}})
    sizes = {f.name: f.inputs["memorySize"] for f in run.of_type(FUNCTION)}

    assert sizes.pop("api-function") == 512
    assert set(sizes.values()) == {192}


def test_every_function_statement_names_its_resources_rather_than_allowing_all() -> None:
    for function in FUNCTION_NAMES:
        for statement in dev().statements(f"{function}-role"):
            resources = statement["Resource"]
            for resource in resources if isinstance(resources, list) else [resources]:
                assert resource.startswith("arn:aws:"), (function, statement)


def test_only_the_timers_may_pass_the_scheduler_role_and_only_to_the_scheduler() -> None:
    passing = [
        (function, s)
        for function in sorted(FUNCTION_NAMES)
        for s in dev().statements(f"{function}-role")
        if "iam:PassRole" in s["Action"]
    ]

    assert [(f, s["Resource"], s["Condition"]) for f, s in passing] == [
        (
            timer,
            "arn:aws:iam::123456789012:role/scheduler-invoke-role",
            {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
        )
        for timer in ("acceptance-timer-function", "deadline-timer-function")
    ]


def test_every_flow_rule_excludes_replays_and_every_rule_dead_letters_to_the_bus_queue() -> None:
    rules = dev().of_type("aws:cloudwatch/eventRule:EventRule")
    policy = json.loads(dev().named("rule-dead-letter-queue-policy").inputs["policy"])
    (statement,) = policy["Statement"]
    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    rules_of_the_bus = f"arn:aws:events:us-east-1:123456789012:rule/{NAME}-dev-orders/*"
    assert statement["Condition"] == {"ArnLike": {"aws:SourceArn": rules_of_the_bus}}
    queue = dev().named("rule-dead-letter-queue")
    assert queue.inputs["sqsManagedSseEnabled"] is True

    assert len(rules) == 5
    for rule in rules:
        pattern = json.loads(rule.inputs["eventPattern"])
        # The timeline takes replays: its write is idempotent, so a replay back-fills it.
        takes_replays = rule.name == "timeline-writer-function-order-events"
        assert ("replay-name" not in pattern) is takes_replays
        assert pattern.get("replay-name", [{"exists": False}]) == [{"exists": False}]
        target = dev().named(f"{rule.name}-lambda-target").inputs
        assert target["deadLetterConfig"]["arn"] == queue.outputs["arn"]
        assert target["retryPolicy"] == {
            "maximumRetryAttempts": 8,
            "maximumEventAgeInSeconds": 3600,
        }
