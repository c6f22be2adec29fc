"""Parameters are checked as CloudFormation checks them."""

from __future__ import annotations

from typing import Any

import pytest

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.parameters import parameter_values

DECLARED: dict[str, Any] = {
    "Timeout": {"Type": "Number", "Default": 60, "MinValue": 1, "MaxValue": 86400},
    "Name": {"Type": "String", "Default": "shop", "MinLength": 2, "MaxLength": 8},
    "Email": {
        "Type": "String",
        "AllowedPattern": r"[^@]+@[^@]+",
        "ConstraintDescription": "an email",
    },
    "Days": {"Type": "Number", "Default": 1, "AllowedValues": [1, 3, 5]},
    "Zones": {"Type": "CommaDelimitedList", "Default": "a,b"},
}


def test_defaults_and_given_values_are_checked_and_lists_split() -> None:
    values = parameter_values("t.yaml", DECLARED, {"Email": "me@example.org"})
    assert values == {
        "Timeout": "60",
        "Name": "shop",
        "Email": "me@example.org",
        "Days": "1",
        "Zones": ["a", "b"],
    }


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"Timeout": "-5"}, r"Timeout=-5: accepted values are 1 to 86400"),
        ({"Timeout": "86401"}, r"Timeout=86401: accepted values are 1 to 86400"),
        ({"Timeout": "soon"}, r"Timeout=soon: not a number"),
        ({"Name": "x"}, r"Name=x: accepted lengths are 2 to 8 characters"),
        ({"Name": "far-too-long"}, r"Name=far-too-long: accepted lengths are 2 to 8"),
        ({"Email": "nobody"}, r"Email=nobody: does not match the pattern .* \(an email\)"),
        ({"Days": "2"}, r"Days=2: accepted values are 1, 3, 5"),
        ({"Colour": "red"}, r"unknown parameter\(s\) Colour; the template declares Days, "),
    ],
)
def test_a_value_cloudformation_would_refuse_is_refused_naming_it(
    given: dict[str, str], message: str
) -> None:
    with pytest.raises(DefinitionError, match=r"^t\.yaml: .*" + message):
        parameter_values("t.yaml", DECLARED, given)


def test_a_parameter_without_default_or_value_is_none_until_used() -> None:
    assert parameter_values("t.yaml", DECLARED, {})["Email"] is None
