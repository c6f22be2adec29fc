"""The runner's `--format json` documents carry `schema_version` and validate against the JSON
Schemas shipped in the package (orderflow_localrun/schemas/, read as package data) and published
in the docs (docs/schemas/localrun-*.schema.json)."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from stack_helpers import ROOT

from orderflow_definitions.cli import SCHEMA_VERSION
from orderflow_localrun.cli import main

RUNS = {
    "order": [
        ["order"],
        ["order", "--template", "sam/orchestration/template.yaml", "--promo",
         "sam/promo/template.yaml", "--outcome", "reject"],
    ],
    "transitions": [["transitions"]],
    "analytics": [["analytics"]],
}  # fmt: skip


def schema(name: str) -> dict[str, Any]:
    shipped = resources.files("orderflow_localrun") / "schemas" / f"{name}.schema.json"
    text = shipped.read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def test_every_schema_is_valid_and_the_docs_publish_it() -> None:
    for name in RUNS:
        Draft202012Validator.check_schema(schema(name))
        published = ROOT / "docs/schemas" / f"localrun-{name}.schema.json"
        assert json.loads(published.read_text()) == schema(name)


@pytest.mark.parametrize("command", sorted(RUNS))
def test_the_real_json_output_of_each_command_validates_against_its_schema(
    command: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    if command == "analytics" and not (ROOT / "sam/analytics/template.yaml").is_file():
        pytest.skip("a project without the analytics stack")
    monkeypatch.chdir(ROOT)
    for argv in RUNS[command]:
        assert main([*argv, "--format", "json", "--quiet"]) == 0
        out, err = capsys.readouterr()
        document = json.loads(out)
        assert (document["schema_version"], err) == (SCHEMA_VERSION, "")
        Draft202012Validator(schema(command)).validate(document)


def test_a_document_that_strays_from_its_schema_is_refused() -> None:
    document = {"schema_version": SCHEMA_VERSION, "template": "t.yaml", "rule": "r", "paths": []}
    validator = Draft202012Validator(schema("transitions"))
    assert validator.is_valid(document)
    assert not validator.is_valid({**document, "schema_version": "0"})
    assert not validator.is_valid({**document, "paths": [{"path": "accepted"}]})
