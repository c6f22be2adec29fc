"""A team's Pulumi program runs under the fake account as the CLI would run it."""

from __future__ import annotations

from pathlib import Path

from costcalc.estimate.pulumi_program import run_program

PROGRAM = """\
import pulumi_aws as aws

role = aws.iam.Role("role", assume_role_policy="{}")
fn = aws.lambda_.Function("fn", runtime="python3.12", handler="app.handler", role=role.arn,
                          code=None)
aws.lambda_.Permission("allow", action="lambda:InvokeFunction",
                       principal="apigateway.amazonaws.com", function=fn)
"""


def test_a_resource_given_whole_as_another_s_input_arrives_as_its_id(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: whole\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    (tmp_path / "__main__.py").write_text(PROGRAM)

    run = run_program(tmp_path, project="whole")

    (function,) = [r for r in run.resources if r.type == "aws:lambda/function:Function"]
    (permission,) = [r for r in run.resources if r.type == "aws:lambda/permission:Permission"]
    assert isinstance(permission.inputs["function"], str)
    assert permission.inputs["function"] == function.outputs["id"]
