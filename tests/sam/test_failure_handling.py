"""What happens when parts fail, checked on every stack in sam/: nothing asynchronous is lost
silently, every failure raises an alarm on the stack's alarm topic, everything is encrypted."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from template_checks import TEMPLATES, required_parameters, stack_of

from orderflow_localrun.template import load_template

every_template = pytest.mark.parametrize("template", TEMPLATES, ids=stack_of)
Resources = dict[str, dict[str, Any]]


def _resources(template: Path) -> Resources:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return load_template(template, required_parameters(template)).resources


def _of_type(resources: Resources, kind: str) -> dict[str, dict[str, Any]]:
    return {k: r.get("Properties", {}) for k, r in resources.items() if r["Type"] == kind}


def _ref_id(value: Any) -> str | None:
    """The logical id a Ref or GetAtt names (after the transform), else None."""
    if isinstance(value, dict) and "Ref" in value:
        return str(value["Ref"])
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        return str(target[0] if isinstance(target, list) else target.split(".")[0])
    return None


def _referenced(value: Any) -> set[str]:
    """Every logical id a Ref or GetAtt anywhere inside `value` names."""
    found = {_ref_id(value)} - {None}
    if isinstance(value, dict):
        for item in value.values():
            found |= _referenced(item)
    elif isinstance(value, list):
        for item in value:
            found |= _referenced(item)
    return {str(f) for f in found}


def _alarmed(resources: Resources, namespace: str, metric: str) -> set[str]:
    """The resources (logical ids) an alarm watches `namespace`/`metric` of."""
    watched: set[str] = set()
    for alarm in _of_type(resources, "AWS::CloudWatch::Alarm").values():
        stats = [m["MetricStat"]["Metric"] for m in alarm.get("Metrics", []) if "MetricStat" in m]
        if "MetricName" in alarm:
            stats.append(alarm)
        for stat in stats:
            if (stat["Namespace"], stat["MetricName"]) == (namespace, metric):
                watched |= {_ref_id(d["Value"]) or str(d["Value"]) for d in stat["Dimensions"]}
    return watched


@every_template
def test_every_rule_target_retries_then_dead_letters(template: Path) -> None:
    for logical_id, rule in _of_type(_resources(template), "AWS::Events::Rule").items():
        for target in rule.get("Targets", []):
            assert "RetryPolicy" in target, (logical_id, target["Id"])
            assert "Arn" in target.get("DeadLetterConfig", {}), (logical_id, target["Id"])


@every_template
def test_every_function_invoked_asynchronously_has_a_dead_letter_queue(template: Path) -> None:
    resources = _resources(template)
    streamed = {
        _ref_id(m["FunctionName"]) or m["FunctionName"]
        for m in _of_type(resources, "AWS::Lambda::EventSourceMapping").values()
        if m.get("DestinationConfig", {}).get("OnFailure")
    }
    api_only = {
        _ref_id(p["FunctionName"])
        for p in _of_type(resources, "AWS::Lambda::Permission").values()
        if p["Principal"] == "apigateway.amazonaws.com"
    }
    # A state machine's task owns its function's failures: Retry, Catch, then a failed execution.
    tasks = set().union(
        *(_referenced(m) for m in _of_type(resources, "AWS::StepFunctions::StateMachine").values())
    )
    for logical_id, function in _of_type(resources, "AWS::Lambda::Function").items():
        if logical_id in streamed or logical_id in api_only or logical_id in tasks:
            continue
        assert "TargetArn" in function.get("DeadLetterConfig", {}), logical_id


@every_template
def test_tables_queues_and_topics_are_encrypted_at_rest(template: Path) -> None:
    resources = _resources(template)
    for logical_id, table in _of_type(resources, "AWS::DynamoDB::Table").items():
        assert table["SSESpecification"]["SSEEnabled"] is True, logical_id
    for logical_id, queue in _of_type(resources, "AWS::SQS::Queue").items():
        assert queue.get("SqsManagedSseEnabled") or queue.get("KmsMasterKeyId"), logical_id
    for logical_id, topic in _of_type(resources, "AWS::SNS::Topic").items():
        assert topic.get("KmsMasterKeyId"), logical_id


@every_template
def test_every_function_logs_to_a_log_group_of_the_stack_with_retention(template: Path) -> None:
    resources = _resources(template)
    groups = _of_type(resources, "AWS::Logs::LogGroup")
    assert all("RetentionInDays" in g for g in groups.values())
    for logical_id, function in _of_type(resources, "AWS::Lambda::Function").items():
        assert _ref_id(function["LoggingConfig"]["LogGroup"]) in groups, logical_id


# What can fail at run time, and so needs the stack's alarm topic.
_CAN_FAIL = (
    "AWS::Lambda::Function",
    "AWS::SQS::Queue",
    "AWS::ApiGatewayV2::Api",
    "AWS::StepFunctions::StateMachine",
    "AWS::KinesisFirehose::DeliveryStream",
)


@every_template
def test_errors_throttles_and_dead_letters_alarm_on_the_stacks_alarm_topic(
    template: Path,
) -> None:
    resources = _resources(template)
    functions = set(_of_type(resources, "AWS::Lambda::Function"))
    queues = set(_of_type(resources, "AWS::SQS::Queue"))
    assert functions <= _alarmed(resources, "AWS/Lambda", "Errors")
    assert functions <= _alarmed(resources, "AWS/Lambda", "Throttles")
    assert queues <= _alarmed(resources, "AWS/SQS", "ApproximateNumberOfMessagesVisible")
    for api in _of_type(resources, "AWS::ApiGatewayV2::Api"):
        assert api in _alarmed(resources, "AWS/ApiGateway", "5xx")
    for machine in _of_type(resources, "AWS::StepFunctions::StateMachine"):
        assert machine in _alarmed(resources, "AWS/States", "ExecutionsFailed")
        assert machine in _alarmed(resources, "AWS/States", "ExecutionsTimedOut")
    topics = {k for k, t in _of_type(resources, "AWS::SNS::Topic").items() if "Alarm" in k}
    can_fail = [kind for kind in _CAN_FAIL if _of_type(resources, kind)]
    # A stack of passive resources only (the contracts stack: a schema registry) has nothing to
    # alarm on; every other stack needs its alarm topic.
    assert topics or not can_fail, f"no alarm topic, yet the stack has {can_fail}"
    for logical_id, alarm in _of_type(resources, "AWS::CloudWatch::Alarm").items():
        assert {_ref_id(a) for a in alarm["AlarmActions"]} <= topics, logical_id


@every_template
def test_every_stack_with_functions_has_a_dashboard(template: Path) -> None:
    resources = _resources(template)
    if _of_type(resources, "AWS::Lambda::Function"):
        assert _of_type(resources, "AWS::CloudWatch::Dashboard")
