"""A Pulumi program's registered inputs mapped onto CloudFormation's property names.

So a program run under mocks reads as a template would: `costcalc estimate` turns it into the
resources of a template (costcalc/estimate/pulumi_template.py), and the kit's parity test
reduces both variants to one model from these properties (tests/support/parity_model.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from costcalc.errors import UsageError

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
        if a.inputs.get("role") == name and "policyArn" in a.inputs
    ]
    return _pick(
        role.inputs, AssumeRolePolicyDocument="assumeRolePolicy", Description="description"
    ) | {
        "Policies": policies,
        "ManagedPolicyArns": managed + list(role.inputs.get("managedPolicyArns", [])),
    }


def _security_scheme(authorizer: Mapping[str, Any]) -> dict[str, Any]:
    """An HTTP API authorizer as SAM writes it into the OpenAPI body."""
    jwt = authorizer.get("jwtConfiguration", {})
    return {
        "x-amazon-apigateway-authorizer": {
            "type": str(authorizer["authorizerType"]).lower(),
            "identitySource": ",".join(authorizer.get("identitySources", [])),
            "jwtConfiguration": {"issuer": jwt.get("issuer"), "audience": jwt.get("audiences")},
        }
    }


def _api_body(run: ProgramRun, api: Registered) -> dict[str, Any]:
    integrations = {i.id: i.inputs for i in run.of_type("aws:apigatewayv2/integration:Integration")}
    authorizers = {a.id: a.inputs for a in run.of_type("aws:apigatewayv2/authorizer:Authorizer")}
    schemes: dict[str, Any] = {}
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
            authorizer = authorizers[r["authorizerId"]]
            schemes[authorizer["name"]] = _security_scheme(authorizer)
            operation["security"] = [{authorizer["name"]: []}]
        verb = "x-amazon-apigateway-any-method" if method == "ANY" else method.lower()
        paths.setdefault(path, {})[verb] = operation
    return {"paths": paths, "components": {"securitySchemes": schemes}}


def _cfn_user_pool(i: Mapping[str, Any]) -> dict[str, Any]:
    passwords = i.get("passwordPolicy", {})
    return {
        "Policies": {
            "PasswordPolicy": _pick(
                passwords,
                MinimumLength="minimumLength",
                RequireLowercase="requireLowercase",
                RequireUppercase="requireUppercase",
                RequireNumbers="requireNumbers",
                RequireSymbols="requireSymbols",
            )
        },
        "Schema": [
            _pick(a, Name="name", AttributeDataType="attributeDataType", Mutable="mutable")
            for a in i.get("schemas", [])
        ],
        "UserPoolTags": i.get("tags", {}),
        "AdminCreateUserConfig": _pick(
            i.get("adminCreateUserConfig", {}),
            AllowAdminCreateUserOnly="allowAdminCreateUserOnly",
        ),
        "MfaConfiguration": i.get("mfaConfiguration", "OFF"),
        **(
            {"EnabledMfas": ["SOFTWARE_TOKEN_MFA"]}
            if i.get("softwareTokenMfaConfiguration", {}).get("enabled")
            else {}
        ),
    }


def _cfn_metric_query(q: Mapping[str, Any]) -> dict[str, Any]:
    cfn = _pick(q, Id="id", Label="label", Expression="expression", ReturnData="returnData")
    if "metric" in q:
        m = q["metric"]
        cfn["MetricStat"] = _pick(m, Period="period", Stat="stat") | {
            "Metric": _pick(m, Namespace="namespace", MetricName="metricName")
            | {"Dimensions": [{"Name": k, "Value": v} for k, v in m.get("dimensions", {}).items()]}
        }
    return cfn


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


def _cfn_bucket(run: ProgramRun, bucket: Registered) -> dict[str, Any]:
    """The bucket with its configuration resources folded in, as CloudFormation holds it."""

    def part(token: str) -> dict[str, Any]:
        parts = [
            plain(r.inputs)
            for r in run.of_type(f"aws:s3/bucket{token}:Bucket{token}")
            if r.inputs["bucket"] == bucket.id
        ]
        assert len(parts) <= 1, f"{bucket.name}: {len(parts)} {token} resources"
        return parts[0] if parts else {}

    cfn: dict[str, Any] = {}
    if encryption := part("ServerSideEncryptionConfiguration"):
        cfn["BucketEncryption"] = {
            "ServerSideEncryptionConfiguration": [
                {
                    "ServerSideEncryptionByDefault": _pick(
                        r.get("applyServerSideEncryptionByDefault", {}),
                        SSEAlgorithm="sseAlgorithm",
                        KMSMasterKeyID="kmsMasterKeyId",
                    ),
                    **_pick(r, BucketKeyEnabled="bucketKeyEnabled"),
                }
                for r in encryption["rules"]
            ]
        }
    if block := part("PublicAccessBlock"):
        cfn["PublicAccessBlockConfiguration"] = _pick(
            block,
            BlockPublicAcls="blockPublicAcls",
            BlockPublicPolicy="blockPublicPolicy",
            IgnorePublicAcls="ignorePublicAcls",
            RestrictPublicBuckets="restrictPublicBuckets",
        )
    if ownership := part("OwnershipControls"):
        cfn["OwnershipControls"] = {
            "Rules": [{"ObjectOwnership": ownership["rule"]["objectOwnership"]}]
        }
    if versioning := part("Versioning"):
        cfn["VersioningConfiguration"] = {"Status": versioning["versioningConfiguration"]["status"]}
    if lifecycle := part("LifecycleConfiguration"):
        cfn["LifecycleConfiguration"] = {
            "Rules": [
                _pick(r, Id="id", Status="status")
                | _pick(r.get("filter", {}), Prefix="prefix")
                | _pick(r.get("expiration", {}), ExpirationInDays="days")
                | {
                    "NoncurrentVersionExpiration": _pick(
                        r.get("noncurrentVersionExpiration", {}), NoncurrentDays="noncurrentDays"
                    ),
                    "AbortIncompleteMultipartUpload": _pick(
                        r.get("abortIncompleteMultipartUpload", {}),
                        DaysAfterInitiation="daysAfterInitiation",
                    ),
                }
                for r in lifecycle["rules"]
            ]
        }
    if notification := _bucket_notification(run, bucket):
        cfn["NotificationConfiguration"] = notification
    return cfn


def _bucket_notification(run: ProgramRun, bucket: Registered) -> dict[str, Any]:
    """A BucketNotification's targets as the bucket's NotificationConfiguration."""
    found: dict[str, Any] = {}
    for r in run.of_type("aws:s3/bucketNotification:BucketNotification"):
        i = plain(r.inputs)
        if i["bucket"] != bucket.id:
            continue
        for key, inputs, field, arn in (
            ("LambdaConfigurations", "lambdaFunctions", "Function", "lambdaFunctionArn"),
            ("QueueConfigurations", "queues", "Queue", "queueArn"),
            ("TopicConfigurations", "topics", "Topic", "topicArn"),
        ):
            for target in i.get(inputs, []):
                for event in target.get("events", []):
                    found.setdefault(key, []).append({field: target[arn], "Event": event})
        if i.get("eventbridge"):
            found["EventBridgeConfiguration"] = {"EventBridgeEnabled": True}
    return found


def _rest_method(run: ProgramRun, registered: Registered) -> dict[str, Any]:
    """The Integration registered for a REST API method, as the method's own Integration."""
    method = plain(registered.inputs)
    for r in run.of_type("aws:apigateway/integration:Integration"):
        i = plain(r.inputs)
        if (i["restApi"], i["resourceId"], i["httpMethod"]) == (
            method["restApi"],
            method["resourceId"],
            method["httpMethod"],
        ):
            return {"Integration": _pick(
                i, Type="type", IntegrationHttpMethod="integrationHttpMethod", Uri="uri",
                Credentials="credentials", RequestParameters="requestParameters",
                RequestTemplates="requestTemplates",
            )}  # fmt: skip
    return {"Integration": {}}


def _cfn_delivery_stream(i: Mapping[str, Any]) -> dict[str, Any]:
    if i.get("destination") != "extended_s3":
        raise UsageError(
            f"delivery stream to {i.get('destination')!r}: only extended_s3 is modelled"
        )
    s3 = i.get("extendedS3Configuration", {})
    processing = s3.get("processingConfiguration", {})
    return {
        "DeliveryStreamType": "KinesisStreamAsSource"
        if i.get("kinesisSourceConfiguration")
        else "DirectPut",
        "DeliveryStreamEncryptionConfigurationInput": _pick(
            i.get("serverSideEncryption", {}), KeyType="keyType"
        )
        if i.get("serverSideEncryption", {}).get("enabled")
        else {},
        "ExtendedS3DestinationConfiguration": _pick(
            s3,
            BucketARN="bucketArn",
            RoleARN="roleArn",
            Prefix="prefix",
            ErrorOutputPrefix="errorOutputPrefix",
            CompressionFormat="compressionFormat",
        )
        | {
            "BufferingHints": _pick(
                s3, IntervalInSeconds="bufferingInterval", SizeInMBs="bufferingSize"
            ),
            "ProcessingConfiguration": _pick(processing, Enabled="enabled")
            | {
                "Processors": [
                    {
                        "Type": processor["type"],
                        "Parameters": [
                            {
                                "ParameterName": q["parameterName"],
                                "ParameterValue": q["parameterValue"],
                            }
                            for q in processor.get("parameters", [])
                        ],
                    }
                    for processor in processing.get("processors", [])
                ]
            },
            "CloudWatchLoggingOptions": _pick(
                s3.get("cloudwatchLoggingOptions", {}),
                Enabled="enabled",
                LogGroupName="logGroupName",
                LogStreamName="logStreamName",
            ),
        },
    }


def _cfn_columns(columns: list[Mapping[str, Any]]) -> list[dict[str, Any]]:
    return [_pick(c, Name="name", Type="type", Comment="comment") for c in columns]


def _cfn_glue_table(i: Mapping[str, Any]) -> dict[str, Any]:
    storage = i.get("storageDescriptor", {})
    serde = storage.get("serDeInfo", {})
    return _pick(i, CatalogId="catalogId", DatabaseName="databaseName") | {
        "TableInput": _pick(
            i,
            Name="name",
            Description="description",
            TableType="tableType",
            Parameters="parameters",
        )
        | {
            "PartitionKeys": _cfn_columns(i.get("partitionKeys", [])),
            "StorageDescriptor": _pick(
                storage, Location="location", InputFormat="inputFormat", OutputFormat="outputFormat"
            )
            | {
                "SerdeInfo": _pick(
                    serde, SerializationLibrary="serializationLibrary", Parameters="parameters"
                ),
                "Columns": _cfn_columns(storage.get("columns", [])),
            },
        }
    }


def _cfn_workgroup(i: Mapping[str, Any]) -> dict[str, Any]:
    configuration = i.get("configuration", {})
    results = configuration.get("resultConfiguration", {})
    return _pick(
        i,
        Name="name",
        Description="description",
        State="state",
        RecursiveDeleteOption="forceDestroy",
    ) | {
        "WorkGroupConfiguration": _pick(
            configuration,
            EnforceWorkGroupConfiguration="enforceWorkgroupConfiguration",
            PublishCloudWatchMetricsEnabled="publishCloudwatchMetricsEnabled",
            BytesScannedCutoffPerQuery="bytesScannedCutoffPerQuery",
        )
        | {
            "EngineVersion": _pick(
                configuration.get("engineVersion", {}),
                SelectedEngineVersion="selectedEngineVersion",
            ),
            "ResultConfiguration": _pick(results, OutputLocation="outputLocation")
            | {
                "EncryptionConfiguration": _pick(
                    results.get("encryptionConfiguration", {}), EncryptionOption="encryptionOption"
                )
            },
        }
    }


def _cfn_glue_database(i: Mapping[str, Any]) -> dict[str, Any]:
    return _pick(i, CatalogId="catalogId") | {
        "DatabaseInput": _pick(i, Name="name", Description="description")
    }


def _cfn_stream(i: Mapping[str, Any]) -> dict[str, Any]:
    mode = i.get("streamModeDetails", {}).get("streamMode")
    return {"StreamModeDetails": {"StreamMode": mode}} if mode else {}


def _cfn_schedule(i: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "Target": _pick(i.get("target", {}), Arn="arn", RoleArn="roleArn", Input="input"),
        "FlexibleTimeWindow": _pick(i.get("flexibleTimeWindow", {}), Mode="mode"),
    }


# Kinds whose nested CloudFormation properties follow from their own inputs alone.
_FROM_INPUTS: dict[str, Callable[[Mapping[str, Any]], dict[str, Any]]] = {
    "delivery-stream": _cfn_delivery_stream,
    "glue-database": _cfn_glue_database,
    "glue-table": _cfn_glue_table,
    "workgroup": _cfn_workgroup,
    "stream": _cfn_stream,
    "schedule": _cfn_schedule,
}


# Kinds whose CloudFormation properties fold in other registered resources (their parts).
_FROM_RUN: dict[str, Callable[[ProgramRun, Registered], dict[str, Any]]] = {
    "role": _cfn_role,
    "bucket": _cfn_bucket,
    "rest-method": _rest_method,
}


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
        "Description": "description", "ScheduleExpression": "scheduleExpression",
        "State": "state",
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
    "http-api": {"ProtocolType": "protocolType", "RouteKey": "routeKey", "Target": "target"},
    "stage": {"ApiId": "apiId", "StageName": "name", "AutoDeploy": "autoDeploy"},
    "kms-key": {
        "Description": "description", "EnableKeyRotation": "enableKeyRotation",
        "KeyPolicy": "policy",
    },
    "topic-policy": {"PolicyDocument": "policy"},
    "subscription": {"TopicArn": "topic", "Protocol": "protocol", "Endpoint": "endpoint"},
    "archive": {
        "ArchiveName": "name", "SourceArn": "eventSourceArn", "EventPattern": "eventPattern",
        "RetentionDays": "retentionDays", "Description": "description",
    },
    "schema-registry": {"RegistryName": "name", "Description": "description"},
    "schema": {
        "RegistryName": "registryName", "SchemaName": "name", "Type": "type",
        "Description": "description", "Content": "content",
    },
    "user-pool": {
        "UserPoolName": "name", "UsernameAttributes": "usernameAttributes",
        "AutoVerifiedAttributes": "autoVerifiedAttributes",
        "DeletionProtection": "deletionProtection",
    },
    "user-pool-client": {
        "UserPoolId": "userPoolId", "GenerateSecret": "generateSecret",
        "ExplicitAuthFlows": "explicitAuthFlows",
        "PreventUserExistenceErrors": "preventUserExistenceErrors",
        "ReadAttributes": "readAttributes", "WriteAttributes": "writeAttributes",
    },
    "user-pool-group": {
        "UserPoolId": "userPoolId", "GroupName": "name", "Description": "description",
    },
    "dashboard": {"DashboardName": "dashboardName", "DashboardBody": "dashboardBody"},
    "alarm": {
        "AlarmDescription": "alarmDescription", "Namespace": "namespace",
        "MetricName": "metricName", "Statistic": "statistic",
        "Period": "period", "EvaluationPeriods": "evaluationPeriods",
        "DatapointsToAlarm": "datapointsToAlarm", "Threshold": "threshold",
        "ComparisonOperator": "comparisonOperator", "TreatMissingData": "treatMissingData",
        "AlarmActions": "alarmActions", "OKActions": "okActions",
    },
    "queue-policy": {},
    "log-stream": {"LogGroupName": "logGroupName", "LogStreamName": "name"},
    "bucket-policy": {"Bucket": "bucket", "PolicyDocument": "policy"},
    "stream": {"Name": "name", "ShardCount": "shardCount",
               "RetentionPeriodHours": "retentionPeriod"},
    "pipe": {"Name": "name", "Source": "source", "Target": "target", "RoleArn": "roleArn",
             "Enrichment": "enrichment", "DesiredState": "desiredState"},
    "schedule": {"Name": "name", "GroupName": "groupName",
                 "ScheduleExpression": "scheduleExpression", "State": "state"},
    "rest-api": {"Name": "name", "Body": "body"},
    "rest-resource": {"RestApiId": "restApi", "ParentId": "parentId", "PathPart": "pathPart"},
    "rest-method": {"RestApiId": "restApi", "ResourceId": "resourceId",
                    "HttpMethod": "httpMethod", "AuthorizationType": "authorization"},
    "named-query": {
        "Name": "name", "Description": "description", "Database": "database",
        "WorkGroup": "workgroup", "QueryString": "query",
    },
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
    elif kind in _FROM_RUN:
        cfn |= _FROM_RUN[kind](run, r)
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
    elif kind in _FROM_INPUTS:
        cfn |= _FROM_INPUTS[kind](i)
    elif kind == "alarm":
        cfn["Dimensions"] = [{"Name": k, "Value": v} for k, v in i.get("dimensions", {}).items()]
        cfn["Metrics"] = [_cfn_metric_query(q) for q in i.get("metricQueries", [])]
    elif kind == "topic-policy":
        cfn["Topics"] = [i["arn"]]
    elif kind == "user-pool":
        cfn |= _cfn_user_pool(i)
        cfn.pop("Tags", None)  # a user pool's tags are its UserPoolTags in CloudFormation
    return cfn
