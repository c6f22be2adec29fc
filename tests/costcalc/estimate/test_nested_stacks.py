"""Nested stacks and applications: listed as not estimated, never a crash or a network call."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.usage_file import UsageFile

FUNCTION = """\
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: app.handler
      Runtime: python3.12
      InlineCode: "def handler(event, context): pass"
      Events:
        Get: {Type: HttpApi, Properties: {Path: /items, Method: get}}
"""


@pytest.mark.parametrize(
    ("nested", "named"),
    [
        (
            "    Type: AWS::Serverless::Application\n    Properties:\n"
            "      Location:\n"
            "        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/x\n"
            "        SemanticVersion: 1.0.0\n",
            "serverlessrepo:arn:aws:serverlessrepo:us-east-1:123456789012:applications/x@1.0.0",
        ),
        (
            "    Type: AWS::Serverless::Application\n    Properties: {Location: ./vpc.yaml}\n",
            "./vpc.yaml",
        ),
        (
            "    Type: AWS::CloudFormation::Stack\n    Properties: {TemplateURL: ./pipes.yaml}\n",
            "./pipes.yaml",
        ),
    ],
)
def test_a_nested_stack_is_noted_as_not_estimated_and_the_rest_is_priced(
    tmp_path: Path, nested: str, named: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "")  # no credentials: a repository call would fail
    template = tmp_path / "template.yaml"
    template.write_text(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Nested:\n" + nested + FUNCTION
    )
    usage = UsageFile(tmp_path / "u.yml", {})
    estimated = estimate_source(template, Decimal(10), usage, samconfig=False).estimates[0]
    assert [e.resource for e in estimated.followed.entries] == ["ServerlessHttpApi"]
    assert (
        f"Nested (AWS::CloudFormation::Stack): a nested stack ({named}): its resources are not "
        "in this template and not estimated; estimate its template on its own"
    ) in estimated.followed.notes
