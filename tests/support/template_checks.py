"""What every SAM template's tests share: the templates, sample parameters, the real linters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse
from stack_helpers import ROOT
from tool_runs import run_once

BIN = Path(sys.executable).parent
CHECKOV = ROOT / ".venv-checkov/bin/checkov"
ENV = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}
# Every stack in sam/, found rather than listed, so a new stack is checked from its first commit.
TEMPLATES = sorted(ROOT.glob("sam/*/template.yaml"))
TAGGED_TYPES = {
    "AWS::DynamoDB::Table",
    "AWS::Events::EventBus",
    "AWS::SNS::Topic",
    "AWS::SQS::Queue",
    "AWS::Lambda::Function",
    "AWS::IAM::Role",
    "AWS::Scheduler::ScheduleGroup",
    "AWS::ApiGatewayV2::Api",
    "AWS::StepFunctions::StateMachine",
    "AWS::S3::Bucket",
    "AWS::KinesisFirehose::DeliveryStream",
    "AWS::Athena::WorkGroup",
    "AWS::KMS::Key",
    "AWS::EventSchemas::Registry",
    "AWS::EventSchemas::Schema",
}
# Actions that accept no resource narrower than "*": the only ones a policy may grant on a
# wildcard (https://orderflow-kit.github.io/orderflow-kit/design/#aws-facts-the-definitions-rely-on).
STAR_ONLY_ACTIONS = {
    "states:SendTaskSuccess",
    "states:SendTaskFailure",
    "states:SendTaskHeartbeat",
    "xray:PutTraceSegments",
    "xray:PutTelemetryRecords",
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "logs:CreateLogDelivery",
    "logs:GetLogDelivery",
    "logs:UpdateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:DescribeResourcePolicies",
    "logs:DescribeLogGroups",
}
# Values for the parameters a template requires (no default), to transform it for analysis.
SAMPLE_PARAMETERS = {
    "SenderEmail": "orders@orderflow.example",
    "OrdersBusName": "orders-choreography-orders",
    "OrdersTableName": "orders-choreography-OrdersTable-1A2B3C4D5E6F",
}


def stack_of(template: Path) -> str:
    return template.parent.name


def required_parameters(template: Path) -> dict[str, str]:
    """Sample values for the parameters `template` declares without a default."""
    declared = yaml_parse(template.read_text()).get("Parameters", {})
    required = [name for name, spec in declared.items() if "Default" not in spec]
    missing = [name for name in required if name not in SAMPLE_PARAMETERS]
    assert not missing, f"add sample values for {missing} to SAMPLE_PARAMETERS"
    return {name: SAMPLE_PARAMETERS[name] for name in required}


def run_tool(*command: str | Path) -> subprocess.CompletedProcess[str]:
    """`command` run in the checkout, once per distinct input in a session (tool_runs.py)."""
    return run_once(command, cwd=ROOT, env=ENV)


def checkov_report(template: Path) -> tuple[int, dict[str, Any]]:
    """checkov's exit status and JSON report on `template` (checkov runs in its own venv)."""
    assert CHECKOV.exists(), "checkov lives in its own venv: run `make checkov-install`"
    result = run_tool(
        CHECKOV, "-f", template.relative_to(ROOT), "--framework", "cloudformation",
        "--output", "json", "--quiet", "--compact", "--skip-download",
    )  # fmt: skip
    return result.returncode, json.loads(result.stdout) if result.stdout.strip() else {}


def tags_of(resource: dict[str, Any]) -> dict[str, str]:
    """A resource's tags as a mapping, however its type spells them."""
    properties = resource["Properties"]
    if resource["Type"] == "AWS::ApiGatewayV2::Api":  # HTTP API tags live in its OpenAPI body
        return {t["name"]: t["x-amazon-apigateway-tag-value"] for t in properties["Body"]["tags"]}
    tags = properties.get("Tags", {})
    return {t["Key"]: t["Value"] for t in tags} if isinstance(tags, list) else dict(tags)
