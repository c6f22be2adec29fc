"""Local ``AWS::Include`` transforms inlined, as ``sam package`` uploads them and CloudFormation
then splices them in: a ``{"Fn::Transform": {"Name": "AWS::Include", ...}}`` value becomes the
file's content, and a ``Fn::Transform`` key inside a mapping merges the file's mapping there."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from orderflow_definitions.documents import parse_document
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import TEMPLATE_BYTES, read_text

#: Included files may include others; a chain longer than this is taken for a loop.
MAX_INCLUDE_DEPTH = 8
_TRANSFORM = "Fn::Transform"


def _included(spec: Any, base: Path, source: str, depth: int) -> Any:
    if not isinstance(spec, dict) or spec.get("Name") != "AWS::Include":
        return None
    location = (spec.get("Parameters") or {}).get("Location")
    if not isinstance(location, str) or not location:
        raise DefinitionError(f"{source}: AWS::Include without a Location")
    if location.startswith(("s3://", "https://")):
        raise DefinitionError(
            f"{source}: AWS::Include {location} is in S3; the reader reads local files only: "
            "point Location at the local file `sam package` would upload"
        )
    if depth >= MAX_INCLUDE_DEPTH:
        raise DefinitionError(f"{source}: AWS::Include nested more than {MAX_INCLUDE_DEPTH} deep")
    path = (base / location).resolve()
    content = parse_document(read_text(path, "included file", TEMPLATE_BYTES), str(path))
    return inline_includes(content, path.parent, str(path), depth + 1)


def inline_includes(value: Any, base: Path, source: str, depth: int = 0) -> Any:
    """``value`` with every local AWS::Include replaced by the file it names (relative to
    ``base``, the including file's folder)."""
    if isinstance(value, list):
        return [inline_includes(item, base, source, depth) for item in value]
    if not isinstance(value, dict):
        return value
    if set(value) == {_TRANSFORM}:
        found = _included(value[_TRANSFORM], base, source, depth)
        if found is not None:
            return found
    result: dict[str, Any] = {}
    for key, item in value.items():
        found = _included(item, base, source, depth) if key == _TRANSFORM else None
        if found is None:
            result[key] = inline_includes(item, base, source, depth)
        elif isinstance(found, dict):
            result.update(found)
        else:
            raise DefinitionError(
                f"{source}: AWS::Include {item['Parameters']['Location']} holds no mapping "
                "to merge here"
            )
    return result
