"""Where a stack's alarms go and the alarms themselves, as every SAM template declares them.

The alarm topic is encrypted with a customer managed key (SAM: AlarmKey) because CloudWatch
cannot publish to a topic under the AWS managed SNS key; the topic's policy lets CloudWatch
alarms of this account publish, and an optional e-mail address is subscribed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import pulumi
import pulumi_aws as aws

from orderflow_infra import iam
from orderflow_infra.deployment import Deployment

CLOUDWATCH = "cloudwatch.amazonaws.com"
# How every alarm of the kit judges its metric: any occurrence in a five-minute period alarms,
# no data is good news, and the topic hears both the alarm and the return to OK.
PERIOD_SECONDS = 300
EVALUATION_PERIODS = 1
THRESHOLD = 0
COMPARISON = "GreaterThanThreshold"
MISSING_DATA = "notBreaching"


def alarm_topic(deployment: Deployment, *, context: str, email: str | None) -> aws.sns.Topic:
    """The stack's alarm topic (SAM: AlarmKey, AlarmTopic, AlarmTopicPolicy, AlarmSubscription).

    `context` names the stack in the key's description (`orders`, `promo`); `email`, if given,
    is subscribed (AWS mails it a confirmation link first).
    """
    key = aws.kms.Key(
        "alarm-key",
        description=(
            f"Encrypts the {context} stack's alarm topic (CloudWatch cannot publish to a topic "
            "under the AWS managed SNS key)."
        ),
        enable_key_rotation=True,
        policy=json.dumps(_key_policy(deployment)),
        tags=deployment.tags,
    )
    topic = aws.sns.Topic("alarm-topic", kms_master_key_id=key.id, tags=deployment.tags)
    aws.sns.TopicPolicy(
        "alarm-topic-policy",
        arn=topic.arn,
        policy=topic.arn.apply(lambda arn: json.dumps(_topic_policy(deployment, arn))),
    )
    if email:
        aws.sns.TopicSubscription(
            "alarm-subscription", topic=topic.arn, protocol="email", endpoint=email
        )
    return topic


def _key_policy(deployment: Deployment) -> dict[str, object]:
    root = f"arn:{deployment.partition}:iam::{deployment.account_id}:root"
    return {
        "Version": iam.POLICY_VERSION,
        "Statement": [
            {
                "Sid": "AccountAdministers",
                "Effect": "Allow",
                "Principal": {"AWS": root},
                "Action": "kms:*",
                "Resource": "*",
            },
            {
                "Sid": "CloudWatchPublishes",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDWATCH},
                "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                "Resource": "*",
                # Only for this account's alarms, and only to encrypt messages of this
                # account's SNS topics (SNS names the topic in the encryption context).
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": deployment.account_id},
                    "ArnLike": {
                        "kms:EncryptionContext:aws:sns:topicArn": deployment.arn("sns", "*")
                    },
                },
            },
        ],
    }


def _topic_policy(deployment: Deployment, topic_arn: str) -> dict[str, object]:
    return {
        "Version": iam.POLICY_VERSION,
        "Statement": [
            {
                "Sid": "CloudWatchAlarms",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDWATCH},
                "Action": "sns:Publish",
                "Resource": topic_arn,
                "Condition": {"StringEquals": {"aws:SourceAccount": deployment.account_id}},
            }
        ],
    }


@dataclass(frozen=True)
class Metric:
    """One CloudWatch metric and how an alarm aggregates it over each period."""

    namespace: str
    name: str
    dimensions: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    statistic: str = "Sum"


def queue_depth(queue: aws.sqs.Queue) -> Metric:
    """The messages waiting in `queue` (a dead-letter queue's depth), its deepest in a period."""
    return Metric(
        "AWS/SQS", "ApproximateNumberOfMessagesVisible", {"QueueName": queue.name}, "Maximum"
    )


def alarm(
    name: str,
    *,
    metric: Metric,
    topic: aws.sns.Topic,
    description: str,
    threshold: pulumi.Input[float] = THRESHOLD,
) -> aws.cloudwatch.MetricAlarm:
    """An alarm on one metric: it fires when the metric is above `threshold` (0) in a period."""
    return _metric_alarm(
        name, topic=topic, description=description, metric=metric, threshold=threshold
    )


def alarm_on_total(
    name: str,
    *,
    metrics: Sequence[Metric],
    combine: str,
    label: str,
    topic: aws.sns.Topic,
    description: str,
) -> aws.cloudwatch.MetricAlarm:
    """An alarm on `combine` (`SUM`, `MAX`) of several metrics: one alarm for, say, every
    function of the stack, instead of one alarm per function (alarms are billed each)."""
    ids = [f"m{index}" for index in range(len(metrics))]
    queries: list[aws.cloudwatch.MetricAlarmMetricQueryArgsDict] = [
        {
            "id": "total",
            "label": label,
            "expression": f"{combine}([{', '.join(ids)}])",
            "return_data": True,
        }
    ]
    queries += [
        {
            "id": query_id,
            "return_data": False,
            "metric": {
                "namespace": metric.namespace,
                "metric_name": metric.name,
                "dimensions": dict(metric.dimensions),
                "period": PERIOD_SECONDS,
                "stat": metric.statistic,
            },
        }
        for query_id, metric in zip(ids, metrics, strict=True)
    ]
    return _metric_alarm(name, topic=topic, description=description, queries=queries)


def _metric_alarm(
    name: str,
    *,
    topic: aws.sns.Topic,
    description: str,
    metric: Metric | None = None,
    queries: Sequence[aws.cloudwatch.MetricAlarmMetricQueryArgsDict] | None = None,
    threshold: pulumi.Input[float] = THRESHOLD,
) -> aws.cloudwatch.MetricAlarm:
    """The alarm on `metric` or on metric-math `queries`, judged as every kit alarm is."""
    return aws.cloudwatch.MetricAlarm(
        name,
        alarm_description=description,
        namespace=metric.namespace if metric else None,
        metric_name=metric.name if metric else None,
        dimensions=dict(metric.dimensions) if metric else None,
        statistic=metric.statistic if metric else None,
        period=PERIOD_SECONDS if metric else None,
        metric_queries=queries,
        evaluation_periods=EVALUATION_PERIODS,
        threshold=threshold,
        comparison_operator=COMPARISON,
        treat_missing_data=MISSING_DATA,
        alarm_actions=[topic.arn],
        ok_actions=[topic.arn],
    )
