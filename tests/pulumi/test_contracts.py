"""The contracts stack's Pulumi program, run under mocks: the registry, its schemas, outputs."""

from __future__ import annotations

import json
import shutil
from functools import cache
from pathlib import Path

import pytest
from pulumi_program import PULUMI_DIR, ROOT, ProgramRun, run_program

from orderflow_infra.contracts import schema_contents

PROJECT = "contracts"
SCHEMA = "aws:schemas/schema:Schema"


@cache
def dev() -> ProgramRun:
    return run_program(PROJECT)


def test_the_stack_exports_the_sam_stack_outputs_under_the_same_names() -> None:
    assert dev().stack_outputs == {
        "RegistryName": "contracts-dev",
        "RegistryArn": "arn:aws:schemas:us-east-1:123456789012:registry/contracts-dev",
    }


def test_every_schema_of_the_contracts_template_is_registered_with_its_content() -> None:
    registered = {s.inputs["name"]: s.inputs for s in dev().of_type(SCHEMA)}
    contents = schema_contents(ROOT / "sam/contracts/template.yaml")

    assert set(registered) == set(contents)
    for name, inputs in registered.items():
        assert inputs["content"] == contents[name]
        assert inputs["registryName"] == "contracts-dev"
        assert inputs["type"] == "JSONSchemaDraft4"
        assert json.loads(inputs["content"])["title"] == name.split("@")[1].rsplit(".v", 1)[0]


def test_a_version_without_a_schema_in_the_contracts_template_stops_the_program(
    tmp_path: Path,
) -> None:
    copy = tmp_path / "pulumi"
    shutil.copytree(PULUMI_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "venv"))
    program = copy / PROJECT / "__main__.py"
    program.write_text(
        program.read_text().replace(
            "    )\n]\n", '    )\n] + [EventVersion("order_placed", 3)]\n', 1
        )
    )

    with pytest.raises(ValueError, match=r"orderflow.orders@order_placed.v3: the contract has no"):
        run_program(PROJECT, pulumi_dir=copy)
