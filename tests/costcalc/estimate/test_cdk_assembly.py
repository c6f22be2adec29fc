"""A CDK cloud assembly read as CDK deploys it: the stacks its manifest lists, stages
included, each nested stack inlined into its parent."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from costcalc.estimate.breakdown import estimate_source
from costcalc.estimate.template import TemplateError
from costcalc.estimate.usage import sources_in
from costcalc.estimate.usage_file import UsageFile

ASSET = "0" * 63 + "1"
MACHINE = {
    "Type": "AWS::StepFunctions::StateMachine",
    "Properties": {
        "RoleArn": "arn:aws:iam::123456789012:role/r",
        "DefinitionString": {
            "Fn::Join": [
                "",
                [
                    '{"StartAt":"Work","States":{"Work":{"Type":"Task","Resource":"arn:',
                    {"Ref": "AWS::Partition"},
                    ':states:::lambda:invoke","Parameters":{"FunctionName":"',
                    {"Fn::GetAtt": ["Stack1NestedStackResource", "Outputs.WorkerArnOutput"]},
                    '"},"End":true}}}',
                ],
            ]
        },
    },
}
NESTED = {
    "Parameters": {"Memory": {"Type": "Number"}},
    "Resources": {
        "WorkerF00D": {
            "Type": "AWS::Lambda::Function",
            "Properties": {"MemorySize": {"Ref": "Memory"}, "Role": "r", "Code": {}},
        }
    },
    "Outputs": {"WorkerArnOutput": {"Value": {"Fn::GetAtt": ["WorkerF00D", "Arn"]}}},
}


def _stack(metadata: bool) -> dict[str, Any]:
    url = {"Fn::Join": ["", ["https://s3.", {"Ref": "AWS::Region"}, f"/bucket/{ASSET}.json"]]}
    resource: dict[str, Any] = {
        "Type": "AWS::CloudFormation::Stack",
        "Properties": {"TemplateURL": url, "Parameters": {"Memory": 1024}},
    }
    if metadata:
        resource["Metadata"] = {
            "aws:asset:path": "AppStack1.nested.template.json",
            "aws:asset:property": "TemplateURL",
        }
    return resource


def _assembly(folder: Path, *, metadata: bool = True) -> Path:
    folder.mkdir(parents=True)
    parent = {"Resources": {"Flow0A1B": MACHINE, "Stack1NestedStackResource": _stack(metadata)}}
    (folder / "App.template.json").write_text(json.dumps(parent))
    (folder / "AppStack1.nested.template.json").write_text(json.dumps(NESTED))
    files = {ASSET: {"source": {"path": "AppStack1.nested.template.json"}}}
    (folder / "App.assets.json").write_text(json.dumps({"files": files}))
    artifacts = {"App": {"type": "aws:cloudformation:stack",
                         "properties": {"templateFile": "App.template.json"}}}  # fmt: skip
    (folder / "manifest.json").write_text(json.dumps({"artifacts": artifacts}))
    return folder


def _lambda_items(folder: Path) -> dict[str, Decimal]:
    breakdown = estimate_source(folder, Decimal(1000), UsageFile(), samconfig=False)
    return {
        f"{p.charge.resource}:{p.charge.item}": p.charge.monthly
        for estimate in breakdown.estimates
        for p in estimate.priced
        if p.charge.service == "lambda"
    }


def test_a_nested_stack_is_one_stack_with_its_parent_not_a_stack_of_its_own(
    tmp_path: Path,
) -> None:
    folder = _assembly(tmp_path / "cdk.out")
    assert [s.path.name for s in sources_in(folder)] == ["App.template.json"]


def test_a_parent_state_machine_invokes_the_function_a_nested_stack_exports(
    tmp_path: Path,
) -> None:
    items = _lambda_items(_assembly(tmp_path / "cdk.out"))
    assert items == {"WorkerF00D:requests-x86": Decimal(1000)}


def test_without_asset_metadata_the_assets_manifest_names_the_nested_template(
    tmp_path: Path,
) -> None:
    items = _lambda_items(_assembly(tmp_path / "cdk.out", metadata=False))
    assert items == {"WorkerF00D:requests-x86": Decimal(1000)}


def test_the_stacks_of_a_stage_are_read_from_its_own_assembly(tmp_path: Path) -> None:
    root = tmp_path / "cdk.out"
    _assembly(root / "assembly-Prod")
    stage = {"type": "cdk:cloud-assembly", "properties": {"directoryName": "assembly-Prod"}}
    root.joinpath("manifest.json").write_text(json.dumps({"artifacts": {"Prod": stage}}))
    assert [s.path.relative_to(root).as_posix() for s in sources_in(root)] == [
        "assembly-Prod/App.template.json"
    ]
    assert [s.path.name for s in sources_in(tmp_path)] == ["App.template.json"]


def test_a_cdk_app_not_synthesized_is_told_to_run_cdk_synth(tmp_path: Path) -> None:
    (tmp_path / "cdk.json").write_text('{"app": "npx tsx bin/app.ts"}')
    with pytest.raises(TemplateError) as refused:
        sources_in(tmp_path)
    assert str(refused.value) == (
        f"{tmp_path}: a CDK app with no synthesized cdk.out; run `cdk synth` in it, then "
        f"costcalc estimate {tmp_path / 'cdk.out'}"
    )


def test_a_project_s_definitions_in_subfolders_of_any_name_are_found(tmp_path: Path) -> None:
    _assembly(tmp_path / "infra" / "cdk" / "cdk.out")
    (tmp_path / "infra" / "cdk" / "node_modules" / "x").mkdir(parents=True)
    (tmp_path / "infra" / "cdk" / "node_modules" / "x" / "template.yaml").write_text("{}")
    (tmp_path / "backend" / "api").mkdir(parents=True)
    (tmp_path / "backend" / "api" / "template.yml").write_text("Resources: {}")
    (tmp_path / "deploy").mkdir()
    (tmp_path / "deploy" / "Pulumi.yaml").write_text("name: deploy\nruntime: python\n")
    found = [(s.path.relative_to(tmp_path).as_posix(), s.pulumi) for s in sources_in(tmp_path)]
    assert found == [
        ("backend/api/template.yml", False),
        ("infra/cdk/cdk.out/App.template.json", False),
        ("deploy", True),
    ]
