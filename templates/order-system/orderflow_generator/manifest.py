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


@dataclass(frozen=True)
class Part:
    name: str
    when: Mapping[str, tuple[str, ...]]
    kit: tuple[str, ...]
    own: tuple[str, ...]

    def applies(self, answers: Mapping[str, str]) -> bool:
        return all(answers[key] in values for key, values in self.when.items())


@dataclass(frozen=True)
class Manifest:
    parts: tuple[Part, ...]
    choices: Mapping[str, tuple[str, ...]]
    built: Mapping[str, tuple[str, ...]]
    sam_templates: Mapping[str, str]
    event_source: str
    paths: Mapping[str, Mapping[str, tuple[str, ...]]]
    regions: tuple[str, ...]

    def own_files(self) -> frozenset[str]:
        """Every per-project template file some part names."""
        return frozenset(name for part in self.parts for name in part.own)


@dataclass(frozen=True)
class Plan:
    """What one project holds: kit files (same path in the project) and its own template files."""

    kit_root: Path
    kit_files: tuple[str, ...]
    own_files: frozenset[str]


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in (value if isinstance(value, list) else [value]))


@cache
def load_manifest(template_dir: Path) -> Manifest:
    raw = yaml.safe_load((template_dir / MANIFEST).read_text(encoding="utf-8"))
    parts = tuple(
        Part(
            name=str(part["name"]),
            when={str(k): _strings(v) for k, v in part.get("when", {}).items()},
            kit=_strings(part.get("kit", [])),
            own=_strings(part.get("own", [])),
        )
        for part in raw["parts"]
    )
    return Manifest(
        parts=parts,
        choices={str(k): _strings(v) for k, v in raw["choices"].items()},
        built={str(k): _strings(v) for k, v in raw["built"].items()},
        sam_templates={str(k): str(v) for k, v in raw["sam_templates"].items()},
        event_source=str(raw["event_source"]),
        paths={
            str(style): {str(name): _strings(events) for name, events in paths.items()}
            for style, paths in raw["paths"].items()
        },
        regions=_strings(raw["regions"]),
    )


def plan_project(manifest: Manifest, kit_root: Path, answers: Mapping[str, str]) -> Plan:
    """Expand the parts these answers get into the kit's files; a glob matching none is an error."""
    files: dict[str, None] = {}
    own: set[str] = set()
    for part in manifest.parts:
        if not part.applies(answers):
            continue
        own.update(part.own)
        for pattern in part.kit:
            matches = sorted(p for p in kit_root.glob(pattern) if p.is_file())
            if not matches:
                raise ManifestError(
                    f"{MANIFEST}: part {part.name!r} names {pattern!r}, which matches no file "
                    f"in {kit_root}"
                )
            files.update((p.relative_to(kit_root).as_posix(), None) for p in matches)
    return Plan(kit_root=kit_root, kit_files=tuple(files), own_files=frozenset(own))
