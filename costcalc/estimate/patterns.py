"""EventBridge event patterns, matched against the domain events of the order flow.

The subset the order stacks and their users write: exact values, ``prefix``, ``suffix``,
``anything-but``, ``exists``, ``equals-ignore-case`` and ``wildcard``, nested to any depth.
An operator outside it is refused rather than guessed.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Callable, Mapping
from typing import Any

from costcalc.errors import UsageError

_MISSING = object()


def matches(pattern: Mapping[str, Any], event: Mapping[str, Any], where: str) -> bool:
    for key, wanted in pattern.items():
        value = event.get(key, _MISSING) if isinstance(event, Mapping) else _MISSING
        if isinstance(wanted, Mapping):
            if not isinstance(value, Mapping) or not matches(wanted, value, where):
                return False
        elif not isinstance(wanted, list):
            raise UsageError(f"{where}: pattern key {key!r}: expected a list or a mapping")
        elif not any(_one(test, value, where) for test in wanted):
            return False
    return True


def _one(test: Any, value: Any, where: str) -> bool:
    values = value if isinstance(value, list) else [value]
    if not isinstance(test, Mapping):
        return test in values
    (operator, operand), *rest = test.items()
    if rest:
        raise UsageError(f"{where}: pattern {dict(test)}: one operator per filter")
    if operator == "exists":
        return (value is not _MISSING) == bool(operand)
    present = [v for v in values if v is not _MISSING]
    if operator == "anything-but":
        excluded = operand if isinstance(operand, list) else [operand]
        return bool(present) and all(v not in excluded for v in present)
    texts = [v for v in present if isinstance(v, str)]
    checks: dict[str, Callable[[str], bool]] = {
        "prefix": lambda v: v.startswith(operand),
        "suffix": lambda v: v.endswith(operand),
        "equals-ignore-case": lambda v: v.lower() == str(operand).lower(),
        "wildcard": lambda v: fnmatch.fnmatchcase(v, str(operand)),
    }
    if operator not in checks or not isinstance(operand, str):
        raise UsageError(
            f"{where}: pattern operator {operator!r} is not one the estimate can match "
            f"(accepted: exact values, exists, anything-but, {', '.join(checks)})"
        )
    return any(checks[operator](v) for v in texts)
