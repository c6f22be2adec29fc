"""When a stack fails: its alarm topic (own key, CloudWatch's right to publish, optional e-mail
subscription), alarms on it and a dashboard, as the SAM templates declare them.

Every alarm fires on a single bad five-minute period (more than zero of the metric) and clears
itself: a failure in these stacks is rare enough that one is worth a look.
"""

from __future__ import annotations

import json
from collections.abc import Mapping

import pulumi
import pulumi_aws as aws

from orderflow_infra import iam
from orderflow_infra.deployment import Deployment

PERIOD_SECONDS = 300


def alarm_topic(deployment: Deployment, *, key_description: str, email: str) -> aws.sns.Topic:
    """The topic every alarm notifies, under its own key (CloudWatch cannot publish to a topic
    under the AWS managed SNS key); `email`, unless empty, is subscribed to it."""
    key = aws.kms.Key(
        "alarm-key",
        description=key_description,
        enable_key_rotation=True,
        policy=json.dumps(
            {
                "Version": iam.POLICY_VERSION,
                "Statement": [
                    {
                        "Sid": "AccountAdministers",
                        "Effect": "Allow",
                        "Principal": {"AWS": deployment.arn("iam", "root", regional=False)},
                        "Action": "kms:*",
                        "Resource": "*",
                    },
                    {
                        "Sid": "CloudWatchPublishes",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": ["kms:Decrypt", "kms:GenerateDataKey*"],
                        "Resource": "*",
                    },
                ],
            }
        ),
        tags=deployment.tags,
    )
    topic = aws.sns.Topic("alarm-topic", kms_master_key_id=key.id, tags=deployment.tags)
    aws.sns.TopicPolicy(
        "alarm-topic-policy",
        arn=topic.arn,
        policy=topic.arn.apply(
            lambda arn: json.dumps(
                {
                    "Version": iam.POLICY_VERSION,
                    "Statement": [
                        {
                            "Sid": "CloudWatchAlarms",
                            "Effect": "Allow",
                            "Principal": {"Service": "cloudwatch.amazonaws.com"},
                            "Action": "sns:Publish",
                            "Resource": arn,
                            "Condition": {
                                "StringEquals": {"aws:SourceAccount": deployment.account_id}
                            },
                        }
                    ],
                }
            )
        ),
    )
    if email:
        aws.sns.TopicSubscription(
            "alarm-subscription", topic=topic.arn, protocol="email", endpoint=email
        )
    return topic


def alarm(
    name: str,
    *,
    description: str,
    namespace: str,
    metric: str,
    dimensions: Mapping[str, pulumi.Input[str]],
    statistic: str,
    topic: aws.sns.Topic,
) -> aws.cloudwatch.MetricAlarm:
    """An alarm on `metric` above zero in one period, notifying `topic` when it fires and clears."""
    return aws.cloudwatch.MetricAlarm(
        name,
        alarm_description=description,
        namespace=namespace,
        metric_name=metric,
        dimensions=dict(dimensions),
        statistic=statistic,
        period=PERIOD_SECONDS,
        evaluation_periods=1,
        threshold=0,
        comparison_operator="GreaterThanThreshold",
        treat_missing_data="notBreaching",
        alarm_actions=[topic.arn],
        ok_actions=[topic.arn],
    )


def function_alarm(
    name: str, function: aws.lambda_.Function, metric: str, description: str, topic: aws.sns.Topic
) -> aws.cloudwatch.MetricAlarm:
    """`function`'s `metric` (`Errors`, `Throttles`) summed over a period, above zero."""
    return alarm(
        name,
        description=description,
        namespace="AWS/Lambda",
        metric=metric,
        dimensions={"FunctionName": function.name},
        statistic="Sum",
        topic=topic,
    )


def dead_letters_alarm(
    name: str, queue: aws.sqs.Queue, description: str, topic: aws.sns.Topic
) -> aws.cloudwatch.MetricAlarm:
    """Any message waiting in the dead-letter `queue`."""
    return alarm(
        name,
        description=description,
        namespace="AWS/SQS",
        metric="ApproximateNumberOfMessagesVisible",
        dimensions={"QueueName": queue.name},
        statistic="Maximum",
        topic=topic,
    )


def dashboard(
    deployment: Deployment, suffix: str, widgets: pulumi.Input[list[object]]
) -> aws.cloudwatch.Dashboard:
    """The stack's dashboard `<prefix>-<suffix>` (SAM: `${AWS::StackName}-<suffix>`)."""
    return aws.cloudwatch.Dashboard(
        "dashboard",
        dashboard_name=f"{deployment.prefix}-{suffix}",
        dashboard_body=pulumi.Output.from_input(widgets).apply(
            lambda resolved: json.dumps({"widgets": resolved})
        ),
    )
