"""What a template wires to what, read from its resources alone: the entry points and edges,
an API route's integration by what it calls (direct service actions by what they do, the role
API Gateway acts as never taken for a target)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.follow import Followed
from costcalc.estimate.template import read_template
from costcalc.estimate.topology import Route, topology
from costcalc.estimate.usage_file import UsageFile

QUICK_CREATE = """\
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      ProtocolType: HTTP
      RouteKey: GET /
      Target: !GetAtt Handler.Arn
  Handler:
    Type: AWS::Lambda::Function
    Properties: {Role: r, Code: {}}
"""


def test_a_quick_create_http_api_has_its_one_route_to_its_target(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(QUICK_CREATE)
    routes = topology(read_template(path)).routes
    assert [(r.api, r.key, r.action, r.target) for r in routes] == [
        ("Api", "GET /", "invoke", "Handler")
    ]


def test_a_quick_create_api_without_a_route_key_is_its_default_route(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(QUICK_CREATE.replace("      RouteKey: GET /\n", ""))
    assert [r.key for r in topology(read_template(path)).routes] == ["ANY $default"]


CDK_NOTIFICATIONS = """\
Resources:
  Uploads:
    Type: AWS::S3::Bucket
  Handler:
    Type: AWS::Lambda::Function
    Properties: {Role: r, Code: {}}
  Jobs:
    Type: AWS::SQS::Queue
  UploadsNotifications:
    Type: Custom::S3BucketNotifications
    Properties:
      ServiceToken: !GetAtt BucketNotificationsHandler.Arn
      BucketName: !Ref Uploads
      NotificationConfiguration:
        LambdaFunctionConfigurations:
          - {Events: ["s3:ObjectCreated:*"], LambdaFunctionArn: !GetAtt Handler.Arn}
        QueueConfigurations:
          - {Events: ["s3:ObjectRemoved:*"], QueueArn: !GetAtt Jobs.Arn}
  BucketNotificationsHandler:
    Type: AWS::Lambda::Function
    Properties: {Role: r, Code: {}}
"""


def test_cdk_s_bucket_notifications_resource_notifies_its_targets(tmp_path: Path) -> None:
    path = tmp_path / "template.json"
    path.write_text(CDK_NOTIFICATIONS)
    assert topology(read_template(path)).notifications == {"Uploads": ("Handler", "Jobs")}


WEBSOCKET = """\
Resources:
  Chat:
    Type: AWS::ApiGatewayV2::Api
    Properties: {ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.action}
  Connect:
    Type: AWS::ApiGatewayV2::Route
    Properties:
      ApiId: !Ref Chat
      RouteKey: $connect
      Target: !Sub integrations/${ConnectIntegration}
  ConnectIntegration:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Chat
      IntegrationType: AWS_PROXY
      IntegrationUri: !GetAtt Handler.Arn
  Handler:
    Type: AWS::Lambda::Function
    Properties: {Role: r, Code: {}}
"""


def test_a_route_integrates_its_function_not_the_api_its_integration_names(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(WEBSOCKET)
    assert topology(read_template(path)).routes == (
        Route("Chat", False, "ANY", "$connect", "invoke", "Handler"),
    )


def test_a_websocket_route_bills_messages_with_no_price_not_http_requests(tmp_path: Path) -> None:
    path = tmp_path / "template.yaml"
    path.write_text(WEBSOCKET)
    breakdown = estimate_source(path, Decimal(1000), UsageFile(), samconfig=False)
    items = {(p.charge.item, p.monthly_usd) for e in breakdown.estimates for p in e.priced
             if p.charge.resource == "Chat"}  # fmt: skip
    assert items == {("websocket-messages", None)}


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


def test_a_service_uri_cdk_joins_from_its_parts_is_read_by_its_action(tmp_path: Path) -> None:
    joined = (
        "{'Fn::Join': ['', ['arn:', !Ref 'AWS::Partition', ':apigateway:', !Ref 'AWS::Region',"
        " ':dynamodb:action/GetItem']]}"
    )
    followed = _followed(tmp_path, joined, TABLE)

    assert _billed(followed) == {("Table", "read-request-units"): Decimal(1000)}
