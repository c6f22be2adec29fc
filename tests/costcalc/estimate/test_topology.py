"""What an API route integrates, read from the integration alone: direct service actions by
what they do, the role API Gateway acts as never taken for a target."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.follow import Followed
from costcalc.estimate.template import read_template
from costcalc.estimate.topology import topology
from costcalc.estimate.usage_file import UsageFile

RESOURCES = """\
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {{Name: direct}}
  Items:
    Type: AWS::ApiGateway::Resource
    Properties: {{RestApiId: !Ref Api, ParentId: !GetAtt Api.RootResourceId, PathPart: items}}
  Role:
    Type: AWS::IAM::Role
    Properties: {{AssumeRolePolicyDocument: {{}}}}
  Table:
    Type: AWS::DynamoDB::Table
    Properties: {{BillingMode: PAY_PER_REQUEST}}
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: {{ShardCount: 1}}
  Topic:
    Type: AWS::SNS::Topic
  Queue:
    Type: AWS::SQS::Queue
  Method:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !Ref Items
      HttpMethod: POST
      Integration:
        Type: AWS
        Credentials: !GetAtt Role.Arn
        IntegrationHttpMethod: POST
        Uri: {uri}
        RequestTemplates:
          application/json: {template}
"""


def _followed(tmp_path: Path, uri: str, template: str) -> Followed:
    path = tmp_path / "template.yaml"
    path.write_text(RESOURCES.format(uri=uri, template=template))
    found = estimate_source(path, Decimal(1000), UsageFile(tmp_path / "u.yml", {}),
                            samconfig=False)  # fmt: skip
    return found.estimates[0].followed


def _billed(followed: Followed) -> dict[tuple[str, str], Decimal]:
    return {(c.resource, c.item): c.monthly for c in followed.charges if c.resource != "Api"}


REGION = "!Sub 'arn:aws:apigateway:${{AWS::Region}}:{service}:action/{action}'"
TABLE = '!Sub \'{"TableName": "${Table}"}\''


@pytest.mark.parametrize(
    ("service", "action", "template", "billed"),
    [
        ("dynamodb", "GetItem", TABLE, {("Table", "read-request-units"): Decimal(1000)}),
        ("dynamodb", "Query", TABLE, {("Table", "read-request-units"): Decimal(1000)}),
        ("dynamodb", "PutItem", TABLE, {("Table", "write-request-units"): Decimal(1000)}),
        ("kinesis", "PutRecord", "!Sub '{\"StreamName\": \"${Stream}\"}'",
         {("Stream", "put-payload-units"): Decimal(1000)}),
        ("sns", "Publish", "!Sub 'TopicArn=${Topic}'",
         {("Topic", "publish-requests"): Decimal(1000)}),
    ],
)  # fmt: skip
def test_a_direct_service_integration_bills_what_its_action_does(
    tmp_path: Path, service: str, action: str, template: str, billed: dict[tuple[str, str], Decimal]
) -> None:
    followed = _followed(tmp_path, REGION.format(service=service, action=action), template)

    assert _billed(followed) == billed
    assert not [n for n in followed.notes if "Role" in n]


@pytest.mark.parametrize("template", ["Action=SendMessage&MessageBody=$input.body",
                                      "MessageBody=$input.body"])  # fmt: skip
def test_a_path_style_sqs_integration_sends_to_the_queue_its_path_names(
    tmp_path: Path, template: str
) -> None:
    uri = "!Sub 'arn:aws:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/${Queue.QueueName}'"
    followed = _followed(tmp_path, uri, template)

    assert _billed(followed) == {("Queue", "standard-requests"): Decimal(1000)}


def test_an_action_the_estimate_does_not_bill_is_named_and_reaches_nothing(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    uri = REGION.format(service="kinesis", action="ListShards")
    path.write_text(RESOURCES.format(uri=uri, template="{}"))
    (route,) = topology(read_template(path)).routes

    assert (route.action, route.target) == ("kinesis:ListShards", "")
    followed = _followed(tmp_path, uri, "{}")
    assert _billed(followed) == {}
    assert not followed.notes  # the role is never "reached"
