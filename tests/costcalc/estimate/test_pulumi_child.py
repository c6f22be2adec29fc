"""A foreign Pulumi program runs in a child process: held to a time limit and an exit contract."""

from __future__ import annotations

from pathlib import Path

import pytest

from costcalc.estimate import pulumi_template
from costcalc.estimate.pulumi_template import read_pulumi
from costcalc.estimate.template import TemplateError

_PROJECT = "name: foreign\nruntime: python\n"
_CONFIG = "config:\n  aws:region: us-east-1\n"


def _project(tmp_path: Path, program: str) -> Path:
    (tmp_path / "Pulumi.yaml").write_text(_PROJECT)
    (tmp_path / "Pulumi.dev.yaml").write_text(_CONFIG)
    (tmp_path / "__main__.py").write_text(program)
    return tmp_path


@pytest.mark.parametrize(
    "ending", ["import sys\nsys.exit(0)\n", "import os\nos._exit(0)\n", "raise SystemExit(0)\n"]
)
def test_a_program_that_exits_early_is_refused_not_priced_as_empty(
    tmp_path: Path, ending: str
) -> None:
    project = _project(tmp_path, "import pulumi_aws as aws\naws.sqs.Queue('q')\n" + ending)
    with pytest.raises(TemplateError, match=r"exited with code 0 before it finished"):
        read_pulumi(project)


def test_a_program_that_never_returns_is_stopped_at_the_time_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pulumi_template, "PROGRAM_SECONDS", 3)
    project = _project(tmp_path, "while True:\n    pass\n")
    with pytest.raises(TemplateError, match="did not finish within 3 s"):
        read_pulumi(project)


def test_a_program_that_raises_is_refused_with_its_exception(tmp_path: Path) -> None:
    project = _project(tmp_path, "raise KeyError('Bucket')\n")
    with pytest.raises(TemplateError, match=r"raised KeyError: 'Bucket'; expected a program"):
        read_pulumi(project)


def test_a_program_that_returns_is_read_from_the_childs_report(tmp_path: Path) -> None:
    project = _project(
        tmp_path, "import pulumi_aws as aws\nprint('chatty')\naws.sqs.Queue('jobs')\n"
    )
    template = read_pulumi(project)
    assert template.of_type("AWS::SQS::Queue").keys() == {"Jobs"}


def test_a_program_reads_its_relative_paths_from_its_project_folder(tmp_path: Path) -> None:
    project = _project(
        tmp_path,
        "import os\nimport pulumi_aws as aws\nfor name in os.listdir('www'):\n"
        "    aws.sqs.Queue(name)\n",
    )
    (project / "www").mkdir()
    (project / "www" / "jobs").write_text("")
    assert read_pulumi(project).of_type("AWS::SQS::Queue").keys() == {"Jobs"}


def test_a_program_building_strings_from_outputs_of_types_not_read_runs_to_its_end(
    tmp_path: Path,
) -> None:
    program = """\
import pulumi_aws as aws
api = aws.apigateway.RestApi("api")
stage = aws.apigateway.Stage("stage", rest_api=api.id, deployment="d", stage_name="s")
policy = aws.iam.Policy("policy", policy="{}")
role = aws.iam.Role("role", assume_role_policy="{}")
aws.iam.RolePolicyAttachment("attach", role=role.name, policy_arn=policy.arn)
service = stage.execution_arn.apply(lambda arn: arn.split(":")[2] + "-jobs")
aws.lambda_.Function("f", role=role.arn, environment={"variables": {"SERVICE": service}})
"""
    template = read_pulumi(_project(tmp_path, program))
    environment = template.resources["F"]["Properties"]["Environment"]
    assert environment == {"Variables": {"SERVICE": "apigateway-jobs"}}
    assert template.resources["Role"]["Properties"]["ManagedPolicyArns"] == [
        "arn:aws:iam:us-east-1:123456789012:policy/policy"
    ]
    assert template.unread["Stage"] == "aws:apigateway/stage:Stage"


def test_a_policy_document_looked_up_is_the_document_its_statements_make(tmp_path: Path) -> None:
    program = """\
import pulumi_aws as aws
document = aws.iam.get_policy_document(statements=[{"actions": ["sqs:SendMessage"],
    "resources": ["*"], "principals": [{"type": "Service",
    "identifiers": ["events.amazonaws.com"]}]}])
aws.sqs.QueuePolicy("p", queue_url="u", policy=document.json)
"""
    template = read_pulumi(_project(tmp_path, program))
    assert template.resources["P"]["Properties"]["PolicyDocument"]["Statement"] == [
        {"Effect": "Allow", "Action": ["sqs:SendMessage"], "Resource": ["*"],
         "Principal": {"Service": ["events.amazonaws.com"]}}
    ]  # fmt: skip


def test_a_program_importing_a_package_not_installed_is_told_to_install_it(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, "import pulumi_randomish.sub\n")
    with pytest.raises(TemplateError) as refused:
        read_pulumi(project)
    assert str(refused.value) == (
        f"{project / '__main__.py'}: the Pulumi program (stack dev) imports pulumi_randomish, "
        "which is not installed where costcalc runs: pip install pulumi-randomish (the "
        "program's requirements.txt)"
    )


def test_a_program_needing_config_the_stack_lacks_is_told_which_key_to_set(
    tmp_path: Path,
) -> None:
    project = _project(tmp_path, "import pulumi\npulumi.Config().require('targetDomain')\n")
    with pytest.raises(TemplateError) as refused:
        read_pulumi(project)
    assert str(refused.value) == (
        f"{project / '__main__.py'}: the Pulumi program (stack dev) needs the config value "
        "foreign:targetDomain, which Pulumi.dev.yaml does not set; add it under config: "
        "(foreign:targetDomain: VALUE), as `pulumi config set targetDomain VALUE` would"
    )
