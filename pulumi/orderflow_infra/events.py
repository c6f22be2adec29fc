"""EventBridge: the bus a bounded context owns and the rules that deliver its events."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from orderflow_infra import iam, storage
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


def archive(
    name: str,
    *,
    bus: aws.cloudwatch.EventBus,
    pattern: Mapping[str, Any],
    retention_days: int,
    description: str,
) -> aws.cloudwatch.EventArchive:
    """An archive of `bus`'s events matching `pattern`, kept `retention_days` (0: forever).

    Its name is generated (as CloudFormation generates SAM's): archive names are limited to 48
    characters, fewer than a stack prefix may take. A replay re-delivers to every matching rule.
    """
    return aws.cloudwatch.EventArchive(
        name,
        event_source_arn=bus.arn,
        event_pattern=json.dumps(pattern),
        retention_days=retention_days,
        description=description,
    )


def rule_dead_letter_queue(deployment: Deployment, bus: aws.cloudwatch.EventBus) -> aws.sqs.Queue:
    """The one encrypted queue every rule on `bus` dead-letters into (SAM: RuleDeadLetterQueue);
    it accepts messages from that bus's rules only."""
    queue = storage.parking_queue(deployment, "rule-dead-letter-queue")
    aws.sqs.QueuePolicy(
        "rule-dead-letter-queue-policy",
        queue_url=queue.url,
        policy=_queue_policy(deployment, queue, bus),
    )
    return queue


def subscribe(
    deployment: Deployment,
    target: StackFunction,
    *,
    bus_name: pulumi.Input[str],
    pattern: Mapping[str, Any],
    dead_letter_queue: aws.sqs.Queue,
    event: str = "order-events",
    retry: RetryPolicy = RetryPolicy(),
) -> aws.cloudwatch.EventRule:
    """A rule on `bus_name` delivering `pattern`'s events to `target`, never a replay's.

    A step of the flow must not run again when the bus's archive is replayed, so the rule
    excludes replayed events; what it cannot deliver goes to `dead_letter_queue`. The function
    accepts invocations from this rule only.
    """
    name = f"{target.name}-{event}"
    rule = aws.cloudwatch.EventRule(
        name,
        event_bus_name=bus_name,
        event_pattern=json.dumps({**pattern, "replay-name": [{"exists": False}]}),
        tags=deployment.tags,
    )
    aws.cloudwatch.EventTarget(
        f"{name}-lambda-target",
        rule=rule.name,
        event_bus_name=bus_name,
        arn=target.function.arn,
        dead_letter_config={"arn": dead_letter_queue.arn},
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


def _queue_policy(
    deployment: Deployment, queue: aws.sqs.Queue, bus: aws.cloudwatch.EventBus
) -> pulumi.Output[str]:
    return pulumi.Output.all(queue.arn, bus.name).apply(
        lambda values: json.dumps(
            {
                "Version": iam.POLICY_VERSION,
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"Service": "events.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": values[0],
                        "Condition": {
                            "ArnLike": {
                                "aws:SourceArn": deployment.arn("events", f"rule/{values[1]}/*")
                            }
                        },
                    }
                ],
            }
        )
    )
