"""Creating a transformed template's resources in moto, and naming them as CloudFormation would."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import boto3

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.intrinsics import resolve
from orderflow_localrun.cognito import create_user_pools
from orderflow_localrun.firehose import FirehoseConfigError, object_body, render_prefix
from orderflow_localrun.intrinsics import Names
from orderflow_localrun.lambdas import FunctionSpec
from orderflow_localrun.template import TransformedTemplate

# Resource types the runner creates or represents; anything else in the template (permissions,
# stages, log groups, queue policies, IAM roles) is recorded as deployed but needs no emulation.
_NAME_PROPERTY = {
    "AWS::DynamoDB::Table": "TableName",
    "AWS::Events::EventBus": "Name",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::IAM::Role": "RoleName",
    "AWS::Scheduler::ScheduleGroup": "Name",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::Events::Rule": "Name",
    "AWS::StepFunctions::StateMachine": "StateMachineName",
    "AWS::Events::Archive": "ArchiveName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::KinesisFirehose::DeliveryStream": "DeliveryStreamName",
    "AWS::Athena::WorkGroup": "Name",
    "AWS::Logs::LogStream": "LogStreamName",
}
# Names that live inside an input structure rather than in a top-level property.
_NESTED_NAME = {"AWS::Glue::Database": "DatabaseInput", "AWS::Glue::Table": "TableInput"}
_MAX_NAME = 64
_MAX_ARCHIVE_NAME = 48  # EventBridge's limit; CloudFormation's generated names respect it
_EVENTS_ARN_TYPE = {"AWS::Events::Rule": "rule", "AWS::Events::Archive": "archive"}
_MAX_BUCKET_NAME = 63


@dataclass(frozen=True)
class Rule:
    logical_id: str
    name: str
    bus_name: str


@dataclass(frozen=True)
class StreamMapping:
    """An event source mapping from a DynamoDB stream to a function."""

    logical_id: str
    function: str
    stream_arn: str
    batch_size: int
    maximum_retry_attempts: int
    filters: list[dict[str, Any]]
    report_item_failures: bool
    on_failure_arn: str | None


@dataclass
class Deployment:
    names: Names
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    rules: list[Rule] = field(default_factory=list)
    stream_mappings: list[StreamMapping] = field(default_factory=list)
    outputs: dict[str, str] = field(default_factory=dict)

    def function_by_arn(self, arn: str) -> str | None:
        """The logical id of the function `arn` (or an `...:function:name:qualifier`) names."""
        name = arn.split(":function:", 1)[-1].split(":", 1)[0]
        return next((k for k, f in self.functions.items() if f.name == name), None)


def _physical_name(template: TransformedTemplate, logical_id: str, names: Names) -> str:
    resource = template.resources[logical_id]
    properties = resource.get("Properties", {})
    prop = _NAME_PROPERTY.get(resource["Type"])
    given = properties.get(prop) if prop else None
    if resource["Type"] in _NESTED_NAME:
        given = properties.get(_NESTED_NAME[resource["Type"]], {}).get("Name")
    if given is not None:
        return str(resolve(given, names))
    name = f"{names.stack_name}-{logical_id}"
    if resource["Type"] == "AWS::S3::Bucket":  # bucket names are lower case
        return name.lower()[:_MAX_BUCKET_NAME]
    limit = _MAX_ARCHIVE_NAME if resource["Type"] == "AWS::Events::Archive" else _MAX_NAME
    return name[:limit]


def _client(service: str, names: Names) -> Any:
    """A boto3 client for the mocked account; requests are built from template data (Any)."""
    return boto3.client(service, region_name=names.region)  # type: ignore[call-overload]


def _arn(names: Names, service: str, resource: str) -> str:
    return f"arn:aws:{service}:{names.region}:{names.account_id}:{resource}"


def _lake_attributes(kind: str, name: str, names: Names) -> dict[str, str]:
    """GetAtt answers for the data-lake resources (the analytics stack's)."""
    if kind == "AWS::S3::Bucket":
        return {"Arn": f"arn:aws:s3:::{name}", "DomainName": f"{name}.s3.amazonaws.com"}
    if kind == "AWS::KinesisFirehose::DeliveryStream":
        return {"Arn": _arn(names, "firehose", f"deliverystream/{name}")}
    return {}


def _name_everything(template: TransformedTemplate, names: Names) -> None:
    """What Ref and GetAtt answer for every resource, before any is created."""
    # Parameters and names first: names may refer to parameters and pseudo parameters only.
    for logical_id, resource in template.resources.items():
        kind = resource["Type"]
        name = _physical_name(template, logical_id, names)
        attrs = _lake_attributes(kind, name, names)
        ref = name
        if kind == "AWS::DynamoDB::Table":
            attrs = {"Arn": _arn(names, "dynamodb", f"table/{name}")}
        elif kind == "AWS::Events::EventBus":
            attrs = {"Name": name, "Arn": _arn(names, "events", f"event-bus/{name}")}
        elif kind == "AWS::SNS::Topic":
            ref = _arn(names, "sns", name)
            attrs = {"TopicArn": ref, "TopicName": name}
        elif kind == "AWS::SQS::Queue":
            ref = f"https://sqs.{names.region}.amazonaws.com/{names.account_id}/{name}"
            attrs = {"Arn": _arn(names, "sqs", name), "QueueName": name, "QueueUrl": ref}
        elif kind == "AWS::Lambda::Function":
            attrs = {"Arn": _arn(names, "lambda", f"function:{name}")}
        elif kind == "AWS::IAM::Role":
            attrs = {"Arn": f"arn:aws:iam::{names.account_id}:role/{name}", "RoleId": name}
        elif kind == "AWS::Scheduler::ScheduleGroup":
            attrs = {"Arn": _arn(names, "scheduler", f"schedule-group/{name}")}
        elif kind == "AWS::Logs::LogGroup":
            attrs = {"Arn": _arn(names, "logs", f"log-group:{name}:*")}
        elif kind in _EVENTS_ARN_TYPE:
            attrs = {"Arn": _arn(names, "events", f"{_EVENTS_ARN_TYPE[kind]}/{name}")}
        elif kind == "AWS::StepFunctions::StateMachine":
            ref = _arn(names, "states", f"stateMachine:{name}")
            attrs = {"Arn": ref, "Name": name}
        elif kind == "AWS::ApiGatewayV2::Api":
            ref = f"local{abs(hash(logical_id)) % 10**6:06d}"
            attrs = {"ApiEndpoint": f"https://{ref}.execute-api.{names.region}.amazonaws.com"}
        names.physical[logical_id] = name
        names.refs[logical_id] = ref
        names.attributes[logical_id] = attrs


def _properties(template: TransformedTemplate, logical_id: str, names: Names) -> dict[str, Any]:
    return resolve(template.resources[logical_id].get("Properties", {}), names)  # type: ignore[no-any-return]


def _tags(properties: dict[str, Any]) -> list[dict[str, str]]:
    tags = properties.get("Tags", [])
    return tags if isinstance(tags, list) else [{"Key": k, "Value": v} for k, v in tags.items()]


def _create_table(props: dict[str, Any], name: str, logical_id: str, names: Names) -> None:
    dynamodb = _client("dynamodb", names)
    request: dict[str, Any] = {
        "TableName": name,
        "AttributeDefinitions": props["AttributeDefinitions"],
        "KeySchema": props["KeySchema"],
        "BillingMode": props.get("BillingMode", "PROVISIONED"),
    }
    for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if key in props:
            request[key] = props[key]
    if "SSESpecification" in props:  # CloudFormation and the API spell it differently
        sse = props["SSESpecification"]
        request["SSESpecification"] = {
            "Enabled": bool(sse.get("SSEEnabled")),
            **({"SSEType": sse["SSEType"]} if "SSEType" in sse else {}),
            **({"KMSMasterKeyId": sse["KMSMasterKeyId"]} if "KMSMasterKeyId" in sse else {}),
        }
    if request["BillingMode"] == "PROVISIONED":
        request["ProvisionedThroughput"] = props["ProvisionedThroughput"]
    if "StreamSpecification" in props:
        request["StreamSpecification"] = {"StreamEnabled": True, **props["StreamSpecification"]}
    if props.get("Tags"):
        request["Tags"] = _tags(props)
    table = dynamodb.create_table(**request)["TableDescription"]
    if "LatestStreamArn" in table:
        names.attributes[logical_id]["StreamArn"] = table["LatestStreamArn"]
    ttl = props.get("TimeToLiveSpecification")
    if ttl and ttl.get("Enabled"):
        dynamodb.update_time_to_live(TableName=name, TimeToLiveSpecification=ttl)
    if props.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled"):
        dynamodb.update_continuous_backups(
            TableName=name,
            PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": True},
        )


def _create_bus(props: dict[str, Any], name: str, names: Names) -> None:
    events = _client("events", names)
    events.create_event_bus(Name=name, Tags=_tags(props))


def _create_topic(props: dict[str, Any], name: str, names: Names) -> None:
    sns = _client("sns", names)
    attributes = {k: str(props[k]) for k in ("KmsMasterKeyId", "FifoTopic") if k in props}
    sns.create_topic(Name=name, Attributes=attributes, Tags=_tags(props))


def _create_queue(props: dict[str, Any], name: str, names: Names) -> None:
    sqs = _client("sqs", names)
    keys = ("MessageRetentionPeriod", "VisibilityTimeout", "FifoQueue", "DelaySeconds")
    attributes = {
        k: str(props[k]).lower() if isinstance(props[k], bool) else str(props[k])
        for k in keys
        if k in props
    }
    sqs.create_queue(QueueName=name, Attributes=attributes)


def _create_schedule_group(props: dict[str, Any], name: str, names: Names) -> None:
    scheduler = _client("scheduler", names)
    scheduler.create_schedule_group(Name=name, Tags=_tags(props))


def _create_state_machine(props: dict[str, Any], name: str, names: Names) -> None:
    """Create the machine with its DefinitionSubstitutions filled, as CloudFormation does."""
    if "DefinitionString" in props:
        definition = str(props["DefinitionString"])
    elif "Definition" in props:
        definition = json.dumps(props["Definition"])
    else:
        raise DefinitionError(f"state machine {name}: only inline definitions run locally")
    for key, value in props.get("DefinitionSubstitutions", {}).items():
        definition = definition.replace("${" + key + "}", str(value))
    _client("stepfunctions", names).create_state_machine(
        name=name,
        definition=definition,
        roleArn=str(props["RoleArn"]),
        type=props.get("StateMachineType", "STANDARD"),
    )


def _create_archive(props: dict[str, Any], name: str, names: Names) -> None:
    pattern = props.get("EventPattern")
    _client("events", names).create_archive(
        ArchiveName=name,
        EventSourceArn=str(props["SourceArn"]),
        Description=str(props.get("Description", "")),
        **(
            {"EventPattern": pattern if isinstance(pattern, str) else json.dumps(pattern)}
            if pattern is not None
            else {}
        ),
        **({"RetentionDays": int(props["RetentionDays"])} if "RetentionDays" in props else {}),
    )


def _create_bucket(props: dict[str, Any], name: str, names: Names) -> None:
    s3 = _client("s3", names)
    s3.create_bucket(Bucket=name)
    if props.get("Tags"):
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": _tags(props)})


def _create_delivery_stream(props: dict[str, Any], name: str, names: Names) -> None:
    """Create the stream; refuse what the runner's S3 delivery (orderflow_localrun.firehose)
    cannot do."""
    destination = props.get("ExtendedS3DestinationConfiguration")
    if destination is None:
        raise DefinitionError(f"delivery stream {name}: only S3 destinations run locally")
    try:
        object_body(destination, [])
        render_prefix(str(destination.get("Prefix", "")), datetime.now(UTC))
    except FirehoseConfigError as error:
        raise DefinitionError(f"delivery stream {name}: {error}") from None
    _client("firehose", names).create_delivery_stream(
        DeliveryStreamName=name,
        DeliveryStreamType=props.get("DeliveryStreamType", "DirectPut"),
        ExtendedS3DestinationConfiguration=destination,
        Tags=_tags(props),
    )


def _create_glue_database(props: dict[str, Any], name: str, names: Names) -> None:
    _client("glue", names).create_database(DatabaseInput=props["DatabaseInput"])


def _create_glue_table(props: dict[str, Any], name: str, names: Names) -> None:
    _client("glue", names).create_table(
        DatabaseName=props["DatabaseName"], TableInput=props["TableInput"]
    )


def _create_work_group(props: dict[str, Any], name: str, names: Names) -> None:
    configuration = dict(props.get("WorkGroupConfiguration", {}))
    if "BytesScannedCutoffPerQuery" in configuration:  # often a Number parameter (a string)
        configuration["BytesScannedCutoffPerQuery"] = int(
            configuration["BytesScannedCutoffPerQuery"]
        )
    _client("athena", names).create_work_group(
        Name=name,
        Description=props.get("Description", ""),
        Configuration=configuration,
        Tags=_tags(props),
    )


def _create_named_query(props: dict[str, Any], name: str, names: Names) -> None:
    request = {
        k: props.get(k) for k in ("Name", "Description", "Database", "QueryString", "WorkGroup")
    }
    _client("athena", names).create_named_query(
        **{k: v for k, v in request.items() if v is not None}
    )


# Creation order: a Glue table needs its database; the rest do not depend on each other.
_CREATORS: dict[str, Callable[[dict[str, Any], str, Names], None]] = {
    "AWS::S3::Bucket": _create_bucket,
    "AWS::KinesisFirehose::DeliveryStream": _create_delivery_stream,
    "AWS::Glue::Database": _create_glue_database,
    "AWS::Glue::Table": _create_glue_table,
    "AWS::Athena::WorkGroup": _create_work_group,
    "AWS::Athena::NamedQuery": _create_named_query,
    "AWS::Events::EventBus": _create_bus,
    "AWS::SNS::Topic": _create_topic,
    "AWS::SQS::Queue": _create_queue,
    "AWS::Scheduler::ScheduleGroup": _create_schedule_group,
    "AWS::StepFunctions::StateMachine": _create_state_machine,
}


def _function_spec(template: TransformedTemplate, logical_id: str, names: Names) -> FunctionSpec:
    props = _properties(template, logical_id, names)
    if logical_id not in template.code_dirs:
        raise DefinitionError(
            f"{logical_id}: no local code folder (only SAM functions with a CodeUri run)"
        )
    environment = props.get("Environment", {}).get("Variables", {})
    invoke_configs = [
        _properties(template, config_id, names)
        for config_id in template.of_type("AWS::Lambda::EventInvokeConfig")
    ]
    async_retries = next(
        (
            int(c.get("MaximumRetryAttempts", 2))
            for c in invoke_configs
            if c["FunctionName"] == names.refs[logical_id]
        ),
        2,
    )
    log_group = props.get("LoggingConfig", {}).get(
        "LogGroup", f"/aws/lambda/{names.physical[logical_id]}"
    )
    return FunctionSpec(
        logical_id=logical_id,
        name=names.physical[logical_id],
        arn=names.attributes[logical_id]["Arn"],
        handler=str(props["Handler"]),
        code_dir=template.code_dirs[logical_id],
        environment={k: str(v) for k, v in environment.items()},
        timeout_seconds=int(props.get("Timeout", 3)),
        memory_mb=int(props.get("MemorySize", 128)),
        log_group=str(log_group),
        async_retries=async_retries,
        dead_letter_arn=props.get("DeadLetterConfig", {}).get("TargetArn"),
    )


def _create_rule(props: dict[str, Any], logical_id: str, names: Names) -> Rule:
    events = _client("events", names)
    name = names.physical[logical_id]
    bus = str(props.get("EventBusName", "default"))
    request: dict[str, Any] = {
        "Name": name,
        "EventBusName": bus,
        "State": props.get("State", "ENABLED"),
    }
    if "EventPattern" in props:
        pattern = props["EventPattern"]
        request["EventPattern"] = pattern if isinstance(pattern, str) else json.dumps(pattern)
    if "ScheduleExpression" in props:
        request["ScheduleExpression"] = props["ScheduleExpression"]
    events.put_rule(**request)
    if props.get("Targets"):
        events.put_targets(Rule=name, EventBusName=bus, Targets=props["Targets"])
    return Rule(logical_id, name, bus)


def _stream_mapping(
    props: dict[str, Any], logical_id: str, deployment: Deployment
) -> StreamMapping:
    function = deployment.function_by_arn(str(props["FunctionName"]))
    if function is None:
        raise DefinitionError(
            f"{logical_id}: FunctionName {props['FunctionName']!r} is not in the stack"
        )
    filters = props.get("FilterCriteria", {}).get("Filters", [])
    on_failure = props.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination")
    return StreamMapping(
        logical_id=logical_id,
        function=function,
        stream_arn=str(props["EventSourceArn"]),
        batch_size=int(props.get("BatchSize", 100)),
        maximum_retry_attempts=int(props.get("MaximumRetryAttempts", -1)),
        filters=[json.loads(f["Pattern"]) for f in filters],
        report_item_failures="ReportBatchItemFailures" in props.get("FunctionResponseTypes", []),
        on_failure_arn=on_failure,
    )


def parameter_values(template: TransformedTemplate) -> dict[str, Any]:
    """Each declared parameter's value (the reader checked them); one without a value refused."""
    missing = [name for name, value in template.parameter_values.items() if value is None]
    if missing:
        raise DefinitionError(f"parameter {missing[0]}: required (no default); pass a value for it")
    return dict(template.parameter_values)


def deploy(template: TransformedTemplate, names: Names) -> Deployment:
    """Create the template's resources in the active moto mock and describe what runs locally."""
    _name_everything(template, names)
    create_user_pools(template, names)
    deployment = Deployment(names)
    # Tables first: their stream ARNs are attributes other resources refer to.
    for logical_id in template.of_type("AWS::DynamoDB::Table"):
        props = _properties(template, logical_id, names)
        _create_table(props, names.physical[logical_id], logical_id, names)
    for kind, creator in _CREATORS.items():
        for logical_id in template.of_type(kind):
            creator(_properties(template, logical_id, names), names.physical[logical_id], names)
    # Archives last: they need their bus, wherever the template declares it.
    for logical_id in template.of_type("AWS::Events::Archive"):
        props = _properties(template, logical_id, names)
        _create_archive(props, names.physical[logical_id], names)
    for logical_id in template.of_type("AWS::Lambda::Function"):
        deployment.functions[logical_id] = _function_spec(template, logical_id, names)
    for logical_id in template.of_type("AWS::Events::Rule"):
        deployment.rules.append(
            _create_rule(_properties(template, logical_id, names), logical_id, names)
        )
    for logical_id in template.of_type("AWS::Lambda::EventSourceMapping"):
        props = _properties(template, logical_id, names)
        if ":dynamodb:" not in str(props.get("EventSourceArn", "")):
            raise DefinitionError(f"{logical_id}: only DynamoDB stream event sources run locally")
        deployment.stream_mappings.append(_stream_mapping(props, logical_id, deployment))
    for output, declaration in template.outputs.items():
        deployment.outputs[output] = str(resolve(declaration["Value"], names))
    return deployment
