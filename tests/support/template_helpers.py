"""Helpers for the generator's tests: generate projects in-process, copy the kit, run tools."""

from __future__ import annotations

import itertools
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from cookiecutter.main import cookiecutter
from orderflow_generator.manifest import load_manifest

ROOT = Path(__file__).resolve().parents[2]
TEMPLATE = ROOT / "templates/order-system"

BIN = Path(sys.executable).parent
MANIFEST = load_manifest(TEMPLATE)
CHOICES = MANIFEST.choices
ANSWERED = ("style", "iac", "include_promo")
# Every combination of the multiple-choice answers, then those the kit builds and those the
# manifest's `not_built` refuses for now.
COMBOS = [
    dict(zip(ANSWERED, combo, strict=True))
    for combo in itertools.product(*(CHOICES[k] for k in ANSWERED))
]
BUILT = [c for c in COMBOS if not any(n.applies(c) for n in MANIFEST.not_built)]
NOT_BUILT = [c for c in COMBOS if c not in BUILT]
KIT_LEFTOVERS = (".venv", ".venv-checkov", ".git", "build", ".mypy_cache", ".ruff_cache")
ENV = {**os.environ, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}


def combo_id(combo: dict[str, str]) -> str:
    return "-".join(f"{k}={v}" for k, v in combo.items())


def generate(
    output_dir: Path,
    template: Path | str = TEMPLATE,
    accept_hooks: bool = False,
    directory: str | None = None,
    **answers: str,
) -> Path:
    """Generate a project in-process, hooks off (as packaged `sam init` runs templates)."""
    return Path(
        cookiecutter(
            str(template),
            directory=directory,
            no_input=True,
            output_dir=str(output_dir),
            extra_context=answers,
            accept_hooks=accept_hooks,
            default_config={
                "cookiecutters_dir": str(output_dir.parent / ".cookiecutters"),
                "replay_dir": str(output_dir.parent / ".cookiecutter_replay"),
            },
        )
    )


def copy_kit(destination: Path) -> Path:
    """A copy of the kit's sources (no virtual environments, caches or git data)."""
    ignore = shutil.ignore_patterns(*KIT_LEFTOVERS, "__pycache__", "*.egg-info", ".aws-sam")
    shutil.copytree(ROOT, destination, ignore=ignore)
    return destination


def run(*command: str | Path, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(c) for c in command],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**ENV, **env},
        check=False,
    )


# What running a project's tools leaves in it (and its .gitignore ignores): not its files.
RUN_ARTEFACTS = {"__pycache__", ".aws-sam", ".hypothesis"}


def files_under(project: Path) -> set[str]:
    return {
        p.relative_to(project).as_posix()
        for p in project.rglob("*")
        if p.is_file() and not RUN_ARTEFACTS & set(p.parts)
    }


# The required answers with no default: addresses a team can receive mail at.
ADDRESSES = {"sender_email": "orders@test-orders.dev", "alarm_email": "oncall@test-orders.dev"}


def answers_for(combo: dict[str, str], **changes: Any) -> dict[str, str]:
    return {
        "project_name": "Test Orders",
        **ADDRESSES,
        **combo,
        **{k: str(v) for k, v in changes.items()},
    }
