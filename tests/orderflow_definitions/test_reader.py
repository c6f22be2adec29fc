"""read_definition reads real definitions as the deploy would: through the real samtranslator."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.reader import read_definition

ROOT = Path(__file__).resolve().parents[2]
ASL = {"StartAt": "Tell", "States": {"Tell": {"Type": "Pass", "End": True}}}
LAMBDA_ARN = "arn:aws:lambda:us-east-1:123456789012:function:Worker"
TOPIC_ARN = "arn:aws:sns:us-east-1:123456789012:Topic"


def _write(folder: Path, text: str, name: str = "template.yaml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


SAM_WITH_DATES = """\
AWSTemplateFormatVersion: 2010-09-09
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
      Policies:
        - Version: 2012-10-17
          Statement: [{Effect: Allow, Action: sns:Publish, Resource: !Ref Topic}]
  Topic:
    Type: AWS::SNS::Topic
  Flow:
    Type: AWS::Serverless::StateMachine
    Properties:
      Type: EXPRESS
      Definition:
        StartAt: Work
        States:
          Work:
            Type: Task
            Resource: !GetAtt Worker.Arn
            Next: Tell
          Tell:
            Type: Task
            Resource: arn:aws:states:::sns:publish
            Parameters:
              TopicArn: !Sub "${Topic}"
              Message: !Sub "in ${AWS::Region}"
            End: true
  Second:
    Type: AWS::Serverless::StateMachine
    Properties:
      DefinitionUri: second.asl.json
"""


def test_unquoted_dates_several_machines_and_intrinsics_in_a_definition(tmp_path: Path) -> None:
    (tmp_path / "src").mkdir()
    _write(tmp_path, json.dumps(ASL), "second.asl.json")
    found = read_definition(_write(tmp_path, SAM_WITH_DATES))
    assert set(found.state_machines) == {"Flow", "Second"}
    flow = found.state_machines["Flow"]
    assert flow.type == "EXPRESS"
    assert flow.definition["States"]["Work"]["Resource"] == LAMBDA_ARN
    assert flow.definition["States"]["Tell"]["Parameters"] == {
        "TopicArn": TOPIC_ARN,
        "Message": "in us-east-1",
    }
    assert found.state_machines["Second"].definition == ASL
    assert found.logical_id(LAMBDA_ARN + ":$LATEST") == "Worker"
    assert found.of_type("AWS::StepFunctions::StateMachine").keys() == {"Flow", "Second"}
    assert found.code_uris == {"Worker": "src/"}


CDK_STYLE = {
    "Resources": {
        "WorkerFnA1B2C3D4": {
            "Type": "AWS::Lambda::Function",
            "Properties": {"Code": {"S3Bucket": {"Fn::Sub": "cdk-assets-${AWS::AccountId}"}}},
            "Metadata": {"aws:cdk:path": "App/Worker/Resource", "aws:asset:path": "asset.abc"},
        },
        "FlowE5F6A7B8": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "DefinitionString": {
                    "Fn::Join": [
                        "",
                        [
                            '{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"',
                            {"Fn::GetAtt": ["WorkerFnA1B2C3D4", "Arn"]},
                            '","End":true}}}',
                        ],
                    ]
                }
            },
        },
        "SubFlow": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {
                "StateMachineType": "EXPRESS",
                "DefinitionString": {
                    "Fn::Sub": '{"StartAt":"A","States":{"A":{"Type":"Wait","Seconds":1,'
                    '"Comment":"${AWS::StackName}","End":true}}}'
                },
            },
        },
        "Plain": {
            "Type": "AWS::StepFunctions::StateMachine",
            "Properties": {"DefinitionString": json.dumps(ASL)},
        },
    }
}


def test_a_cdk_template_with_join_sub_and_plain_definition_strings(tmp_path: Path) -> None:
    found = read_definition(_write(tmp_path, json.dumps(CDK_STYLE), "App.template.json"))
    work = found.state_machines["FlowE5F6A7B8"].definition["States"]["Work"]
    assert found.logical_id(work["Resource"]) == "WorkerFnA1B2C3D4"
    assert found.state_machines["SubFlow"].type == "EXPRESS"
    assert found.state_machines["Plain"].definition == ASL


S3_DEFINITION = """\
Resources:
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      DefinitionS3Location: {Bucket: my-bucket, Key: flows/flow.asl.json}
"""


def test_a_definition_in_s3_is_refused_naming_it_and_the_flag_then_read_from_a_copy(
    tmp_path: Path,
) -> None:
    template = _write(tmp_path, S3_DEFINITION)
    with pytest.raises(
        DefinitionError,
        match=r"Flow: DefinitionS3Location is in S3 \(s3://my-bucket/flows/flow.asl.json\).*"
        r"--definition Flow=PATH",
    ):
        read_definition(template)
    copy = _write(tmp_path, json.dumps(ASL), "copy.asl.json")
    assert (
        read_definition(template, definitions={"Flow": copy}).state_machines["Flow"].definition
        == ASL
    )
    with pytest.raises(DefinitionError, match=r"--definition Nope: no state machine"):
        read_definition(template, definitions={"Nope": copy})


INCLUDING = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Api:
    Type: AWS::Serverless::Api
    Properties:
      StageName: prod
      DefinitionBody:
        Fn::Transform:
          Name: AWS::Include
          Parameters: {Location: api/openapi.yaml}
  Fn::Transform:
    Name: AWS::Include
    Parameters: {Location: more.yaml}
"""


def test_a_local_include_is_inlined_as_sam_package_would(tmp_path: Path) -> None:
    (tmp_path / "api").mkdir()
    _write(
        tmp_path, "openapi: 3.0.1\ninfo: {title: t, version: '1'}\npaths: {}\n", "api/openapi.yaml"
    )
    _write(tmp_path, "Topic:\n  Type: AWS::SNS::Topic\n", "more.yaml")
    found = read_definition(_write(tmp_path, INCLUDING))
    assert found.written["Resources"]["Api"]["Properties"]["DefinitionBody"]["openapi"] == "3.0.1"
    assert "Topic" in found.resources
    assert "AWS::ApiGateway::RestApi" in {r["Type"] for r in found.resources.values()}


def test_an_include_in_s3_is_refused_naming_it(tmp_path: Path) -> None:
    text = INCLUDING.replace("api/openapi.yaml", "s3://bucket/openapi.yaml")
    with pytest.raises(DefinitionError, match=r"AWS::Include s3://bucket/openapi.yaml is in S3"):
        read_definition(_write(tmp_path, text))


def test_a_placeholder_no_substitution_names_stays_as_written(tmp_path: Path) -> None:
    """CloudFormation replaces only the keys DefinitionSubstitutions gives; the rest of the
    definition is taken as it is."""
    _write(
        tmp_path,
        '{"StartAt":"A","States":{"A":{"Type":"Pass","Comment":"${Gone} ${Here}","End":true}}}',
        "f.json",
    )
    text = SAM_WITH_DATES.replace(
        "DefinitionUri: second.asl.json",
        "DefinitionUri: f.json\n      DefinitionSubstitutions: {Here: x}",
    )
    (tmp_path / "src").mkdir()
    found = read_definition(_write(tmp_path, text))
    assert found.state_machines["Second"].definition["States"]["A"]["Comment"] == "${Gone} x"


@pytest.mark.parametrize("style", ["choreography", "orchestration"])
def test_the_kits_own_stacks_read(style: str) -> None:
    found = read_definition(ROOT / f"sam/{style}/template.yaml")
    assert len(found.state_machines) == (style == "orchestration")


FIXTURES = Path(__file__).parent / "fixtures"


def test_a_public_sam_template_with_unquoted_policy_dates_and_three_machines() -> None:
    """aws-samples/step-functions-workflows-collection, inventory-management-sam (PROVENANCE)."""
    found = read_definition(FIXTURES / "inventory-management-sam/template.yaml")
    machines = found.state_machines
    assert {k: m.type for k, m in machines.items()} == {
        "ReserveStockStateMachine": "EXPRESS",
        "CreatePurchaseOrderStateMachine": "STANDARD",
        "CheckInventoryLevelStateMachine": "EXPRESS",
    }
    get_item = machines["ReserveStockStateMachine"].definition["States"]["DynamoDB GetItem"]
    assert found.logical_id(get_item["Parameters"]["TableName"]) == "InventoryTable"
    assert "${" not in json.dumps([m.definition for m in machines.values()])


def test_a_public_cdk_template_with_a_joined_definition_string() -> None:
    """aws-samples/step-functions-workflows-collection, text-processing-sqs-express-cdk."""
    found = read_definition(
        FIXTURES / "text-processing-sqs-express-cdk/cdk.out/"
        "ProcesshighvolumemessagesSqsExpressStack.template.json"
    )
    [machine] = found.state_machines.values()
    assert machine.type == "EXPRESS"
    invoked = [
        found.logical_id(state["Parameters"]["FunctionName"])
        for state in machine.definition["States"].values()
    ]
    assert invoked == [
        "Base64Decode7789B883",
        "GenerateStatistics62712191",
        "StringCleanerACAF150C",
        "TokenizeandCount1C7B3816",
    ]


IMAGE_FUNCTIONS = """\
Transform: AWS::Serverless-2016-10-31
Resources:
  Worker:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      MemorySize: 2048
    Metadata: {DockerContext: ./worker, Dockerfile: Dockerfile}
  Built:
    Type: AWS::Serverless::Function
    Properties:
      PackageType: Image
      ImageUri: 111111111111.dkr.ecr.eu-west-1.amazonaws.com/built:v1
"""


def test_an_image_function_before_sam_build_reads_with_a_placeholder_image(tmp_path: Path) -> None:
    found = read_definition(_write(tmp_path, IMAGE_FUNCTIONS))

    worker = found.resources["Worker"]["Properties"]
    assert worker["PackageType"] == "Image"
    assert worker["Code"]["ImageUri"].endswith("/orderflow-definitions/worker:latest")
    assert worker["MemorySize"] == 2048
    built = found.resources["Built"]["Properties"]["Code"]["ImageUri"]
    assert built == "111111111111.dkr.ecr.eu-west-1.amazonaws.com/built:v1"
