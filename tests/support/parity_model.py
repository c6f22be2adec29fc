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
    allows = [
        line for policy in p.get("Policies", []) for line in policy_lines(policy["PolicyDocument"])
    ]
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
    model["topics"][name] = {"kms_key": p.get("KmsMasterKeyId")}


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
    "bus": _bus,
    "log-group": _log_group,
    "schedule-group": _schedule_group,
    "http-api": _http_api,
    "stage": _stage,
    "state-machine": _state_machine,
    "alarm": _alarm,
}


def reduce_resource(
    model: Model, kind: str, name: str, p: dict[str, Any], answered: Mapping[str, Any]
) -> None:
    """Add one resource, described by its CloudFormation properties, to `model`."""
    _REDUCERS[kind](model, name, p, answered)
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


def finish(model: Model) -> Model:
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
