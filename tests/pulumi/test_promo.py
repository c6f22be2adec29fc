"""The promo stack's Pulumi program, run under mocks: resources, key inputs, outputs."""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import pulumi
import pytest
from pulumi_program import (
    PULUMI_DIR,
    ProgramRun,
    project_name,
    project_tag,
    run_program,
    stack_config,
)

from orderflow_infra.deployment import ConfigError

PROJECT = "promo"
# The name in its Pulumi.yaml (config keys' prefix), and the orders stack its dev config names.
NAME = project_name(PROJECT)
CONFIG = stack_config(PULUMI_DIR / PROJECT)
ORDERS_BUS = CONFIG[f"{NAME}:OrdersBusName"]
ORDERS_TABLE = CONFIG[f"{NAME}:OrdersTableName"]
SENDER = CONFIG[f"{NAME}:SenderEmail"]
DLQ_ARN = "arn:aws:sqs:us-east-1:123456789012:promo-dead-letter-queue"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:alarm-topic"


@cache
def dev() -> ProgramRun:
    return run_program(PROJECT)


def test_the_stack_exports_the_sam_stack_outputs_under_the_same_names() -> None:
    assert dev().stack_outputs == {
        "PromoCodesTableName": "promo-codes-table",
        "PromoDeadLetterQueueUrl": (
            "https://sqs.us-east-1.amazonaws.com/123456789012/promo-dead-letter-queue"
        ),
        "AlarmTopicArn": TOPIC_ARN,
    }


def test_the_issuer_runs_the_promo_handler_from_functions_with_its_tables_and_sender() -> None:
    issuer = dev().named("promo-issuer-function").inputs

    assert issuer["handler"] == "promo_issuer.handler"
    assert issuer["runtime"] == "python3.13"
    assert issuer["architectures"] == ["arm64"]
    assert issuer["code"].path.endswith("/functions")
    assert issuer["environment"]["variables"] == {
        "POWERTOOLS_SERVICE_NAME": "promo",
        "POWERTOOLS_METRICS_NAMESPACE": "Orderflow",
        "PROMO_TABLE": "promo-codes-table",
        "ORDERS_TABLE": ORDERS_TABLE,
        "SENDER_EMAIL": SENDER,
    }
    assert issuer["deadLetterConfig"] == {"targetArn": DLQ_ARN}
    invoke = dev().named("promo-issuer-function-event-invoke-config").inputs
    assert (invoke["maximumRetryAttempts"], invoke["maximumEventAgeInSeconds"]) == (2, 3600)


def test_the_rule_takes_order_completed_from_the_orders_bus_replays_included() -> None:
    rule = dev().named("promo-issuer-function-order-completed").inputs
    target = dev().named("promo-issuer-function-order-completed-lambda-target").inputs

    assert rule["eventBusName"] == ORDERS_BUS
    # No `replay-name` filter: the ledger is idempotent, a replay back-fills missed codes.
    assert json.loads(rule["eventPattern"]) == {
        "source": ["orderflow.orders"],
        "detail-type": ["order_completed"],
    }
    assert target["deadLetterConfig"] == {"arn": DLQ_ARN}
    assert target["retryPolicy"] == {"maximumRetryAttempts": 8, "maximumEventAgeInSeconds": 3600}


def test_the_orders_table_is_readable_for_the_customer_address_only() -> None:
    statements = {s.get("Sid"): s for s in dev().statements("promo-issuer-function-role")}
    narrow = statements["CustomerAddressOnly"]

    assert narrow["Action"] == ["dynamodb:GetItem"]
    assert narrow["Resource"] == (f"arn:aws:dynamodb:us-east-1:123456789012:table/{ORDERS_TABLE}")
    assert narrow["Condition"] == {
        "ForAllValues:StringEquals": {"dynamodb:Attributes": ["order_id", "customer_email"]},
        "StringEqualsIfExists": {"dynamodb:Select": "SPECIFIC_ATTRIBUTES"},
    }
    assert statements["SendFromSender"]["Resource"] == (
        f"arn:aws:ses:us-east-1:123456789012:identity/{SENDER}"
    )


def test_the_dead_letter_queue_accepts_the_orders_bus_rules_only() -> None:
    policy = json.loads(dev().named("promo-dead-letter-queue-policy").inputs["policy"])
    (statement,) = policy["Statement"]

    assert statement["Principal"] == {"Service": "events.amazonaws.com"}
    assert statement["Condition"] == {
        "ArnEquals": {"aws:SourceArn": f"arn:aws:events:us-east-1:123456789012:rule/{ORDERS_BUS}/*"}
    }


def test_three_alarms_notify_the_encrypted_alarm_topic_and_the_dashboard_shows_them() -> None:
    alarms = {a.name: a.inputs for a in dev().of_type("aws:cloudwatch/metricAlarm:MetricAlarm")}
    dashboard = dev().named("dashboard").inputs
    body: dict[str, Any] = json.loads(dashboard["dashboardBody"])

    assert {name: (a["namespace"], a["metricName"]) for name, a in alarms.items()} == {
        "promo-issuer-errors-alarm": ("AWS/Lambda", "Errors"),
        "promo-issuer-throttles-alarm": ("AWS/Lambda", "Throttles"),
        "promo-dead-letters-alarm": ("AWS/SQS", "ApproximateNumberOfMessagesVisible"),
    }
    assert all(a["alarmActions"] == a["okActions"] == [TOPIC_ARN] for a in alarms.values())
    assert dev().named("alarm-topic").inputs["kmsMasterKeyId"] == "alarm-key"
    assert dashboard["dashboardName"] == f"{NAME}-dev-promo"
    assert body["widgets"][2]["properties"]["alarms"] == [
        f"arn:aws:cloudwatch:us-east-1:123456789012:alarm:promo-{name}-alarm"
        for name in ("issuer-errors", "issuer-throttles", "dead-letters")
    ]


def test_an_alarm_email_is_subscribed_to_the_topic_only_when_given() -> None:
    subscription = "aws:sns/topicSubscription:TopicSubscription"
    run = run_program(PROJECT, overrides={f"{NAME}:AlarmEmail": "oncall@orderflow.example"})
    # Empty, not the dev stack's file: a generated project's Pulumi.dev.yaml names its address.
    unset = run_program(PROJECT, overrides={f"{NAME}:AlarmEmail": ""})

    assert unset.of_type(subscription) == []
    (subscribed,) = run.of_type(subscription)
    assert subscribed.inputs["endpoint"] == "oncall@orderflow.example"
    assert subscribed.inputs["protocol"] == "email"


def test_every_taggable_resource_is_tagged_with_the_promo_context() -> None:
    tagged = [r for r in dev().resources if "tags" in r.inputs]

    assert {r.name for r in tagged} >= {"promo-codes-table", "promo-issuer-function", "alarm-key"}
    for resource in tagged:
        assert resource.inputs["tags"] == {"project": project_tag(PROJECT), "context": "promo"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "OrdersBusName",
            "arn:aws:events:us-east-1:123456789012:event-bus/orders",
            "config OrdersBusName: 'arn:aws:events:us-east-1:123456789012:event-bus/orders' is "
            "not the name (not the ARN) of the orders stack's event bus",
        ),
        (
            "OrdersTableName",
            "o",
            "config OrdersTableName: 'o' is not the orders stack's OrdersTableName output",
        ),
        ("SenderEmail", "promo", "config SenderEmail: 'promo' is not an email address"),
        ("AlarmEmail", "oncall", "config AlarmEmail: 'oncall' is not an email address"),
        ("LogRetentionDays", 31, "config LogRetentionDays: 31 is not one of 1, 3, 5, 7, 14, 30,"),
    ],
)
def test_a_bad_config_value_is_refused_naming_the_key_value_and_what_is_accepted(
    key: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        run_program(PROJECT, overrides={f"{NAME}:{key}": value})

    assert str(refused.value).startswith(message)


@pytest.mark.parametrize("key", ["OrdersBusName", "OrdersTableName", "SenderEmail"])
def test_the_parameters_without_a_sam_default_are_required(key: str) -> None:
    with pytest.raises(pulumi.ConfigMissingError, match=key):
        run_program(PROJECT, overrides={f"{NAME}:{key}": None})
