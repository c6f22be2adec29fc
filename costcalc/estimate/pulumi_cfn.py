"""A Pulumi program's registered inputs mapped onto CloudFormation's property names.

So a program run under mocks reads as a template would: `costcalc estimate` turns it into the
resources of a template (costcalc/estimate/pulumi_template.py), and the kit's parity test
reduces both variants to one model from these properties (tests/support/parity_model.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from costcalc.estimate.pulumi_program import ProgramRun, Registered


def plain(value: Any) -> Any:
    """Pulumi hands numbers over as floats: 10.0 -> 10, recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value


def _pick(source: Mapping[str, Any], **renames: str) -> dict[str, Any]:
    """CloudFormation property -> Pulumi input name, for the inputs that were given."""
    return {cfn: source[key] for cfn, key in renames.items() if source.get(key) is not None}


def _targets(run: ProgramRun, rule: Registered) -> list[dict[str, Any]]:
    name = rule.outputs["name"]
    targets = []
    for target in run.of_type("aws:cloudwatch/eventTarget:EventTarget"):
        t = plain(target.inputs)
        if t["rule"] != name or t.get("eventBusName") != rule.inputs.get("eventBusName"):
            continue
        cfn = _pick(t, Arn="arn", Input="input", InputPath="inputPath", RoleArn="roleArn")
        if "deadLetterConfig" in t:
            cfn["DeadLetterConfig"] = {"Arn": t["deadLetterConfig"]["arn"]}
        if "retryPolicy" in t:
            cfn["RetryPolicy"] = _pick(
                t["retryPolicy"],
                MaximumRetryAttempts="maximumRetryAttempts",
                MaximumEventAgeInSeconds="maximumEventAgeInSeconds",
            )
        if "inputTransformer" in t:
            cfn["InputTransformer"] = _pick(
                t["inputTransformer"], InputPathsMap="inputPaths", InputTemplate="inputTemplate"
            )
        targets.append(cfn)
    return targets


def _cfn_role(run: ProgramRun, role: Registered) -> dict[str, Any]:
    name = role.outputs["name"]
    policies = [
        {"PolicyDocument": p.inputs["policy"]}
        for p in run.of_type("aws:iam/rolePolicy:RolePolicy")
        if p.inputs["role"] == name
    ]
    managed = [
        a.inputs["policyArn"]
        for a in run.of_type("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        if a.inputs["role"] == name
    ]
    return _pick(
        role.inputs, AssumeRolePolicyDocument="assumeRolePolicy", Description="description"
    ) | {
        "Policies": policies,
        "ManagedPolicyArns": managed + list(role.inputs.get("managedPolicyArns", [])),
    }


def _api_body(run: ProgramRun, api: Registered) -> dict[str, Any]:
    integrations = {i.id: i.inputs for i in run.of_type("aws:apigatewayv2/integration:Integration")}
    paths: dict[str, dict[str, Any]] = {}
    for route in run.of_type("aws:apigatewayv2/route:Route"):
        r = route.inputs
        if r["apiId"] != api.id:
            continue
        method, path = r["routeKey"].split(" ", 1)
        integration = integrations[r["target"].removeprefix("integrations/")]
        operation: dict[str, Any] = {
            "x-amazon-apigateway-integration": {
                "uri": integration.get("integrationUri"),
                "type": integration.get("integrationType"),
                "payloadFormatVersion": integration.get("payloadFormatVersion"),
            }
        }
        if r.get("authorizationType", "NONE") != "NONE":
            operation["security"] = [{r.get("authorizerId", r["authorizationType"]): []}]
        verb = "x-amazon-apigateway-any-method" if method == "ANY" else method.lower()
        paths.setdefault(path, {})[verb] = operation
    return {"paths": paths}


def _cfn_table(i: Mapping[str, Any]) -> dict[str, Any]:
    keys = [{"AttributeName": i["hashKey"], "KeyType": "HASH"}]
    if i.get("rangeKey"):
        keys.append({"AttributeName": i["rangeKey"], "KeyType": "RANGE"})
    cfn = _pick(i, BillingMode="billingMode") | {
        "KeySchema": keys,
        "AttributeDefinitions": [
            {"AttributeName": a["name"], "AttributeType": a["type"]} for a in i["attributes"]
        ],
        "PointInTimeRecoverySpecification": {
            "PointInTimeRecoveryEnabled": i.get("pointInTimeRecovery", {}).get("enabled")
        },
        "SSESpecification": {"SSEEnabled": i.get("serverSideEncryption", {}).get("enabled")},
        "GlobalSecondaryIndexes": [
            {"IndexName": g["name"]} for g in i.get("globalSecondaryIndexes", [])
        ],
    }
    if i.get("ttl"):
        cfn["TimeToLiveSpecification"] = _pick(
            i["ttl"], AttributeName="attributeName", Enabled="enabled"
        )
    if i.get("streamEnabled"):
        cfn["StreamSpecification"] = {"StreamViewType": i.get("streamViewType")}
    return cfn


def _cfn_state_machine(i: Mapping[str, Any]) -> dict[str, Any]:
    logging = i.get("loggingConfiguration", {})
    cfn = _pick(i, StateMachineType="type", DefinitionString="definition", RoleArn="roleArn")
    cfn["LoggingConfiguration"] = _pick(
        logging, Level="level", IncludeExecutionData="includeExecutionData"
    )
    if logging.get("logDestination"):
        destination = str(logging["logDestination"]).removesuffix(":*")
        cfn["LoggingConfiguration"]["Destinations"] = [
            {"CloudWatchLogsLogGroup": {"LogGroupArn": destination}}
        ]
    cfn["TracingConfiguration"] = {
        "Enabled": i.get("tracingConfiguration", {}).get("enabled", False)
    }
    return cfn


# Pulumi inputs -> CloudFormation properties, per kind, where a plain renaming suffices.
_RENAMES: dict[str, dict[str, str]] = {
    "function": {
        "FunctionName": "name", "Handler": "handler", "Runtime": "runtime",
        "Architectures": "architectures", "MemorySize": "memorySize", "Timeout": "timeout",
        "Layers": "layers", "Role": "role", "Description": "description",
    },
    "event-invoke-config": {
        "FunctionName": "functionName", "Qualifier": "qualifier",
        "MaximumRetryAttempts": "maximumRetryAttempts",
        "MaximumEventAgeInSeconds": "maximumEventAgeInSeconds",
    },
    "permission": {
        "FunctionName": "function", "Action": "action", "Principal": "principal",
        "SourceArn": "sourceArn",
    },
    "event-source-mapping": {
        "FunctionName": "functionName", "EventSourceArn": "eventSourceArn",
        "StartingPosition": "startingPosition", "BatchSize": "batchSize",
        "MaximumRetryAttempts": "maximumRetryAttempts",
        "BisectBatchOnFunctionError": "bisectBatchOnFunctionError",
        "FunctionResponseTypes": "functionResponseTypes",
    },
    "rule": {
        "EventBusName": "eventBusName", "EventPattern": "eventPattern",
        "ScheduleExpression": "scheduleExpression", "State": "state",
    },
    "queue": {
        "MessageRetentionPeriod": "messageRetentionSeconds",
        "VisibilityTimeout": "visibilityTimeoutSeconds",
        "SqsManagedSseEnabled": "sqsManagedSseEnabled", "KmsMasterKeyId": "kmsMasterKeyId",
        "FifoQueue": "fifoQueue", "RedrivePolicy": "redrivePolicy",
    },
    "topic": {"KmsMasterKeyId": "kmsMasterKeyId"},
    "bus": {"Name": "name"},
    "log-group": {"RetentionInDays": "retentionInDays"},
    "schedule-group": {"Name": "name"},
    "http-api": {"ProtocolType": "protocolType"},
    "stage": {"ApiId": "apiId", "StageName": "name", "AutoDeploy": "autoDeploy"},
    "alarm": {
        "Namespace": "namespace", "MetricName": "metricName", "Statistic": "statistic",
        "Period": "period", "EvaluationPeriods": "evaluationPeriods",
        "DatapointsToAlarm": "datapointsToAlarm", "Threshold": "threshold",
        "ComparisonOperator": "comparisonOperator", "TreatMissingData": "treatMissingData",
        "AlarmActions": "alarmActions", "OKActions": "okActions",
    },
    "queue-policy": {},
}  # fmt: skip


def as_cfn(run: ProgramRun, r: Registered, kind: str) -> dict[str, Any]:  # noqa: PLR0912
    i = plain(r.inputs)
    cfn = _pick(i, **_RENAMES.get(kind, {}))
    if "tags" in i:
        cfn["Tags"] = i["tags"]
    if kind == "function":
        cfn["Environment"] = {"Variables": i.get("environment", {}).get("variables", {})}
        cfn["TracingConfig"] = {"Mode": i.get("tracingConfig", {}).get("mode", "PassThrough")}
        if "ephemeralStorage" in i:
            cfn["EphemeralStorage"] = {"Size": i["ephemeralStorage"]["size"]}
        if "deadLetterConfig" in i:
            cfn["DeadLetterConfig"] = {"TargetArn": i["deadLetterConfig"]["targetArn"]}
        if "loggingConfig" in i:
            cfn["LoggingConfig"] = _pick(
                i["loggingConfig"], LogGroup="logGroup", LogFormat="logFormat"
            )
    elif kind == "event-invoke-config":
        destinations = i.get("destinationConfig", {})
        cfn["DestinationConfig"] = {
            "OnFailure": {"Destination": destinations.get("onFailure", {}).get("destination")},
            "OnSuccess": {"Destination": destinations.get("onSuccess", {}).get("destination")},
        }
    elif kind == "event-source-mapping":
        filters = i.get("filterCriteria", {}).get("filters", [])
        cfn["FilterCriteria"] = {"Filters": [{"Pattern": f["pattern"]} for f in filters]}
        on_failure = i.get("destinationConfig", {}).get("onFailure", {})
        cfn["DestinationConfig"] = {"OnFailure": {"Destination": on_failure.get("destinationArn")}}
    elif kind == "rule":
        cfn["Targets"] = _targets(run, r)
    elif kind == "role":
        cfn |= _cfn_role(run, r)
    elif kind == "queue-policy":
        cfn = {"Queues": [i["queueUrl"]], "PolicyDocument": i["policy"]}
    elif kind == "table":
        cfn |= _cfn_table(i)
    elif kind == "http-api":
        cfn["Body"] = _api_body(run, r)
    elif kind == "stage":
        logs = i.get("accessLogSettings", {})
        throttling = i.get("defaultRouteSettings", {})
        cfn["AccessLogSettings"] = _pick(logs, DestinationArn="destinationArn", Format="format")
        cfn["DefaultRouteSettings"] = _pick(
            throttling,
            ThrottlingBurstLimit="throttlingBurstLimit",
            ThrottlingRateLimit="throttlingRateLimit",
        )
    elif kind == "state-machine":
        cfn |= _cfn_state_machine(i)
    elif kind == "alarm":
        cfn["Dimensions"] = [{"Name": k, "Value": v} for k, v in i.get("dimensions", {}).items()]
    return cfn
