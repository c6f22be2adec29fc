"""The parity model (schema: tests/pulumi/test_parity.py), built from CloudFormation properties.

Both variants are first described as CloudFormation resources: parity_sam.py resolves the
transformed SAM template, costcalc/estimate/pulumi_cfn.py maps the Pulumi program's registered
inputs onto CloudFormation's property names (`from_pulumi` below). One reducer per kind then
turns those properties into the model, so equal models mean the same architecture, not two
parsers that agree by accident.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

from costcalc.estimate.fake_aws import BY_PULUMI_TYPE
from costcalc.estimate.pulumi_cfn import as_cfn

if TYPE_CHECKING:
    from costcalc.estimate.pulumi_program import ProgramRun

Model = dict[str, dict[str, Any]]
SECTIONS = (
    "inventory",
    "functions",
    "event_source_mappings",
    "rules",
    "state_machines",
    "iam",
    "resource_policies",
    "tables",
    "queues",
    "topics",
    "keys",
    "buses",
    "archives",
    "schema_registries",
    "schemas",
    "log_groups",
    "log_streams",
    "schedule_groups",
    "user_pools",
    "apis",
    "routes",
    "alarms",
    "buckets",
    "delivery_streams",
    "glue",
    "workgroups",
    "named_queries",
    "dashboards",
    "tags",
    "outputs",
)
# Tags a tool adds to mark its own work (SAM's `lambda:createdBy`, `httpapi:createdBy`).
_TOOL_TAG = re.compile(r"^[A-Za-z]+:createdBy$")
_SUBSTITUTION = re.compile(r"\$\{([^}]+)\}")


class ModelError(Exception):
    """A variant holds something the model cannot describe yet; the message says what."""


# ---------------------------------------------------------------- shared normalisers
def _int(value: Any) -> int | None:
    return None if value is None else int(float(value))


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def _bool(value: Any, default: bool = False) -> bool:
    if value is None:
        return default
    return value if isinstance(value, bool) else str(value).lower() == "true"


def _json(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _listed(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _tags(value: Any) -> dict[str, str]:
    pairs = value.items() if isinstance(value, dict) else ((t["Key"], t["Value"]) for t in value)
    return {str(k): str(v) for k, v in sorted(pairs) if not _TOOL_TAG.match(str(k))}


def policy_lines(document: Any) -> list[str]:
    """One line per (effect, principal, action, resource, condition): order-free and diffable."""
    lines = []
    for statement in _listed(_json(document).get("Statement")):
        principal = statement.get("Principal")
        if isinstance(principal, dict):
            principal = {k: sorted(_listed(v)) for k, v in principal.items()}
        who = f" for {json.dumps(principal, sort_keys=True)}" if principal else ""
        condition = statement.get("Condition")
        when = f" if {json.dumps(condition, sort_keys=True)}" if condition else ""
        for action in _listed(statement.get("Action")):
            for resource in _listed(statement.get("Resource")) or ["(none)"]:
                lines.append(f"{statement['Effect']}{who} {action} on {resource}{when}")
    return sorted(set(lines))


def empty_model() -> Model:
    return {section: {} for section in SECTIONS}


# ---------------------------------------------------------------- one reducer per kind
# Each takes a resource's CloudFormation-shaped properties `p` and what the fake account
# answered about it, and adds it to its section (or to a `_` scratch section that
# `_finish` folds into the resource it belongs to).


def _function(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["functions"][p.get("FunctionName", name)] = {
        "handler": p.get("Handler"),
        "runtime": p.get("Runtime"),
        "architectures": p.get("Architectures", ["x86_64"]),
        "memory_mb": _int(p.get("MemorySize", 128)),
        "timeout_seconds": _int(p.get("Timeout", 3)),
        "layers": p.get("Layers", []),
        "environment": {
            k: str(v) for k, v in p.get("Environment", {}).get("Variables", {}).items()
        },
        "tracing": p.get("TracingConfig", {}).get("Mode", "PassThrough"),
        "role": p.get("Role"),
        "dead_letter": p.get("DeadLetterConfig", {}).get("TargetArn"),
        "logging": {
            "log_group": p.get("LoggingConfig", {}).get("LogGroup"),
            "format": p.get("LoggingConfig", {}).get("LogFormat"),
        },
        "description": p.get("Description"),
    }


def _event_invoke_config(
    model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    destinations = p.get("DestinationConfig", {})
    model.setdefault("_async", {})[p["FunctionName"]] = {
        "qualifier": p.get("Qualifier"),
        "maximum_retry_attempts": _int(p.get("MaximumRetryAttempts")),
        "maximum_event_age_seconds": _int(p.get("MaximumEventAgeInSeconds")),
        "on_failure": destinations.get("OnFailure", {}).get("Destination"),
        "on_success": destinations.get("OnSuccess", {}).get("Destination"),
    }


def _permission(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model.setdefault("_invokers", {}).setdefault(p["FunctionName"], []).append(
        f"{p['Action']} by {p['Principal']} from {p.get('SourceArn')}"
    )


def _event_source_mapping(
    model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    model["event_source_mappings"][name] = {
        "function": p.get("FunctionName"),
        "source": p.get("EventSourceArn"),
        "starting_position": p.get("StartingPosition"),
        "batch_size": _int(p.get("BatchSize")),
        "maximum_retry_attempts": _int(p.get("MaximumRetryAttempts")),
        "bisect_on_error": _bool(p.get("BisectBatchOnFunctionError")),
        "response_types": p.get("FunctionResponseTypes", []),
        "filters": [_json(f["Pattern"]) for f in p.get("FilterCriteria", {}).get("Filters", [])],
        "on_failure": p.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"),
    }


def _rule(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["rules"][name] = {
        "bus": p.get("EventBusName", "default"),
        "description": p.get("Description"),
        "pattern": _json(p.get("EventPattern")),
        "schedule": p.get("ScheduleExpression"),
        "state": p.get("State", "ENABLED"),
        "targets": sorted(
            (
                {
                    "arn": t["Arn"],
                    "dead_letter": t.get("DeadLetterConfig", {}).get("Arn"),
                    "retry": {
                        "maximum_retry_attempts": _int(
                            t.get("RetryPolicy", {}).get("MaximumRetryAttempts")
                        ),
                        "maximum_event_age_seconds": _int(
                            t.get("RetryPolicy", {}).get("MaximumEventAgeInSeconds")
                        ),
                    },
                    "input": t.get("Input"),
                    "input_path": t.get("InputPath"),
                    "input_transformer": t.get("InputTransformer"),
                    "role": t.get("RoleArn"),
                }
                for t in p.get("Targets", [])
            ),
            key=lambda t: str(t["arn"]),
        ),
    }


def _role(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    # A set: IAM grants the union of a role's policies, so a grant stated twice (SAM adds its
    # own statement for a function's DeadLetterQueue) grants no more than once.
    allows = {
        line for policy in p.get("Policies", []) for line in policy_lines(policy["PolicyDocument"])
    }
    model["iam"][(name, answered["arn"])] = {
        "trust": policy_lines(p["AssumeRolePolicyDocument"]),
        "managed_policies": sorted(p.get("ManagedPolicyArns", [])),
        "allows": sorted(allows),
        "description": p.get("Description"),
    }


def _queue_policy(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    for queue in p["Queues"]:
        model["resource_policies"][queue] = policy_lines(p["PolicyDocument"])


def _table(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    types = {a["AttributeName"]: a["AttributeType"] for a in p["AttributeDefinitions"]}
    ttl = p.get("TimeToLiveSpecification")
    model["tables"][name] = {
        "keys": {k["KeyType"]: f"{k['AttributeName']} ({types[k['AttributeName']]})"
                 for k in p["KeySchema"]},
        "billing_mode": p.get("BillingMode", "PROVISIONED"),
        "ttl": ttl["AttributeName"] if ttl and _bool(ttl.get("Enabled")) else None,
        "stream": p.get("StreamSpecification", {}).get("StreamViewType"),
        "point_in_time_recovery": _bool(
            p.get("PointInTimeRecoverySpecification", {}).get("PointInTimeRecoveryEnabled")
        ),
        "encrypted": _bool(p.get("SSESpecification", {}).get("SSEEnabled")),
        "indexes": sorted(i["IndexName"] for i in p.get("GlobalSecondaryIndexes", [])),
    }  # fmt: skip


def _queue(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["queues"][name] = {
        "retention_seconds": _int(p.get("MessageRetentionPeriod")),
        "visibility_timeout_seconds": _int(p.get("VisibilityTimeout")),
        "sqs_managed_sse": p.get("SqsManagedSseEnabled"),
        "kms_key": p.get("KmsMasterKeyId"),
        "fifo": _bool(p.get("FifoQueue")),
        "redrive": _json(p.get("RedrivePolicy")),
    }


def _topic(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["topics"][name] = {"kms_key": p.get("KmsMasterKeyId"), "subscriptions": []}
    model.setdefault("_topic_names", {})[answered["arn"]] = name


def _topic_policy(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    for topic in p["Topics"]:
        model["resource_policies"][topic] = policy_lines(p["PolicyDocument"])


def _subscription(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model.setdefault("_subscriptions", []).append(
        (p["TopicArn"], f"{p['Protocol']} {p.get('Endpoint')}")
    )


def _kms_key(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["keys"][name] = {
        "description": p.get("Description"),
        "rotation": _bool(p.get("EnableKeyRotation")),
        "policy": policy_lines(p["KeyPolicy"]),
    }


def _archive(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["archives"][name] = {
        "name": p.get("ArchiveName"),
        "source": p.get("SourceArn"),
        "pattern": _json(p.get("EventPattern")),
        "retention_days": _int(p.get("RetentionDays", 0)),
        "description": p.get("Description"),
    }


def _schema_registry(
    model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    model["schema_registries"][name] = {
        "name": p.get("RegistryName"),
        "description": p.get("Description"),
    }


def _schema(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["schemas"][name] = {
        "registry": p.get("RegistryName"),
        "name": p.get("SchemaName"),
        "type": p.get("Type"),
        "description": p.get("Description"),
        "content": _json(p.get("Content")),
    }


def _user_pool(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    passwords = p.get("Policies", {}).get("PasswordPolicy", {})
    model["user_pools"][name] = {
        "name": p.get("UserPoolName"),
        "username_attributes": sorted(p.get("UsernameAttributes", [])),
        "auto_verified_attributes": sorted(p.get("AutoVerifiedAttributes", [])),
        "deletion_protection": p.get("DeletionProtection", "INACTIVE"),
        "admin_create_user_only": _bool(
            p.get("AdminCreateUserConfig", {}).get("AllowAdminCreateUserOnly", False)
        ),
        "mfa": p.get("MfaConfiguration", "OFF"),
        "enabled_mfas": sorted(p.get("EnabledMfas", [])),
        "password_policy": {
            "minimum_length": _int(passwords.get("MinimumLength")),
            **{
                f"require_{kind.lower()}": _bool(passwords.get(f"Require{kind}"))
                for kind in ("Lowercase", "Uppercase", "Numbers", "Symbols")
            },
        },
        "custom_attributes": sorted(
            f"{a['Name']} ({a.get('AttributeDataType')}, mutable: {_bool(a.get('Mutable'))})"
            for a in p.get("Schema", [])
        ),
        "clients": {},
        "groups": {},
    }
    model["tags"][f"user-pool {name}"] = _tags(p.get("UserPoolTags", {}))
    model.setdefault("_pool_names", {})[answered["id"]] = name


def _user_pool_client(
    model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    model.setdefault("_clients", []).append(
        (
            p["UserPoolId"],
            name,
            {
                "generate_secret": _bool(p.get("GenerateSecret")),
                "explicit_auth_flows": sorted(p.get("ExplicitAuthFlows", [])),
                "prevent_user_existence_errors": p.get("PreventUserExistenceErrors"),
                "read_attributes": sorted(p.get("ReadAttributes", [])),
                "write_attributes": sorted(p.get("WriteAttributes", [])),
            },
        )
    )


def _user_pool_group(
    model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    model.setdefault("_groups", []).append(
        (p["UserPoolId"], p.get("GroupName"), {"description": p.get("Description")})
    )


def _bus(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["buses"][name] = {"name": p.get("Name")}


def _log_group(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["log_groups"][name] = {"retention_days": _int(p.get("RetentionInDays"))}


def _schedule_group(
    model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    model["schedule_groups"][name] = {"name": p.get("Name")}


def _http_api(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["apis"][answered["id"]] = {"protocol": p.get("ProtocolType", "HTTP"), "stages": {}}
    body = p.get("Body", {})
    model["routes"].update(_routes(name, answered["id"], body))
    # SAM tags an OpenAPI-defined HTTP API in the body, not through Tags.
    embedded = {t["name"]: t["x-amazon-apigateway-tag-value"] for t in body.get("tags", [])}
    model["tags"][f"http-api {name}"] = _tags(p.get("Tags", embedded))


def _stage(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model.setdefault("_stages", {})[(p["ApiId"], p["StageName"])] = {
        "auto_deploy": _bool(p.get("AutoDeploy")),
        "access_log": {
            "destination": p.get("AccessLogSettings", {}).get("DestinationArn"),
            "format": p.get("AccessLogSettings", {}).get("Format"),
        },
        "throttling": {
            "burst_limit": _int(p.get("DefaultRouteSettings", {}).get("ThrottlingBurstLimit")),
            "rate_limit": _float(p.get("DefaultRouteSettings", {}).get("ThrottlingRateLimit")),
        },
    }


def _state_machine(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    logging = p.get("LoggingConfiguration", {})
    destinations = logging.get("Destinations", [])
    model["state_machines"][name] = {
        "type": p.get("StateMachineType", "STANDARD"),
        "definition": _definition(p),
        "role": p.get("RoleArn"),
        "logging": {
            "level": logging.get("Level", "OFF"),
            "include_execution_data": _bool(logging.get("IncludeExecutionData")),
            "destination": destinations[0]["CloudWatchLogsLogGroup"]["LogGroupArn"]
            if destinations
            else None,
        },
        "tracing": _bool(p.get("TracingConfiguration", {}).get("Enabled")),
    }


def _alarm(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["alarms"][name] = {
        "description": p.get("AlarmDescription"),
        "metrics": sorted((_metric_query(q) for q in p.get("Metrics", [])), key=lambda q: q["id"]),
        "namespace": p.get("Namespace"),
        "metric": p.get("MetricName"),
        "statistic": p.get("Statistic"),
        "period_seconds": _int(p.get("Period")),
        "evaluation_periods": _int(p.get("EvaluationPeriods")),
        "datapoints_to_alarm": _int(p.get("DatapointsToAlarm")),
        "threshold": _float(p.get("Threshold")),
        "comparison": p.get("ComparisonOperator"),
        "dimensions": {d["Name"]: d["Value"] for d in p.get("Dimensions", [])},
        "treat_missing_data": p.get("TreatMissingData", "missing"),
        "alarm_actions": sorted(p.get("AlarmActions", [])),
        "ok_actions": sorted(p.get("OKActions", [])),
    }


def _log_stream(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["log_streams"][name] = {
        "log_group": p.get("LogGroupName"),
        "name": p.get("LogStreamName"),
    }


def _bucket(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    encryption = p.get("BucketEncryption", {}).get("ServerSideEncryptionConfiguration", [])
    model["buckets"][name] = {
        "encryption": [
            {
                "algorithm": e.get("ServerSideEncryptionByDefault", {}).get("SSEAlgorithm"),
                "kms_key": e.get("ServerSideEncryptionByDefault", {}).get("KMSMasterKeyID"),
                "bucket_key": _bool(e.get("BucketKeyEnabled")),
            }
            for e in encryption
        ],
        "public_access_block": {
            k: _bool(v) for k, v in sorted(p.get("PublicAccessBlockConfiguration", {}).items())
        },
        "ownership": [
            r.get("ObjectOwnership") for r in p.get("OwnershipControls", {}).get("Rules", [])
        ],
        "versioning": p.get("VersioningConfiguration", {}).get("Status"),
        "lifecycle": [
            {
                "id": r.get("Id"),
                "status": r.get("Status"),
                "prefix": r.get("Prefix"),
                "expiration_days": _int(r.get("ExpirationInDays")),
                "noncurrent_days": _int(
                    r.get("NoncurrentVersionExpiration", {}).get("NoncurrentDays")
                ),
                "abort_multipart_days": _int(
                    r.get("AbortIncompleteMultipartUpload", {}).get("DaysAfterInitiation")
                ),
            }
            for r in p.get("LifecycleConfiguration", {}).get("Rules", [])
        ],
    }


def _bucket_policy(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["resource_policies"][p["Bucket"]] = policy_lines(p["PolicyDocument"])


def _delivery_stream(
    model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    s3 = p.get("ExtendedS3DestinationConfiguration", {})
    logging = s3.get("CloudWatchLoggingOptions", {})
    model["delivery_streams"][name] = {
        "type": p.get("DeliveryStreamType"),
        "encryption": p.get("DeliveryStreamEncryptionConfigurationInput", {}).get("KeyType"),
        "bucket": s3.get("BucketARN"),
        "role": s3.get("RoleARN"),
        "prefix": s3.get("Prefix"),
        "error_prefix": s3.get("ErrorOutputPrefix"),
        "buffer_seconds": _int(s3.get("BufferingHints", {}).get("IntervalInSeconds")),
        "buffer_mb": _int(s3.get("BufferingHints", {}).get("SizeInMBs")),
        "compression": s3.get("CompressionFormat", "UNCOMPRESSED"),
        "processing": _bool(s3.get("ProcessingConfiguration", {}).get("Enabled")),
        "processors": [
            {
                "type": processor["Type"],
                "parameters": {
                    q["ParameterName"]: q["ParameterValue"] for q in processor.get("Parameters", [])
                },
            }
            for processor in s3.get("ProcessingConfiguration", {}).get("Processors", [])
        ],
        "logging": {
            "enabled": _bool(logging.get("Enabled")),
            "log_group": logging.get("LogGroupName"),
            "log_stream": logging.get("LogStreamName"),
        },
    }


def _glue_database(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    database = p.get("DatabaseInput", {})
    model["glue"][f"database {name}"] = {
        "catalog": p.get("CatalogId"),
        "name": database.get("Name"),
        "description": database.get("Description"),
    }


def _columns(columns: Iterable[Mapping[str, Any]]) -> list[str]:
    return [
        f"{c['Name']} {c['Type']}" + (f" -- {c['Comment']}" if c.get("Comment") else "")
        for c in columns
    ]


def _glue_table(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    table = p.get("TableInput", {})
    storage = table.get("StorageDescriptor", {})
    serde = storage.get("SerdeInfo", {})
    model["glue"][f"table {name}"] = {
        "catalog": p.get("CatalogId"),
        "database": p.get("DatabaseName"),
        "name": table.get("Name"),
        "description": table.get("Description"),
        "type": table.get("TableType"),
        "parameters": dict(sorted(table.get("Parameters", {}).items())),
        "partition_keys": _columns(table.get("PartitionKeys", [])),
        "location": storage.get("Location"),
        "input_format": storage.get("InputFormat"),
        "output_format": storage.get("OutputFormat"),
        "serde": serde.get("SerializationLibrary"),
        "serde_parameters": dict(sorted(serde.get("Parameters", {}).items())),
        "columns": _columns(storage.get("Columns", [])),
    }


def _workgroup(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    configuration = p.get("WorkGroupConfiguration", {})
    results = configuration.get("ResultConfiguration", {})
    model["workgroups"][name] = {
        "name": p.get("Name"),
        "description": p.get("Description"),
        "state": p.get("State", "ENABLED"),
        "recursive_delete": _bool(p.get("RecursiveDeleteOption")),
        "enforce_configuration": _bool(configuration.get("EnforceWorkGroupConfiguration")),
        "publish_metrics": _bool(configuration.get("PublishCloudWatchMetricsEnabled")),
        "bytes_scanned_cutoff": _int(configuration.get("BytesScannedCutoffPerQuery")),
        "engine": configuration.get("EngineVersion", {}).get("SelectedEngineVersion"),
        "output_location": results.get("OutputLocation"),
        "encryption": results.get("EncryptionConfiguration", {}).get("EncryptionOption"),
    }


def _named_query(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    model["named_queries"][name] = {
        "name": p.get("Name"),
        "description": p.get("Description"),
        "database": p.get("Database"),
        "workgroup": p.get("WorkGroup"),
        "sql": p.get("QueryString"),
    }


def _metric_query(q: Mapping[str, Any]) -> dict[str, Any]:
    """One query of a metric-math alarm: an expression, or a metric with its statistic."""
    stat = q.get("MetricStat", {})
    metric = stat.get("Metric", {})
    return {
        "id": q["Id"],
        "label": q.get("Label"),
        "expression": q.get("Expression"),
        "return_data": _bool(q.get("ReturnData"), default=True),
        "namespace": metric.get("Namespace"),
        "metric": metric.get("MetricName"),
        "dimensions": {d["Name"]: d["Value"] for d in metric.get("Dimensions", [])},
        "period_seconds": _int(stat.get("Period")),
        "statistic": stat.get("Stat"),
    }


def _dashboard(model: Model, name: str, p: dict[str, Any], answered: Mapping[str, Any]) -> None:
    widgets = _json(p["DashboardBody"])["widgets"]
    model["dashboards"][p.get("DashboardName", name)] = [
        {**w, "properties": _widget_properties(w.get("properties", {}))} for w in widgets
    ]


def _widget_properties(properties: Mapping[str, Any]) -> dict[str, Any]:
    if "metrics" not in properties:
        return dict(properties)
    return {**properties, "metrics": expand_metric_rows(properties["metrics"])}


def expand_metric_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """A dashboard's metric rows written out: `.` repeats the previous row's value at that
    position, a leading `...` the previous row's values before those that follow it."""
    expanded: list[list[Any]] = []
    previous: list[Any] = []
    for row in rows:
        options = [row[-1]] if row and isinstance(row[-1], dict) else []
        values = list(row[: len(row) - len(options)])
        if values[:1] == ["..."]:
            rest = values[1:]
            values = previous[: len(previous) - len(rest)] + rest
        values = [previous[i] if v == "." else v for i, v in enumerate(values)]
        expanded.append(values + options)
        previous = values
    return expanded


_REDUCERS: dict[str, Callable[[Model, str, dict[str, Any], Mapping[str, Any]], None]] = {
    "function": _function,
    "event-invoke-config": _event_invoke_config,
    "permission": _permission,
    "event-source-mapping": _event_source_mapping,
    "rule": _rule,
    "role": _role,
    "queue-policy": _queue_policy,
    "table": _table,
    "queue": _queue,
    "topic": _topic,
    "topic-policy": _topic_policy,
    "subscription": _subscription,
    "kms-key": _kms_key,
    "archive": _archive,
    "schema-registry": _schema_registry,
    "schema": _schema,
    "user-pool": _user_pool,
    "user-pool-client": _user_pool_client,
    "user-pool-group": _user_pool_group,
    "dashboard": _dashboard,
    "bus": _bus,
    "log-group": _log_group,
    "schedule-group": _schedule_group,
    "http-api": _http_api,
    "stage": _stage,
    "state-machine": _state_machine,
    "alarm": _alarm,
    "log-stream": _log_stream,
    "bucket": _bucket,
    "bucket-policy": _bucket_policy,
    "delivery-stream": _delivery_stream,
    "glue-database": _glue_database,
    "glue-table": _glue_table,
    "workgroup": _workgroup,
    "named-query": _named_query,
}


def reduce_resource(
    model: Model, kind: str, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    """Add one resource, described by its CloudFormation properties, to `model`."""
    _REDUCERS[kind](model, name, p, answered)
    if "Tags" in p:
        model["tags"][f"{kind} {name}"] = _tags(p["Tags"])
    model["inventory"][f"{kind} {name}"] = True


def _authorization(body: Mapping[str, Any], security: list[str]) -> Any:
    """`NONE`, or each authorizer of the route with what it checks (a JWT's issuer, audience)."""
    if not security:
        return "NONE"
    schemes = body.get("components", {}).get("securitySchemes", {})
    authorizers = []
    for name in security:
        authorizer = schemes.get(name, {}).get("x-amazon-apigateway-authorizer", {})
        jwt = authorizer.get("jwtConfiguration", {})
        authorizers.append(
            {
                "name": name,
                "type": authorizer.get("type"),
                "identity_source": authorizer.get("identitySource"),
                "issuer": jwt.get("issuer"),
                "audience": sorted(_listed(jwt.get("audience"))),
            }
        )
    return authorizers


def _routes(api: str, api_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    routes = {}
    for path, methods in body.get("paths", {}).items():
        for method, operation in methods.items():
            verb = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
            integration = operation.get("x-amazon-apigateway-integration", {})
            security = sorted(k for s in operation.get("security", []) for k in s)
            routes[f"{api} {verb} {path}"] = {
                "api": api_id,
                "authorization": _authorization(body, security),
                "integration": integration.get("uri"),
                "type": str(integration.get("type", "")).lower(),
                "payload_format": integration.get("payloadFormatVersion"),
            }
    return routes


def _definition(props: Mapping[str, Any]) -> Any:
    """The state machine definition with its DefinitionSubstitutions filled in."""
    definition = props.get("Definition") or props.get("DefinitionString")
    text = definition if isinstance(definition, str) else json.dumps(definition)
    substitutions = props.get("DefinitionSubstitutions", {})
    return json.loads(
        _SUBSTITUTION.sub(lambda m: str(substitutions.get(m.group(1), m.group(0))), text)
    )


def finish(model: Model) -> Model:
    """Fold invoke configs, permissions and stages into their owners; key IAM by its user."""
    functions = model["functions"]
    for function, settings in model.pop("_async", {}).items():
        functions[function]["asynchronous"] = settings
    for function, invokers in model.pop("_invokers", {}).items():
        functions[function]["invoked_by"] = sorted(invokers)
    for (api_id, stage), settings in model.pop("_stages", {}).items():
        model["apis"][api_id]["stages"][stage] = settings
    topics = model.pop("_topic_names", {})
    for topic_arn, subscriber in model.pop("_subscriptions", []):
        model["topics"][topics[topic_arn]]["subscriptions"].append(subscriber)
    pools = model.pop("_pool_names", {})
    for pool_id, client, settings in model.pop("_clients", []):
        model["user_pools"][pools[pool_id]]["clients"][client] = settings
    for pool_id, group, settings in model.pop("_groups", []):
        model["user_pools"][pools[pool_id]]["groups"][group] = settings
    owners = {f["role"]: f"function {n}" for n, f in functions.items()}
    owners |= {m["role"]: f"state machine {n}" for n, m in model["state_machines"].items()}
    model["iam"] = {
        owners.get(arn, f"role {name}"): grants for (name, arn), grants in model["iam"].items()
    }
    return {section: dict(sorted(model[section].items())) for section in SECTIONS}


def _leaves(value: Any, path: str) -> Iterable[str]:
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from _leaves(item, f"{path}.{key}")
    elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        for index, item in enumerate(value):
            yield from _leaves(item, f"{path}[{index}]")
    elif isinstance(value, list) and value:
        for item in value:
            yield f"{path}[] = {json.dumps(item)}"
    else:
        yield f"{path} = {json.dumps(value)}"


def explain(sam: Model, pulumi: Model, section: str) -> str:
    """What differs in `section`, one leaf per line: `SAM only` / `Pulumi only`."""
    sam_leaves = set(_leaves(sam[section], section))
    pulumi_leaves = set(_leaves(pulumi[section], section))
    lines = [f"  SAM only:    {leaf}" for leaf in sorted(sam_leaves - pulumi_leaves)]
    lines += [f"  Pulumi only: {leaf}" for leaf in sorted(pulumi_leaves - sam_leaves)]
    return "\n".join(lines) or "  the same entries, in a different order"


def differences(sam: Model, pulumi: Model) -> Iterable[str]:
    """Each entry of a section that differs, as `section: key` (for messages)."""
    for section in SECTIONS:
        for key in sorted(set(sam[section]) | set(pulumi[section])):
            if sam[section].get(key) != pulumi[section].get(key):
                yield f"{section}: {key}"


def from_pulumi(run: ProgramRun) -> Model:
    """The model of the resources a Pulumi program registered (see pulumi_program.run_program)."""
    model = empty_model()
    for resource in run.resources:
        kind = BY_PULUMI_TYPE.get(resource.type)
        if kind is None:
            raise ModelError(
                f"{resource.name}: the parity model does not know {resource.type}; "
                "add it to costcalc/estimate/fake_aws.py KINDS and map it in parity_model.py"
            )
        if kind.part:
            continue
        reduce_resource(
            model, kind.name, resource.name, as_cfn(run, resource, kind.name), resource.outputs
        )
    model["outputs"] = dict(run.stack_outputs)
    return finish(model)
