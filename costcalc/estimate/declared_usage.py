"""The usage file a definition names for itself, so that ``costcalc estimate`` needs no flag.

A SAM or CloudFormation template names it in its top-level ``Metadata``::

    Metadata:
      costcalc:
        usage: usage.yml        # a path relative to the template's folder

a Pulumi project in its ``Pulumi.yaml``, as project config the program never reads::

    config:
      costcalcUsage:
        type: string
        default: usage.yml      # relative to the project's folder

The value is a path, or the name of a usage file costcalc ships (``choreography``,
``orchestration``: the kit's order flow, costcalc/data/usage/), which a copied or generated
template keeps wherever it lies. A ``--usage`` file given on the command line wins over it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from costcalc.errors import UsageError

#: The usage files costcalc ships, one per style of the kit's order flow.
BUNDLED = Path(__file__).parents[1] / "data" / "usage"
PULUMI_KEY = "costcalcUsage"
_NAME = re.compile(r"[a-z][a-z0-9-]{0,63}")


def bundled() -> list[str]:
    """The names of the usage files costcalc ships."""
    return sorted(path.stem for path in BUNDLED.glob("*.yaml"))


def from_metadata(written: Mapping[str, Any], where: Path) -> str | None:
    """``Metadata.costcalc.usage`` of a template as written (None: it names none)."""
    metadata = written.get("Metadata")
    costcalc = metadata.get("costcalc") if isinstance(metadata, Mapping) else None
    if costcalc is None:
        return None
    value = costcalc.get("usage") if isinstance(costcalc, Mapping) else costcalc
    return _checked(value, where, "Metadata.costcalc.usage")


def from_pulumi_project(document: Mapping[str, Any], where: Path) -> str | None:
    """The ``costcalcUsage`` project config of a ``Pulumi.yaml`` (its default or value)."""
    config = document.get("config")
    if not isinstance(config, Mapping):
        return None
    name = document.get("name")
    value = config.get(PULUMI_KEY, config.get(f"{name}:{PULUMI_KEY}"))
    if isinstance(value, Mapping):
        value = value.get("value", value.get("default"))
    return None if value is None else _checked(value, where, f"config.{PULUMI_KEY}")


def usage_path(declared: str, folder: Path) -> Path:
    """The file ``declared`` names: a bundled usage file, else a path from ``folder``."""
    if _NAME.fullmatch(declared) and (BUNDLED / f"{declared}.yaml").is_file():
        return BUNDLED / f"{declared}.yaml"
    return folder / declared


def _checked(value: Any, where: Path, key: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise UsageError(
            f"{where}: {key}: {value!r}: expected a usage file's path (relative to the "
            f"definition) or the name of one costcalc ships ({', '.join(bundled())})"
        )
    return value.strip()
