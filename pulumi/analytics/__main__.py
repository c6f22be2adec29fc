"""The analytics bounded context: twin of sam/analytics/template.yaml. It only listens.

A rule on the orders bus sends every order event to a Firehose stream that lands them, gzipped
JSON lines partitioned by day, in S3; a Glue table (partition projection, no crawler) and an
Athena workgroup with the named queries turn them into business reports. The queries' SQL is
read from the SAM template, where it is written once. Every resource is named after its SAM
counterpart's logical id, in kebab case.
"""

import json
import sys
from pathlib import Path

# The building blocks every stack shares live beside the projects, in pulumi/orderflow_infra.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pulumi
import pulumi_aws as aws

from orderflow_infra import alarms, events, iam
from orderflow_infra import deployment as config_values
from orderflow_infra.deployment import Deployment
from orderflow_infra.events import RetryPolicy
from orderflow_infra.lake import Expiry, private_bucket
from orderflow_infra.named_queries import named_queries

# The SAM template declares the reports (their SQL); this program deploys them from there.
SAM_TEMPLATE = Path(__file__).resolve().parents[2] / "sam/analytics/template.yaml"
DATABASE_NAME = r"[a-z0-9_]{1,255}"
# The columns EventBridge delivers, `detail` as the event contract of functions/orders/events.py.
DETAIL = (
    "struct<version:string,order_id:string,occurred_at:string,correlation_id:string,"
    "restaurant_id:string,items:array<struct<name:string,quantity:int,unit_price:string>>,"
    "total:string,reason:string,timeout_seconds:int,deadline_seconds:int,outcome:string>"
)
COLUMNS = (
    ("id", "string", "EventBridge event id"),
    ("detail_type", "string", "the event name, e.g. order_placed"),
    ("source", "string", None),
    ("account", "string", None),
    ("time", "string", "when EventBridge accepted the event (ISO 8601)"),
    ("region", "string", None),
    ("detail", DETAIL, "the event contract of functions/orders/events.py"),
)
# EventBridge keeps retrying a delivery to Firehose for a day (185 attempts) before parking it.
LAKE_RETRY = RetryPolicy(maximum_retry_attempts=185, maximum_event_age_seconds=86400)

deployment = Deployment.current(context="analytics")
config = pulumi.Config()
orders_bus_name = config_values.orders_bus_name(config)
database_name = config_values.name(
    config,
    "DatabaseName",
    DATABASE_NAME,
    "lower-case letters, digits and underscores (Glue and Athena names)",
    default="orderflow_analytics",
)
event_retention_days = config_values.whole_number(config, "EventRetentionDays", 730, 1, 3650)
query_result_retention_days = config_values.whole_number(
    config, "QueryResultRetentionDays", 30, 1, 3650
)
bytes_scanned_cutoff = config_values.whole_number(
    config, "BytesScannedCutoffPerQuery", 1_073_741_824, 10_000_000, 2**63 - 1
)

# ---------------------------------------------------------------- the lake
events_bucket = private_bucket(
    deployment,
    "events-bucket",
    Expiry("expire-old-events", days=event_retention_days, noncurrent_days=7),
)
query_results_bucket = private_bucket(
    deployment,
    "query-results-bucket",
    Expiry("expire-query-results", days=query_result_retention_days, noncurrent_days=1),
)

# ---------------------------------------------------------------- bus -> Firehose -> S3
delivery_logs = aws.cloudwatch.LogGroup(
    "delivery-logs",
    name=f"/aws/kinesisfirehose/{deployment.prefix}-order-events",
    retention_in_days=30,
    tags=deployment.tags,
)
delivery_log_stream = aws.cloudwatch.LogStream(
    "delivery-log-stream", log_group_name=delivery_logs.name, name="S3Delivery"
)
delivery_role = iam.service_role(
    deployment,
    "delivery-role",
    service="firehose.amazonaws.com",
    trust_condition={"StringEquals": {"sts:ExternalId": deployment.account_id}},
    description=(
        "Lets the order-events Firehose stream write to the events bucket and log failures."
    ),
    statements=[
        iam.Allow(
            ["s3:GetBucketLocation", "s3:ListBucket", "s3:ListBucketMultipartUploads"],
            [events_bucket.arn],
        ),
        iam.Allow(
            ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"],
            [events_bucket.arn.apply(lambda arn: f"{arn}/*")],
        ),
        iam.Allow(
            ["logs:PutLogEvents"],
            [
                pulumi.Output.all(delivery_logs.name, delivery_log_stream.name).apply(
                    lambda names: deployment.arn(
                        "logs", f"log-group:{names[0]}:log-stream:{names[1]}"
                    )
                )
            ],
        ),
    ],
)
order_events_delivery_stream = aws.kinesis.FirehoseDeliveryStream(
    "order-events-delivery-stream",
    destination="extended_s3",
    server_side_encryption={"enabled": True, "key_type": "AWS_OWNED_CMK"},
    extended_s3_configuration={
        "bucket_arn": events_bucket.arn,
        "role_arn": delivery_role.arn,
        # One folder per UTC day of arrival: the Glue table's `dt` partition (projected).
        "prefix": "events/dt=!{timestamp:yyyy-MM-dd}/",
        "error_output_prefix": "errors/!{firehose:error-output-type}/dt=!{timestamp:yyyy-MM-dd}/",
        "buffering_interval": 300,
        "buffering_size": 64,
        "compression_format": "GZIP",
        # EventBridge sends each event without a line break; Athena's JSON SerDe reads lines.
        "processing_configuration": {
            "enabled": True,
            "processors": [{"type": "AppendDelimiterToRecord"}],
        },
        "cloudwatch_logging_options": {
            "enabled": True,
            "log_group_name": delivery_logs.name,
            "log_stream_name": delivery_log_stream.name,
        },
    },
    tags=deployment.tags,
)
rule_target_role = iam.service_role(
    deployment,
    "rule-target-role",
    service="events.amazonaws.com",
    trust_condition={"StringEquals": {"aws:SourceAccount": deployment.account_id}},
    description="Lets the order-events rule put records on the Firehose stream, and nothing else.",
    statements=[
        iam.Allow(
            ["firehose:PutRecord", "firehose:PutRecordBatch"], [order_events_delivery_stream.arn]
        )
    ],
)
order_events_rule = aws.cloudwatch.EventRule(
    "order-events-rule",
    description="Every order event, except replays of the archive (the lake already holds them).",
    event_bus_name=orders_bus_name,
    event_pattern=json.dumps({"source": ["orderflow.orders"], "replay-name": [{"exists": False}]}),
)
rule_dlq = events.dead_letter_queue(
    deployment, "rule-dead-letter-queue", rules=order_events_rule.arn
)
aws.cloudwatch.EventTarget(
    "order-events-rule-lake-target",
    rule=order_events_rule.name,
    event_bus_name=orders_bus_name,
    target_id="order-events-lake",
    arn=order_events_delivery_stream.arn,
    role_arn=rule_target_role.arn,
    dead_letter_config={"arn": rule_dlq.arn},
    retry_policy=LAKE_RETRY.as_target_input(),
)

# ---------------------------------------------------------------- catalogue and queries
analytics_database = aws.glue.CatalogDatabase(
    "analytics-database",
    catalog_id=deployment.account_id,
    name=database_name,
    description="Orderflow Kit business reporting over the order events.",
)
table_parameters: dict[str, pulumi.Input[str]] = {
    "classification": "json",
    "compressionType": "gzip",
    # Partition projection: Athena computes the day folders; no crawler, no MSCK REPAIR.
    "projection.enabled": "true",
    "projection.dt.type": "date",
    "projection.dt.format": "yyyy-MM-dd",
    "projection.dt.range": "2025-01-01,NOW",
    "projection.dt.interval": "1",
    "projection.dt.interval.unit": "DAYS",
    "storage.location.template": events_bucket.bucket.apply(
        lambda bucket: f"s3://{bucket}/events/dt=${{dt}}/"
    ),
}
columns: list[aws.glue.CatalogTableStorageDescriptorColumnArgsDict] = [
    {"name": name, "type": type_, "comment": comment} if comment else {"name": name, "type": type_}
    for name, type_, comment in COLUMNS
]
aws.glue.CatalogTable(
    "order-events-table",
    catalog_id=deployment.account_id,
    database_name=analytics_database.name,
    name="order_events",
    description="Every order event as EventBridge delivered it, one JSON line each.",
    table_type="EXTERNAL_TABLE",
    parameters=table_parameters,
    partition_keys=[
        {"name": "dt", "type": "string", "comment": "UTC day the event arrived (yyyy-MM-dd)"}
    ],
    storage_descriptor={
        "location": events_bucket.bucket.apply(lambda bucket: f"s3://{bucket}/events/"),
        "input_format": "org.apache.hadoop.mapred.TextInputFormat",
        "output_format": "org.apache.hadoop.hive.ql.io.HiveIgnoreKeyTextOutputFormat",
        "ser_de_info": {
            "serialization_library": "org.openx.data.jsonserde.JsonSerDe",
            # Hive column names cannot hold a hyphen: read EventBridge's `detail-type` here.
            "parameters": {"mapping.detail_type": "detail-type"},
        },
        "columns": columns,
    },
)
reports_work_group = aws.athena.Workgroup(
    "reports-work-group",
    name=f"{deployment.prefix}-reports",
    description=(
        "Orderflow Kit business reports; results encrypted, every query capped in bytes scanned."
    ),
    force_destroy=True,
    configuration={
        "enforce_workgroup_configuration": True,
        "publish_cloudwatch_metrics_enabled": True,
        "bytes_scanned_cutoff_per_query": bytes_scanned_cutoff,
        "engine_version": {"selected_engine_version": "Athena engine version 3"},
        "result_configuration": {
            "output_location": query_results_bucket.bucket.apply(
                lambda bucket: f"s3://{bucket}/results/"
            ),
            "encryption_configuration": {"encryption_option": "SSE_S3"},
        },
    },
    tags=deployment.tags,
)
for query in named_queries(SAM_TEMPLATE):
    aws.athena.NamedQuery(
        query.resource_name,
        name=query.name,
        description=query.description,
        database=analytics_database.name,
        workgroup=reports_work_group.name,
        query=query.sql,
    )

# ---------------------------------------------------------------- when parts fail
alarm_topic = alarms.alarm_topic(
    deployment, context="analytics", email=deployment.settings.alarm_email
)
alarms.alarm(
    "dead-letters-alarm",
    metric=alarms.queue_depth(rule_dlq),
    topic=alarm_topic,
    description=(
        "Order events the rule could not deliver to Firehose wait in RuleDeadLetterQueue; "
        "redrive them (runbook https://orderflow-kit.github.io/orderflow-kit/runbooks/#redrive-a-dead-letter-queue)."
    ),
)

# Named as the SAM template's outputs, so scripts read either stack the same way.
pulumi.export("EventsBucketName", events_bucket.bucket)
pulumi.export("DeliveryStreamName", order_events_delivery_stream.name)
pulumi.export("DatabaseName", analytics_database.name)
pulumi.export("WorkGroupName", reports_work_group.name)
pulumi.export("RuleDeadLetterQueueUrl", rule_dlq.url)
pulumi.export("AlarmTopicArn", alarm_topic.arn)
