"""Both styles' templates, checked as AWS would check them, with the real tools."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from stack_helpers import CHOREOGRAPHY, ORCHESTRATION, ROOT

from localrun.template import load_template

BIN = Path(sys.executable).parent
CHECKOV = ROOT / ".venv-checkov/bin/checkov"
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
}
# Actions that accept no resource narrower than "*" (DESIGN.md, "AWS facts").
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
ENV = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}


@dataclass(frozen=True)
class Stack:
    style: str
    template: Path
    functions: int

    @property
    def relative(self) -> Path:
        return self.template.relative_to(ROOT)


STACKS = [Stack("choreography", CHOREOGRAPHY, 6), Stack("orchestration", ORCHESTRATION, 2)]


@pytest.fixture(params=STACKS, ids=[s.style for s in STACKS], scope="module")
def stack(request: pytest.FixtureRequest) -> Stack:
    return request.param  # type: ignore[no-any-return]


def _run(*command: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, cwd=ROOT, env=ENV, check=False
    )


@pytest.fixture(scope="module")
def resources(stack: Stack) -> dict[str, dict[str, Any]]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return load_template(stack.template, {"SenderEmail": "a@b.co"}).resources


def test_sam_validate_with_lint_passes(stack: Stack) -> None:
    result = _run(BIN / "sam", "validate", "--lint", "-t", stack.relative)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_cfn_lint_reports_nothing(stack: Stack) -> None:
    result = _run(BIN / "cfn-lint", stack.relative)
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.slow
def test_sam_build_packages_every_function_with_its_handler(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    result = _run(BIN / "sam", "build", "-t", stack.relative, "--build-dir", tmp_path / "b")
    assert result.returncode == 0, result.stdout + result.stderr
    built = load_template(tmp_path / "b/template.yaml", {"SenderEmail": "a@b.co"})
    for logical_id, folder in built.code_dirs.items():
        handler = built.resources[logical_id]["Properties"]["Handler"]
        assert (folder / f"{handler.rsplit('.', 1)[0]}.py").is_file(), logical_id
        assert (folder / "orders/events.py").is_file(), logical_id


@pytest.mark.slow
def test_checkov_passes_and_every_skip_says_why(stack: Stack) -> None:
    assert CHECKOV.exists(), "checkov lives in its own venv: run `make checkov-install`"
    result = _run(
        CHECKOV, "-f", stack.relative, "--framework", "cloudformation",
        "--output", "json", "--quiet", "--compact", "--skip-download",
    )  # fmt: skip
    report = json.loads(result.stdout) if result.stdout.strip() else {}
    failed = report.get("results", {}).get("failed_checks", [])
    assert result.returncode == 0, [(c["check_id"], c["resource"]) for c in failed]
    for check in report.get("results", {}).get("skipped_checks", []):
        assert check.get("suppress_comment", "").strip(), check["check_id"]


def test_functions_run_python_3_13_on_the_chosen_architecture_with_the_matching_layer(
    stack: Stack, resources: dict[str, dict[str, Any]]
) -> None:
    functions = [r for r in resources.values() if r["Type"] == "AWS::Lambda::Function"]
    assert len(functions) == stack.functions
    for function in functions:
        properties = function["Properties"]
        assert properties["Runtime"] == "python3.13"
        assert properties["Architectures"] == [{"Ref": "Architecture"}]
        [layer] = properties["Layers"]
        assert (
            ":017000801446:layer:AWSLambdaPowertoolsPythonV3-python313-${Architecture}:"
            in layer["Fn::Sub"]
        )


def test_the_architecture_defaults_to_arm64_and_allows_x86_64(stack: Stack) -> None:
    parameter = load_template(stack.template, {"SenderEmail": "a@b.co"}).parameters["Architecture"]
    assert (parameter["Default"], parameter["AllowedValues"]) == ("arm64", ["arm64", "x86_64"])


def test_every_taggable_resource_carries_project_and_style_tags(
    stack: Stack, resources: dict[str, dict[str, Any]]
) -> None:
    for logical_id, resource in resources.items():
        if resource["Type"] not in TAGGED_TYPES:
            continue
        properties = resource["Properties"]
        tags = properties.get("Tags", {})
        if resource["Type"] == "AWS::ApiGatewayV2::Api":  # HTTP API tags live in its OpenAPI body
            tags = {
                t["name"]: t["x-amazon-apigateway-tag-value"] for t in properties["Body"]["tags"]
            }
        elif resource["Type"] == "AWS::StepFunctions::StateMachine" or isinstance(tags, list):
            tags = {t["Key"]: t["Value"] for t in tags}
        assert tags.get("project") == "orderflow-kit", logical_id
        assert tags.get("style") == stack.style, logical_id


def test_only_actions_that_take_no_narrower_resource_are_granted_on_a_wildcard(
    resources: dict[str, dict[str, Any]],
) -> None:
    for logical_id, resource in resources.items():
        if resource["Type"] != "AWS::IAM::Role":
            continue
        for policy in resource["Properties"].get("Policies", []):
            for statement in policy["PolicyDocument"]["Statement"]:
                targets = statement["Resource"]
                targets = targets if isinstance(targets, list) else [targets]
                actions = statement["Action"]
                actions = set(actions if isinstance(actions, list) else [actions])
                if "*" in targets:
                    assert actions <= STAR_ONLY_ACTIONS, (logical_id, actions - STAR_ONLY_ACTIONS)


def test_managed_policies_are_only_the_basic_execution_and_x_ray_ones(
    resources: dict[str, dict[str, Any]],
) -> None:
    allowed = {
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
    }
    for logical_id, resource in resources.items():
        if resource["Type"] == "AWS::IAM::Role":
            managed = set(resource["Properties"].get("ManagedPolicyArns", []))
            assert managed <= allowed, (logical_id, managed - allowed)


def test_the_acceptance_timeout_is_a_parameter_in_seconds_defaulting_to_600(stack: Stack) -> None:
    parameters = load_template(stack.template, {"SenderEmail": "a@b.co"}).parameters
    assert parameters["AcceptanceTimeoutSeconds"]["Default"] == 600
    assert {"SenderEmail", "LogRetentionDays"} <= set(parameters)
