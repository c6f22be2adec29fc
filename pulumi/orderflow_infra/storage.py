"""Tables, queues, topics and log groups, configured as the SAM templates configure them."""

from __future__ import annotations

import pulumi_aws as aws

from orderflow_infra.deployment import Deployment

# Fourteen days, SQS's maximum: a parked message waits as long as it can for a human.
MAX_QUEUE_RETENTION_SECONDS = 1_209_600


def table(
    deployment: Deployment,
    name: str,
    *,
    key: str,
    sort_key: str | None = None,
    stream_view_type: str | None = None,
    ttl_attribute: str | None = None,
) -> aws.dynamodb.Table:
    """An on-demand table keyed by the string `key` (and `sort_key`), encrypted, with
    point-in-time recovery."""
    return aws.dynamodb.Table(
        name,
        billing_mode="PAY_PER_REQUEST",
        hash_key=key,
        range_key=sort_key,
        attributes=[{"name": k, "type": "S"} for k in (key, sort_key) if k],
        stream_enabled=stream_view_type is not None,
        stream_view_type=stream_view_type,
        ttl={"attribute_name": ttl_attribute, "enabled": True} if ttl_attribute else None,
        point_in_time_recovery={"enabled": True},
        server_side_encryption={"enabled": True},
        tags=deployment.tags,
    )


def parking_queue(deployment: Deployment, name: str) -> aws.sqs.Queue:
    """A queue where failed work waits for a human: encrypted (SSE-SQS), kept 14 days."""
    return aws.sqs.Queue(
        name,
        message_retention_seconds=MAX_QUEUE_RETENTION_SECONDS,
        sqs_managed_sse_enabled=True,
        tags=deployment.tags,
    )


def log_group(
    deployment: Deployment, name: str, *, log_group_name: str | None = None
) -> aws.cloudwatch.LogGroup:
    """A log group kept `LogRetentionDays` days.

    `log_group_name` fixes its name where AWS requires one (state machines' vended logs).
    """
    return aws.cloudwatch.LogGroup(
        name,
        name=log_group_name,
        retention_in_days=deployment.settings.log_retention_days,
        tags=deployment.tags,
    )


def topic(deployment: Deployment, name: str) -> aws.sns.Topic:
    """An SNS topic encrypted with the AWS managed key."""
    return aws.sns.Topic(name, kms_master_key_id="alias/aws/sns", tags=deployment.tags)
