"""The manifest (`manifest.yaml`): which kit files a project gets for which answers, as data."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

MANIFEST = "manifest.yaml"


class ManifestError(Exception):
    """The manifest and the kit disagree: a maintainer's mistake, never a user's."""


def _applies(when: Mapping[str, tuple[str, ...]], answers: Mapping[str, str]) -> bool:
    return all(answers[key] in values for key, values in when.items())


@dataclass(frozen=True)
class Part:
    """Kit files (and per-project template files: template name -> path in the project) that
    projects with the `when` answers get; a `kit_only` part names the kit's files no project
    gets, so that every file of a project's folders belongs to a part."""

    name: str
    when: Mapping[str, tuple[str, ...]]
    kit: tuple[str, ...]
    own: Mapping[str, str]
    kit_only: bool = False

    def applies(self, answers: Mapping[str, str]) -> bool:
        return not self.kit_only and _applies(self.when, answers)


@dataclass(frozen=True)
class NotBuilt:
    """Answers the kit cannot build yet, and why."""

    when: Mapping[str, tuple[str, ...]]
    why: str

    def applies(self, answers: Mapping[str, str]) -> bool:
        return _applies(self.when, answers)


@dataclass(frozen=True)
class Manifest:
    parts: tuple[Part, ...]
    choices: Mapping[str, tuple[str, ...]]
    not_built: tuple[NotBuilt, ...]
    sam_templates: Mapping[str, str]
    promo_template: str
    state_machine: str
    event_source: str
    paths: Mapping[str, tuple[str, ...]]
    regions: tuple[str, ...]

    def own_files(self) -> frozenset[str]:
        """Every per-project template file some part names."""
        return frozenset(name for part in self.parts for name in part.own)


@dataclass(frozen=True)
class Plan:
    """What one project holds: kit files (same path in the project) and its own template files
    (template name -> path in the project)."""

    kit_root: Path
    kit_files: tuple[str, ...]
    own_files: Mapping[str, str]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


def _when(raw: Mapping[str, Any]) -> dict[str, tuple[str, ...]]:
    return {str(k): _strings(v) for k, v in raw.get("when", {}).items()}


@cache
def load_manifest(template_dir: Path) -> Manifest:
    raw = yaml.safe_load((template_dir / MANIFEST).read_text(encoding="utf-8"))
    parts = tuple(
        Part(
            name=str(part["name"]),
            when=_when(part),
            kit=_strings(part.get("kit", [])),
            own={str(k): str(v) for k, v in part.get("own", {}).items()},
            kit_only=part.get("projects") == "none",
        )
        for part in raw["parts"]
    )
    return Manifest(
        parts=parts,
        choices={str(k): _strings(v) for k, v in raw["choices"].items()},
        not_built=tuple(NotBuilt(_when(n), str(n["why"])) for n in raw.get("not_built", [])),
        sam_templates={str(k): str(v) for k, v in raw["sam_templates"].items()},
        promo_template=str(raw["promo_template"]),
        state_machine=str(raw["state_machine"]),
        event_source=str(raw["event_source"]),
        paths={str(name): _strings(events) for name, events in raw["paths"].items()},
        regions=_strings(raw["regions"]),
    )


def expand(kit_root: Path, part: Part) -> list[str]:
    """The kit files `part` names, relative to `kit_root`; a glob matching none is an error."""
    files: list[str] = []
    for pattern in part.kit:
        matches = sorted(
            p for p in kit_root.glob(pattern) if p.is_file() and "__pycache__" not in p.parts
        )
        if not matches:
            raise ManifestError(
                f"{MANIFEST}: part {part.name!r} names {pattern!r}, which matches no file "
                f"in {kit_root}"
            )
        files.extend(p.relative_to(kit_root).as_posix() for p in matches)
    return files


def plan_project(manifest: Manifest, kit_root: Path, answers: Mapping[str, str]) -> Plan:
    """Expand the parts these answers get into the kit's files."""
    files: dict[str, None] = {}
    own: dict[str, str] = {}
    for part in manifest.parts:
        if part.applies(answers):
            own.update(part.own)
            files.update((relative, None) for relative in expand(kit_root, part))
    return Plan(kit_root=kit_root, kit_files=tuple(files), own_files=own)
