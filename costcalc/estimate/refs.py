"""Which resources a template value names: ``Ref``, ``Fn::GetAtt``, ``${Id}``/``${Id.Attr}``
inside ``Fn::Sub`` strings, and the placeholder ARNs the definition reader puts in state machine
definitions (they carry the logical id), at any depth."""

from __future__ import annotations

import re
from collections.abc import Collection
from typing import Any

_SUB_NAME = re.compile(r"\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}")
_ADDRESSES = ("arn:", "https://")
_PARTS = re.compile(r"[:/]")
#: Deepest nesting walked (a template is a few levels deep; a crafted one is refused quietly).
_MAX_DEPTH = 64


def listed(value: Any) -> list[Any]:
    """``value`` as a list: itself, or [value], or [] for None."""
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def referenced(value: Any) -> str:
    """The logical id a Ref or Fn::GetAtt names, or "" for anything else."""
    if isinstance(value, dict):
        if "Ref" in value:
            return str(value["Ref"])
        attribute = value.get("Fn::GetAtt")
        if isinstance(attribute, list) and attribute:
            return str(attribute[0])
        if isinstance(attribute, str):
            return attribute.split(".")[0]
    return ""


def mentioned(value: Any, known: Collection[str]) -> list[str]:
    """Every logical id of ``known`` that ``value`` references, in the order written."""
    found: dict[str, None] = {}
    _collect(value, known, found, 0)
    return list(found)


def _collect(value: Any, known: Collection[str], found: dict[str, None], depth: int) -> None:
    if depth > _MAX_DEPTH:
        return
    if isinstance(value, dict):
        name = referenced(value)
        if name in known:
            found[name] = None
        for item in value.values():
            _collect(item, known, found, depth + 1)
    elif isinstance(value, list):
        for item in value:
            _collect(item, known, found, depth + 1)
    elif isinstance(value, str):
        found.update(dict.fromkeys(_in_text(value, known)))


def _in_text(value: str, known: Collection[str]) -> list[str]:
    """The logical ids a string names: ``${Id}`` in a Sub, itself, or a placeholder ARN's."""
    if "${" in value:
        return [m.group(1) for m in _SUB_NAME.finditer(value) if m.group(1) in known]
    if value in known:
        return [value]  # a definition filled in by logical id (DefinitionSubstitutions)
    host = value.partition(".execute-api.")
    if host[1] and host[0] in known:
        return [host[0]]  # an API's endpoint (``Id.execute-api.REGION.amazonaws.com``)
    if value.startswith(_ADDRESSES):
        # a placeholder ARN or URL the definition reader wrote: it carries the logical id
        return next(([part] for part in reversed(_PARTS.split(value)) if part in known), [])
    return []
