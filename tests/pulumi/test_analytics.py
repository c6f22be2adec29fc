"""The analytics stack's Pulumi program, run under mocks: resources, key inputs, outputs."""

from __future__ import annotations

import json
from functools import cache

import pulumi
import pytest
from pulumi_program import ROOT, ProgramRun, run_program

from orderflow_infra.deployment import ConfigError
from orderflow_infra.named_queries import named_queries

PROJECT = "analytics"
BUCKETS = ("events-bucket", "query-results-bucket")
STREAM_ARN = "arn:aws:firehose:us-east-1:123456789012:deliverystream/order-events-delivery-stream"


@cache
def dev() -> ProgramRun:
    return run_program(PROJECT)


def test_the_stack_exports_the_sam_stack_outputs_under_the_same_names() -> None:
    assert dev().stack_outputs == {
        "EventsBucketName": "events-bucket",
        "DeliveryStreamName": "order-events-delivery-stream",
        "DatabaseName": "orderflow_analytics",
        "WorkGroupName": "analytics-dev-reports",
        "RuleDeadLetterQueueUrl": (
            "https://sqs.us-east-1.amazonaws.com/123456789012/rule-dead-letter-queue"
        ),
        "AlarmTopicArn": "arn:aws:sns:us-east-1:123456789012:alarm-topic",
    }


@pytest.mark.parametrize("bucket", BUCKETS)
def test_each_bucket_is_private_encrypted_versioned_and_refuses_requests_without_tls(
    bucket: str,
) -> None:
    run = dev()
    encryption = run.named(f"{bucket}-encryption").inputs["rules"]
    block = run.named(f"{bucket}-public-access-block").inputs
    policy = json.loads(run.named(f"{bucket}-policy").inputs["policy"])

    assert encryption == [
        {"applyServerSideEncryptionByDefault": {"sseAlgorithm": "AES256"}, "bucketKeyEnabled": True}
    ]
    assert all(block[k] for k in ("blockPublicAcls", "blockPublicPolicy", "ignorePublicAcls"))
    assert block["restrictPublicBuckets"] is True
    assert run.named(f"{bucket}-ownership").inputs["rule"] == {
        "objectOwnership": "BucketOwnerEnforced"
    }
    assert run.named(f"{bucket}-versioning").inputs["versioningConfiguration"] == {
        "status": "Enabled"
    }
    assert policy["Statement"] == [
        {
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
            "Condition": {"Bool": {"aws:SecureTransport": "false"}},
        }
    ]


def test_the_lifecycle_rules_expire_events_and_query_results_after_their_retention() -> None:
    run = run_program(
        PROJECT,
        overrides={f"{PROJECT}:EventRetentionDays": 90, f"{PROJECT}:QueryResultRetentionDays": 7},
    )
    (events,) = run.named("events-bucket-lifecycle").inputs["rules"]
    (results,) = run.named("query-results-bucket-lifecycle").inputs["rules"]

    assert (events["id"], events["expiration"], events["noncurrentVersionExpiration"]) == (
        "expire-old-events",
        {"days": 90},
        {"noncurrentDays": 7},
    )
    assert (results["id"], results["expiration"]) == ("expire-query-results", {"days": 7})
    assert events["abortIncompleteMultipartUpload"] == {"daysAfterInitiation": 1}


def test_the_rule_sends_every_order_event_but_replays_to_firehose_through_its_role() -> None:
    rule = dev().named("order-events-rule").inputs
    target = dev().named("order-events-rule-lake-target").inputs
    role_statements = dev().statements("rule-target-role")

    assert rule["eventBusName"] == "orders-choreography-dev-orders"
    assert json.loads(rule["eventPattern"]) == {
        "source": ["orderflow.orders"],
        "replay-name": [{"exists": False}],
    }
    assert target["arn"] == STREAM_ARN
    assert target["roleArn"] == "arn:aws:iam::123456789012:role/rule-target-role"
    assert target["retryPolicy"] == {
        "maximumRetryAttempts": 185,
        "maximumEventAgeInSeconds": 86400,
    }
    assert target["deadLetterConfig"] == {
        "arn": "arn:aws:sqs:us-east-1:123456789012:rule-dead-letter-queue"
    }
    assert role_statements == [
        {
            "Effect": "Allow",
            "Action": ["firehose:PutRecord", "firehose:PutRecordBatch"],
            "Resource": STREAM_ARN,
        }
    ]


def test_firehose_lands_gzipped_json_lines_in_day_folders_of_the_events_bucket() -> None:
    stream = dev().named("order-events-delivery-stream").inputs
    s3 = stream["extendedS3Configuration"]

    assert stream["destination"] == "extended_s3"
    assert stream["serverSideEncryption"] == {"enabled": True, "keyType": "AWS_OWNED_CMK"}
    assert s3["bucketArn"] == "arn:aws:s3:::events-bucket"
    assert s3["prefix"] == "events/dt=!{timestamp:yyyy-MM-dd}/"
    assert (s3["bufferingInterval"], s3["bufferingSize"], s3["compressionFormat"]) == (
        300,
        64,
        "GZIP",
    )
    assert s3["processingConfiguration"]["processors"] == [{"type": "AppendDelimiterToRecord"}]
    assert s3["cloudwatchLoggingOptions"]["logGroupName"] == (
        "/aws/kinesisfirehose/analytics-dev-order-events"
    )


def test_the_glue_table_projects_its_day_partitions_onto_the_events_folder() -> None:
    table = dev().named("order-events-table").inputs

    assert table["databaseName"] == "orderflow_analytics"
    assert table["parameters"]["projection.enabled"] == "true"
    assert table["parameters"]["storage.location.template"] == (
        "s3://events-bucket/events/dt=${dt}/"
    )
    assert table["storageDescriptor"]["location"] == "s3://events-bucket/events/"
    assert table["storageDescriptor"]["serDeInfo"]["parameters"] == {
        "mapping.detail_type": "detail-type"
    }
    assert [c["name"] for c in table["storageDescriptor"]["columns"]] == [
        "id", "detail_type", "source", "account", "time", "region", "detail",
    ]  # fmt: skip


def test_the_workgroup_caps_bytes_scanned_and_encrypts_results_in_their_bucket() -> None:
    run = run_program(PROJECT, overrides={f"{PROJECT}:BytesScannedCutoffPerQuery": 10_000_000})
    configuration = run.named("reports-work-group").inputs["configuration"]

    assert configuration["bytesScannedCutoffPerQuery"] == 10_000_000
    assert configuration["enforceWorkgroupConfiguration"] is True
    assert configuration["resultConfiguration"] == {
        "outputLocation": "s3://query-results-bucket/results/",
        "encryptionConfiguration": {"encryptionOption": "SSE_S3"},
    }


def test_the_five_named_queries_carry_the_sql_of_the_sam_template() -> None:
    declared = named_queries(ROOT / "sam/analytics/template.yaml")
    deployed = {q.name: q.inputs for q in dev().of_type("aws:athena/namedQuery:NamedQuery")}

    assert len(deployed) == 5
    assert {q.resource_name: q.sql for q in declared} == {
        name: inputs["query"] for name, inputs in deployed.items()
    }
    for inputs in deployed.values():
        assert (inputs["database"], inputs["workgroup"]) == (
            "orderflow_analytics",
            "analytics-dev-reports",
        )


def test_the_dead_letter_queue_accepts_the_order_events_rule_only_and_is_alarmed() -> None:
    policy = json.loads(dev().named("rule-dead-letter-queue-policy").inputs["policy"])
    alarm = dev().named("dead-letters-alarm").inputs

    assert policy["Statement"][0]["Condition"] == {
        "ArnEquals": {
            "aws:SourceArn": "arn:aws:events:us-east-1:123456789012:rule/order-events-rule"
        }
    }
    assert alarm["dimensions"] == {"QueueName": "rule-dead-letter-queue"}
    assert alarm["alarmActions"] == ["arn:aws:sns:us-east-1:123456789012:alarm-topic"]


def test_every_taggable_resource_is_tagged_with_the_analytics_context() -> None:
    tagged = [r for r in dev().resources if "tags" in r.inputs]

    assert {r.name for r in tagged} >= {*BUCKETS, "order-events-delivery-stream", "delivery-logs"}
    for resource in tagged:
        assert resource.inputs["tags"] == {"project": "orderflow-kit", "context": "analytics"}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        (
            "DatabaseName",
            "Order-Analytics",
            "config DatabaseName: 'Order-Analytics' is not lower-case letters, digits and "
            "underscores (Glue and Athena names)",
        ),
        ("EventRetentionDays", 0, "config EventRetentionDays: 0 is outside 1..3650"),
        (
            "QueryResultRetentionDays",
            "a month",
            "config QueryResultRetentionDays: 'a month' is not a whole number",
        ),
        (
            "BytesScannedCutoffPerQuery",
            1_000,
            "config BytesScannedCutoffPerQuery: 1000 is outside 10000000..",
        ),
        ("AlarmEmail", "oncall", "config AlarmEmail: 'oncall' is not an email address"),
    ],
)
def test_a_bad_config_value_is_refused_naming_the_key_value_and_what_is_accepted(
    key: str, value: object, message: str
) -> None:
    with pytest.raises(ConfigError) as refused:
        run_program(PROJECT, overrides={f"{PROJECT}:{key}": value})

    assert str(refused.value).startswith(message)


def test_the_orders_bus_name_is_required_and_the_rest_take_the_sam_defaults() -> None:
    with pytest.raises(pulumi.ConfigMissingError, match="OrdersBusName"):
        run_program(PROJECT, overrides={f"{PROJECT}:OrdersBusName": None})
    run = run_program(
        PROJECT,
        overrides={
            f"{PROJECT}:{key}": None
            for key in (
                "DatabaseName",
                "EventRetentionDays",
                "QueryResultRetentionDays",
                "BytesScannedCutoffPerQuery",
                "AlarmEmail",
            )
        },
    )

    assert run.stack_outputs == dev().stack_outputs
    assert run.named("events-bucket-lifecycle").inputs["rules"][0]["expiration"] == {"days": 730}
