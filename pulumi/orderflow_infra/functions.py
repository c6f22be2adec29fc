"""Lambda functions as SAM's AWS::Serverless::Function makes them: role, logs, DLQ, retries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pulumi
import pulumi_aws as aws

from orderflow_infra import iam, storage
from orderflow_infra.deployment import Deployment

# The handlers and their shared domain module: one package for every function, as in SAM.
FUNCTIONS_DIR = Path(__file__).resolve().parents[2] / "functions"
# Every function logs to CloudWatch and traces with X-Ray (Tracing: Active), as SAM grants.
EXECUTION_POLICIES = ("service-role/AWSLambdaBasicExecutionRole", "AWSXrayWriteOnlyAccess")
POWERTOOLS_LAYER_ACCOUNT = "017000801446"


@dataclass(frozen=True)
class FunctionDefaults:
    """What SAM's `Globals: Function` gives every function of a stack."""

    environment: Mapping[str, pulumi.Input[str]]
    runtime: str = "python3.13"
    timeout_seconds: int = 10
    code_dir: Path = FUNCTIONS_DIR

    def powertools_layer(self, deployment: Deployment) -> str:
        """The public Powertools for AWS Lambda (Python) V3 layer for this runtime and the
        stack's architecture."""
        runtime = self.runtime.replace(".", "")
        return deployment.arn(
            "lambda",
            f"layer:AWSLambdaPowertoolsPythonV3-{runtime}-{deployment.settings.architecture}:"
            f"{deployment.settings.powertools_layer_version}",
        ).replace(f":{deployment.account_id}:", f":{POWERTOOLS_LAYER_ACCOUNT}:")


@dataclass(frozen=True)
class AsyncInvocation:
    """Where an asynchronous invocation goes when it fails, and how often Lambda retries it."""

    dead_letter_queue: aws.sqs.Queue
    maximum_retry_attempts: int = 2
    maximum_event_age_seconds: int = 3600


@dataclass(frozen=True)
class StackFunction:
    """A deployed function with the names its companions (rules, permissions) derive from."""

    name: str
    function: aws.lambda_.Function
    role: aws.iam.Role


@dataclass(frozen=True)
class FunctionSpec:
    """One function: `name` is kebab case without `-function` (`restaurant-notifier`)."""

    name: str
    handler: str
    description: str
    environment: Mapping[str, pulumi.Input[str]] = field(default_factory=dict)
    statements: Sequence[iam.Allow] = ()
    asynchronous: AsyncInvocation | None = None


def lambda_function(
    deployment: Deployment, defaults: FunctionDefaults, spec: FunctionSpec
) -> StackFunction:
    """The function, its role (least privilege) and its log group, named as SAM names them."""
    resource_name = f"{spec.name}-function"
    statements = list(spec.statements)
    if spec.asynchronous:
        dlq_arn = spec.asynchronous.dead_letter_queue.arn
        statements.insert(0, iam.Allow(["sqs:SendMessage"], [dlq_arn]))
    role = iam.service_role(
        deployment,
        f"{resource_name}-role",
        service="lambda.amazonaws.com",
        statements=statements,
        managed_policies=EXECUTION_POLICIES,
    )
    logs = storage.log_group(deployment, f"{spec.name}-logs")
    function = aws.lambda_.Function(
        resource_name,
        description=spec.description,
        role=role.arn,
        handler=spec.handler,
        runtime=defaults.runtime,
        architectures=[deployment.settings.architecture],
        memory_size=deployment.settings.memory_for(spec.name),
        timeout=defaults.timeout_seconds,
        code=pulumi.FileArchive(str(defaults.code_dir)),
        layers=[defaults.powertools_layer(deployment)],
        environment={"variables": {**defaults.environment, **spec.environment}},
        tracing_config={"mode": "Active"},
        logging_config={"log_group": logs.name, "log_format": "JSON"},
        dead_letter_config=(
            {"target_arn": spec.asynchronous.dead_letter_queue.arn} if spec.asynchronous else None
        ),
        tags=deployment.tags,
    )
    if spec.asynchronous:
        aws.lambda_.FunctionEventInvokeConfig(
            f"{resource_name}-event-invoke-config",
            function_name=function.name,
            qualifier="$LATEST",
            maximum_retry_attempts=spec.asynchronous.maximum_retry_attempts,
            maximum_event_age_in_seconds=spec.asynchronous.maximum_event_age_seconds,
        )
    return StackFunction(resource_name, function, role)
