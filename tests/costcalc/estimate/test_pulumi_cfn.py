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


def test_a_registered_resource_of_a_type_the_estimate_does_not_read_is_listed_not_dropped(
    template: Template, breakdown: Breakdown
) -> None:
    assert template.unread == {
        "WorkerUrl": "aws:lambda/functionUrl:FunctionUrl",
        "WorkerSetting": "aws:ssm/parameter:Parameter",
    }
    [estimate] = breakdown.estimates
    assert [n for n in estimate.followed.notes if "does not read" in n] == [
        "WorkerSetting (aws:ssm/parameter:Parameter): a Pulumi resource type the estimate "
        "does not read: not billed",
        "WorkerUrl (aws:lambda/functionUrl:FunctionUrl): a Pulumi resource type the estimate "
        "does not read: not billed",
    ]


def test_the_provider_a_program_registers_is_no_resource_to_list(tmp_path: Path) -> None:
    project = tmp_path / "team_orders"
    shutil.copytree(PROGRAM, project)
    main = project / "__main__.py"
    main.write_text(
        main.read_text(encoding="utf-8")
        + 'aws.sqs.Queue("west", opts=pulumi.ResourceOptions(provider=aws.Provider('
        '"west", region="us-west-2")))\n',
        encoding="utf-8",
    )
    main.write_text("import pulumi\n" + main.read_text(encoding="utf-8"), encoding="utf-8")
    template = read_pulumi(project)
    assert "West" in template.resources
    assert set(template.unread) == {"WorkerUrl", "WorkerSetting"}
