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

    def as_target_input(self) -> aws.cloudwatch.EventTargetRetryPolicyArgsDict:
        """The `retry_policy` of an EventTarget."""
        return {
            "maximum_retry_attempts": self.maximum_retry_attempts,
            "maximum_event_age_in_seconds": self.maximum_event_age_seconds,
        }


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
    return dead_letter_queue(
        deployment,
        "rule-dead-letter-queue",
        rules=bus.name.apply(lambda name: deployment.arn("events", f"rule/{name}/*")),
        operator="ArnLike",
    )


def dead_letter_queue(
    deployment: Deployment,
    name: str,
    *,
    rules: pulumi.Input[str],
    operator: str = "ArnEquals",
    sid: str | None = None,
) -> aws.sqs.Queue:
    """An encrypted parking queue that EventBridge rules matching `rules` (an ARN, or a pattern
    with `*`) may dead-letter into, and nothing else may; its policy is `<name>-policy`."""
    queue = storage.parking_queue(deployment, name)
    statement: dict[str, Any] = {"Sid": sid} if sid else {}
    aws.sqs.QueuePolicy(
        f"{name}-policy",
        queue_url=queue.url,
        policy=pulumi.Output.all(queue.arn, rules).apply(
            lambda values: json.dumps(
                {
                    "Version": iam.POLICY_VERSION,
                    "Statement": [
                        statement
                        | {
                            "Effect": "Allow",
                            "Principal": {"Service": "events.amazonaws.com"},
                            "Action": "sqs:SendMessage",
                            "Resource": values[0],
                            "Condition": {operator: {"aws:SourceArn": values[1]}},
                        }
                    ],
                }
            )
        ),
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
    replays: bool = False,
) -> aws.cloudwatch.EventRule:
    """A rule on `bus_name` delivering `pattern`'s events to `target`, a replay's only if asked.

    A step of the flow must not run again when the bus's archive is replayed, so the rule
    excludes replayed events unless the target is idempotent and wants them (`replays`: the
    promo ledger back-fills from a replay); what it cannot deliver goes to
    `dead_letter_queue`. The function accepts invocations from this rule only.
    """
    name = f"{target.name}-{event}"
    rule = aws.cloudwatch.EventRule(
        name,
        event_bus_name=bus_name,
        event_pattern=json.dumps(
            dict(pattern) if replays else {**pattern, "replay-name": [{"exists": False}]}
        ),
        tags=deployment.tags,
    )
    aws.cloudwatch.EventTarget(
        f"{name}-lambda-target",
        rule=rule.name,
        event_bus_name=bus_name,
        arn=target.function.arn,
        dead_letter_config={"arn": dead_letter_queue.arn},
        retry_policy=retry.as_target_input(),
    )
    aws.lambda_.Permission(
        f"{name}-permission",
        action="lambda:InvokeFunction",
        function=target.function.name,
        principal="events.amazonaws.com",
        source_arn=rule.arn,
    )
    return rule
