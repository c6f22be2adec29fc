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
        Route("Chat", False, "ANY", "$connect", "invoke", "Handler", websocket=True),
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


ROLE = """\
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: []
"""
REST_METHOD = (
    """\
Resources:
  Api:
    Type: AWS::ApiGateway::RestApi
    Properties: {{Name: api}}
  Post:
    Type: AWS::ApiGateway::Method
    Properties:
      RestApiId: !Ref Api
      ResourceId: !GetAtt Api.RootResourceId
      HttpMethod: POST
      Integration:
        Type: AWS
        Credentials: !GetAtt Role.Arn
        Uri: {uri}
        RequestTemplates:
          application/json: '{template}'
  Queue:
    Type: AWS::SQS::Queue
  Table:
    Type: AWS::DynamoDB::Table
    Properties:
      TableName: Music
      KeySchema: [{{AttributeName: id, KeyType: HASH}}]
      AttributeDefinitions: [{{AttributeName: id, AttributeType: S}}]
"""
    + ROLE
)


def _route(tmp_path: Path, text: str) -> tuple[str, str]:
    (tmp_path / "template.yaml").write_text(text)
    (route,) = topology(read_template(tmp_path / "template.yaml")).routes
    return route.action, route.target


@pytest.mark.parametrize(
    ("uri", "template", "expected"),
    [
        (
            "!Sub arn:aws:apigateway:${AWS::Region}:sqs:path/${AWS::AccountId}/${Queue.QueueName}",
            "Action=SendMessage&MessageBody=$input.body",
            ("send", "Queue"),
        ),
        (
            "!Sub arn:aws:apigateway:${AWS::Region}:dynamodb:action/PutItem",
            '{"TableName":"Music","Item":{}}',
            ("write", "Table"),
        ),
        (
            "!Sub arn:aws:apigateway:${AWS::Region}:dynamodb:action/Query",
            '{"TableName":"Music"}',
            ("read", "Table"),
        ),
    ],
)
def test_a_rest_direct_integration_reaches_the_resource_its_action_names_not_its_role(
    tmp_path: Path, uri: str, template: str, expected: tuple[str, str]
) -> None:
    assert _route(tmp_path, REST_METHOD.format(uri=uri, template=template)) == expected


def test_an_openapi_http_integration_spelled_in_camel_case_starts_its_state_machine(
    tmp_path: Path,
) -> None:
    text = (
        """\
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties:
      Body:
        openapi: "3.0.1"
        paths:
          /:
            post:
              x-amazon-apigateway-integration:
                integrationSubtype: StepFunctions-StartSyncExecution
                credentials: !GetAtt Role.Arn
                requestParameters:
                  Input: $request.body
                  StateMachineArn: !Ref Flow
                payloadFormatVersion: "1.0"
                type: aws_proxy
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: !GetAtt Role.Arn
      StateMachineType: EXPRESS
      Definition: {StartAt: Done, States: {Done: {Type: Succeed}}}
"""
        + ROLE
    )
    assert _route(tmp_path, text) == ("start", "Flow")


def test_an_alias_and_a_stream_consumer_stand_for_their_function_and_stream(
    tmp_path: Path,
) -> None:
    text = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      InlineCode: "def handler(event, context): pass"
      AutoPublishAlias: live
      Events:
        Tick: {Type: Schedule, Properties: {Schedule: rate(1 hour)}}
        Records:
          Type: Kinesis
          Properties: {Stream: !GetAtt Consumer.ConsumerARN, StartingPosition: LATEST}
  Stream:
    Type: AWS::Kinesis::Stream
    Properties: {ShardCount: 1}
  Consumer:
    Type: AWS::Kinesis::StreamConsumer
    Properties: {StreamARN: !GetAtt Stream.Arn, ConsumerName: reader}
"""
    (tmp_path / "template.yaml").write_text(text)
    topo = topology(read_template(tmp_path / "template.yaml"))
    assert [rule.targets for rule in topo.rules] == [("Fn",)]
    assert topo.consumers == {"Stream": ("Fn",)}


def test_an_http_proxy_to_a_load_balancer_reaches_nothing_billed_not_its_own_api(
    tmp_path: Path,
) -> None:
    text = """\
Resources:
  Api:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: api, ProtocolType: HTTP}
  Listener:
    Type: AWS::ElasticLoadBalancingV2::Listener
    Properties: {LoadBalancerArn: arn:aws:elasticloadbalancing:us-east-1:1:lb/x, Port: 80}
  Proxy:
    Type: AWS::ApiGatewayV2::Integration
    Properties:
      ApiId: !Ref Api
      IntegrationType: HTTP_PROXY
      IntegrationUri: !Ref Listener
  Route:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Api, RouteKey: GET /, Target: !Sub "integrations/${Proxy}"}
"""
    assert _route(tmp_path, text) == ("http_proxy", "")


def test_a_websocket_route_is_billed_by_message_as_not_priced_not_as_http_requests(
    tmp_path: Path,
) -> None:
    (tmp_path / "template.yaml").write_text("""\
Resources:
  Socket:
    Type: AWS::ApiGatewayV2::Api
    Properties: {Name: ws, ProtocolType: WEBSOCKET, RouteSelectionExpression: $request.body.a}
  Mock:
    Type: AWS::ApiGatewayV2::Integration
    Properties: {ApiId: !Ref Socket, IntegrationType: MOCK}
  Default:
    Type: AWS::ApiGatewayV2::Route
    Properties: {ApiId: !Ref Socket, RouteKey: $default, Target: !Sub "integrations/${Mock}"}
""")  # fmt: skip
    usage = UsageFile(tmp_path / "u.yml", {})
    estimated = estimate_source(tmp_path / "template.yaml", Decimal(10), usage, samconfig=False)
    charges = [(c.resource, c.item, c.monthly) for c in estimated.estimates[0].followed.charges]
    assert charges == [("Socket", "websocket-messages", 10)]
    assert [p.charge.item for p in estimated.not_priced] == ["websocket-messages"]
