"""The analytics template: what it listens to, where the events land, how they are read."""

from __future__ import annotations

import json
import os
from typing import Any, cast

import pytest
from moto.events.models import EventPattern
from moto.events.utils import EventMessageType
from sqlglot import exp
from stack_helpers import ROOT

from orderflow_localrun.template import load_template
from orders.events import DETAIL_MODELS, SOURCE, EventType, ItemDetail

ANALYTICS = ROOT / "sam/analytics/template.yaml"
BUS = "orders-choreography-orders"


@pytest.fixture(scope="module")
def resources() -> dict[str, dict[str, Any]]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return load_template(ANALYTICS, {"OrdersBusName": BUS}).resources


def _only(resources: dict[str, dict[str, Any]], kind: str) -> dict[str, Any]:
    [properties] = [r["Properties"] for r in resources.values() if r["Type"] == kind]
    return cast(dict[str, Any], properties)


def _event(detail_type: str, **extra: Any) -> EventMessageType:
    return cast(
        EventMessageType,
        {"source": SOURCE, "detail-type": detail_type, "detail": {"order_id": "o-1"}, **extra},
    )


def test_the_rule_listens_on_the_orders_bus_named_by_the_parameter(
    resources: dict[str, dict[str, Any]],
) -> None:
    rule = _only(resources, "AWS::Events::Rule")
    assert rule["EventBusName"] == {"Ref": "OrdersBusName"}


@pytest.mark.parametrize("event_type", list(EventType))
def test_the_rule_takes_every_order_event(
    resources: dict[str, dict[str, Any]], event_type: EventType
) -> None:
    pattern = EventPattern.load(json.dumps(_only(resources, "AWS::Events::Rule")["EventPattern"]))
    assert pattern.matches_event(_event(event_type.value))


def test_the_rule_skips_replays_and_other_sources(resources: dict[str, dict[str, Any]]) -> None:
    pattern = EventPattern.load(json.dumps(_only(resources, "AWS::Events::Rule")["EventPattern"]))
    assert not pattern.matches_event(_event("order_placed", **{"replay-name": "backfill"}))
    assert not pattern.matches_event(
        cast(EventMessageType, {"source": "orderflow.promo", "detail-type": "order_placed"})
    )


def test_the_rule_target_is_the_stream_with_a_role_retries_and_a_dead_letter_queue(
    resources: dict[str, dict[str, Any]],
) -> None:
    [target] = _only(resources, "AWS::Events::Rule")["Targets"]
    assert target["Arn"] == {"Fn::GetAtt": ["OrderEventsDeliveryStream", "Arn"]}
    assert target["RoleArn"] == {"Fn::GetAtt": ["RuleTargetRole", "Arn"]}
    assert target["DeadLetterConfig"]["Arn"] == {"Fn::GetAtt": ["RuleDeadLetterQueue", "Arn"]}
    assert target["RetryPolicy"]["MaximumEventAgeInSeconds"] == 86400


def test_the_stream_writes_gzipped_json_lines_partitioned_by_day(
    resources: dict[str, dict[str, Any]],
) -> None:
    destination = _only(resources, "AWS::KinesisFirehose::DeliveryStream")[
        "ExtendedS3DestinationConfiguration"
    ]
    assert destination["CompressionFormat"] == "GZIP"
    assert destination["Prefix"] == "events/dt=!{timestamp:yyyy-MM-dd}/"
    assert destination["ProcessingConfiguration"]["Processors"] == [
        {"Type": "AppendDelimiterToRecord"}
    ]
    assert "!{firehose:error-output-type}" in destination["ErrorOutputPrefix"]


def test_the_role_of_the_rule_may_only_put_records_on_the_stream(
    resources: dict[str, dict[str, Any]],
) -> None:
    [policy] = resources["RuleTargetRole"]["Properties"]["Policies"]
    [statement] = policy["PolicyDocument"]["Statement"]
    assert statement["Action"] == ["firehose:PutRecord", "firehose:PutRecordBatch"]
    assert statement["Resource"] == {"Fn::GetAtt": ["OrderEventsDeliveryStream", "Arn"]}


def test_buckets_are_encrypted_private_tls_only_and_expire_old_data(
    resources: dict[str, dict[str, Any]],
) -> None:
    buckets = {k: r for k, r in resources.items() if r["Type"] == "AWS::S3::Bucket"}
    assert set(buckets) == {"EventsBucket", "QueryResultsBucket"}
    policies = [r["Properties"] for r in resources.values() if r["Type"] == "AWS::S3::BucketPolicy"]
    for logical_id, bucket in buckets.items():
        properties = bucket["Properties"]
        assert properties["BucketEncryption"]["ServerSideEncryptionConfiguration"]
        assert all(properties["PublicAccessBlockConfiguration"].values()), logical_id
        [rule] = properties["LifecycleConfiguration"]["Rules"]
        assert rule["Status"] == "Enabled"
        assert "ExpirationInDays" in rule
        [policy] = [p for p in policies if p["Bucket"] == {"Ref": logical_id}]
        [statement] = policy["PolicyDocument"]["Statement"]
        assert statement["Effect"] == "Deny"
        assert statement["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}


def test_the_table_has_a_column_for_every_field_of_the_event_contract(
    resources: dict[str, dict[str, Any]],
) -> None:
    table = _only(resources, "AWS::Glue::Table")["TableInput"]
    [detail] = [c for c in table["StorageDescriptor"]["Columns"] if c["Name"] == "detail"]
    fields = {f.name: f for f in exp.DataType.build(detail["Type"], dialect="hive").expressions}
    contract = {name for model in DETAIL_MODELS.values() for name in model.model_fields}
    assert set(fields) == contract
    items = fields["items"].args["kind"].expressions[0]  # array<struct<...>>
    assert {f.name for f in items.expressions} == set(ItemDetail.model_fields)


def test_the_table_projects_its_day_partitions_onto_the_stream_prefix(
    resources: dict[str, dict[str, Any]],
) -> None:
    table = _only(resources, "AWS::Glue::Table")["TableInput"]
    parameters = table["Parameters"]
    assert parameters["projection.enabled"] == "true"
    assert parameters["projection.dt.format"] == "yyyy-MM-dd"
    assert parameters["storage.location.template"] == {
        "Fn::Sub": "s3://${EventsBucket}/events/dt=${!dt}/"
    }
    assert [p["Name"] for p in table["PartitionKeys"]] == ["dt"]
    serde = table["StorageDescriptor"]["SerdeInfo"]
    assert serde["Parameters"] == {"mapping.detail_type": "detail-type"}


def test_the_workgroup_enforces_a_bytes_scanned_cap_and_an_encrypted_result_location(
    resources: dict[str, dict[str, Any]],
) -> None:
    configuration = _only(resources, "AWS::Athena::WorkGroup")["WorkGroupConfiguration"]
    assert configuration["EnforceWorkGroupConfiguration"] is True
    assert configuration["BytesScannedCutoffPerQuery"] == {"Ref": "BytesScannedCutoffPerQuery"}
    results = configuration["ResultConfiguration"]
    assert results["OutputLocation"] == {"Fn::Sub": "s3://${QueryResultsBucket}/results/"}
    assert results["EncryptionConfiguration"] == {"EncryptionOption": "SSE_S3"}


def test_the_bytes_scanned_cap_cannot_go_below_athenas_minimum() -> None:
    parameters = load_template(ANALYTICS, {"OrdersBusName": BUS}).parameters
    assert parameters["BytesScannedCutoffPerQuery"]["MinValue"] == 10_000_000
