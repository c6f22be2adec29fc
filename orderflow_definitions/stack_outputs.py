"""The one reader of a saved stack-outputs file, shared by the client and the runner's seeding.

`make outputs` and `pulumi stack output --json` write the same shape: one JSON object of output
names and values. A person points the tools at it, so it is read bounded like every user file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from orderflow_definitions.errors import DefinitionError
from orderflow_definitions.files import SMALL_FILE_BYTES, read_text

WRITE_IT = "write it with `make outputs` or `pulumi stack output --json > {name}`"


def read_stack_outputs(path: Path) -> dict[str, Any]:
    """The outputs object in ``path``; a `DefinitionError` naming the file on any failure."""
    text = read_text(path, "stack outputs file", SMALL_FILE_BYTES)
    try:
        values = json.loads(text)
    except (json.JSONDecodeError, RecursionError) as error:
        line = f" (line {error.lineno})" if isinstance(error, json.JSONDecodeError) else ""
        raise DefinitionError(
            f"{path}: not JSON{line}; {WRITE_IT.format(name=path.name)}"
        ) from None
    if not isinstance(values, dict):
        raise DefinitionError(
            f"{path}: expected a JSON object of outputs, got {type(values).__name__}; "
            + WRITE_IT.format(name=path.name)
        )
    return values
