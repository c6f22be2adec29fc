"""EventBridge event patterns, matched as EventBridge matches them.

Every filter AWS documents for event patterns: exact values (strings, numbers, booleans,
null), ``prefix``, ``suffix`` and ``equals-ignore-case`` (and prefix/suffix with
``equals-ignore-case`` inside), ``wildcard``, ``anything-but`` (values, or a ``prefix``,
``suffix``, ``equals-ignore-case`` or ``wildcard`` filter), ``numeric``, ``cidr``, ``exists``
and ``$or``, nested to any depth. Where the event holds an array, the filter matches when any
element matches. Types are compared as JSON compares them: ``[1]`` does not match ``true``.
A pattern with an operator outside these is refused, not guessed.
"""

from __future__ import annotations

import ipaddress
import operator
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from orderflow_definitions.errors import DefinitionError

_MISSING: Any = object()
_COMPARISONS: dict[str, Callable[[Any, Any], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    "=": operator.eq,
    ">=": operator.ge,
    ">": operator.gt,
}
_OPERATORS = (
    "prefix, suffix, equals-ignore-case, wildcard, anything-but, numeric, cidr, exists, $or"
)


def matches(pattern: Mapping[str, Any], event: Any, where: str = "pattern") -> bool:
    """Whether ``event`` matches ``pattern``; ``where`` names the pattern in a refusal."""
    if not isinstance(pattern, Mapping):
        raise DefinitionError(f"{where}: an event pattern is a mapping, not {pattern!r}")
    return all(_field(key, wanted, event, where) for key, wanted in pattern.items())


def _field(key: str, wanted: Any, event: Any, where: str) -> bool:
    if key == "$or":
        if not isinstance(wanted, list) or not wanted:
            raise DefinitionError(f"{where}: $or takes a non-empty list of patterns")
        return any(matches(alternative, event, where) for alternative in wanted)
    value = event.get(key, _MISSING) if isinstance(event, Mapping) else _MISSING
    if isinstance(wanted, Mapping):
        # an absent (or non-object) field is an empty object: only `exists: false` matches in it
        objects = [
            v for v in (value if isinstance(value, list) else [value]) if isinstance(v, Mapping)
        ]
        return any(matches(wanted, v, where) for v in objects or [{}])
    if not isinstance(wanted, list):
        raise DefinitionError(f"{where}: {key!r}: expected a list of filters or a mapping")
    if isinstance(value, Mapping):
        value = _MISSING  # filters test leaf values; an object is not one
    return any(_filter(test, value, where) for test in wanted)


def _same(left: Any, right: Any) -> bool:
    """JSON equality: a boolean is not a number, and 1 equals 1.0."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    return bool(left == right)


def _leaves(value: Any) -> list[Any]:
    return [
        v
        for v in (value if isinstance(value, list) else [value])
        if not isinstance(v, Mapping | list)
    ]


def _filter(test: Any, value: Any, where: str) -> bool:
    if not isinstance(test, Mapping):
        return value is not _MISSING and any(_same(test, v) for v in _leaves(value))
    if len(test) != 1:
        raise DefinitionError(f"{where}: filter {dict(test)}: one operator per filter")
    ((name, operand),) = test.items()
    if name == "exists":
        if not isinstance(operand, bool):
            raise DefinitionError(f"{where}: exists takes true or false, not {operand!r}")
        return (value is not _MISSING) == operand
    if value is _MISSING:
        return False
    return any(_operator(name, operand, leaf, where) for leaf in _leaves(value))


def _text_test(name: str, operand: Any, where: str) -> Callable[[str], bool]:
    """prefix/suffix/equals-ignore-case/wildcard as a test on one string."""
    if name in ("prefix", "suffix") and isinstance(operand, Mapping):
        if set(operand) != {"equals-ignore-case"} or not isinstance(
            operand["equals-ignore-case"], str
        ):
            raise DefinitionError(f"{where}: {name} takes a string or {{equals-ignore-case: s}}")
        folded = operand["equals-ignore-case"].casefold()
        if name == "prefix":
            return lambda v: v.casefold().startswith(folded)
        return lambda v: v.casefold().endswith(folded)
    if not isinstance(operand, str):
        raise DefinitionError(f"{where}: {name} takes a string, not {operand!r}")
    tests: dict[str, Callable[[str], bool]] = {
        "prefix": lambda v: v.startswith(operand),
        "suffix": lambda v: v.endswith(operand),
        "equals-ignore-case": lambda v: v.casefold() == operand.casefold(),
        "wildcard": lambda v: _wildcard(operand).fullmatch(v) is not None,
    }
    return tests[name]


def _wildcard(operand: str) -> re.Pattern[str]:
    """``*`` matches any run of characters; ``\\*`` and ``\\\\`` are literal."""
    parts = re.split(r"(\\[*\\]|\*)", operand)
    return re.compile(
        "".join(
            ".*" if p == "*" else re.escape(p[1:] if p in ("\\*", "\\\\") else p) for p in parts
        ),
        re.DOTALL,
    )


def _operator(name: str, operand: Any, leaf: Any, where: str) -> bool:
    if name in ("prefix", "suffix", "equals-ignore-case", "wildcard"):
        return isinstance(leaf, str) and _text_test(name, operand, where)(leaf)
    if name == "anything-but":
        return _anything_but(operand, leaf, where)
    if name == "numeric":
        return _numeric(operand, leaf, where)
    if name == "cidr":
        if not isinstance(operand, str):
            raise DefinitionError(f"{where}: cidr takes a string such as 10.0.0.0/24")
        try:
            network = ipaddress.ip_network(operand, strict=False)
        except ValueError:
            raise DefinitionError(f"{where}: cidr {operand!r} is not a network") from None
        try:
            return isinstance(leaf, str) and ipaddress.ip_address(leaf) in network
        except ValueError:
            return False
    raise DefinitionError(
        f"{where}: pattern operator {name!r} is not one EventBridge documents "
        f"(accepted: exact values, {_OPERATORS})"
    )


def _anything_but(operand: Any, leaf: Any, where: str) -> bool:
    """AWS: ``{"anything-but": {"prefix": "init"}}`` matches every value that is not a string
    starting with "init" (and, as for every filter, not an absent field)."""
    if isinstance(operand, Mapping):
        if len(operand) != 1 or next(iter(operand)) not in (
            "prefix",
            "suffix",
            "equals-ignore-case",
            "wildcard",
        ):
            raise DefinitionError(
                f"{where}: anything-but takes values or one of prefix, suffix, "
                f"equals-ignore-case, wildcard; not {dict(operand)}"
            )
        ((name, inner),) = operand.items()
        values = inner if isinstance(inner, list) else [inner]
        # a number or null has no prefix: it is "anything but" one (EventBridge compares the
        # JSON text, where a string's starts with its quote)
        return not (isinstance(leaf, str) and any(_text_test(name, v, where)(leaf) for v in values))
    excluded = operand if isinstance(operand, list) else [operand]
    return not any(_same(leaf, v) for v in excluded)


def _numeric(operand: Any, leaf: Any, where: str) -> bool:
    if not isinstance(operand, list) or not operand or len(operand) % 2:
        raise DefinitionError(f"{where}: numeric takes [op, number, ...], not {operand!r}")
    if isinstance(leaf, bool) or not isinstance(leaf, int | float):
        return False
    found = Decimal(str(leaf))
    for comparison, bound in zip(operand[::2], operand[1::2], strict=True):
        if (
            comparison not in _COMPARISONS
            or isinstance(bound, bool)
            or not isinstance(bound, int | float)
        ):
            raise DefinitionError(f"{where}: numeric {operand!r}: expected op, number pairs")
        if not _COMPARISONS[comparison](found, Decimal(str(bound))):
            return False
    return True
