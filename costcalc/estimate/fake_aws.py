"""One fake AWS account that names resources the same way for SAM and for Pulumi.

`costcalc estimate` answers a Pulumi program's registrations with it (pulumi_program.py). The
kit's parity test resolves the transformed SAM template's `Ref`/`Fn::GetAtt` and answers the
Pulumi program's resource registrations (under `pulumi.runtime.set_mocks`) from the same rules:
a resource's physical name is its explicit name, else its logical name in kebab case (SAM's
`OrdersTable`, Pulumi's `orders-table`), and its ARN, URL or id derive from that name as AWS
derives them. So `!GetAtt OrdersTable.Arn` and `orders_table.arn` become the same string when,
and only when, both point at the same resource.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

_WORD_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def kebab(logical_id: str) -> str:
    """`ApiFunctionPlaceOrderPermission` -> `api-function-place-order-permission`."""
    return _WORD_BOUNDARY.sub("-", logical_id).lower()


@dataclass(frozen=True)
class Account:
    region: str = "us-east-1"
    account_id: str = "123456789012"
    partition: str = "aws"
    url_suffix: str = "amazonaws.com"

    def arn(self, service: str, resource: str, *, regional: bool = True) -> str:
        region = self.region if regional else ""
        return f"arn:{self.partition}:{service}:{region}:{self.account_id}:{resource}"


Outputs = Callable[[Account, str, str], dict[str, str]]


@dataclass(frozen=True)
class Kind:
    """A resource type as both tools spell it, and what AWS answers about one.

    `outputs(account, resource_name, physical_name)` gives the Pulumi output properties
    (`id` included); `ref` and `attributes` say which of them CloudFormation's `Ref` and
    `Fn::GetAtt <attribute>` return; `cfn_name_property` is the property holding an explicit
    name (dotted where it is nested: `DatabaseInput.Name`). `part` kinds only add to another
    resource (a role's policy, a rule's target, a bucket's versioning) and are compared
    through it, not listed on their own.
    """

    name: str
    cfn_type: str | None
    pulumi_type: str
    outputs: Outputs
    ref: str = "id"
    attributes: Mapping[str, str] = field(default_factory=dict)
    cfn_name_property: str | None = None
    part: bool = False


def _named(arn: Callable[[Account, str], str], id_: str = "name") -> Outputs:
    def outputs(account: Account, _resource: str, name: str) -> dict[str, str]:
        values = {"name": name, "arn": arn(account, name)}
        return {**values, "id": values[id_]}

    return outputs


def _table(account: Account, _resource: str, name: str) -> dict[str, str]:
    arn = account.arn("dynamodb", f"table/{name}")
    return {"id": name, "name": name, "arn": arn, "streamArn": f"{arn}/stream/2026-01-01T00:00"}


def _queue(account: Account, _resource: str, name: str) -> dict[str, str]:
    url = f"https://sqs.{account.region}.{account.url_suffix}/{account.account_id}/{name}"
    return {"id": url, "url": url, "name": name, "arn": account.arn("sqs", name)}


def _function(account: Account, _resource: str, name: str) -> dict[str, str]:
    arn = account.arn("lambda", f"function:{name}")
    invoke = (
        f"arn:{account.partition}:apigateway:{account.region}:lambda:path/2015-03-31/functions/"
        f"{arn}/invocations"
    )
    return {"id": name, "name": name, "arn": arn, "invokeArn": invoke}


def _api(account: Account, resource: str, name: str) -> dict[str, str]:
    """What an API Gateway API (HTTP or REST) answers: its id and its execution ARN."""
    api_id = f"{resource}-id"
    return {"id": api_id, "name": name, "executionArn": account.arn("execute-api", api_id)}


def _http_api(account: Account, resource: str, name: str) -> dict[str, str]:
    endpoint = f"https://{resource}-id.execute-api.{account.region}.{account.url_suffix}"
    return _api(account, resource, name) | {"apiEndpoint": endpoint}


def _bucket(account: Account, _resource: str, name: str) -> dict[str, str]:
    return {"id": name, "bucket": name, "arn": f"arn:{account.partition}:s3:::{name}"}


def _rest_api(account: Account, resource: str, name: str) -> dict[str, str]:
    return _api(account, resource, name) | {"rootResourceId": f"{resource}-root"}


def _part(_account: Account, resource: str, _name: str) -> dict[str, str]:
    return {"id": f"{resource}-id"}


def _user_pool(account: Account, resource: str, name: str) -> dict[str, str]:
    pool_id = f"{account.region}_{resource}"
    provider = f"cognito-idp.{account.region}.{account.url_suffix}/{pool_id}"
    return {
        "id": pool_id,
        "name": name,
        "arn": account.arn("cognito-idp", f"userpool/{pool_id}"),
        "endpoint": provider,
        "providerUrl": f"https://{provider}",
    }


def _only_named(_account: Account, _resource: str, name: str) -> dict[str, str]:
    return {"id": name, "name": name}


def _key(account: Account, _resource: str, name: str) -> dict[str, str]:
    return {"id": name, "keyId": name, "arn": account.arn("kms", f"key/{name}")}


KINDS = (
    Kind("table", "AWS::DynamoDB::Table", "aws:dynamodb/table:Table", _table, "name",
         {"Arn": "arn", "StreamArn": "streamArn"}, "TableName"),
    Kind("bus", "AWS::Events::EventBus", "aws:cloudwatch/eventBus:EventBus",
         _named(lambda a, n: a.arn("events", f"event-bus/{n}")), "name",
         {"Arn": "arn", "Name": "name"}, "Name"),
    Kind("rule", "AWS::Events::Rule", "aws:cloudwatch/eventRule:EventRule",
         _named(lambda a, n: a.arn("events", f"rule/{n}")), "name", {"Arn": "arn"}, "Name"),
    Kind("queue", "AWS::SQS::Queue", "aws:sqs/queue:Queue", _queue, "url",
         {"Arn": "arn", "QueueName": "name", "QueueUrl": "url"}, "QueueName"),
    Kind("topic", "AWS::SNS::Topic", "aws:sns/topic:Topic",
         _named(lambda a, n: a.arn("sns", n), id_="arn"), "arn",
         {"TopicArn": "arn", "TopicName": "name"}, "TopicName"),
    Kind("function", "AWS::Lambda::Function", "aws:lambda/function:Function", _function,
         "name", {"Arn": "arn"}, "FunctionName"),
    Kind("role", "AWS::IAM::Role", "aws:iam/role:Role",
         _named(lambda a, n: a.arn("iam", f"role/{n}", regional=False)), "name",
         {"Arn": "arn"}, "RoleName"),
    Kind("log-group", "AWS::Logs::LogGroup", "aws:cloudwatch/logGroup:LogGroup",
         _named(lambda a, n: a.arn("logs", f"log-group:{n}")), "name", {"Arn": "arn"},
         "LogGroupName"),
    Kind("schedule-group", "AWS::Scheduler::ScheduleGroup",
         "aws:scheduler/scheduleGroup:ScheduleGroup",
         _named(lambda a, n: a.arn("scheduler", f"schedule-group/{n}")), "name",
         {"Arn": "arn"}, "Name"),
    Kind("state-machine", "AWS::StepFunctions::StateMachine", "aws:sfn/stateMachine:StateMachine",
         _named(lambda a, n: a.arn("states", f"stateMachine:{n}"), id_="arn"), "arn",
         {"Arn": "arn", "Name": "name"}, "StateMachineName"),
    Kind("alarm", "AWS::CloudWatch::Alarm", "aws:cloudwatch/metricAlarm:MetricAlarm",
         _named(lambda a, n: a.arn("cloudwatch", f"alarm:{n}")), "name", {"Arn": "arn"},
         "AlarmName"),
    Kind("dashboard", "AWS::CloudWatch::Dashboard", "aws:cloudwatch/dashboard:Dashboard",
         _named(lambda a, n: a.arn("cloudwatch", f"dashboard/{n}", regional=False)), "name",
         cfn_name_property="DashboardName"),
    Kind("archive", "AWS::Events::Archive", "aws:cloudwatch/eventArchive:EventArchive",
         _named(lambda a, n: a.arn("events", f"archive/{n}")), "name", {"Arn": "arn"},
         "ArchiveName"),
    Kind("schema-registry", "AWS::EventSchemas::Registry", "aws:schemas/registry:Registry",
         _named(lambda a, n: a.arn("schemas", f"registry/{n}")), "arn",
         {"RegistryArn": "arn", "RegistryName": "name"}, "RegistryName"),
    Kind("schema", "AWS::EventSchemas::Schema", "aws:schemas/schema:Schema",
         _named(lambda a, n: a.arn("schemas", f"schema/{n}")), "arn",
         {"SchemaArn": "arn", "SchemaName": "name"}, "SchemaName"),
    Kind("kms-key", "AWS::KMS::Key", "aws:kms/key:Key", _key, "id",
         {"Arn": "arn", "KeyId": "keyId"}),
    Kind("user-pool", "AWS::Cognito::UserPool", "aws:cognito/userPool:UserPool", _user_pool,
         "id", {"Arn": "arn", "ProviderName": "endpoint", "ProviderURL": "providerUrl"},
         "UserPoolName"),
    Kind("user-pool-client", "AWS::Cognito::UserPoolClient",
         "aws:cognito/userPoolClient:UserPoolClient", _part),
    Kind("user-pool-group", "AWS::Cognito::UserPoolGroup", "aws:cognito/userGroup:UserGroup",
         _only_named, "name", cfn_name_property="GroupName"),
    Kind("topic-policy", "AWS::SNS::TopicPolicy", "aws:sns/topicPolicy:TopicPolicy", _part),
    Kind("subscription", "AWS::SNS::Subscription", "aws:sns/topicSubscription:TopicSubscription",
         _part),
    Kind("http-api", "AWS::ApiGatewayV2::Api", "aws:apigatewayv2/api:Api", _http_api,
         attributes={"ApiEndpoint": "apiEndpoint"}),
    Kind("log-stream", "AWS::Logs::LogStream", "aws:cloudwatch/logStream:LogStream",
         _named(lambda a, n: a.arn("logs", f"log-stream:{n}")), "name", {}, "LogStreamName"),
    Kind("bucket", "AWS::S3::Bucket", "aws:s3/bucket:Bucket", _bucket, "bucket",
         {"Arn": "arn"}, "BucketName"),
    Kind("bucket-policy", "AWS::S3::BucketPolicy", "aws:s3/bucketPolicy:BucketPolicy", _part),
    Kind("delivery-stream", "AWS::KinesisFirehose::DeliveryStream",
         "aws:kinesis/firehoseDeliveryStream:FirehoseDeliveryStream",
         _named(lambda a, n: a.arn("firehose", f"deliverystream/{n}"), id_="arn"), "name",
         {"Arn": "arn"}, "DeliveryStreamName"),
    Kind("glue-database", "AWS::Glue::Database", "aws:glue/catalogDatabase:CatalogDatabase",
         _named(lambda a, n: a.arn("glue", f"database/{n}")), "name", {},
         "DatabaseInput.Name"),
    Kind("glue-table", "AWS::Glue::Table", "aws:glue/catalogTable:CatalogTable",
         _named(lambda a, n: a.arn("glue", f"table/{n}")), "name", {}, "TableInput.Name"),
    Kind("workgroup", "AWS::Athena::WorkGroup", "aws:athena/workgroup:Workgroup",
         _named(lambda a, n: a.arn("athena", f"workgroup/{n}")), "name", {}, "Name"),
    Kind("named-query", "AWS::Athena::NamedQuery", "aws:athena/namedQuery:NamedQuery", _part),
    Kind("stage", "AWS::ApiGatewayV2::Stage", "aws:apigatewayv2/stage:Stage", _part),
    Kind("permission", "AWS::Lambda::Permission", "aws:lambda/permission:Permission", _part),
    Kind("event-invoke-config", "AWS::Lambda::EventInvokeConfig",
         "aws:lambda/functionEventInvokeConfig:FunctionEventInvokeConfig", _part),
    Kind("event-source-mapping", "AWS::Lambda::EventSourceMapping",
         "aws:lambda/eventSourceMapping:EventSourceMapping", _part),
    Kind("queue-policy", "AWS::SQS::QueuePolicy", "aws:sqs/queuePolicy:QueuePolicy", _part),
    Kind("role-policy", None, "aws:iam/rolePolicy:RolePolicy", _part, part=True),
    Kind("role-policy-attachment", None, "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
         _part, part=True),
    Kind("event-target", None, "aws:cloudwatch/eventTarget:EventTarget", _part, part=True),
    # A bucket's configuration: CloudFormation holds it in the bucket's properties.
    *(
        Kind(f"bucket-{part}", None, f"aws:s3/bucket{token}:Bucket{token}", _part, part=True)
        for part, token in (
            ("encryption", "ServerSideEncryptionConfiguration"),
            ("public-access-block", "PublicAccessBlock"),
            ("ownership", "OwnershipControls"),
            ("versioning", "Versioning"),
            ("lifecycle", "LifecycleConfiguration"),
        )
    ),
    # What a team's own program deploys besides the kit's kinds (the estimate follows them).
    Kind("stream", "AWS::Kinesis::Stream", "aws:kinesis/stream:Stream",
         _named(lambda a, n: a.arn("kinesis", f"stream/{n}")), "name", {"Arn": "arn"}, "Name"),
    Kind("pipe", "AWS::Pipes::Pipe", "aws:pipes/pipe:Pipe",
         _named(lambda a, n: a.arn("pipes", f"pipe/{n}")), "name", {"Arn": "arn"}, "Name"),
    Kind("schedule", "AWS::Scheduler::Schedule", "aws:scheduler/schedule:Schedule",
         _named(lambda a, n: a.arn("scheduler", f"schedule/default/{n}")), "name",
         {"Arn": "arn"}, "Name"),
    Kind("rest-api", "AWS::ApiGateway::RestApi", "aws:apigateway/restApi:RestApi", _rest_api,
         attributes={"RootResourceId": "rootResourceId"}),
    Kind("rest-resource", "AWS::ApiGateway::Resource", "aws:apigateway/resource:Resource",
         _part),
    Kind("rest-method", "AWS::ApiGateway::Method", "aws:apigateway/method:Method", _part),
    Kind("rest-integration", None, "aws:apigateway/integration:Integration", _part, part=True),
    Kind("bucket-notification", None, "aws:s3/bucketNotification:BucketNotification", _part,
         part=True),
    Kind("integration", None, "aws:apigatewayv2/integration:Integration", _part, part=True),
    Kind("route", None, "aws:apigatewayv2/route:Route", _part, part=True),
    Kind("authorizer", None, "aws:apigatewayv2/authorizer:Authorizer", _part, part=True),
)  # fmt: skip
BY_CFN_TYPE = {k.cfn_type: k for k in KINDS if k.cfn_type}
BY_PULUMI_TYPE = {k.pulumi_type: k for k in KINDS}
UNKNOWN = Kind("unknown", None, "", _part)
