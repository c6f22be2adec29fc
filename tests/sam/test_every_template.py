"""Checks every stack in sam/ passes, with the real tools: sam build, the linters, checkov, IAM
and tags."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from stack_helpers import ROOT
from template_checks import (
    BIN,
    STAR_ONLY_ACTIONS,
    TAGGED_TYPES,
    TEMPLATES,
    checkov_report,
    required_parameters,
    run_tool,
    stack_of,
    tags_of,
)

from orderflow_localrun.template import load_template

every_template = pytest.mark.parametrize("template", TEMPLATES, ids=stack_of)


def _resources(template: Path) -> dict[str, dict[str, Any]]:
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    return load_template(template, required_parameters(template)).resources


def test_every_stack_in_sam_is_found() -> None:
    folders = {p.name for p in (ROOT / "sam").iterdir() if p.is_dir()}
    assert folders
    assert {stack_of(t) for t in TEMPLATES} == folders


@every_template
def test_sam_validate_with_lint_passes(template: Path) -> None:
    result = run_tool(BIN / "sam", "validate", "--lint", "-t", template.relative_to(ROOT))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


@pytest.mark.slow
@every_template
def test_sam_build_succeeds(template: Path, tmp_path: Path) -> None:
    result = run_tool(
        BIN / "sam", "build", "-t", template.relative_to(ROOT), "--build-dir", tmp_path / "build"
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Build Succeeded" in result.stdout


@every_template
def test_cfn_lint_reports_nothing(template: Path) -> None:
    result = run_tool(BIN / "cfn-lint", template.relative_to(ROOT))
    assert (result.returncode, result.stdout) == (0, "")


@pytest.mark.slow
@every_template
def test_checkov_passes_and_every_skip_says_why(template: Path) -> None:
    status, report = checkov_report(template)
    failed = report.get("results", {}).get("failed_checks", [])
    assert status == 0, [(c["check_id"], c["resource"]) for c in failed]
    for check in report.get("results", {}).get("skipped_checks", []):
        assert check.get("suppress_comment", "").strip(), check["check_id"]


@every_template
def test_only_actions_that_take_no_narrower_resource_are_granted_on_a_wildcard(
    template: Path,
) -> None:
    for logical_id, resource in _resources(template).items():
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


@every_template
def test_a_key_policy_grants_a_service_only_for_this_account_and_its_topics(
    template: Path,
) -> None:
    """Without a source-account condition any account's alarms could use the key (the
    confused deputy); the encryption context limits it to this account's SNS topics."""
    for logical_id, resource in _resources(template).items():
        if resource["Type"] != "AWS::KMS::Key":
            continue
        for statement in resource["Properties"]["KeyPolicy"]["Statement"]:
            if "Service" not in statement["Principal"]:
                continue
            condition = statement.get("Condition", {})
            assert condition.get("StringEquals", {}).get("aws:SourceAccount") == {
                "Ref": "AWS::AccountId"
            }, (logical_id, statement["Sid"])
            context = condition.get("ArnLike", {}).get("kms:EncryptionContext:aws:sns:topicArn")
            assert context is not None, (logical_id, statement["Sid"])


@every_template
def test_every_taggable_resource_carries_the_project_parameter_as_its_project_tag(
    template: Path,
) -> None:
    for logical_id, resource in _resources(template).items():
        if resource["Type"] in TAGGED_TYPES:
            assert tags_of(resource).get("project") == {"Ref": "Project"}, logical_id
