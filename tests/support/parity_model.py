"""Reduce a SAM template and a Pulumi program to one comparable model (schema: test_parity.py).

`from_sam` transforms the template with samtranslator (offline, via localrun.template) and
resolves every intrinsic against the fake account; `from_pulumi` reads the resources the
program registered under mocks with the same account. Both then describe the stack in the
same words, so equal models mean the same architecture.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from fake_aws import BY_CFN_TYPE, BY_PULUMI_TYPE, Account, kebab
from pulumi_program import ProgramRun, Registered

from localrun.deploy import parameter_values
from localrun.intrinsics import Names, resolve
from localrun.template import load_template

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
    "buses",
    "log_groups",
    "schedule_groups",
    "apis",
    "routes",
    "alarms",
    "tags",
    "outputs",
)
# Tags a tool adds to mark its own work (SAM's `lambda:createdBy`, `httpapi:createdBy`).
_TOOL_TAG = re.compile(r"^[a-z]+:createdBy$")
_SUBSTITUTION = re.compile(r"\$\{([^}]+)\}")


class ModelError(Exception):
    """A variant holds something the model cannot describe yet; the message says what."""


# ---------------------------------------------------------------- shared normalisers
def _int(value: Any) -> int | None:
    return None if value is None else int(float(value))


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


def _plain(value: Any) -> Any:
    """Pulumi hands numbers over as floats: 10.0 -> 10, recursively."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


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


def _empty_model() -> Model:
    return {section: {} for section in SECTIONS}


# ---------------------------------------------------------------- one reducer
def _reduce(  # noqa: PLR0912
    model: Model, kind: str, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    """Add one resource, described by its CloudFormation properties, to `model`."""
    if kind == "function":
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
    elif kind == "event-invoke-config":
        destinations = p.get("DestinationConfig", {})
        model.setdefault("_async", {})[p["FunctionName"]] = {
            "qualifier": p.get("Qualifier"),
            "maximum_retry_attempts": _int(p.get("MaximumRetryAttempts")),
            "maximum_event_age_seconds": _int(p.get("MaximumEventAgeInSeconds")),
            "on_failure": destinations.get("OnFailure", {}).get("Destination"),
            "on_success": destinations.get("OnSuccess", {}).get("Destination"),
        }
    elif kind == "permission":
        model.setdefault("_invokers", {}).setdefault(p["FunctionName"], []).append(
            f"{p['Action']} by {p['Principal']} from {p.get('SourceArn')}"
        )
    elif kind == "event-source-mapping":
        model["event_source_mappings"][name] = {
            "function": p.get("FunctionName"),
            "source": p.get("EventSourceArn"),
            "starting_position": p.get("StartingPosition"),
            "batch_size": _int(p.get("BatchSize")),
            "maximum_retry_attempts": _int(p.get("MaximumRetryAttempts")),
            "bisect_on_error": _bool(p.get("BisectBatchOnFunctionError")),
            "response_types": p.get("FunctionResponseTypes", []),
            "filters": [
                _json(f["Pattern"]) for f in p.get("FilterCriteria", {}).get("Filters", [])
            ],
            "on_failure": p.get("DestinationConfig", {}).get("OnFailure", {}).get("Destination"),
        }
    elif kind == "rule":
        model["rules"][name] = {
            "bus": p.get("EventBusName", "default"),
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
    elif kind == "role":
        allows = [
            line
            for policy in p.get("Policies", [])
            for line in policy_lines(policy["PolicyDocument"])
        ]
        model["iam"][(name, answered["arn"])] = {
            "trust": policy_lines(p["AssumeRolePolicyDocument"]),
            "managed_policies": sorted(p.get("ManagedPolicyArns", [])),
            "allows": sorted(allows),
            "description": p.get("Description"),
        }
    elif kind == "queue-policy":
        for queue in p["Queues"]:
            model["resource_policies"][queue] = policy_lines(p["PolicyDocument"])
    elif kind == "table":
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
    elif kind == "queue":
        model["queues"][name] = {
            "retention_seconds": _int(p.get("MessageRetentionPeriod")),
            "visibility_timeout_seconds": _int(p.get("VisibilityTimeout")),
            "sqs_managed_sse": p.get("SqsManagedSseEnabled"),
            "kms_key": p.get("KmsMasterKeyId"),
            "fifo": _bool(p.get("FifoQueue")),
            "redrive": _json(p.get("RedrivePolicy")),
        }
    elif kind == "topic":
        model["topics"][name] = {"kms_key": p.get("KmsMasterKeyId")}
    elif kind == "bus":
        model["buses"][name] = {"name": p.get("Name")}
    elif kind == "log-group":
        model["log_groups"][name] = {"retention_days": _int(p.get("RetentionInDays"))}
    elif kind == "schedule-group":
        model["schedule_groups"][name] = {"name": p.get("Name")}
    elif kind == "http-api":
        model["apis"][answered["id"]] = {"protocol": p.get("ProtocolType", "HTTP"), "stages": {}}
        body = p.get("Body", {})
        model["routes"].update(_routes(name, answered["id"], body))
        # SAM tags an OpenAPI-defined HTTP API in the body, not through Tags.
        embedded = {t["name"]: t["x-amazon-apigateway-tag-value"] for t in body.get("tags", [])}
        model["tags"][f"{kind} {name}"] = _tags(p.get("Tags", embedded))
    elif kind == "stage":
        model.setdefault("_stages", {})[(p["ApiId"], p["StageName"])] = {
            "auto_deploy": _bool(p.get("AutoDeploy")),
            "access_log": {
                "destination": p.get("AccessLogSettings", {}).get("DestinationArn"),
                "format": p.get("AccessLogSettings", {}).get("Format"),
            },
            "throttling": {
                "burst_limit": _int(p.get("DefaultRouteSettings", {}).get("ThrottlingBurstLimit")),
                "rate_limit": p.get("DefaultRouteSettings", {}).get("ThrottlingRateLimit"),
            },
        }
    elif kind == "state-machine":
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
    elif kind == "alarm":
        model["alarms"][name] = {
            "namespace": p.get("Namespace"),
            "metric": p.get("MetricName"),
            "statistic": p.get("Statistic"),
            "period_seconds": _int(p.get("Period")),
            "evaluation_periods": _int(p.get("EvaluationPeriods")),
            "datapoints_to_alarm": _int(p.get("DatapointsToAlarm")),
            "threshold": p.get("Threshold"),
            "comparison": p.get("ComparisonOperator"),
            "dimensions": {d["Name"]: d["Value"] for d in p.get("Dimensions", [])},
            "treat_missing_data": p.get("TreatMissingData", "missing"),
            "alarm_actions": sorted(p.get("AlarmActions", [])),
            "ok_actions": sorted(p.get("OKActions", [])),
        }
    if "Tags" in p:
        model["tags"][f"{kind} {name}"] = _tags(p["Tags"])
    model["inventory"][f"{kind} {name}"] = True


def _routes(api: str, api_id: str, body: Mapping[str, Any]) -> dict[str, Any]:
    routes = {}
    for path, methods in body.get("paths", {}).items():
        for method, operation in methods.items():
            verb = "ANY" if method == "x-amazon-apigateway-any-method" else method.upper()
            integration = operation.get("x-amazon-apigateway-integration", {})
            security = sorted(k for s in operation.get("security", []) for k in s)
            routes[f"{api} {verb} {path}"] = {
                "api": api_id,
                "authorization": ",".join(security) or "NONE",
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


def _finish(model: Model) -> Model:
    """Fold invoke configs, permissions and stages into their owners; key IAM by its user."""
    functions = model["functions"]
    for function, settings in model.pop("_async", {}).items():
        functions[function]["asynchronous"] = settings
    for function, invokers in model.pop("_invokers", {}).items():
        functions[function]["invoked_by"] = sorted(invokers)
    for (api_id, stage), settings in model.pop("_stages", {}).items():
        model["apis"][api_id]["stages"][stage] = settings
    owners = {f["role"]: f"function {n}" for n, f in functions.items()}
    owners |= {m["role"]: f"state machine {n}" for n, m in model["state_machines"].items()}
    model["iam"] = {
        owners.get(arn, f"role {name}"): grants for (name, arn), grants in model["iam"].items()
    }
    return {section: dict(sorted(model[section].items())) for section in SECTIONS}


# ---------------------------------------------------------------- the SAM side
def from_sam(
    template_path: Path, parameters: Mapping[str, str], account: Account, stack_name: str
) -> Model:
    """The model of the SAM template deployed as `stack_name` with `parameters`."""
    previous = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = account.region  # samtranslator reads the region here
    try:
        template = load_template(template_path, dict(parameters))
    finally:
        if previous is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = previous
    names = Names(
        stack_name=stack_name,
        region=account.region,
        account_id=account.account_id,
        parameters=parameter_values(template, dict(parameters)),
        mappings=template.mappings,
        conditions=template.conditions,
    )
    answers = {}
    for logical_id, resource in template.resources.items():
        kind = BY_CFN_TYPE.get(resource["Type"])
        if kind is None:
            raise ModelError(
                f"{logical_id}: the parity model does not know {resource['Type']}; "
                "add it to tests/support/fake_aws.py KINDS and reduce it in parity_model.py"
            )
        physical = kebab(logical_id)
        explicit = resource.get("Properties", {}).get(kind.cfn_name_property or "")
        if explicit is not None:
            physical = str(resolve(explicit, names))
        answers[logical_id] = answered = kind.outputs(account, kebab(logical_id), physical)
        names.refs[logical_id] = answered[kind.ref]
        names.attributes[logical_id] = {a: answered[o] for a, o in kind.attributes.items()}
    model = _empty_model()
    for logical_id, resource in template.resources.items():
        condition = resource.get("Condition")
        if condition is not None and not names.condition(condition):
            continue
        properties = resolve(resource.get("Properties", {}), names)
        kind_name = BY_CFN_TYPE[resource["Type"]].name
        _reduce(model, kind_name, kebab(logical_id), properties, answers[logical_id])
    model["outputs"] = {
        name: resolve(output["Value"], names) for name, output in template.outputs.items()
    }
    return _finish(model)


# ---------------------------------------------------------------- the Pulumi side
def _pick(source: Mapping[str, Any], **renames: str) -> dict[str, Any]:
    """CloudFormation property -> Pulumi input name, for the inputs that were given."""
    return {cfn: source[key] for cfn, key in renames.items() if source.get(key) is not None}


def _targets(run: ProgramRun, rule: Registered) -> list[dict[str, Any]]:
    name = rule.outputs["name"]
    targets = []
    for target in run.of_type("aws:cloudwatch/eventTarget:EventTarget"):
        t = _plain(target.inputs)
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


def _role(run: ProgramRun, role: Registered) -> dict[str, Any]:
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


def _table(i: Mapping[str, Any]) -> dict[str, Any]:
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


def _state_machine(i: Mapping[str, Any]) -> dict[str, Any]:
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


def _as_cfn(run: ProgramRun, r: Registered, kind: str) -> dict[str, Any]:  # noqa: PLR0912
    i = _plain(r.inputs)
    cfn = _pick(i, **_RENAMES.get(kind, {}))
    if "tags" in i:
        cfn["Tags"] = i["tags"]
    if kind == "function":
        cfn["Environment"] = {"Variables": i.get("environment", {}).get("variables", {})}
        cfn["TracingConfig"] = {"Mode": i.get("tracingConfig", {}).get("mode", "PassThrough")}
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
        cfn |= _role(run, r)
    elif kind == "queue-policy":
        cfn = {"Queues": [i["queueUrl"]], "PolicyDocument": i["policy"]}
    elif kind == "table":
        cfn |= _table(i)
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
        cfn |= _state_machine(i)
    elif kind == "alarm":
        cfn["Dimensions"] = [{"Name": k, "Value": v} for k, v in i.get("dimensions", {}).items()]
    return cfn


def from_pulumi(run: ProgramRun) -> Model:
    """The model of the resources a Pulumi program registered (see pulumi_program.run_program)."""
    model = _empty_model()
    for resource in run.resources:
        kind = BY_PULUMI_TYPE.get(resource.type)
        if kind is None:
            raise ModelError(
                f"{resource.name}: the parity model does not know {resource.type}; "
                "add it to tests/support/fake_aws.py KINDS and map it in parity_model.py"
            )
        if kind.part:
            continue
        _reduce(
            model, kind.name, resource.name, _as_cfn(run, resource, kind.name), resource.outputs
        )
    model["outputs"] = dict(run.stack_outputs)
    return _finish(model)


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
