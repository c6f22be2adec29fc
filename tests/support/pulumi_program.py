"""The kit's Pulumi projects run under mocks (costcalc.estimate.pulumi_program), by name.

`run_program("orders-choreography")` runs `pulumi/orders-choreography` with its dev stack's
config; `pulumi_dir` points at a modified copy of the projects instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from costcalc.estimate import pulumi_program
from costcalc.estimate.pulumi_program import FakeAws, ProgramRun, Registered, stack_config
from orderflow_infra.deployment import DEFAULT_PROJECT

ROOT = Path(__file__).resolve().parents[2]
PULUMI_DIR = ROOT / "pulumi"

__all__ = ["PULUMI_DIR", "ROOT", "FakeAws", "ProgramRun", "Registered", "project_name",
           "project_tag", "run_program", "stack_config"]  # fmt: skip


def project_name(project: str, pulumi_dir: Path = PULUMI_DIR) -> str:
    """The Pulumi project's name (its Pulumi.yaml `name`), which prefixes its config keys and
    names its stack's resources; a generated project's differs from its folder's name."""
    document = yaml.safe_load((pulumi_dir / project / "Pulumi.yaml").read_text())
    return str(document["name"])


def project_tag(project: str, pulumi_dir: Path = PULUMI_DIR) -> str:
    """The `project` tag the dev stack puts on its resources: its config's `Project` (a
    generated project's slug), else the SAM parameter's default, the kit's name."""
    config = stack_config(pulumi_dir / project)
    return str(config.get(f"{project_name(project, pulumi_dir)}:Project", DEFAULT_PROJECT))


def run_program(
    project: str,
    stack: str = "dev",
    overrides: Mapping[str, Any] | None = None,
    pulumi_dir: Path = PULUMI_DIR,
) -> ProgramRun:
    """Run `<pulumi_dir>/<project>/__main__.py` with its `<stack>` config and `overrides`
    (keys spelt `<project name>:<key>`, as in the config file)."""
    return pulumi_program.run_program(
        pulumi_dir / project, stack, overrides, project=project_name(project, pulumi_dir)
    )
