"""A team's Pulumi program beyond the kit's kinds reads as the template it deploys.

The program (pulumi_programs/team_orders) runs under ``pulumi.runtime.set_mocks``; each AWS
resource it registers is mapped onto the CloudFormation resource the estimate follows.
"""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.breakdown import Breakdown, estimate_source
from costcalc.estimate.pulumi_template import read_pulumi
from costcalc.estimate.template import Template
from costcalc.estimate.usage_file import UsageFile

PROGRAM = Path(__file__).parent / "pulumi_programs/team_orders"


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("program") / "team_orders"
    shutil.copytree(PROGRAM, target)
    return target


@pytest.fixture(scope="module")
def template(project: Path) -> Template:
    return read_pulumi(project)


@pytest.fixture(scope="module")
def breakdown(project: Path) -> Breakdown:
    return estimate_source(project, Decimal(1000), UsageFile(project / "u.yml", {}))


def test_each_registered_aws_resource_is_the_cloudformation_resource_it_deploys(
    template: Template,
) -> None:
    types = {name: resource["Type"] for name, resource in template.resources.items()}
    assert types == {
        "WorkerRole": "AWS::IAM::Role",
        "Worker": "AWS::Lambda::Function",
        "Clicks": "AWS::Kinesis::Stream",
        "ClicksToWorker": "AWS::Lambda::EventSourceMapping",
        "Jobs": "AWS::SQS::Queue",
        "JobsPipe": "AWS::Pipes::Pipe",
        "Nightly": "AWS::Scheduler::Schedule",
        "Uploads": "AWS::S3::Bucket",
        "OrdersApi": "AWS::ApiGateway::RestApi",
        "Items": "AWS::ApiGateway::Resource",
        "ItemsPost": "AWS::ApiGateway::Method",
    }


def test_references_between_them_are_refs_and_getatts_as_a_template_writes_them(
    template: Template,
) -> None:
    properties = {name: r["Properties"] for name, r in template.resources.items()}
    assert properties["JobsPipe"]["Source"] == {"Fn::GetAtt": ["Jobs", "Arn"]}
    assert properties["JobsPipe"]["Target"] == {"Fn::GetAtt": ["Worker", "Arn"]}
    assert properties["Nightly"]["Target"]["Arn"] == {"Fn::GetAtt": ["Worker", "Arn"]}
    assert properties["Nightly"]["ScheduleExpression"] == "rate(1 day)"
    assert properties["Clicks"]["ShardCount"] == 1
    assert properties["Uploads"]["NotificationConfiguration"] == {
        "LambdaConfigurations": [
            {"Function": {"Fn::GetAtt": ["Worker", "Arn"]}, "Event": "s3:ObjectCreated:*"}
        ]
    }
    assert properties["Items"]["ParentId"] == {"Fn::GetAtt": ["OrdersApi", "RootResourceId"]}
    assert properties["ItemsPost"]["Integration"]["Type"] == "AWS_PROXY"


def test_the_estimate_follows_every_entry_point_of_the_program_to_the_function(
    breakdown: Breakdown,
) -> None:
    [estimate] = breakdown.estimates
    entries = {(e.workflow, e.kind) for e in estimate.followed.entries}
    assert entries == {
        ("OrdersApi POST /items", "API route"),
        ("Nightly", "Scheduler schedule"),
        ("Clicks", "stream records"),
        ("Jobs", "queue records"),
        ("Uploads", "S3 objects"),
    }
    reached = {p.charge.workflow for p in estimate.priced if p.charge.resource == "Worker"}
    assert reached == {e for e, _ in entries}
    items = {(p.charge.resource, p.charge.item) for p in estimate.priced}
    assert {("Clicks", "put-payload-units"), ("JobsPipe", "requests")} <= items
    assert ("Nightly", "scheduler-invocations") in items
    assert ("OrdersApi", "rest-requests") in items
