"""What a template wires to what: the entry points and edges read from resources alone."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from costcalc.estimate.breakdown import estimate_source
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
