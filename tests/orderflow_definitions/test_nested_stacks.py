"""Nested stacks on disk are inlined as CloudFormation deploys them: one set of resources."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.nested_stacks import INLINED, inline_nested_stacks


def _read(path: Path) -> dict[str, Any]:
    return dict(json.loads(path.read_text()))


def _parent(folder: Path, child: dict[str, Any], parameters: dict[str, Any]) -> dict[str, Any]:
    (folder / "child.json").write_text(json.dumps(child))
    stack = {"Type": "AWS::CloudFormation::Stack",
             "Properties": {"TemplateURL": "child.json", "Parameters": parameters}}  # fmt: skip
    return {"Resources": {"Queue": {"Type": "AWS::SQS::Queue"}, "Child": stack}}


def test_a_child_id_the_parent_has_too_is_prefixed_with_the_stack_and_references_follow(
    tmp_path: Path,
) -> None:
    child = {
        "Parameters": {"Name": {"Type": "String"}},
        "Resources": {
            "Queue": {"Type": "AWS::SQS::Queue", "Properties": {"QueueName": {"Ref": "Name"}}},
            "Rule": {
                "Type": "AWS::Events::Rule",
                "DependsOn": "Queue",
                "Properties": {"Targets": [{"Arn": {"Fn::Sub": "${Queue.Arn}-${Name}"}}]},
            },
        },
    }
    merged = inline_nested_stacks(_parent(tmp_path, child, {"Name": "jobs"}), tmp_path, "t", _read)
    resources = merged["Resources"]
    assert set(resources) == {"Queue", "Child", "ChildQueue", "Rule"}
    assert resources["ChildQueue"]["Properties"] == {"QueueName": "jobs"}
    assert resources["Rule"]["DependsOn"] == "ChildQueue"
    assert resources["Rule"]["Properties"]["Targets"][0]["Arn"] == {
        "Fn::Sub": ["${ChildQueue.Arn}-${Name}", {"Name": "jobs"}]
    }


def test_a_parameter_neither_passed_nor_defaulted_is_refused_naming_it(tmp_path: Path) -> None:
    child = {"Parameters": {"Name": {"Type": "String"}}, "Resources": {}}
    with pytest.raises(DefinitionError, match="parameter Name has no default"):
        inline_nested_stacks(_parent(tmp_path, child, {}), tmp_path, "t", _read)


def test_a_nested_stack_only_in_s3_is_left_as_it_is(tmp_path: Path) -> None:
    url = "https://bucket.s3.amazonaws.com/child.yaml"
    stack = {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": url}}
    document = {"Resources": {"Child": stack}}
    assert inline_nested_stacks(document, tmp_path, "t", _read) == document


def test_a_nested_stack_whose_local_template_is_missing_is_left_as_it_is(tmp_path: Path) -> None:
    stack = {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "vpc.yaml"}}
    document = {"Resources": {"Vpc": stack}}
    assert inline_nested_stacks(document, tmp_path, "t", _read) == document


def test_an_inlined_stack_is_marked_with_the_file_it_was_read_from(tmp_path: Path) -> None:
    merged = inline_nested_stacks(_parent(tmp_path, {"Resources": {}}, {}), tmp_path, "t", _read)
    assert merged["Resources"]["Child"]["Metadata"] == {INLINED: "child.json"}


def test_a_parent_reading_a_nested_stack_s_output_gets_its_value_in_the_parent_s_terms(
    tmp_path: Path,
) -> None:
    child = {
        "Resources": {"Queue": {"Type": "AWS::SQS::Queue"}},
        "Outputs": {"QueueArn": {"Value": {"Fn::GetAtt": ["Queue", "Arn"]}}},
    }
    document = _parent(tmp_path, child, {})
    document["Resources"]["Mapping"] = {
        "Type": "AWS::Lambda::EventSourceMapping",
        "Properties": {"EventSourceArn": {"Fn::GetAtt": ["Child", "Outputs.QueueArn"]}},
    }
    document["Outputs"] = {"Jobs": {"Value": {"Fn::GetAtt": "Child.Outputs.QueueArn"}}}

    merged = inline_nested_stacks(document, tmp_path, "t", _read)

    arn = {"Fn::GetAtt": ["ChildQueue", "Arn"]}  # the child's Queue, renamed beside the parent's
    assert merged["Resources"]["Mapping"]["Properties"]["EventSourceArn"] == arn
    assert merged["Outputs"]["Jobs"]["Value"] == arn


def test_a_stack_that_nests_itself_is_refused_past_the_nesting_limit(tmp_path: Path) -> None:
    stack = {"Type": "AWS::CloudFormation::Stack", "Properties": {"TemplateURL": "self.json"}}
    document = {"Resources": {"Again": stack}}
    (tmp_path / "self.json").write_text(json.dumps(document))

    with pytest.raises(DefinitionError, match="Again: nested stacks more than 8 deep"):
        inline_nested_stacks(document, tmp_path, "t", _read)


def test_a_condition_the_child_defines_otherwise_than_the_parent_is_refused(
    tmp_path: Path,
) -> None:
    child = {"Conditions": {"Prod": {"Fn::Equals": ["a", "b"]}}, "Resources": {}}
    document = _parent(tmp_path, child, {})
    document["Conditions"] = {"Prod": {"Fn::Equals": ["a", "a"]}}

    with pytest.raises(DefinitionError, match="condition Prod differs from the parent's"):
        inline_nested_stacks(document, tmp_path, "t", _read)
