import pytest

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.intrinsics import resolve
from orderflow_localrun.intrinsics import Names


@pytest.fixture
def names() -> Names:
    return Names(
        stack_name="shop",
        region="eu-west-1",
        account_id="111122223333",
        parameters={"Env": "prod", "Timeout": "30"},
        mappings={"Sizes": {"prod": {"Memory": 512}}},
        conditions={"IsProd": {"Fn::Equals": [{"Ref": "Env"}, "prod"]}},
        refs={"Table": "shop-Table"},
        attributes={"Fn": {"Arn": "arn:aws:lambda:eu-west-1:111122223333:function:shop-Fn"}},
    )


def test_refs_resolve_parameters_resources_and_pseudo_parameters(names: Names) -> None:
    assert resolve({"Ref": "Env"}, names) == "prod"
    assert resolve({"Ref": "Table"}, names) == "shop-Table"
    assert resolve({"Ref": "AWS::Region"}, names) == "eu-west-1"


def test_sub_fills_names_attributes_and_its_own_variables(names: Names) -> None:
    assert resolve({"Fn::Sub": "${AWS::StackName}-${Env}-${Fn.Arn}"}, names) == (
        "shop-prod-arn:aws:lambda:eu-west-1:111122223333:function:shop-Fn"
    )
    assert resolve({"Fn::Sub": ["${x}/${!Literal}", {"x": {"Ref": "Table"}}]}, names) == (
        "shop-Table/${Literal}"
    )


def test_conditions_maps_joins_and_no_value(names: Names) -> None:
    value = {
        "Memory": {"Fn::FindInMap": ["Sizes", {"Ref": "Env"}, "Memory"]},
        "Name": {"Fn::Join": ["-", ["a", {"Ref": "Env"}]]},
        "Mode": {"Fn::If": ["IsProd", "strict", "lenient"]},
        "Gone": {"Ref": "AWS::NoValue"},
        "List": [{"Fn::Select": [1, {"Fn::Split": [",", "x,y"]}]}],
    }
    assert resolve(value, names) == {
        "Memory": 512,
        "Name": "a-prod",
        "Mode": "strict",
        "List": ["y"],
    }


def test_an_unknown_reference_or_attribute_is_refused_naming_it(names: Names) -> None:
    with pytest.raises(DefinitionError, match="Ref Missing"):
        resolve({"Ref": "Missing"}, names)
    with pytest.raises(DefinitionError, match=r"Fn::GetAtt Fn\.Name.*known: Arn"):
        resolve({"Fn::GetAtt": ["Fn", "Name"]}, names)
    with pytest.raises(DefinitionError, match="Fn::ImportValue"):
        resolve({"Fn::ImportValue": "x"}, names)
