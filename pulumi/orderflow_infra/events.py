"""EventBridge: the bus a bounded context owns and the rules that deliver its events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from orderflow_infra import iam
from orderflow_infra.deployment import Deployment
from orderflow_infra.functions import StackFunction


@dataclass(frozen=True)
class RetryPolicy:
    """How long EventBridge keeps retrying a target before the event goes to the rule's DLQ."""

    maximum_retry_attempts: int = 8
    maximum_event_age_seconds: int = 3600


def bus(deployment: Deployment, name: str, suffix: str) -> aws.cloudwatch.EventBus:
    """A custom bus named `<prefix>-<suffix>` (SAM: `${AWS::StackName}-<suffix>`)."""
    return aws.cloudwatch.EventBus(name, name=f"{deployment.prefix}-{suffix}", tags=deployment.tags)


def subscribe(
    deployment: Deployment,
    target: StackFunction,
    *,
    bus_name: pulumi.Input[str],
    pattern: Mapping[str, Any],
    event: str = "order-events",
    retry: RetryPolicy = RetryPolicy(),
) -> aws.cloudwatch.EventRule:
    """A rule on `bus_name` delivering `pattern`'s events to `target`, with its own DLQ.

    As SAM's EventBridgeRule event with `DeadLetterConfig: {Type: SQS}`: the queue accepts
    messages from this rule only, and the function accepts invocations from it only.
    """
    name = f"{target.name}-{event}"
    rule = aws.cloudwatch.EventRule(
        name, event_bus_name=bus_name, event_pattern=json.dumps(pattern)
    )
    queue = aws.sqs.Queue(f"{name}-queue", tags=deployment.tags)
    aws.sqs.QueuePolicy(
        f"{name}-queue-policy",
        queue_url=queue.url,
        policy=_queue_policy(queue, rule),
    )
    aws.cloudwatch.EventTarget(
        f"{name}-lambda-target",
        rule=rule.name,
        event_bus_name=bus_name,
        arn=target.function.arn,
        dead_letter_config={"arn": queue.arn},
        retry_policy={
            "maximum_retry_attempts": retry.maximum_retry_attempts,
            "maximum_event_age_in_seconds": retry.maximum_event_age_seconds,
        },
    )
    aws.lambda_.Permission(
        f"{name}-permission",
        action="lambda:InvokeFunction",
        function=target.function.name,
        principal="events.amazonaws.com",
        source_arn=rule.arn,
    )
    return rule


def _queue_policy(queue: aws.sqs.Queue, rule: aws.cloudwatch.EventRule) -> pulumi.Output[str]:
    return pulumi.Output.all(queue.arn, rule.arn).apply(
        lambda arns: json.dumps(
            {
                "Version": iam.POLICY_VERSION,
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "events.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": arns[0],
                        "Condition": {"ArnEquals": {"aws:SourceArn": arns[1]}},
                    }
                ],
            }
        )
    )
