"""The stacks a CDK cloud assembly (``cdk.out``) deploys, as its ``manifest.json`` lists them.

Each ``aws:cloudformation:stack`` artifact names its template; a ``cdk:cloud-assembly``
artifact (a ``Stage``: CDK Pipelines' stages, an app's environments) is an assembly of its
own in a subfolder, read the same way. Nested stacks' ``*.nested.template.json`` are not
stacks of their own: their parent's template inlines them (orderflow_definitions'
nested_stacks.py). Without a readable manifest, every ``*.template.json`` but the nested ones
is taken.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from costcalc.estimate.template import TemplateError
from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import TEMPLATE_BYTES, read_text

MANIFEST = "manifest.json"
#: Stages may hold stages; deeper than this is taken for a loop.
MAX_ASSEMBLY_DEPTH = 8
_NESTED = ".nested.template.json"


def is_assembly(folder: Path) -> bool:
    """Whether ``folder`` is a cloud assembly: a manifest beside templates or stages."""
    return (folder / MANIFEST).is_file() and (
        any(folder.glob("*.template.json")) or bool(stack_templates(folder))
    )


def stack_templates(folder: Path, depth: int = 0) -> list[Path]:
    """Every stack template the assembly in ``folder`` deploys, its stages' included."""
    manifest = _manifest(folder)
    if manifest is None:
        return sorted(f for f in folder.glob("*.template.json") if not f.name.endswith(_NESTED))
    found: list[Path] = []
    for artifact in (manifest.get("artifacts") or {}).values():
        if not isinstance(artifact, dict):
            continue
        properties = artifact.get("properties") or {}
        if artifact.get("type") == "aws:cloudformation:stack":
            template = properties.get("templateFile")
            if isinstance(template, str) and (folder / template).is_file():
                found.append(folder / template)
        elif artifact.get("type") == "cdk:cloud-assembly" and depth < MAX_ASSEMBLY_DEPTH:
            directory = properties.get("directoryName")
            if isinstance(directory, str) and (folder / directory / MANIFEST).is_file():
                found.extend(stack_templates(folder / directory, depth + 1))
    return found


def _manifest(folder: Path) -> dict[str, Any] | None:
    path = folder / MANIFEST
    if not path.is_file():
        return None
    try:
        document = json.loads(read_text(path, "CDK cloud assembly manifest", TEMPLATE_BYTES))
    except DefinitionError as error:
        raise TemplateError(str(error)) from None
    except json.JSONDecodeError as error:
        raise TemplateError(
            f"{path}: not JSON ({error.msg} at line {error.lineno}); expected the manifest "
            "`cdk synth` writes"
        ) from None
    return document if isinstance(document, dict) and "artifacts" in document else None
