"""The orders stacks of both styles: what their templates hold beyond the checks every stack in
sam/ passes (tests/sam/test_every_template.py): the build, runtime, style tag, policies, timeout."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from stack_helpers import ORDER_STACKS, ROOT
from template_checks import BIN, TAGGED_TYPES, run_tool, tags_of

from orderflow_definitions.intrinsics import resolve
from orderflow_localrun.deploy import parameter_values
from orderflow_localrun.intrinsics import Names
from orderflow_localrun.template import load_template


@dataclass(frozen=True)
class Stack:
    style: str
    template: Path
    functions: int

    @property
    def relative(self) -> Path:
        return self.template.relative_to(ROOT)


FUNCTIONS = {"choreography": 9, "orchestration": 3}
STACKS = [Stack(style, template, FUNCTIONS[style]) for style, template in ORDER_STACKS.items()]


@pytest.fixture(params=STACKS, ids=[s.style for s in STACKS], scope="module")
def stack(request: pytest.FixtureRequest) -> Stack:
    return request.param  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def resources(stack: Stack) -> dict[str, dict[str, Any]]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return load_template(stack.template, {"SenderEmail": "a@b.co"}).resources


@pytest.mark.slow
def test_sam_build_packages_every_function_with_its_handler(
    stack: Stack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    result = run_tool(BIN / "sam", "build", "-t", stack.relative, "--build-dir", tmp_path / "b")
    assert result.returncode == 0, result.stdout + result.stderr
    built = load_template(tmp_path / "b/template.yaml", {"SenderEmail": "a@b.co"})
    for logical_id, folder in built.code_dirs.items():
        handler = built.resources[logical_id]["Properties"]["Handler"]
        assert (folder / f"{handler.rsplit('.', 1)[0]}.py").is_file(), logical_id
        assert (folder / "orders/events.py").is_file(), logical_id


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


def test_every_taggable_resource_carries_the_project_parameter_and_style_tags(
    stack: Stack, resources: dict[str, dict[str, Any]]
) -> None:
    for logical_id, resource in resources.items():
        if resource["Type"] not in TAGGED_TYPES:
            continue
        tags = tags_of(resource)
        assert tags.get("project") == {"Ref": "Project"}, logical_id
        assert tags.get("style") == stack.style, logical_id


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


def _user_pool(stack: Stack, **parameters: str) -> dict[str, Any]:
    """The stack's user pool's properties as deployed with `parameters` (conditions resolved)."""
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    template = load_template(stack.template, {"SenderEmail": "a@b.co", **parameters})
    names = Names(
        stack_name=f"{stack.style}-test",
        region="us-east-1",
        account_id="123456789012",
        parameters=parameter_values(template),
        mappings=template.mappings,
        conditions=template.conditions,
    )
    properties = resolve(template.resources["UserPool"]["Properties"], names)
    return {
        "admin_create_user_only": properties["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"],
        "mfa": properties.get("MfaConfiguration", "OFF"),
        "enabled_mfas": properties.get("EnabledMfas", []),
        "deletion_protection": properties["DeletionProtection"],
    }


def test_the_user_pool_can_be_deleted_with_the_stack_unless_the_deployer_protects_it(
    stack: Stack,
) -> None:
    assert _user_pool(stack)["deletion_protection"] == "INACTIVE"
    protected = _user_pool(stack, UserPoolDeletionProtection="ACTIVE")
    assert protected["deletion_protection"] == "ACTIVE"


def test_only_administrators_create_accounts_unless_the_deployer_allows_self_sign_up(
    stack: Stack,
) -> None:
    assert _user_pool(stack)["admin_create_user_only"] is True
    assert _user_pool(stack, SelfSignUp="true")["admin_create_user_only"] is False


def test_mfa_with_an_authenticator_app_is_optional_by_default_and_a_deployer_choice(
    stack: Stack,
) -> None:
    default = _user_pool(stack)
    assert (default["mfa"], default["enabled_mfas"]) == ("OPTIONAL", ["SOFTWARE_TOKEN_MFA"])
    required = _user_pool(stack, MfaConfiguration="ON")
    assert (required["mfa"], required["enabled_mfas"]) == ("ON", ["SOFTWARE_TOKEN_MFA"])
    off = _user_pool(stack, MfaConfiguration="OFF")
    assert (off["mfa"], off["enabled_mfas"]) == ("OFF", [])
