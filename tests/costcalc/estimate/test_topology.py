"""What a template's API routes integrate: the resource their direct action reaches."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.template import read_template
from costcalc.estimate.topology import topology
from costcalc.estimate.usage_file import UsageFile

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
    assert _route(tmp_path, text) == ("other", "")


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
