"""A template's parameters: each declared one's value, checked as CloudFormation checks it.

CloudFormation refuses a value outside ``AllowedValues``, ``MinValue``/``MaxValue`` (Number),
``MinLength``/``MaxLength`` or ``AllowedPattern`` (String), and a Number that is not a number;
so does this module, naming the parameter, the value and what is accepted.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from orderflow_definitions.errors import DefinitionError

_LIST_TYPES = ("CommaDelimitedList", "List<")


def text(value: Any) -> str:
    """A YAML scalar as CloudFormation reads it (``true``, not Python's ``True``)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _number(name: str, value: str) -> Decimal:
    try:
        number = Decimal(value)
    except InvalidOperation:
        raise DefinitionError(f"parameter {name}={value}: not a number") from None
    if not number.is_finite():
        raise DefinitionError(f"parameter {name}={value}: not a finite number")
    return number


def _check_one(name: str, value: str, declaration: Mapping[str, Any], number: bool) -> None:
    why = declaration.get("ConstraintDescription")
    because = f" ({why})" if why else ""
    allowed = declaration.get("AllowedValues")
    if allowed is not None and value not in [text(a) for a in allowed]:
        raise DefinitionError(
            f"parameter {name}={value}: accepted values are "
            f"{', '.join(text(a) for a in allowed)}{because}"
        )
    if number:
        found = _number(name, value)
        low, high = declaration.get("MinValue"), declaration.get("MaxValue")
        if (low is not None and found < _number(f"{name}.MinValue", text(low))) or (
            high is not None and found > _number(f"{name}.MaxValue", text(high))
        ):
            raise DefinitionError(
                f"parameter {name}={value}: accepted values are "
                f"{text(low) if low is not None else '-inf'} to "
                f"{text(high) if high is not None else 'inf'}{because}"
            )
        return
    shortest, longest = declaration.get("MinLength"), declaration.get("MaxLength")
    if (shortest is not None and len(value) < int(shortest)) or (
        longest is not None and len(value) > int(longest)
    ):
        raise DefinitionError(
            f"parameter {name}={value}: accepted lengths are "
            f"{shortest if shortest is not None else 0} to "
            f"{longest if longest is not None else 'any'} characters{because}"
        )
    pattern = declaration.get("AllowedPattern")
    if pattern is not None:
        try:
            fits = re.fullmatch(str(pattern), value) is not None
        except re.error as error:
            raise DefinitionError(
                f"parameter {name}: AllowedPattern {pattern!r} is not a valid pattern ({error})"
            ) from None
        if not fits:
            raise DefinitionError(
                f"parameter {name}={value}: does not match the pattern {pattern}{because}"
            )


def check_value(name: str, value: str, declaration: Mapping[str, Any]) -> Any:
    """``value`` checked against ``declaration``; a list for list types (as ``Ref`` gives)."""
    kind = str(declaration.get("Type", "String"))
    if kind.startswith(_LIST_TYPES):
        items = [item.strip() for item in value.split(",")] if value else []
        for item in items:
            _check_one(name, item, declaration, kind == "List<Number>")
        return items
    _check_one(name, value, declaration, kind == "Number")
    return value


def parameter_values(
    source: str, declared: Mapping[str, Any], given: Mapping[str, str]
) -> dict[str, Any]:
    """Each declared parameter's value: given, else its default (also checked, as CloudFormation
    does), else None (the reader refuses a ``Ref`` to it, naming the flag that sets it)."""
    if not isinstance(declared, Mapping):
        raise DefinitionError(f"{source}: Parameters is not a mapping")
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise DefinitionError(
            f"{source}: unknown parameter(s) {', '.join(unknown)}; the template declares "
            f"{', '.join(sorted(declared)) or 'none'}"
        )
    values: dict[str, Any] = {}
    for name, declaration in declared.items():
        spec = declaration if isinstance(declaration, Mapping) else {}
        value = given.get(name, text(spec["Default"]) if "Default" in spec else None)
        try:
            values[name] = None if value is None else check_value(name, value, spec)
        except DefinitionError as error:
            raise DefinitionError(f"{source}: {error}") from None
    return values
