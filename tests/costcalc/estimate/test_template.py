"""Reading templates as deployed: parameters, samconfig.toml, definitions and substitutions."""

from __future__ import annotations

from pathlib import Path

import pytest

from costcalc.estimate.deployed import deployed
from costcalc.estimate.template import TemplateError, find_samconfig, read_template

FUNCTION_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Memory: {{Type: Number, Default: 256}}
  Storage: {{Type: Number}}
Resources:
  WorkerFunction:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.13
      Handler: worker.handler
      CodeUri: ./src
      MemorySize: !Ref Memory
      {storage}
"""


def _write(tmp_path: Path, text: str, name: str = "template.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def _memory(path: Path, **kwargs: object) -> int:
    found = deployed(read_template(path, **kwargs))  # type: ignore[arg-type]
    return int(found.functions["WorkerFunction"].memory_mb)


def test_parameters_come_from_defaults_then_samconfig_then_the_command_line(
    tmp_path: Path,
) -> None:
    template = _write(tmp_path, FUNCTION_TEMPLATE.format(storage=""))
    assert _memory(template) == 256
    samconfig = _write(
        tmp_path,
        'version = 0.1\n[default.deploy.parameters]\nparameter_overrides = "Memory=512"\n',
        "samconfig.toml",
    )
    assert _memory(template, samconfig=samconfig) == 512
    assert _memory(template, overrides={"Memory": "1024"}, samconfig=samconfig) == 1024


def test_a_parameter_a_priced_figure_needs_without_a_value_is_refused_naming_it(
    tmp_path: Path,
) -> None:
    template = _write(
        tmp_path,
        FUNCTION_TEMPLATE.format(storage="EphemeralStorage: {Size: !Ref Storage}"),
    )
    with pytest.raises(
        TemplateError,
        match=r"WorkerFunction\.Properties\.EphemeralStorage: parameter Storage: required "
        r"\(no default\); pass a value for it \(--parameter Storage=VALUE\)",
    ):
        deployed(read_template(template))
    found = deployed(read_template(template, {"Storage": "2048"}))
    assert found.functions["WorkerFunction"].ephemeral_storage_mb == 2048


def test_an_undeclared_parameter_is_refused_with_the_declared_ones(tmp_path: Path) -> None:
    template = _write(tmp_path, FUNCTION_TEMPLATE.format(storage=""))
    with pytest.raises(
        TemplateError, match=r"unknown parameter\(s\) Memry; the template declares Memory, Storage"
    ):
        read_template(template, {"Memry": "512"})


MACHINE_TEMPLATE = """\
Transform: AWS::Serverless-2016-10-31
Parameters:
  Topic: {{Type: String, Default: orders}}
Resources:
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: {uri}
      DefinitionSubstitutions:
        TopicName: !Ref Topic
        Bus: !Sub "${{AWS::StackName}}-bus"
"""
DEFINITION = """{
  "StartAt": "Tell",
  "States": {
    "Tell": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish",
             "Parameters": {"TopicArn": "${TopicName}", "Message": "${Bus}"}, "End": true}
  }
}"""


def test_a_local_definition_is_read_with_its_substitutions_filled(tmp_path: Path) -> None:
    _write(tmp_path, DEFINITION, "flow.asl.json")
    template = read_template(_write(tmp_path, MACHINE_TEMPLATE.format(uri="flow.asl.json")))
    parameters = template.definitions["Flow"]["States"]["Tell"]["Parameters"]
    assert parameters == {"TopicArn": "orders", "Message": "stack-bus"}
    assert "Flow" in template.of_type("AWS::StepFunctions::StateMachine")


def test_a_placeholder_no_substitution_names_stays_as_written_as_cloudformation_leaves_it(
    tmp_path: Path,
) -> None:
    _write(tmp_path, DEFINITION.replace("${Bus}", "${Region}"), "flow.asl.json")
    template = read_template(_write(tmp_path, MACHINE_TEMPLATE.format(uri="flow.asl.json")))
    parameters = template.definitions["Flow"]["States"]["Tell"]["Parameters"]
    assert parameters == {"TopicArn": "orders", "Message": "${Region}"}


@pytest.mark.parametrize(
    ("files", "uri", "message"),
    [
        (
            {},
            "missing.asl.json",
            r"Flow: DefinitionUri missing.asl.json: .*missing.asl.json: cannot read the state "
            r"machine definition \(No such file or directory\)",
        ),
        (
            {"bad.asl.json": "{not json"},
            "bad.asl.json",
            r"Flow: DefinitionUri bad.asl.json: not valid YAML or JSON \(Expecting property name",
        ),
        (
            {},
            "s3://bucket/flow.json",
            r"Flow: DefinitionUri is in S3 \(s3://bucket/flow.json\); .* supply a local copy "
            r"with --definition Flow=PATH",
        ),
    ],
)
def test_a_definition_that_cannot_be_read_or_resolved_is_refused_naming_it(
    tmp_path: Path, files: dict[str, str], uri: str, message: str
) -> None:
    for name, text in files.items():
        _write(tmp_path, text, name)
    with pytest.raises(TemplateError, match=message):
        read_template(_write(tmp_path, MACHINE_TEMPLATE.format(uri=uri)))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("just: text\n", r"not a CloudFormation or SAM template \(expected a mapping with"),
        ("[1, 2\n", r"not valid YAML or JSON"),
        (
            "Transform: AWS::Serverless-2016-10-31\nResources:\n  F:\n"
            "    Type: AWS::Serverless::Function\n    Properties: {Runtime: 3}\n",
            r"the SAM transform failed",
        ),
    ],
)
def test_a_file_that_is_not_a_template_is_refused(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(TemplateError, match=message):
        read_template(_write(tmp_path, text))


def test_a_broken_samconfig_in_the_working_folder_does_not_stop_an_unrelated_template(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "samconfig.toml").write_bytes(b"\xff\xfe not toml [")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    template = _write(elsewhere, FUNCTION_TEMPLATE.format(storage=""))
    monkeypatch.chdir(work)
    assert find_samconfig(template) is None
    assert find_samconfig(work / "template.yaml") == work / "samconfig.toml"
    with pytest.raises(TemplateError, match=r"samconfig.toml: the SAM configuration is not UTF-8"):
        read_template(template, samconfig=work / "samconfig.toml")


def test_a_parameter_outside_its_bounds_is_refused(tmp_path: Path) -> None:
    text = "Parameters:\n  Timeout: {Type: Number, Default: 60, MinValue: 1}\nResources: {}\n"
    with pytest.raises(TemplateError, match=r"Timeout=-5: accepted values are 1 to inf"):
        read_template(_write(tmp_path, text), {"Timeout": "-5"})


def test_a_definition_kept_in_s3_is_read_from_the_local_copy_given(tmp_path: Path) -> None:
    copy = _write(tmp_path, DEFINITION, "copy.asl.json")
    template = _write(tmp_path, MACHINE_TEMPLATE.format(uri="s3://bucket/flow.json"))
    read = read_template(template, definitions={"Flow": copy})
    assert read.definitions["Flow"]["States"]["Tell"]["Parameters"]["TopicArn"] == "orders"


def test_a_rules_schedule_chosen_by_fn_if_and_fn_findinmap_is_read_as_deployed(
    tmp_path: Path,
) -> None:
    template = read_template(
        _write(
            tmp_path,
            """\
Parameters:
  Kind: {Type: String, Default: cron}
Mappings:
  Rates: {hourly: {Expression: rate(1 hour)}}
Conditions:
  IsCron: !Equals [!Ref Kind, cron]
Resources:
  Tick:
    Type: AWS::Events::Rule
    Properties:
      ScheduleExpression: !If [IsCron, "cron(0 * * * ? *)", !FindInMap [Rates, hourly, Expression]]
      Other: !If [IsCron, !FindInMap [Rates, hourly, Expression], never]
""",
        )
    )
    properties = template.resources["Tick"]["Properties"]
    assert template.resolve(properties["ScheduleExpression"], "Tick") == "cron(0 * * * ? *)"
    assert template.resolve(properties["Other"], "Tick") == "rate(1 hour)"


def test_a_resource_whose_condition_is_false_is_left_out_and_fn_if_takes_its_branch(
    tmp_path: Path,
) -> None:
    template = read_template(
        _write(
            tmp_path,
            """\
Parameters:
  Env: {Type: String, Default: dev}
  Unknown: {Type: String}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  Later: !Equals [!Ref Unknown, x]
Resources:
  ProdQueue: {Type: AWS::SQS::Queue, Condition: IsProd}
  DevQueue: {Type: AWS::SQS::Queue}
  MaybeQueue: {Type: AWS::SQS::Queue, Condition: Later}
  Reader:
    Type: AWS::Lambda::EventSourceMapping
    Properties:
      EventSourceArn: !If [IsProd, !GetAtt ProdQueue.Arn, !GetAtt DevQueue.Arn]
      FunctionName: !If [Later, a, b]
""",
        )
    )
    assert set(template.resources) == {"DevQueue", "MaybeQueue", "Reader"}
    properties = template.resources["Reader"]["Properties"]
    assert properties["EventSourceArn"] == {"Fn::GetAtt": ["DevQueue", "Arn"]}
    assert properties["FunctionName"] == {"Fn::If": ["Later", "a", "b"]}
