"""A SAM template as the runner deploys it: the kit's one reader (``orderflow_definitions``)
transforms it offline; the runner adds what it needs of its own, each function's local code
folder."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.reader import read_definition


@dataclass(frozen=True)
class TransformedTemplate:
    """A template as CloudFormation sees it, with each function's local code folder."""

    path: Path
    resources: Mapping[str, dict[str, Any]]
    parameters: Mapping[str, Any]  # each declared parameter, as the template declares it
    parameter_values: Mapping[str, Any]  # each one's checked value (None: no default, not given)
    outputs: Mapping[str, dict[str, Any]]
    mappings: Mapping[str, Any]
    conditions: Mapping[str, Any]
    code_dirs: dict[str, Path]

    def of_type(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {k: r for k, r in self.resources.items() if r["Type"] == resource_type}


def _code_dirs(code_uris: Mapping[str, Any], base: Path) -> dict[str, Path]:
    """Each function's local CodeUri folder; the runner runs local code only."""
    dirs: dict[str, Path] = {}
    for logical_id, uri in code_uris.items():
        if not isinstance(uri, str) or uri.startswith("s3://"):
            raise DefinitionError(
                f"{logical_id}: CodeUri {uri!r} is not a local folder; the runner runs local code"
            )
        folder = (base / uri).resolve()
        if not folder.is_dir():
            raise DefinitionError(f"{logical_id}: CodeUri {uri!r} is not a folder ({folder})")
        dirs[logical_id] = folder
    return dirs


def load_template(path: Path, parameters: Mapping[str, str]) -> TransformedTemplate:
    """Read and transform the SAM template at ``path`` with ``parameters`` (name -> value)."""
    found = read_definition(path, parameters)
    return TransformedTemplate(
        path=path,
        resources=found.resources,  # type: ignore[arg-type]
        parameters=found.declared_parameters,
        parameter_values=found.parameters,
        outputs=found.outputs,
        mappings=found.mappings,
        conditions=found.conditions,
        code_dirs=_code_dirs(found.code_uris, path.parent),
    )
